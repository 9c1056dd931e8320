-- A member who closes their account keeps their ledger rows (the shop's sums stay true) but
-- nothing that names them: the time it happened marks the row as an anonymous placeholder.
ALTER TABLE users ADD COLUMN closed_at TEXT;

-- Priority service, a tier benefit: its members' feedback cases are due within these hours
-- (instead of the shop's deadline) and are listed first. NULL: no priority service.
ALTER TABLE tiers ADD COLUMN priority_hours INTEGER
    CHECK (priority_hours IS NULL OR priority_hours BETWEEN 1 AND 720);

-- The shop's own brand, shown instead of the product's name in the member portal, on public
-- pages and in emails. One row; an empty name means "not set yet".
CREATE TABLE shop_brand (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    name       TEXT    NOT NULL DEFAULT '' CHECK (length(name) <= 60),
    -- `#rrggbb`, lower case.
    colour     TEXT    NOT NULL DEFAULT '#1f5f4a' CHECK (colour GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'),
    logo       BLOB    CHECK (logo IS NULL OR length(logo) <= 262144),
    logo_type  TEXT    CHECK (logo_type IS NULL OR logo_type IN ('image/png', 'image/jpeg', 'image/webp', 'image/svg+xml')),
    updated_at TEXT    NOT NULL
);
INSERT INTO shop_brand (id, updated_at) VALUES (1, '2026-12-03T00:00:00Z');

-- A case opened for a member whose tier carries priority service: listed first while open.
ALTER TABLE cases ADD COLUMN priority_service INTEGER NOT NULL DEFAULT 0
    CHECK (priority_service IN (0, 1));

-- Member-facing program texts in other languages than the shop's default (whose text is the
-- item's own columns): offers (title, description), rewards (name, description), tiers (name,
-- benefit) and punch cards (name). No row: members using that language read the default.
CREATE TABLE program_texts (
    kind        TEXT    NOT NULL CHECK (kind IN ('offer', 'reward', 'tier', 'punch_card')),
    item_id     INTEGER NOT NULL,
    language    TEXT    NOT NULL CHECK (language IN ('en', 'sv', 'nb', 'lv', 'pt')),
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    description TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    PRIMARY KEY (kind, item_id, language)
) WITHOUT ROWID;
