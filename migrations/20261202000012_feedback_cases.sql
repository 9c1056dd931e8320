-- A member's further low scores on the same form and shop day join their open case instead of
-- opening another: the timeline gets an 'again' event. SQLite cannot change a CHECK
-- constraint, so the events table is rebuilt with the new kind (nothing references it).
CREATE TABLE case_events_new (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    actor_id   INTEGER REFERENCES users (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('opened', 'note', 'reply', 'member_reply', 'status', 'assigned', 'resolved', 'goodwill', 'reward', 'again')),
    body       TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL
);
INSERT INTO case_events_new (id, case_id, actor_id, kind, body, created_at)
    SELECT id, case_id, actor_id, kind, body, created_at FROM case_events;
DROP TABLE case_events;
ALTER TABLE case_events_new RENAME TO case_events;
CREATE INDEX case_events_case ON case_events (case_id, id);

-- Goodwill on a case (points, plus the cost of a reward code given with it) above this needs a
-- manager or owner; managers set it.
ALTER TABLE feedback_settings ADD COLUMN goodwill_cap INTEGER NOT NULL DEFAULT 500
    CHECK (goodwill_cap BETWEEN 0 AND 100000);
