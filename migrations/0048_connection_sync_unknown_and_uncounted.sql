-- The connections' account sync as the CRM API now shows it (docs/messaging.md, "Account sync"),
-- so the live table is what a rebuild produces:
-- - an activation recorded before sync outcomes were has sync_state 'unknown' rather than NULL:
--   the connection view says so in `sync.state` instead of leaving `sync` null. A row written
--   without a state says nothing of its sync either: 'unknown' is the default.
-- - a sync the end of its activation failed (connection_deactivated, token_replaced) has no
--   counts: the 0s recorded for it were not counts, how far the worker had got is not known.
UPDATE messaging_connections SET sync_state = 'unknown' WHERE sync_state IS NULL;
ALTER TABLE messaging_connections ALTER COLUMN sync_state SET DEFAULT 'unknown',
  ALTER COLUMN sync_state SET NOT NULL;
UPDATE messaging_connections SET sync_accounts = NULL, sync_chats = NULL
  WHERE sync_reason IN ('connection_deactivated', 'token_replaced');
