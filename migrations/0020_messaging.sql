-- Messaging (seeds 000, 001; docs/messaging.md). The messaging_* tables are the read model of
-- the messaging projection, built from the "connection-" and "chat-" streams: natural keys only,
-- so a rebuild replays to the same rows. error_log is not a read model: the server writes it.
-- The application role gets SELECT/INSERT/UPDATE/DELETE on these tables through the default
-- privileges of 0001.

-- One row per tenant x provider once a client token was activated. The token's SHA-256
-- authenticates /public/v1 calls (only while active); the sealed token is what the delivery
-- worker calls the provider with. reason: why it is inactive (deactivated, app_disabled,
-- app_removed).
CREATE TABLE messaging_connections (
  tenant_id text NOT NULL,
  provider_code text NOT NULL,
  app_id text NOT NULL,
  token_sha256 text NOT NULL,
  token_sealed text NOT NULL,
  has_history boolean NOT NULL,
  active boolean NOT NULL,
  reason text,
  activated_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, provider_code)
);
CREATE UNIQUE INDEX messaging_connections_token ON messaging_connections (token_sha256)
  WHERE active;

-- The main account (account_id 'main') and one per channel. channel_code is stored as the
-- provider sent it (NULL when it sent none, as a main account does); icon is the code's icon
-- from domain/messaging/channel_codes.hpp or 'stub'. A main account without a channel takes the
-- icon of the provider's code: a single-channel provider is usually named after its channel.
CREATE TABLE messaging_accounts (
  tenant_id text NOT NULL,
  provider_code text NOT NULL,
  account_id text NOT NULL,
  channel_code text,
  icon text NOT NULL,
  name text NOT NULL,
  main boolean NOT NULL,
  active boolean NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, provider_code, account_id)
);

-- channel_code and icon are the chat's account's when the chat started (NULL and 'stub' for an
-- account not connected); title is NULL when the chat has none. unread_count counts the chat's
-- inbound messages not seen yet. The last message is the one with the latest last_message_at
-- (the provider's sent_at for inbound, the submission time for outbound), so a history import
-- does not push older messages over newer ones. position is the global position of the chat's
-- latest change (a new message, a read, an edit): the cursor of the CRM's chat list.
CREATE TABLE messaging_chats (
  tenant_id text NOT NULL,
  provider_code text NOT NULL,
  chat_id text NOT NULL,
  account_id text NOT NULL,
  channel_code text,
  icon text NOT NULL,
  kind text NOT NULL,
  title text,
  participants jsonb NOT NULL,
  unread_count integer NOT NULL,
  last_message_id text,
  last_message_text text,
  last_message_at timestamptz,
  position bigint NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, provider_code, chat_id)
);
CREATE INDEX messaging_chats_position ON messaging_chats (tenant_id, position DESC);

-- position is the global position of the message's first event: the cursor of a chat's
-- message list. status is 'received' for inbound messages; outbound ones move from 'pending'
-- to sent, delivered, read, or end 'failed'/'not_sent'. Values the log holds are not checked
-- here: a CHECK the log disagrees with would stop the projection for every tenant.
CREATE TABLE messaging_messages (
  message_id text PRIMARY KEY,
  tenant_id text NOT NULL,
  provider_code text NOT NULL,
  chat_id text NOT NULL,
  provider_message_id text,
  direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  account_id text NOT NULL,
  sender jsonb,
  user_id text,
  text text NOT NULL,
  format text NOT NULL,
  entities jsonb NOT NULL,
  attachments jsonb NOT NULL,
  status text NOT NULL,
  seen boolean NOT NULL,
  silent boolean NOT NULL,
  sent_at timestamptz NOT NULL,
  position bigint NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX messaging_messages_provider_id
  ON messaging_messages (tenant_id, provider_code, chat_id, provider_message_id)
  WHERE provider_message_id IS NOT NULL;
CREATE INDEX messaging_messages_chat
  ON messaging_messages (tenant_id, provider_code, chat_id, position);
-- Small (only what is still unread), so ChatRead recounts a chat's unread messages cheaply.
CREATE INDEX messaging_messages_unseen
  ON messaging_messages (tenant_id, provider_code, chat_id)
  WHERE direction = 'inbound' AND NOT seen;

-- What a CRM user is told about their own messages; position is the event's global position.
CREATE TABLE messaging_notifications (
  tenant_id text NOT NULL,
  user_id text NOT NULL,
  position bigint NOT NULL,
  kind text NOT NULL CHECK (kind IN ('not_sent')),
  provider_code text NOT NULL,
  chat_id text NOT NULL,
  message_id text NOT NULL,
  reason text NOT NULL,
  detail text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, user_id, position)
);

-- Every error answer of /public/v1 and every failed delivery, for GET /admin/v1/errors. Kept
-- messaging.error_retention_days; the server deletes older rows.
CREATE TABLE error_log (
  id bigserial PRIMARY KEY,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  source text NOT NULL CHECK (source IN ('public_api', 'delivery')),
  tenant_id text,
  provider_code text,
  method text,
  route text,
  status integer,
  problem jsonb,
  request_id text
);
CREATE INDEX error_log_recorded_at ON error_log (recorded_at);
CREATE INDEX error_log_tenant ON error_log (tenant_id, recorded_at);
-- Insert and purge only (not the default privileges' UPDATE): the log of errors is not edited.
REVOKE ALL ON error_log FROM switchboard_app;
GRANT SELECT, INSERT, DELETE ON error_log TO switchboard_app;
GRANT USAGE ON SEQUENCE error_log_id_seq TO switchboard_app;
