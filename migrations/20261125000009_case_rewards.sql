-- A case can be resolved with a reward code as well as goodwill points: the code is kept on
-- the case, and the timeline gets a 'reward' event. SQLite cannot change a CHECK constraint,
-- so the events table is rebuilt with the new kind (nothing references it).
ALTER TABLE cases ADD COLUMN reward_code_id INTEGER REFERENCES reward_codes (id);

CREATE TABLE case_events_new (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    actor_id   INTEGER REFERENCES users (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('opened', 'note', 'reply', 'member_reply', 'status', 'assigned', 'resolved', 'goodwill', 'reward')),
    body       TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL
);
INSERT INTO case_events_new (id, case_id, actor_id, kind, body, created_at)
    SELECT id, case_id, actor_id, kind, body, created_at FROM case_events;
DROP TABLE case_events;
ALTER TABLE case_events_new RENAME TO case_events;
CREATE INDEX case_events_case ON case_events (case_id, id);
