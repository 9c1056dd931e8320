-- The points ledger: append-only. A balance is the sum of a member's movements; the cached
-- balance in member_balances is updated in the same transaction as each movement (and tests
-- check the two agree). No CHECK on `kind`: later features add kinds, and the application's
-- enum is the authority.
CREATE TABLE point_movements (
    id              INTEGER PRIMARY KEY,
    member_id       INTEGER NOT NULL REFERENCES users (id),
    amount          INTEGER NOT NULL CHECK (amount <> 0),
    kind            TEXT    NOT NULL,
    reason          TEXT    NOT NULL,
    actor_kind      TEXT    NOT NULL CHECK (actor_kind IN ('staff', 'member', 'system', 'api_key')),
    actor_id        INTEGER,
    balance_after   INTEGER NOT NULL CHECK (balance_after >= 0),
    idempotency_key TEXT    NOT NULL UNIQUE,
    created_at      TEXT    NOT NULL
);

CREATE INDEX point_movements_member ON point_movements (member_id, id);

CREATE TABLE member_balances (
    member_id  INTEGER PRIMARY KEY REFERENCES users (id),
    balance    INTEGER NOT NULL CHECK (balance >= 0),
    updated_at TEXT    NOT NULL
);

-- First result of every state-changing call that carried an idempotency key: a replay gets
-- the same answer; the same key with a different request is refused. `key` is scoped by the
-- caller (`user:12:<client key>`) so two terminals cannot collide; `request` is the canonical
-- request, compared exactly.
CREATE TABLE idempotency_keys (
    key          TEXT PRIMARY KEY,
    request      TEXT NOT NULL,
    response     TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
