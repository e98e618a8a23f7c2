-- Update notices pushed to providers' developers (seed 000, "Удобство" 3): the webhook each
-- developer registered for notices (NoticeWebhookRegistered, stream `noticewebhook-<developer_id>`;
-- the signing secret sealed with messaging.secret_key, as client tokens are; the row goes with
-- NoticeWebhookRemoved), and where each notice's latest change stands for each provider it
-- concerns whose developer had a webhook then: `pending` when queued, then `delivered` or
-- `failed` (ProviderNoticePushDelivered / ProviderNoticePushFailed in the notice's stream). Both
-- belong to the `provider_notices` projection, which sees a webhook registered before a notice
-- changed in log order.
CREATE TABLE notice_webhooks (
  developer_id text PRIMARY KEY,
  url text NOT NULL,
  secret_sealed text NOT NULL,
  registered_at timestamptz NOT NULL
);

CREATE TABLE notice_pushes (
  notice_id text NOT NULL,
  provider_code text NOT NULL,
  developer_id text NOT NULL,
  change text NOT NULL CHECK (change IN ('published', 'corrected', 'withdrawn')),
  change_event_id text NOT NULL,
  state text NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  queued_at timestamptz NOT NULL,
  settled_at timestamptz,
  failure_reason text,
  failure_detail text,
  PRIMARY KEY (notice_id, provider_code)
);
CREATE INDEX notice_pushes_change ON notice_pushes (change_event_id);
