-- Audit events are hash-chained: each row holds the hash of the row before
-- it (prev_hash, '' for the first) and its own hash over prev_hash and its
-- canonical content, so that an edited or deleted row breaks the chain.
-- Existing rows are chained by the Go migration that follows (00031).

-- +goose Up
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;

-- +goose Down
ALTER TABLE audit_events DROP COLUMN hash;
ALTER TABLE audit_events DROP COLUMN prev_hash;
