-- Retention (store/retention.go): when a closed case's personal data was
-- redacted, so that the daily run does each case once; and the messages of
-- a contact, so that a contact is redacted only when none of its messages
-- is in a case that keeps its data.

-- +goose Up
ALTER TABLE cases ADD COLUMN redacted_at INTEGER;
CREATE INDEX messages_contact ON messages (contact_id, case_id);

-- +goose Down
DROP INDEX messages_contact;
ALTER TABLE cases DROP COLUMN redacted_at;
