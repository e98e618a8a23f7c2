-- What an inbound message writes besides its event, cut where no reader needs it (measured in
-- docs/benchmarks.md, "What a message costs PostgreSQL"):
-- - messaging_messages_unseen served only ChatRead's recount of a chat's unread messages; the
--   projection now subtracts the messages a read marks seen instead (the count is the chat's
--   inbound messages not seen, kept exactly: +1 per unseen inbound message, -1 per one marked).
-- - messaging_messages_provider_id checked a uniqueness the chat aggregate already enforces (a
--   provider message id is recorded once per chat, domain/messaging/chat.cpp) and no read looks
--   a message up by it. Without either index, an inbound message's row carries two index entries
--   instead of four, and a delivery or status change of an outbound message is a HOT update.
-- - streams: every append rewrites its stream's row (the version); with room left on each page
--   the rewrite stays on the page and adds no index entries (a third of them did not).
-- - messaging_chats: a chat's row is rewritten with every batch that adds to it; room on its
--   page keeps the new version there (its index entries still change: the list position is
--   indexed).
DROP INDEX messaging_messages_unseen;
DROP INDEX messaging_messages_provider_id;
ALTER TABLE streams SET (fillfactor = 70);
ALTER TABLE messaging_chats SET (fillfactor = 70);
