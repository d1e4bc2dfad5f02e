-- Times are INTEGER unix milliseconds (UTC); JSON columns hold TEXT.

-- +goose Up
CREATE TABLE contacts (
    id              INTEGER PRIMARY KEY,
    channel         TEXT    NOT NULL,
    address         TEXT    NOT NULL,
    name            TEXT    NOT NULL DEFAULT '',
    do_not_contact  INTEGER NOT NULL DEFAULT 0,
    safe_to_contact INTEGER,            -- NULL: the sender did not say
    created_at      INTEGER NOT NULL,
    UNIQUE (channel, address)
);

CREATE TABLE cases (
    id                 INTEGER PRIMARY KEY,
    ref                TEXT    NOT NULL UNIQUE,
    status             TEXT    NOT NULL DEFAULT 'new'
                       CHECK (status IN ('new', 'in_progress', 'handed_off', 'resolved', 'closed')),
    urgency            INTEGER NOT NULL DEFAULT 0,
    urgency_overridden INTEGER NOT NULL DEFAULT 0,
    lang               TEXT    NOT NULL DEFAULT '',
    reporter           TEXT    NOT NULL DEFAULT '',
    country            TEXT    NOT NULL DEFAULT '',
    province           TEXT    NOT NULL DEFAULT '',
    place              TEXT    NOT NULL DEFAULT '',
    lat                REAL,
    lon                REAL,
    reasons            TEXT    NOT NULL DEFAULT '[]',
    entities           TEXT    NOT NULL DEFAULT '[]',
    channel            TEXT    NOT NULL,
    contact_id         INTEGER NOT NULL REFERENCES contacts (id),
    last_inbound_at    INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
-- Queue order (urgency DESC, last_inbound_at, id), unfiltered and with each
-- selective filter as a prefix, so every page is an index range scan.
CREATE INDEX cases_queue          ON cases (urgency DESC, last_inbound_at, id);
CREATE INDEX cases_status_queue   ON cases (status, urgency DESC, last_inbound_at, id);
CREATE INDEX cases_province_queue ON cases (province, urgency DESC, last_inbound_at, id);
CREATE INDEX cases_lang_queue     ON cases (lang, urgency DESC, last_inbound_at, id);
CREATE INDEX cases_contact        ON cases (contact_id, status);

CREATE TABLE messages (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    contact_id  INTEGER NOT NULL REFERENCES contacts (id),
    direction   TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    channel     TEXT    NOT NULL,
    external_id TEXT    NOT NULL DEFAULT '',
    body        TEXT    NOT NULL DEFAULT '',
    media       TEXT    NOT NULL DEFAULT '[]',
    lat         REAL,
    lon         REAL,
    meta        TEXT    NOT NULL DEFAULT '{}',
    status      TEXT    NOT NULL DEFAULT '',
    error_code  TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
-- The idempotency key: a provider retry of the same message can never be
-- stored twice. Messages without a provider id (our inline replies) are exempt.
CREATE UNIQUE INDEX messages_external ON messages (channel, external_id) WHERE external_id <> '';
CREATE INDEX messages_case ON messages (case_id, id);

CREATE TABLE triage_results (
    id         INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL UNIQUE REFERENCES messages (id),
    result     TEXT    NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'agent', 'responder')),
    password_hash TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL
);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT    NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER REFERENCES cases (id),
    message_id      INTEGER REFERENCES messages (id),
    kind            TEXT    NOT NULL,
    channel         TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    provider_id     TEXT    NOT NULL DEFAULT '',
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_provider ON outbox (channel, provider_id) WHERE provider_id <> '';

CREATE TABLE audit_events (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    actor   TEXT    NOT NULL,
    action  TEXT    NOT NULL,
    case_id INTEGER REFERENCES cases (id),
    detail  TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_case ON audit_events (case_id, id);

-- +goose Down
DROP TABLE audit_events;
DROP TABLE outbox;
DROP TABLE api_tokens;
DROP TABLE users;
DROP TABLE triage_results;
DROP TABLE messages;
DROP TABLE cases;
DROP TABLE contacts;
