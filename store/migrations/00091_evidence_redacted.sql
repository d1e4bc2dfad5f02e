-- Retention reaches evidence: a redacted case's evidence rows are marked
-- (and shown as unavailable); their sealed files are deleted after the
-- commit, and "file" emptied, by the retention run. Marked rows with a
-- file name left are files still to delete, after a crash too.

-- +goose Up
ALTER TABLE evidence ADD COLUMN redacted_at INTEGER;
CREATE INDEX evidence_redacted_files ON evidence (id) WHERE redacted_at IS NOT NULL AND file <> '';

-- +goose Down
DROP INDEX evidence_redacted_files;
ALTER TABLE evidence DROP COLUMN redacted_at;
