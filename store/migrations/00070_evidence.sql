-- Evidence (issue 6): the files behind messages' media references, fetched
-- from the provider into the evidence directory (package evidence). A row
-- per (message, media index); the file itself is sealed on disk under the
-- random name in "file", never under the provider's URL or file name.
-- The case is read through messages.case_id, which a merge keeps true.

-- +goose Up
CREATE TABLE evidence (
    id              INTEGER PRIMARY KEY,
    message_id      INTEGER NOT NULL REFERENCES messages (id),
    media_index     INTEGER NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'failed', 'fetched', 'unavailable')),
    file            TEXT    NOT NULL DEFAULT '',
    source_hash     BLOB,               -- keyed hash of the provider's URL
    content_type    TEXT    NOT NULL DEFAULT '',
    size            INTEGER NOT NULL DEFAULT 0,
    sha256          TEXT    NOT NULL DEFAULT '',
    fetched_at      INTEGER,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    UNIQUE (message_id, media_index)
);
CREATE INDEX evidence_due ON evidence (next_attempt_at) WHERE status IN ('pending', 'failed');

-- How far the evidence worker has looked for new media: the last inbound
-- message id it has queued. One row.
CREATE TABLE evidence_scan (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    last_message_id INTEGER NOT NULL
);

-- +goose Down
DROP TABLE evidence_scan;
DROP TABLE evidence;
