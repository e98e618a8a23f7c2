-- Update notices to providers (seed 000, "Удобство" 3) and which developer has acknowledged which:
-- the `provider_notices` projection's read model, read by the developer API. `providers` is the
-- JSON array of codes a notice concerns, empty for every provider.
CREATE TABLE provider_notices (
  notice_id text PRIMARY KEY,
  global_position bigint NOT NULL UNIQUE,
  title_ru text NOT NULL,
  title_en text NOT NULL,
  body_ru text NOT NULL,
  body_en text NOT NULL,
  api_version text NOT NULL,
  effective_date date,
  providers jsonb NOT NULL,
  endpoints jsonb NOT NULL,
  published_at timestamptz NOT NULL
);

CREATE TABLE provider_notice_acknowledgements (
  notice_id text NOT NULL,
  developer_id text NOT NULL,
  provider_code text NOT NULL,
  acknowledged_at timestamptz NOT NULL,
  PRIMARY KEY (notice_id, developer_id)
);
