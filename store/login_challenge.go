package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"hotline"
)

// LoginChallengeTTL is how long a login whose password was right waits for
// its second-factor code.
const LoginChallengeTTL = 5 * time.Minute

// CreateLoginChallenge records that userID gave the right password and now
// owes a code; it returns the token for the browser's cookie and the
// anti-forgery token of the code form. next is where to go after.
func (db *DB) CreateLoginChallenge(ctx context.Context, userID int64, next string) (token, csrf string, err error) {
	if token, err = randomToken(); err != nil {
		return "", "", err
	}
	if csrf, err = randomToken(); err != nil {
		return "", "", err
	}
	now := db.now()
	err = db.write(ctx, func(tx *writeTx) error {
		if _, err := tx.Exec(`DELETE FROM login_challenges WHERE expires_at < ?`, ms(now)); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO login_challenges (token_hash, user_id, csrf, next, expires_at) VALUES (?, ?, ?, ?, ?)`,
			hashToken(token), userID, csrf, next, ms(now.Add(LoginChallengeTTL)))
		return err
	})
	return token, csrf, err
}

// LoginChallenge returns the user, form token and destination of a live
// challenge; EUNAUTHORIZED when it is unknown or expired.
func (db *DB) LoginChallenge(ctx context.Context, token string) (userID int64, name, csrf, next string, err error) {
	var expires int64
	err = db.rdb.QueryRowContext(ctx, `SELECT c.user_id, u.name, c.csrf, c.next, c.expires_at
		FROM login_challenges c JOIN users u ON u.id = c.user_id WHERE c.token_hash = ? AND u.disabled_at = 0`, hashToken(token)).
		Scan(&userID, &name, &csrf, &next, &expires)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !db.now().Before(fromMS(expires))) {
		return 0, "", "", "", hotline.Errorf(hotline.EUNAUTHORIZED, "no login waiting for a code")
	}
	return userID, name, csrf, next, err
}

// DeleteLoginChallenge ends a challenge, answered or abandoned.
func (db *DB) DeleteLoginChallenge(ctx context.Context, token string) error {
	return db.write(ctx, func(tx *writeTx) error {
		_, err := tx.Exec(`DELETE FROM login_challenges WHERE token_hash = ?`, hashToken(token))
		return err
	})
}
