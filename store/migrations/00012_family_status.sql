-- A family reporter's consent to coarse status ("your report is being
-- handled", "closed"). Without it they are sent nothing about the case.

-- +goose Up
ALTER TABLE cases ADD COLUMN family_status INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE cases DROP COLUMN family_status;
