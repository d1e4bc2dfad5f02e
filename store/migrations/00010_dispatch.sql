-- Hand-off to responders: how to reach them, which cases go where, the
-- outbox the dispatcher works, acknowledgement links and escalation.

-- +goose Up
-- A responder contact is one way to reach one person (or desk) of an
-- organisation. position orders escalation inside the organisation.
CREATE TABLE responders (
    id              INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    name            TEXT    NOT NULL,
    channel         TEXT    NOT NULL CHECK (channel IN ('sms', 'whatsapp', 'email', 'webhook')),
    address         TEXT    NOT NULL,
    secret          TEXT    NOT NULL DEFAULT '',
    lang            TEXT    NOT NULL DEFAULT 'en',
    on_duty         INTEGER NOT NULL DEFAULT 1,
    position        INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    UNIQUE (organisation_id, name)
);
CREATE INDEX responders_org ON responders (organisation_id, on_duty, position);

-- Routing rules are data: empty match fields match anything. position
-- orders the organisations of a case; the first is tried first, the next
-- ones are where escalation goes.
CREATE TABLE routing_rules (
    id              INTEGER PRIMARY KEY,
    position        INTEGER NOT NULL DEFAULT 0,
    nationality     TEXT    NOT NULL DEFAULT '',
    lang            TEXT    NOT NULL DEFAULT '',
    province        TEXT    NOT NULL DEFAULT '',
    min_urgency     INTEGER NOT NULL DEFAULT 0,
    reporter        TEXT    NOT NULL DEFAULT '',
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    created_at      INTEGER NOT NULL
);

-- The reporter's consent to pass their phone number and name to
-- responders; without it the packet carries neither.
ALTER TABLE cases ADD COLUMN consent_share INTEGER NOT NULL DEFAULT 0;

-- notified_at: notifications for the hand-off are in the outbox.
-- escalate_at: when an unacknowledged critical hand-off is sent again and
-- widened; level counts the escalations so far.
ALTER TABLE handoffs ADD COLUMN notified_at INTEGER;
ALTER TABLE handoffs ADD COLUMN escalate_at INTEGER;
ALTER TABLE handoffs ADD COLUMN escalation_level INTEGER NOT NULL DEFAULT 0;
CREATE INDEX handoffs_escalate ON handoffs (escalate_at) WHERE escalate_at IS NOT NULL AND acknowledged_at IS NULL;
CREATE INDEX handoffs_unnotified ON handoffs (id) WHERE notified_at IS NULL;

ALTER TABLE outbox ADD COLUMN handoff_id INTEGER REFERENCES handoffs (id);
ALTER TABLE outbox ADD COLUMN responder_id INTEGER REFERENCES responders (id);
ALTER TABLE outbox ADD COLUMN subject TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN sending_at INTEGER;

-- Acknowledgement links: only the hash of a token is kept; used_at makes
-- each one single-use.
CREATE TABLE ack_tokens (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT    NOT NULL UNIQUE,
    handoff_id   INTEGER NOT NULL REFERENCES handoffs (id),
    responder_id INTEGER REFERENCES responders (id),
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER,
    created_at   INTEGER NOT NULL
);

-- +goose Down
DROP TABLE ack_tokens;
ALTER TABLE outbox DROP COLUMN sending_at;
ALTER TABLE outbox DROP COLUMN subject;
ALTER TABLE outbox DROP COLUMN responder_id;
ALTER TABLE outbox DROP COLUMN handoff_id;
DROP INDEX handoffs_unnotified;
DROP INDEX handoffs_escalate;
ALTER TABLE handoffs DROP COLUMN escalation_level;
ALTER TABLE handoffs DROP COLUMN escalate_at;
ALTER TABLE handoffs DROP COLUMN notified_at;
ALTER TABLE cases DROP COLUMN consent_share;
DROP TABLE routing_rules;
DROP TABLE responders;
