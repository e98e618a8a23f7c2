-- Read model of the stream_catalog projection: every stream with its category, version and last
-- activity, for operators (admin CLI) and as the reference model of the projection tests.
CREATE TABLE stream_catalog (
  stream_id text PRIMARY KEY,
  category text NOT NULL,
  version bigint NOT NULL,
  event_count bigint NOT NULL,
  last_event_type text NOT NULL,
  last_recorded_at timestamptz NOT NULL
);
CREATE INDEX stream_catalog_category ON stream_catalog (category, last_recorded_at);
