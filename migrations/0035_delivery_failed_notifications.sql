-- A CRM user is told when the provider never got their edit of a message's text or their read of
-- a chat (DeliveryFailed), not only when a message was not sent. `action` names the provider call
-- given up on; a failed read names no message.
ALTER TABLE messaging_notifications
  DROP CONSTRAINT messaging_notifications_kind_check,
  ADD CONSTRAINT messaging_notifications_kind_check
    CHECK (kind IN ('not_sent', 'delivery_failed')),
  ADD COLUMN action text NOT NULL DEFAULT 'send_message',
  ALTER COLUMN message_id DROP NOT NULL;
