-- The staff console: organisations and responders, sessions, login lockout,
-- assignment, hand-offs, resolutions, notes, merges.

-- +goose Up
CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

ALTER TABLE users ADD COLUMN organisation_id INTEGER REFERENCES organisations (id);
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until INTEGER NOT NULL DEFAULT 0;

-- Console sessions: only a hash of the cookie's token is kept, so a copy of
-- the database does not log anyone in.
CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT    NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

ALTER TABLE cases ADD COLUMN assignee_id INTEGER REFERENCES users (id);
ALTER TABLE cases ADD COLUMN handoff_state TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN resolution TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN resolution_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN merged_into INTEGER REFERENCES cases (id);
-- The console's own filters, each a prefix of the queue order.
CREATE INDEX cases_assignee_queue ON cases (assignee_id, urgency DESC, last_inbound_at, id);
CREATE INDEX cases_channel_queue  ON cases (channel, urgency DESC, last_inbound_at, id);
-- The live queue asks "what changed since" once a second.
CREATE INDEX cases_updated ON cases (updated_at);

CREATE TABLE handoffs (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES cases (id),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    by_user_id      INTEGER NOT NULL REFERENCES users (id),
    shared          TEXT    NOT NULL DEFAULT '[]',
    note            TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    acknowledged_at INTEGER
);
CREATE INDEX handoffs_case ON handoffs (case_id, id);
CREATE INDEX handoffs_org  ON handoffs (organisation_id, case_id);

CREATE TABLE notes (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX notes_case ON notes (case_id, id);

-- +goose Down
DROP TABLE notes;
DROP TABLE handoffs;
DROP INDEX cases_updated;
DROP INDEX cases_channel_queue;
DROP INDEX cases_assignee_queue;
ALTER TABLE cases DROP COLUMN merged_into;
ALTER TABLE cases DROP COLUMN resolution_reason;
ALTER TABLE cases DROP COLUMN resolution;
ALTER TABLE cases DROP COLUMN handoff_state;
ALTER TABLE cases DROP COLUMN assignee_id;
DROP TABLE sessions;
ALTER TABLE users DROP COLUMN locked_until;
ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN lang;
ALTER TABLE users DROP COLUMN organisation_id;
DROP TABLE organisations;
