-- An optional second factor for staff (TOTP, RFC 6238). totp_pending holds
-- a secret being enrolled until the user confirms it with a first code;
-- totp_last_step is the time step of the last code accepted, so that no
-- code is accepted twice. A login whose password was right waits in
-- login_challenges (only a hash of its cookie's token is kept) for the code.

-- +goose Up
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_pending TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

CREATE TABLE login_challenges (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT    NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf       TEXT    NOT NULL,
    next       TEXT    NOT NULL DEFAULT '',
    expires_at INTEGER NOT NULL
);

-- +goose Down
DROP TABLE login_challenges;
ALTER TABLE users DROP COLUMN totp_last_step;
ALTER TABLE users DROP COLUMN totp_pending;
ALTER TABLE users DROP COLUMN totp_secret;
