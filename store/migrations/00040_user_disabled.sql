-- Accounts an administrator has disabled: kept (the audit trail names them)
-- but unable to log in or use an API token.

-- +goose Up
ALTER TABLE users ADD COLUMN disabled_at INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE users DROP COLUMN disabled_at;
