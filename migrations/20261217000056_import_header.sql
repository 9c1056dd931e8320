-- An upload's header cells (JSON array), kept at upload so the mapping page does not read the
-- whole file (up to 32 MB) each time it opens. Uploads made before this have none; the page
-- reads their file as before.
ALTER TABLE imports ADD COLUMN header TEXT;
