-- What a user needs to recognise their own sessions on the account page:
-- when each was last used, the address it logged in from, and a short name
-- of the browser (never the whole User-Agent header).

-- +goose Up
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN agent TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sessions DROP COLUMN agent;
ALTER TABLE sessions DROP COLUMN address;
ALTER TABLE sessions DROP COLUMN last_seen_at;
