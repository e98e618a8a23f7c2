-- Why a message is not_sent, on the message itself: the CRM's message list shows it beside the
-- status, not only the author's notification. NULL for every other status.
ALTER TABLE messaging_messages ADD COLUMN not_sent_reason text, ADD COLUMN not_sent_detail text;

-- The messages already not sent take the reason from their notification (one per MessageNotSent,
-- the same values the projection now writes), so the live table is what a rebuild produces.
UPDATE messaging_messages m SET not_sent_reason = n.reason, not_sent_detail = nullif(n.detail, '')
  FROM messaging_notifications n
  WHERE m.status = 'not_sent' AND n.kind = 'not_sent' AND n.tenant_id = m.tenant_id
    AND n.provider_code = m.provider_code AND n.chat_id = m.chat_id
    AND n.message_id = m.message_id;
