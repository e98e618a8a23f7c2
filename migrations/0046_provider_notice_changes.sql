-- Notices change after publication: the operator or the marketplace corrects one
-- (ProviderNoticeCorrected: `updated_at`, NULL while never corrected; the acknowledgements made
-- before are dropped, as they were of the old text) or withdraws it (ProviderNoticeWithdrawn:
-- when and why, NULL while it stands). The developer list keeps showing a withdrawn notice,
-- marked, so a developer who started on it learns to stop.
ALTER TABLE provider_notices
  ADD COLUMN updated_at timestamptz,
  ADD COLUMN withdrawn_at timestamptz,
  ADD COLUMN withdrawal_reason text;
