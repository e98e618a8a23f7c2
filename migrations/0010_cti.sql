-- CTI middleware read models (seed 004). Natural keys only, so a rebuild replays to the same rows.

-- cti_event_cache projection: the events each CTI login has not acknowledged yet. seq is the
-- event's version in its ctiline-<login> stream; agents acknowledge by seq (GET /api/v1/events
-- ?after=seq) and the acknowledged rows are deleted.
CREATE TABLE cti_event_cache (
  cti_login text NOT NULL,
  seq bigint NOT NULL,
  name text NOT NULL,
  body jsonb NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (cti_login, seq)
);

CREATE TABLE cti_delivery (
  cti_login text PRIMARY KEY,
  acked_seq bigint NOT NULL
);

-- cti_directory projection: agents and their sessions, for operators (admin CLI) and for the
-- connector, which re-attaches every login with an open session after a restart.
CREATE TABLE cti_agents (
  login text PRIMARY KEY,
  cti_login text NOT NULL,
  enabled boolean NOT NULL,
  registered_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX cti_agents_cti_login ON cti_agents (cti_login);

CREATE TABLE cti_sessions (
  session_id text PRIMARY KEY,
  agent_login text NOT NULL,
  cti_login text NOT NULL,
  started_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  ended_at timestamptz
);
CREATE INDEX cti_sessions_open ON cti_sessions (cti_login) WHERE ended_at IS NULL;
