-- Accounts created with a one-time password (hotline user add, the admin
-- page) must choose their own before the console lets them do anything
-- else; the flag clears when they do.

-- +goose Up
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE users DROP COLUMN must_change_password;
