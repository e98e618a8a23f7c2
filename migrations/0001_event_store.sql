-- The event store: streams with versions, an append-only event log and idempotency records.
-- Ordering and append rules are in docs/architecture.md ("Event store").

-- The application connects as switchboard_app; migrations run as the owner. The application may
-- read and append events but never rewrite them: the log is the audit trail.
DO $$
BEGIN
  CREATE ROLE switchboard_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END
$$;

-- Bumped when the log is restored into another cluster (transaction ids restart there), so the
-- global order (epoch, tx_id, global_position) stays increasing across the move.
CREATE TABLE store_epoch (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  epoch integer NOT NULL
);
INSERT INTO store_epoch (epoch) VALUES (1);

CREATE TABLE streams (
  stream_id text PRIMARY KEY,
  category text NOT NULL,
  version bigint NOT NULL
);
CREATE INDEX streams_category ON streams (category);

CREATE TABLE events (
  global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  epoch integer NOT NULL,
  tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id text NOT NULL,
  stream_version bigint NOT NULL,
  event_id uuid NOT NULL UNIQUE,
  event_type text NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, stream_version)
);
CREATE INDEX events_global_order ON events (epoch, tx_id, global_position);
CREATE INDEX events_tenant ON events ((metadata ->> 'tenant'), recorded_at);
CREATE INDEX events_correlation ON events ((metadata ->> 'correlation_id'));

-- Belt and braces beside the grants: even the owner cannot rewrite history by accident.
CREATE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_are_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_are_append_only();

-- An idempotency key remembers the request it answered (a hash of the command) and its result.
CREATE TABLE idempotency_keys (
  key text PRIMARY KEY,
  request_hash text NOT NULL,
  stream_id text NOT NULL,
  stream_version bigint,
  first_position bigint,
  last_position bigint,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- append_batch: one round trip for many appends (group commit). The batch is a JSON array of
--   {"s": stream_id, "c": category, "e": expected version (-1 any, 0 no stream, n exact),
--    "k": idempotency key or null, "h": request hash or null,
--    "ev": [{"id": uuid, "t": type, "d": data, "m": metadata}, ...]}
-- with distinct stream ids. Each request gets its own outcome row; one request's conflict leaves
-- the others untouched. Statuses: ok, duplicate (a retry: the original result is returned),
-- conflict, idempotency_mismatch (same key, other request), duplicate_event_id (an event id used
-- by another request).
CREATE FUNCTION append_batch(batch jsonb)
RETURNS TABLE (idx integer, status text, stream_version bigint, first_position bigint,
               last_position bigint)
LANGUAGE plpgsql AS $$
DECLARE
  current_epoch integer;
  names text[];
  keyed boolean;
  settled integer[] := '{}';
  claimed text[] := '{}';
  accepted integer[];
  found record;
BEGIN
  -- Lookups below are written as LATERAL index probes: the planner cannot estimate the size of
  -- a jsonb array and would otherwise hash-join whole tables.
  SELECT array_agg(r ->> 's' ORDER BY r ->> 's') INTO names FROM jsonb_array_elements(batch) r;
  IF cardinality(names) <> (SELECT count(DISTINCT n) FROM unnest(names) n) THEN
    RAISE EXCEPTION 'append_batch: a batch holds at most one request per stream';
  END IF;
  IF EXISTS (SELECT 1 FROM jsonb_array_elements(batch) r
             WHERE coalesce(jsonb_array_length(r -> 'ev'), 0) = 0) THEN
    RAISE EXCEPTION 'append_batch: every request appends at least one event';
  END IF;
  SELECT epoch INTO current_epoch FROM store_epoch;
  keyed := jsonb_path_exists(batch, '$[*].k ? (@ != null)');

  -- Idempotency keys: claim new ones; a key already taken answers with its stored result.
  IF keyed THEN
    WITH ins AS (
      INSERT INTO idempotency_keys (key, request_hash, stream_id)
      SELECT r ->> 'k', r ->> 'h', r ->> 's' FROM jsonb_array_elements(batch) r
      WHERE r ->> 'k' IS NOT NULL ORDER BY r ->> 'k'
      ON CONFLICT (key) DO NOTHING RETURNING key
    )
    SELECT coalesce(array_agg(key), '{}') INTO claimed FROM ins;

    FOR found IN
      SELECT r.i::integer AS i, ik.request_hash = r.v ->> 'h' AS same, ik.stream_version,
             ik.first_position, ik.last_position
      FROM jsonb_array_elements(batch) WITH ORDINALITY r(v, i)
      CROSS JOIN LATERAL (SELECT * FROM idempotency_keys x WHERE x.key = r.v ->> 'k') ik
      WHERE r.v ->> 'k' IS NOT NULL AND NOT (r.v ->> 'k' = ANY (claimed))
    LOOP
      settled := settled || found.i;
      idx := found.i;
      status := CASE WHEN found.same THEN 'duplicate' ELSE 'idempotency_mismatch' END;
      stream_version := found.stream_version;
      first_position := found.first_position;
      last_position := found.last_position;
      RETURN NEXT;
    END LOOP;
  END IF;

  -- Lock every stream of the batch in one order, so concurrent batches cannot deadlock.
  PERFORM 1 FROM streams WHERE stream_id = ANY (names) ORDER BY stream_id FOR UPDATE;

  -- Event ids already recorded: a retry after an unknown outcome gets the original result.
  FOR found IN
    SELECT r.i::integer AS i, count(*) AS n, max(jsonb_array_length(r.v -> 'ev')) AS wanted,
           bool_and(ev.stream_id = r.v ->> 's') AS same_stream,
           max(ev.stream_version) AS version, min(ev.global_position) AS first_pos,
           max(ev.global_position) AS last_pos
    FROM jsonb_array_elements(batch) WITH ORDINALITY r(v, i)
    CROSS JOIN LATERAL jsonb_array_elements(r.v -> 'ev') e
    CROSS JOIN LATERAL (SELECT x.stream_id, x.stream_version, x.global_position FROM events x
                        WHERE x.event_id = (e ->> 'id')::uuid) ev
    WHERE NOT (r.i::integer = ANY (settled))
    GROUP BY r.i
  LOOP
    settled := settled || found.i;
    idx := found.i;
    status := CASE WHEN found.same_stream AND found.n = found.wanted THEN 'duplicate'
                   ELSE 'duplicate_event_id' END;
    stream_version := found.version;
    first_position := found.first_pos;
    last_position := found.last_pos;
    RETURN NEXT;
  END LOOP;

  -- Compare-and-swap each stream's version; new streams are created when the request allows it.
  WITH reqs AS (
    SELECT r.i::integer AS i, r.v ->> 's' AS s, r.v ->> 'c' AS c, (r.v ->> 'e')::bigint AS e,
           jsonb_array_length(r.v -> 'ev') AS n
    FROM jsonb_array_elements(batch) WITH ORDINALITY r(v, i)
    WHERE NOT (r.i::integer = ANY (settled))
  ), updated AS (
    UPDATE streams st SET version = st.version + reqs.n
    FROM reqs
    WHERE st.stream_id = ANY (names) AND st.stream_id = reqs.s
      AND (reqs.e = -1 OR st.version = reqs.e)
    RETURNING reqs.i
  ), created AS (
    INSERT INTO streams (stream_id, category, version)
    SELECT reqs.s, reqs.c, reqs.n FROM reqs
    WHERE reqs.e IN (-1, 0) AND NOT EXISTS (SELECT 1 FROM streams x WHERE x.stream_id = reqs.s)
    ORDER BY reqs.s
    ON CONFLICT (stream_id) DO NOTHING
    RETURNING stream_id
  )
  SELECT coalesce(array_agg(i), '{}') INTO accepted
  FROM (SELECT i FROM updated
        UNION ALL
        SELECT reqs.i FROM reqs JOIN created ON created.stream_id = reqs.s) a;

  RETURN QUERY
  SELECT r.i::integer, 'conflict', coalesce((SELECT x.version FROM streams x
                                             WHERE x.stream_id = r.v ->> 's'), 0),
         NULL::bigint, NULL::bigint
  FROM jsonb_array_elements(batch) WITH ORDINALITY r(v, i)
  WHERE NOT (r.i::integer = ANY (settled)) AND NOT (r.i::integer = ANY (accepted));

  -- A claimed key whose request did not go through is released: the caller may retry with it.
  IF keyed THEN
    DELETE FROM idempotency_keys
    WHERE key = ANY (claimed)
      AND key NOT IN (SELECT r.v ->> 'k' FROM jsonb_array_elements(batch) WITH ORDINALITY r(v, i)
                      WHERE r.i::integer = ANY (accepted) AND r.v ->> 'k' IS NOT NULL);
  END IF;
  IF cardinality(accepted) = 0 THEN
    RETURN;
  END IF;

  RETURN QUERY
  WITH reqs AS (
    SELECT r.i::integer AS i, r.v AS v,
           (SELECT x.version FROM streams x WHERE x.stream_id = r.v ->> 's') AS version
    FROM jsonb_array_elements(batch) WITH ORDINALITY r(v, i)
    WHERE r.i::integer = ANY (accepted)
  ), numbered AS (
    SELECT reqs.i, reqs.v ->> 's' AS s,
           reqs.version - jsonb_array_length(reqs.v -> 'ev') + e.o AS version, e.ev
    FROM reqs
    CROSS JOIN LATERAL jsonb_array_elements(reqs.v -> 'ev') WITH ORDINALITY e(ev, o)
    ORDER BY reqs.i, e.o
  ), ins AS (
    INSERT INTO events (epoch, stream_id, stream_version, event_id, event_type, data, metadata)
    SELECT current_epoch, numbered.s, numbered.version, (numbered.ev ->> 'id')::uuid,
           numbered.ev ->> 't', numbered.ev -> 'd', coalesce(numbered.ev -> 'm', '{}'::jsonb)
    FROM numbered
    RETURNING events.stream_id, events.stream_version, events.global_position
  ), outcome AS (
    SELECT reqs.i, reqs.v ->> 'k' AS k, max(ins.stream_version) AS version,
           min(ins.global_position) AS first_pos, max(ins.global_position) AS last_pos
    FROM ins JOIN reqs ON reqs.v ->> 's' = ins.stream_id
    GROUP BY reqs.i, reqs.v ->> 'k'
  ), remembered AS (
    UPDATE idempotency_keys ik
    SET stream_version = o.version, first_position = o.first_pos, last_position = o.last_pos
    FROM outcome o WHERE ik.key = ANY (claimed) AND ik.key = o.k
  )
  SELECT o.i, 'ok'::text, o.version, o.first_pos, o.last_pos FROM outcome o;

  PERFORM pg_notify('switchboard_events', '');
END
$$;

GRANT SELECT, INSERT ON events, streams TO switchboard_app;
GRANT UPDATE ON streams TO switchboard_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO switchboard_app;
GRANT SELECT ON store_epoch TO switchboard_app;
GRANT EXECUTE ON FUNCTION append_batch(jsonb) TO switchboard_app;

-- Read models and checkpoints created by later migrations are the application's to write.
ALTER DEFAULT PRIVILEGES GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO switchboard_app;
ALTER DEFAULT PRIVILEGES GRANT USAGE, SELECT ON SEQUENCES TO switchboard_app;

CREATE TABLE projection_checkpoints (
  name text PRIMARY KEY,
  epoch integer NOT NULL DEFAULT 0,
  tx_id xid8 NOT NULL DEFAULT '0'::xid8,
  global_position bigint NOT NULL DEFAULT 0,
  events_applied bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE, DELETE ON projection_checkpoints TO switchboard_app;
