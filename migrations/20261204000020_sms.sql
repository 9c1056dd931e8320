-- SMS: what the gateway later reports about a message it accepted (delivery receipts), and
-- the reply that stopped a member's texts counts as a source of consent events.

-- When the gateway reported the message delivered to the phone.
ALTER TABLE outbox ADD COLUMN delivered_at TEXT;
-- The gateway's final word when it could not deliver (`undelivered`/`failed` and its code).
ALTER TABLE outbox ADD COLUMN delivery_error TEXT;
