-- Customer profiles: a birthday, free tags and staff notes per member, and the indexes that
-- keep finding a member fast in a chain with a million of them.

ALTER TABLE users ADD COLUMN birthday TEXT CHECK (birthday IS NULL OR length(birthday) = 10);

-- Free labels staff put on a member ("vip", "wholesale"), at most one of each per member.
CREATE TABLE member_tags (
    member_id  INTEGER NOT NULL REFERENCES users (id),
    tag        TEXT    NOT NULL CHECK (length(tag) BETWEEN 1 AND 40),
    added_by   INTEGER REFERENCES users (id),
    created_at TEXT    NOT NULL,
    PRIMARY KEY (member_id, tag)
);

CREATE INDEX member_tags_tag ON member_tags (tag, member_id);

-- What staff write down about a member (never shown to the member).
CREATE TABLE member_notes (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES users (id),
    author_id  INTEGER REFERENCES users (id),
    body       TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    created_at TEXT    NOT NULL
);

CREATE INDEX member_notes_member ON member_notes (member_id, id);

-- Names starting with what was typed (one or two characters), any case.
CREATE INDEX users_member_name ON users (preferred_name COLLATE NOCASE) WHERE role = 'member';

-- Any three characters or more of a member's name or email: a trigram full-text index beside
-- the users table (a search aid, not data: it is kept by the code that writes names and
-- emails, and can be rebuilt from users at any time).
CREATE VIRTUAL TABLE member_search USING fts5 (name, email, tokenize = 'trigram');

INSERT INTO member_search (rowid, name, email)
SELECT id, preferred_name, email FROM users WHERE role = 'member';
