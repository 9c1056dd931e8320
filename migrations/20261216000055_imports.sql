-- CSV imports: the file as uploaded (checked readable), what its columns were mapped to, and
-- how the run went. A row is imported once however often the file is: members by email,
-- past purchases by `purchases.import_key` (the receipt number, or the row's member, time,
-- amount and location).
CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('members', 'purchases')),
    file_name   TEXT    NOT NULL,
    body        BLOB    NOT NULL,
    rows        INTEGER NOT NULL CHECK (rows >= 0),
    status      TEXT    NOT NULL CHECK (status IN ('uploaded', 'running', 'done', 'failed')),
    -- The last run's outcome (JSON: rows, new, already, bad, the first errors).
    outcome     TEXT,
    created_by  INTEGER REFERENCES users (id),
    created_at  TEXT    NOT NULL,
    finished_at TEXT
);

-- Imported purchases are history: no points, no perks; the key makes a second import of the
-- same row change nothing.
ALTER TABLE purchases ADD COLUMN import_key TEXT;
CREATE UNIQUE INDEX purchases_import_key ON purchases (import_key) WHERE import_key IS NOT NULL;
