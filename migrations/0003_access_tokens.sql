-- Read model of the access_tokens projection: bearer tokens by the SHA-256 of their secret.
-- Requests are authenticated against this table; the log keeps who issued and revoked what.
CREATE TABLE access_tokens (
  token_sha256 text PRIMARY KEY,
  token_id uuid NOT NULL UNIQUE,
  kind text NOT NULL,
  subject text NOT NULL,
  role text NOT NULL,
  label text NOT NULL,
  active boolean NOT NULL,
  issued_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX access_tokens_subject ON access_tokens (kind, subject);
