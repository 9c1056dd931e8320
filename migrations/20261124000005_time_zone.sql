-- The shop's time zone: bonus rules ("double points on Tuesdays", date ranges) follow the
-- shop's calendar, not UTC's.
ALTER TABLE program_settings ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
