-- The counter remembers where each staff member works (one choice for purchases, codes and
-- refunds); refunds record where they happened; the shop's country turns national phone
-- numbers into international ones (E.164). NULL country: taken from the shop's time zone.
ALTER TABLE users ADD COLUMN counter_location_id INTEGER REFERENCES locations (id);
ALTER TABLE refunds ADD COLUMN location_id INTEGER REFERENCES locations (id);
ALTER TABLE program_settings ADD COLUMN country TEXT CHECK (country IS NULL OR length(country) = 2);
