-- ANALYZE samples 300 rows per point of the largest statistics target among a table's columns
-- and expression indexes: 30,000 rows at the default of 100, each with its jsonb detoasted and
-- sorted. On the two tables that grow with every message, `events` and `messaging_messages`, one
-- analyze took 0.2-0.4 s of a core, and autovacuum analyzes a table whenever it grew by a tenth:
-- every few seconds for each while a young store takes 10,000 messages a second, half the
-- machine taken from the appends for a third of a second each time (a tenth of PostgreSQL's CPU
-- in a profile of that run, and the requests caught under it make the latency's tail).
--
-- Their plans need little from the statistics: every query finds its rows through a unique or
-- leading index key, and the distributions hardly change shape as the log grows. A target of 10
-- (3,000 sampled rows) keeps row counts, distinct counts and the common event types; the bodies
-- get none, since no query filters on them. ANALYZE on these tables now takes about 20 ms.
ALTER TABLE events
  ALTER COLUMN global_position SET STATISTICS 10,
  ALTER COLUMN epoch SET STATISTICS 10,
  ALTER COLUMN tx_id SET STATISTICS 10,
  ALTER COLUMN stream_id SET STATISTICS 10,
  ALTER COLUMN stream_version SET STATISTICS 10,
  ALTER COLUMN event_id SET STATISTICS 10,
  ALTER COLUMN event_type SET STATISTICS 10,
  ALTER COLUMN recorded_at SET STATISTICS 10,
  ALTER COLUMN data SET STATISTICS 0,
  ALTER COLUMN metadata SET STATISTICS 0;
ALTER INDEX events_correlation ALTER COLUMN 1 SET STATISTICS 10;
ALTER INDEX events_tenant ALTER COLUMN 1 SET STATISTICS 10;

ALTER TABLE messaging_messages
  ALTER COLUMN message_id SET STATISTICS 10,
  ALTER COLUMN tenant_id SET STATISTICS 10,
  ALTER COLUMN provider_code SET STATISTICS 10,
  ALTER COLUMN chat_id SET STATISTICS 10,
  ALTER COLUMN provider_message_id SET STATISTICS 10,
  ALTER COLUMN direction SET STATISTICS 10,
  ALTER COLUMN account_id SET STATISTICS 10,
  ALTER COLUMN user_id SET STATISTICS 10,
  ALTER COLUMN format SET STATISTICS 10,
  ALTER COLUMN status SET STATISTICS 10,
  ALTER COLUMN seen SET STATISTICS 10,
  ALTER COLUMN silent SET STATISTICS 10,
  ALTER COLUMN sent_at SET STATISTICS 10,
  ALTER COLUMN position SET STATISTICS 10,
  ALTER COLUMN updated_at SET STATISTICS 10,
  ALTER COLUMN not_sent_reason SET STATISTICS 10,
  ALTER COLUMN not_sent_detail SET STATISTICS 10,
  ALTER COLUMN sender SET STATISTICS 0,
  ALTER COLUMN text SET STATISTICS 0,
  ALTER COLUMN entities SET STATISTICS 0,
  ALTER COLUMN attachments SET STATISTICS 0;
