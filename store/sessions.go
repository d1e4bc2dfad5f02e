package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"hotline"
)

// SessionTTL is how long a console login lasts: one working day, so that a
// shared office computer left logged in does not stay open overnight.
const SessionTTL = 12 * time.Hour

func randomToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// CreateSession logs userID in and returns the cookie token. Sessions live
// in the database, so a restart keeps people logged in.
func (db *DB) CreateSession(ctx context.Context, userID int64) (string, error) {
	return db.CreateSessionFrom(ctx, userID, "", "")
}

// CreateSessionFrom is CreateSession that also keeps the address the login
// came from and a short name of the browser, for the owner's session list.
func (db *DB) CreateSessionFrom(ctx context.Context, userID int64, address, agent string) (string, error) {
	token, err := randomToken()
	if err != nil {
		return "", err
	}
	csrf, err := randomToken()
	if err != nil {
		return "", err
	}
	now := db.now()
	err = db.write(ctx, func(tx *writeTx) error {
		if _, err := tx.Exec(`DELETE FROM sessions WHERE expires_at < ?`, ms(now)); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(`INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at, last_seen_at, address, agent)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			hashToken(token), userID, csrf, ms(now), ms(now.Add(SessionTTL)), ms(now), address, agent).Scan(&id); err != nil {
			return err
		}
		return audit(tx, now, userName(tx, userID), "session.login", 0, map[string]any{"user_id": userID, "session_id": id, "from": address})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// SessionByToken returns the live session of a cookie token; EUNAUTHORIZED
// when it is unknown or expired.
func (db *DB) SessionByToken(ctx context.Context, token string) (hotline.Session, error) {
	if token == "" {
		return hotline.Session{}, hotline.Errorf(hotline.EUNAUTHORIZED, "no session")
	}
	var s hotline.Session
	var expires int64
	row := db.rdb.QueryRowContext(ctx, `SELECT `+staffColumns+`, s.csrf, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN organisations o ON o.id = u.organisation_id
		WHERE s.token_hash = ? AND u.disabled_at = 0`, hashToken(token))
	st, err := scanStaff(row, &s.CSRF, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return hotline.Session{}, hotline.Errorf(hotline.EUNAUTHORIZED, "no session")
	}
	if err != nil {
		return hotline.Session{}, fmt.Errorf("store: session: %w", err)
	}
	s.Staff, s.ExpiresAt = st, fromMS(expires)
	if !db.now().Before(s.ExpiresAt) {
		return hotline.Session{}, hotline.Errorf(hotline.EUNAUTHORIZED, "session expired")
	}
	return s, nil
}

// DeleteSession logs a cookie token out.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	now := db.now()
	return db.write(ctx, func(tx *writeTx) error {
		var uid int64
		err := tx.QueryRow(`DELETE FROM sessions WHERE token_hash = ? RETURNING user_id`, hashToken(token)).Scan(&uid)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		return audit(tx, now, userName(tx, uid), "session.logout", 0, map[string]any{"user_id": uid})
	})
}

// userName names the actor of an audit event; a failed lookup leaves the
// user id in the detail to say who it was.
func userName(tx *writeTx, id int64) string {
	var name string
	if err := tx.QueryRow(`SELECT name FROM users WHERE id = ?`, id).Scan(&name); err != nil {
		return fmt.Sprintf("user:%d", id)
	}
	return name
}

// SessionState says, for a live session token, which session row it is,
// when it was last used, and whether its user must change their password
// before anything else. The console asks on every request, after
// SessionByToken.
func (db *DB) SessionState(ctx context.Context, token string) (id int64, lastSeen time.Time, mustChangePassword bool, err error) {
	var seen int64
	err = db.rdb.QueryRowContext(ctx, `SELECT s.id, s.last_seen_at, u.must_change_password
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, hashToken(token)).Scan(&id, &seen, &mustChangePassword)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, false, hotline.Errorf(hotline.EUNAUTHORIZED, "no session")
	}
	return id, fromMS(seen), mustChangePassword, err
}
