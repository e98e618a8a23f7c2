-- How the account sync an activation starts (list_accounts, then the history import) ended, so
-- the CRM's connection view can say "still syncing", "synced: N accounts, M chats" or "sync
-- failed: reason" (docs/messaging.md, "Account sync"). sync_state is 'syncing', 'synced' or
-- 'failed'; NULL for a connection activated before sync outcomes were recorded: nothing in the
-- log says how its sync went, and a rebuild leaves it NULL too.
ALTER TABLE messaging_connections
  ADD COLUMN sync_state text,
  ADD COLUMN sync_finished_at timestamptz,
  ADD COLUMN sync_reason text,
  ADD COLUMN sync_detail text,
  ADD COLUMN sync_accounts integer,
  ADD COLUMN sync_chats integer;
