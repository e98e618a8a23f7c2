-- append_batch's notification now says what it appended, "<transaction id>:<type>,<type>...":
-- a projection runner wakes only the projections that read one of those event types, instead of
-- every projection after every batch (eventstore/notifier.hpp). The transaction id lets a runner
-- tell when a transaction that hid a wanted one from its readers has ended. A payload past
-- NOTIFY's 8000 bytes is sent empty, which wakes every projection, as every notification did
-- before. Otherwise unchanged from 0036.

CREATE OR REPLACE FUNCTION append_batch(batch jsonb)
RETURNS TABLE (idx integer, status text, stream_version bigint, first_position bigint,
               last_position bigint)
LANGUAGE plpgsql AS $$
DECLARE
  current_epoch integer;
  names text[];
  repeated boolean;
  empty boolean;
  keyed boolean;
  settled integer[] := '{}';
  claimed text[] := '{}';
  conflicted integer[] := '{}';
  appended boolean := false;
  found record;
  notice text;
BEGIN
  SELECT array_agg(r.v ->> 's' ORDER BY r.v ->> 's'), count(DISTINCT r.v ->> 's') <> count(*),
         bool_or(coalesce(jsonb_array_length(r.v -> 'ev'), 0) = 0),
         coalesce(bool_or(r.v ->> 'k' IS NOT NULL), false), (SELECT epoch FROM store_epoch)
  INTO names, repeated, empty, keyed, current_epoch
  FROM jsonb_array_elements(batch) r(v);
  IF repeated THEN
    RAISE EXCEPTION 'append_batch: a batch holds at most one request per stream';
  END IF;
  IF empty THEN
    RAISE EXCEPTION 'append_batch: every request appends at least one event';
  END IF;

  -- Idempotency keys: claim new ones; a key already taken answers with its stored result. Two
  -- statements: the lookup must see a key whose claim the first one waited for.
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
      CROSS JOIN LATERAL (SELECT * FROM idempotency_keys x WHERE x.key = r.v ->> 'k' LIMIT 1) ik
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

  -- Lock every stream of the batch in one order, so concurrent batches cannot deadlock. The
  -- locks are advisory, keyed by the stream id's hash (a shared hash only serialises two
  -- streams' appends): a row lock wrote a WAL record per stream on top of the version's update,
  -- and an advisory lock also covers a stream not created yet. Everything that changes a
  -- stream's version goes through here. Class 0x73747265 ('stre') keeps the keys apart from the
  -- single-key advisory locks of projection and CTI ownership.
  PERFORM pg_advisory_xact_lock(1937011301, h)
  FROM (SELECT DISTINCT hashtext(n) AS h FROM unnest(names) n ORDER BY h) k;

  -- Event ids already recorded: a retry after an unknown outcome gets the original result. A
  -- statement of its own, after the locks: it sees what the lock holders committed.
  FOR found IN
    SELECT r.i::integer AS i, count(*) AS n, max(jsonb_array_length(r.v -> 'ev')) AS wanted,
           bool_and(ev.stream_id = r.v ->> 's') AS same_stream,
           max(ev.stream_version) AS version, min(ev.global_position) AS first_pos,
           max(ev.global_position) AS last_pos
    FROM jsonb_array_elements(batch) WITH ORDINALITY r(v, i)
    CROSS JOIN LATERAL jsonb_array_elements(r.v -> 'ev') e
    CROSS JOIN LATERAL (SELECT x.stream_id, x.stream_version, x.global_position FROM events x
                        WHERE x.event_id = (e ->> 'id')::uuid LIMIT 1) ev
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

  -- Compare-and-swap each stream's version (new streams are created when the request allows
  -- it), insert the accepted requests' events numbered from the versions the swap returned,
  -- remember the accepted requests' keys and release the others' (the caller may retry with
  -- them). Requests neither settled nor accepted are conflicts.
  FOR found IN
    WITH reqs AS (
      SELECT r.i::integer AS i, r.v AS v, r.v ->> 's' AS s, (r.v ->> 'e')::bigint AS e,
             jsonb_array_length(r.v -> 'ev') AS n
      FROM jsonb_array_elements(batch) WITH ORDINALITY r(v, i)
      WHERE NOT (r.i::integer = ANY (settled))
    ), updated AS (
      UPDATE streams st SET version = st.version + reqs.n
      FROM reqs
      WHERE st.stream_id = ANY (names) AND st.stream_id = reqs.s
        AND (reqs.e = -1 OR st.version = reqs.e)
      RETURNING reqs.i, st.version
    ), created AS (
      INSERT INTO streams (stream_id, category, version)
      SELECT reqs.s, reqs.v ->> 'c', reqs.n FROM reqs
      WHERE reqs.e IN (-1, 0) AND NOT EXISTS (SELECT 1 FROM streams x WHERE x.stream_id = reqs.s)
      ORDER BY reqs.s
      ON CONFLICT (stream_id) DO NOTHING
      RETURNING streams.stream_id, streams.version
    ), accepted AS (
      SELECT updated.i, updated.version FROM updated
      UNION ALL
      SELECT reqs.i, created.version FROM reqs JOIN created ON created.stream_id = reqs.s
    ), ins AS (
      INSERT INTO events (epoch, stream_id, stream_version, event_id, event_type, data, metadata)
      SELECT current_epoch, reqs.s, a.version - reqs.n + e.o, (e.ev ->> 'id')::uuid,
             e.ev ->> 't', e.ev -> 'd', coalesce(e.ev -> 'm', '{}'::jsonb)
      FROM accepted a JOIN reqs ON reqs.i = a.i
      CROSS JOIN LATERAL jsonb_array_elements(reqs.v -> 'ev') WITH ORDINALITY e(ev, o)
      ORDER BY a.i, e.o
      RETURNING events.stream_id, events.stream_version, events.global_position
    ), outcome AS (
      SELECT reqs.i, reqs.v ->> 'k' AS k, max(ins.stream_version) AS version,
             min(ins.global_position) AS first_pos, max(ins.global_position) AS last_pos
      FROM ins JOIN reqs ON reqs.s = ins.stream_id
      GROUP BY reqs.i, reqs.v ->> 'k'
    ), remembered AS (
      UPDATE idempotency_keys ik
      SET stream_version = o.version, first_position = o.first_pos, last_position = o.last_pos
      FROM outcome o WHERE ik.key = ANY (claimed) AND ik.key = o.k
    ), released AS (
      DELETE FROM idempotency_keys
      WHERE keyed AND key = ANY (claimed)
        AND key NOT IN (SELECT reqs.v ->> 'k' FROM reqs JOIN accepted ON accepted.i = reqs.i
                        WHERE reqs.v ->> 'k' IS NOT NULL)
    )
    SELECT o.i, true AS ok, o.version, o.first_pos, o.last_pos FROM outcome o
    UNION ALL
    SELECT reqs.i, false, NULL::bigint, NULL::bigint, NULL::bigint FROM reqs
    WHERE NOT EXISTS (SELECT 1 FROM accepted WHERE accepted.i = reqs.i)
  LOOP
    IF found.ok THEN
      appended := true;
      idx := found.i;
      status := 'ok';
      stream_version := found.version;
      first_position := found.first_pos;
      last_position := found.last_pos;
      RETURN NEXT;
    ELSE
      conflicted := conflicted || found.i;
    END IF;
  END LOOP;

  -- A conflict reports the stream's version as it is now (a stream created meanwhile included).
  IF cardinality(conflicted) > 0 THEN
    RETURN QUERY
    SELECT c.i, 'conflict'::text,
           coalesce((SELECT x.version FROM streams x WHERE x.stream_id = batch -> (c.i - 1) ->> 's'),
                    0),
           NULL::bigint, NULL::bigint
    FROM unnest(conflicted) c(i);
  END IF;

  IF appended THEN
    SELECT pg_current_xact_id()::text || ':' || string_agg(DISTINCT e.ev ->> 't', ',')
    INTO notice
    FROM jsonb_array_elements(batch) r(v), jsonb_array_elements(r.v -> 'ev') e(ev);
    PERFORM pg_notify('switchboard_events', CASE WHEN length(notice) < 8000 THEN notice ELSE '' END);
  END IF;
END
$$;
