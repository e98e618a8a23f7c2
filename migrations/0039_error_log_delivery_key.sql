-- The delivery worker logs a job's error before it acknowledges the job to JetStream, so a node
-- that dies in between has the job redelivered and would log the same error again. Each delivery
-- row carries a key made of the job's id and what happened to it (the job id travels with the
-- message), and a second insert with it does nothing. The public API's rows have none: a request
-- is not redelivered. The table is insert-only and small (30 days of errors).
ALTER TABLE error_log ADD COLUMN delivery_key text;
CREATE UNIQUE INDEX error_log_delivery_key ON error_log (delivery_key);
