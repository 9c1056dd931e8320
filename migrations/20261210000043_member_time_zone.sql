-- A member's own time zone (an IANA name; NULL: the shop's). Quiet hours for campaign and
-- journey messages are kept on the member's clock. The partial index finds the few zones in
-- use, which is all the outbox's claim needs to know.
ALTER TABLE users ADD COLUMN time_zone TEXT CHECK (time_zone IS NULL OR length(time_zone) BETWEEN 1 AND 64);
CREATE INDEX users_time_zone ON users (time_zone) WHERE time_zone IS NOT NULL;
