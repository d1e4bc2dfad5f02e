-- A reply a staff member sent to a do-not-contact contact on purpose, with
-- a reason, carries that reason to the dispatcher, which otherwise stops
-- every reply to such a contact at send time. Empty: no override.

-- +goose Up
ALTER TABLE outbox ADD COLUMN dnc_override TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE outbox DROP COLUMN dnc_override;
