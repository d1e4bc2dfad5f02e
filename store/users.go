package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"

	"hotline"
)

var roles = map[string]bool{hotline.RoleAdmin: true, hotline.RoleAgent: true, hotline.RoleResponder: true}

// CreateUser implements hotline.UserStore.
func (db *DB) CreateUser(ctx context.Context, name, role, passwordHash string) (hotline.User, error) {
	if name == "" {
		return hotline.User{}, hotline.Errorf(hotline.EINVALID, "user name is empty")
	}
	if !roles[role] {
		return hotline.User{}, hotline.Errorf(hotline.EINVALID, "unknown role %q (want admin, agent or responder)", role)
	}
	u := hotline.User{Name: name, Role: role, CreatedAt: fromMS(ms(db.now()))}
	err := db.write(ctx, func(tx *writeTx) error {
		err := tx.QueryRow(`INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			name, role, passwordHash, ms(u.CreatedAt)).Scan(&u.ID)
		if isUnique(err) {
			return hotline.Errorf(hotline.ECONFLICT, "user %q already exists", name)
		}
		if err != nil {
			return err
		}
		return audit(tx, u.CreatedAt, "admin", "user.created", 0, map[string]any{"user_id": u.ID, "role": role})
	})
	if err != nil {
		return hotline.User{}, err
	}
	return u, nil
}

// CountUsers implements hotline.UserStore.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.rdb.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, err
}

// CreateToken implements hotline.UserStore. The token is 32 random bytes;
// only its SHA-256 is kept, so a copy of the database does not hand out
// working credentials. A plain hash (no salt, no stretching) is enough for
// 256 random bits.
func (db *DB) CreateToken(ctx context.Context, userName string) (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(b[:])
	now := db.now()
	err := db.write(ctx, func(tx *writeTx) error {
		var uid int64
		err := tx.QueryRow(`SELECT id FROM users WHERE name = ?`, userName).Scan(&uid)
		if errors.Is(err, sql.ErrNoRows) {
			return hotline.Errorf(hotline.ENOTFOUND, "no user %q", userName)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES (?, ?, ?)`,
			hashToken(token), uid, ms(now)); err != nil {
			return err
		}
		return audit(tx, now, "admin", "token.created", 0, map[string]any{"user_id": uid})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// UserByToken implements hotline.UserStore. It only reads: recording
// last_used_at on every API call would cost an fsync per request.
func (db *DB) UserByToken(ctx context.Context, token string) (hotline.User, error) {
	if token == "" {
		return hotline.User{}, hotline.Errorf(hotline.EUNAUTHORIZED, "missing token")
	}
	var u hotline.User
	var created int64
	err := db.rdb.QueryRowContext(ctx, `
		SELECT u.id, u.name, u.role, u.created_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = ?`, hashToken(token)).Scan(&u.ID, &u.Name, &u.Role, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return hotline.User{}, hotline.Errorf(hotline.EUNAUTHORIZED, "unknown token")
	}
	if err != nil {
		return hotline.User{}, fmt.Errorf("store: user by token: %w", err)
	}
	u.CreatedAt = fromMS(created)
	return u, nil
}

// UserByName returns a user and their password hash, for the console login.
func (db *DB) UserByName(ctx context.Context, name string) (hotline.User, string, error) {
	var u hotline.User
	var hash string
	var created int64
	err := db.rdb.QueryRowContext(ctx, `SELECT id, name, role, password_hash, created_at FROM users WHERE name = ?`, name).
		Scan(&u.ID, &u.Name, &u.Role, &hash, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return hotline.User{}, "", hotline.Errorf(hotline.ENOTFOUND, "no user %q", name)
	}
	if err != nil {
		return hotline.User{}, "", fmt.Errorf("store: user by name: %w", err)
	}
	u.CreatedAt = fromMS(created)
	return u, hash, nil
}

// RequirePasswordChange marks an account whose password someone else has
// seen (a one-time password printed by the CLI or shown on the admin page):
// the console sends it to the change form until its owner picks their own.
func (db *DB) RequirePasswordChange(ctx context.Context, userID int64) error {
	now := db.now()
	return db.write(ctx, func(tx *writeTx) error {
		res, err := tx.Exec(`UPDATE users SET must_change_password = 1 WHERE id = ?`, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return hotline.Errorf(hotline.ENOTFOUND, "no user %d", userID)
		}
		return audit(tx, now, "system", "user.password_change_required", 0, map[string]any{"user_id": userID})
	})
}

// ChangeOwnPassword stores the password a user chose, lifts a required
// change and ends every other session of the user, in one transaction, so
// that a stolen session does not outlive the change.
func (db *DB) ChangeOwnPassword(ctx context.Context, userID int64, hash, keepSessionToken string) error {
	now := db.now()
	return db.write(ctx, func(tx *writeTx) error {
		if _, err := tx.Exec(`UPDATE users SET password_hash = ?, must_change_password = 0 WHERE id = ?`, hash, userID); err != nil {
			return err
		}
		res, err := tx.Exec(`DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, userID, hashToken(keepSessionToken))
		if err != nil {
			return err
		}
		ended, _ := res.RowsAffected()
		return audit(tx, now, userName(tx, userID), "user.password_changed", 0, map[string]any{"user_id": userID, "sessions_ended": ended})
	})
}
