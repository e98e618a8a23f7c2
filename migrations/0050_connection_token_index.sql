-- The public API's error log names who called by the SHA-256 of the caller's token among every
-- connection, active or not: a deactivated token's 401s are what its provider most needs to see
-- (api/errors/error_log.cpp). messaging_connections_token (0020) holds only the active
-- connections (WHERE active: at most one active connection per token), so that lookup, which
-- cannot say `active`, read the whole table for every batch of errors. This one holds them all;
-- the unique index stays, for the rule and for the authenticator's lookup of active tokens.
CREATE INDEX messaging_connections_any_token ON messaging_connections (token_sha256);
