-- Read model of the providers projection (seeds 000, 001): marketplace apps and the providers
-- they become, their versions, their configuration versions and the publication gates. Built
-- from the "app-<id>" streams; natural keys only, so a rebuild replays to the same rows.

-- One row per registered app. `provider_code` is set once the communications scope is on (it is
-- the app's system name). Test-stand results are per party: NULL while not reported.
CREATE TABLE apps (
  app_id text PRIMARY KEY,
  system_name text NOT NULL UNIQUE,
  developer_id text NOT NULL,
  provider_code text UNIQUE,
  scope_enabled_in text,
  active_configuration bigint,
  moderation text NOT NULL DEFAULT 'pending'
    CHECK (moderation IN ('pending', 'approved', 'rejected')),
  moderation_comment text NOT NULL DEFAULT '',
  provider_test_passed boolean,
  provider_test_comment text NOT NULL DEFAULT '',
  crm_test_passed boolean,
  crm_test_comment text NOT NULL DEFAULT '',
  production_approved boolean NOT NULL DEFAULT false,
  production_comment text NOT NULL DEFAULT '',
  published boolean NOT NULL DEFAULT false,
  registered_at timestamptz NOT NULL,
  published_at timestamptz
);
CREATE INDEX apps_developer ON apps (developer_id);

-- App version -> the configuration version bound to it (NULL: none yet). `global_position` of
-- the announcing event keeps the marketplace's order.
CREATE TABLE app_versions (
  app_id text NOT NULL,
  version text NOT NULL,
  configuration_version bigint,
  global_position bigint NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (app_id, version)
);

-- Every configuration version a provider uploaded. Exactly one per app is 'active' (the newest),
-- earlier ones are 'inactive' or, once deleted, 'deleted'.
CREATE TABLE provider_configurations (
  app_id text NOT NULL,
  provider_code text NOT NULL,
  version bigint NOT NULL,
  app_version text NOT NULL,
  endpoints jsonb NOT NULL,
  auth_type text NOT NULL,
  state text NOT NULL CHECK (state IN ('active', 'inactive', 'deleted')),
  uploaded_at timestamptz NOT NULL,
  deleted_at timestamptz,
  PRIMARY KEY (app_id, version)
);
CREATE INDEX provider_configurations_code ON provider_configurations (provider_code, version);
