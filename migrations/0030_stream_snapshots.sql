-- Aggregate states saved every so many events (commands/pipeline.hpp, domain::Snapshotting), so
-- a stream with a long history is read from its newest snapshot when a node first needs it, not
-- from its first event: a CTI line receives every message the CTI API sends for its login, for
-- as long as the login is in use. Derived data, never part of the history: deleting rows costs
-- only longer reads, and `format` lets a build ignore snapshots laid out by another.
CREATE TABLE stream_snapshots (
  stream_id text PRIMARY KEY,
  version bigint NOT NULL,
  format text NOT NULL,
  state text NOT NULL,
  taken_at timestamptz NOT NULL DEFAULT now()
);
