-- A message's own triage (JSON, as the engine returned it) lives on the
-- message row: one insert per inbound message instead of two, and no
-- separate unique index to maintain. NULL for outbound messages.

-- +goose Up
ALTER TABLE messages ADD COLUMN triage TEXT;
UPDATE messages SET triage = (SELECT t.result FROM triage_results t WHERE t.message_id = messages.id);
DROP TABLE triage_results;

-- +goose Down
CREATE TABLE triage_results (
    id         INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL UNIQUE REFERENCES messages (id),
    result     TEXT    NOT NULL
);
INSERT INTO triage_results (message_id, result) SELECT id, triage FROM messages WHERE triage IS NOT NULL;
ALTER TABLE messages DROP COLUMN triage;
