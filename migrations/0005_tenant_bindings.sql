-- Read model of the tenant_bindings projection (seed 001, "configuration per tenant"): which
-- provider configuration each tenant is bound to, and how the binding moved. Natural keys only,
-- so a rebuild replays to the same rows.

-- The current binding per tenant and app. `active` is false once the app was disabled or removed
-- for the tenant; `sandbox` marks test-stand tenants, whose data never mixes with production.
CREATE TABLE tenant_bindings (
  tenant_id text NOT NULL,
  app_id text NOT NULL,
  provider_code text NOT NULL,
  app_version text NOT NULL,
  configuration_version bigint NOT NULL,
  sandbox boolean NOT NULL,
  active boolean NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, app_id)
);
-- Who still uses a configuration (a configuration tenants are bound to is not deleted).
CREATE INDEX tenant_bindings_configuration ON tenant_bindings (app_id, configuration_version)
  WHERE active;

-- Every change of a binding, keyed by the event's global position (the order of the log).
CREATE TABLE tenant_binding_history (
  tenant_id text NOT NULL,
  app_id text NOT NULL,
  global_position bigint NOT NULL,
  change text NOT NULL CHECK (change IN ('installed', 'upgraded', 'removed')),
  app_version text NOT NULL,
  configuration_version bigint NOT NULL,
  reason text,
  recorded_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, app_id, global_position)
);
