-- The entity index: details police can act on (phone numbers, handles,
-- wallets, domains, passports, compounds, places clustered to a building)
-- linked to the cases that mention them, so that the same recruiter or
-- building is seen across cases. Values are normalized (see
-- store/entities_normalize.go) so that "+855 10 000 123" and
-- "+85510000123" are one entity.

-- +goose Up
CREATE TABLE entities (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    -- For places: the centre of the cell, rounded; NULL otherwise.
    lat        REAL,
    lon        REAL,
    created_at INTEGER NOT NULL,
    UNIQUE (kind, value)
);

-- state: found (by the triage), confirmed or rejected (by staff), manual
-- (added by staff). A rejected link stays so that a reindex does not bring
-- it back as found.
CREATE TABLE entity_cases (
    entity_id  INTEGER NOT NULL REFERENCES entities (id),
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    message_id INTEGER REFERENCES messages (id),
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    state      TEXT    NOT NULL DEFAULT 'found'
               CHECK (state IN ('found', 'confirmed', 'rejected', 'manual')),
    by_user_id INTEGER REFERENCES users (id),
    PRIMARY KEY (entity_id, case_id)
) WITHOUT ROWID;
CREATE INDEX entity_cases_case ON entity_cases (case_id, entity_id);

-- +goose Down
DROP TABLE entity_cases;
DROP TABLE entities;
