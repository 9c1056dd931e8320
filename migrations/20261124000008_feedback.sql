-- Feedback forms (texts per language), submissions, and the service cases low scores open.

-- One row: when a case opens, its deadline and who gets it; the shop's default language
-- (what a form shows where a language's text is missing).
CREATE TABLE feedback_settings (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    nps_max          INTEGER NOT NULL DEFAULT 6 CHECK (nps_max BETWEEN -1 AND 10),
    csat_max         INTEGER NOT NULL DEFAULT 2 CHECK (csat_max BETWEEN 0 AND 5),
    -- Categories that open a case whatever the scores, comma-separated.
    case_categories  TEXT    NOT NULL DEFAULT '',
    sla_hours        INTEGER NOT NULL DEFAULT 48 CHECK (sla_hours BETWEEN 1 AND 720),
    assign_to        INTEGER REFERENCES users (id),
    default_language TEXT    NOT NULL DEFAULT 'en' CHECK (default_language IN ('en', 'sv', 'nb', 'lv', 'pt')),
    updated_at       TEXT    NOT NULL
);
INSERT INTO feedback_settings (id, updated_at) VALUES (1, '2026-11-24T00:00:00Z');

CREATE TABLE feedback_forms (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL UNIQUE,
    -- The public link: /feedback/<slug>.
    slug         TEXT    NOT NULL UNIQUE,
    ask_nps      INTEGER NOT NULL DEFAULT 1,
    ask_csat     INTEGER NOT NULL DEFAULT 0,
    ask_text     INTEGER NOT NULL DEFAULT 1,
    ask_category INTEGER NOT NULL DEFAULT 1,
    location_id  INTEGER REFERENCES locations (id),
    active       INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT    NOT NULL
);

-- A form's words in one language; a missing language falls back to the default language.
CREATE TABLE feedback_form_texts (
    form_id       INTEGER NOT NULL REFERENCES feedback_forms (id),
    language      TEXT    NOT NULL CHECK (language IN ('en', 'sv', 'nb', 'lv', 'pt')),
    title         TEXT    NOT NULL,
    intro         TEXT    NOT NULL DEFAULT '',
    -- A choice question and its options (one per line); empty: none.
    choice_question TEXT  NOT NULL DEFAULT '',
    choice_options  TEXT  NOT NULL DEFAULT '',
    PRIMARY KEY (form_id, language)
) WITHOUT ROWID;

CREATE TABLE feedback (
    id            INTEGER PRIMARY KEY,
    form_id       INTEGER NOT NULL REFERENCES feedback_forms (id),
    member_id     INTEGER REFERENCES users (id),
    purchase_id   INTEGER REFERENCES purchases (id),
    location_id   INTEGER REFERENCES locations (id),
    nps           INTEGER CHECK (nps IS NULL OR nps BETWEEN 0 AND 10),
    csat          INTEGER CHECK (csat IS NULL OR csat BETWEEN 1 AND 5),
    category      TEXT CHECK (category IS NULL OR category IN ('product', 'service', 'staff', 'delivery', 'other')),
    choice        INTEGER,
    body          TEXT    NOT NULL DEFAULT '',
    contact_name  TEXT,
    contact_email TEXT,
    language      TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
);
CREATE INDEX feedback_member ON feedback (member_id, id) WHERE member_id IS NOT NULL;
CREATE INDEX feedback_created ON feedback (created_at);
CREATE UNIQUE INDEX feedback_purchase ON feedback (purchase_id) WHERE purchase_id IS NOT NULL;

CREATE TABLE cases (
    id                   INTEGER PRIMARY KEY,
    feedback_id          INTEGER NOT NULL UNIQUE REFERENCES feedback (id),
    member_id            INTEGER REFERENCES users (id),
    status               TEXT    NOT NULL CHECK (status IN ('new', 'in_progress', 'waiting', 'resolved')),
    priority             TEXT    NOT NULL CHECK (priority IN ('high', 'normal')),
    assignee_id          INTEGER REFERENCES users (id),
    location_id          INTEGER REFERENCES locations (id),
    due_at               TEXT    NOT NULL,
    first_response_at    TEXT,
    resolved_at          TEXT,
    resolution           TEXT,
    goodwill_movement_id INTEGER REFERENCES point_movements (id),
    created_at           TEXT    NOT NULL
);
CREATE INDEX cases_open ON cases (status, due_at);
CREATE INDEX cases_member ON cases (member_id) WHERE member_id IS NOT NULL;

-- Everything that happened to a case, in order: who, when, what. Internal notes are never
-- shown to the member.
CREATE TABLE case_events (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    actor_id   INTEGER REFERENCES users (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('opened', 'note', 'reply', 'member_reply', 'status', 'assigned', 'resolved', 'goodwill')),
    body       TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, id);
