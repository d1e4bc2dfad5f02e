package store

import (
	"context"
	"database/sql"
	"errors"

	"hotline"
)

// TOTPState returns whether userID has a second factor on, and the secret
// being enrolled ("" when none).
func (db *DB) TOTPState(ctx context.Context, userID int64) (enabled bool, pending string, err error) {
	err = db.rdb.QueryRowContext(ctx, `SELECT totp_secret <> '', totp_pending FROM users WHERE id = ?`, userID).
		Scan(&enabled, db.sl.into(colTOTPPending, &pending))
	if errors.Is(err, sql.ErrNoRows) {
		return false, "", hotline.Errorf(hotline.ENOTFOUND, "no user %d", userID)
	}
	return enabled, pending, err
}

// TOTPSecret returns the secret of userID's second factor, "" when it is off.
func (db *DB) TOTPSecret(ctx context.Context, userID int64) (string, error) {
	var s string
	err := db.rdb.QueryRowContext(ctx, `SELECT totp_secret FROM users WHERE id = ?`, userID).Scan(db.sl.into(colTOTPSecret, &s))
	if errors.Is(err, sql.ErrNoRows) {
		return "", hotline.Errorf(hotline.ENOTFOUND, "no user %d", userID)
	}
	return s, err
}

// SetTOTPPending keeps a secret being enrolled; it protects nothing until
// EnableTOTP, so an abandoned enrolment changes nothing.
func (db *DB) SetTOTPPending(ctx context.Context, userID int64, secret string) error {
	return db.write(ctx, func(tx *writeTx) error {
		_, err := tx.Exec(`UPDATE users SET totp_pending = ? WHERE id = ?`, db.sl.text(colTOTPPending, secret), userID)
		return err
	})
}

// EnableTOTP turns the pending secret into the second factor, once the user
// has shown a code of it from time step step; that code cannot be used
// again to log in.
func (db *DB) EnableTOTP(ctx context.Context, userID int64, step int64) error {
	now := db.now()
	return db.write(ctx, func(tx *writeTx) error {
		// The secret is sealed again under its own column: a sealed value
		// opens only in the column it was sealed for.
		var pending string
		if err := tx.QueryRow(`SELECT totp_pending FROM users WHERE id = ?`, userID).Scan(tx.sl.into(colTOTPPending, &pending)); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return hotline.Errorf(hotline.ENOTFOUND, "no user %d", userID)
			}
			return err
		}
		if pending == "" {
			return hotline.Errorf(hotline.ECONFLICT, "no second factor being enrolled")
		}
		if _, err := tx.Exec(`UPDATE users SET totp_secret = ?, totp_pending = '', totp_last_step = ? WHERE id = ?`,
			tx.sl.text(colTOTPSecret, pending), step, userID); err != nil {
			return err
		}
		return audit(tx, now, userName(tx, userID), "user.totp_enabled", 0, map[string]any{"user_id": userID})
	})
}

// DisableTOTP turns the second factor off.
func (db *DB) DisableTOTP(ctx context.Context, userID int64) error {
	now := db.now()
	return db.write(ctx, func(tx *writeTx) error {
		if _, err := tx.Exec(`UPDATE users SET totp_secret = '', totp_pending = '', totp_last_step = 0 WHERE id = ?`, userID); err != nil {
			return err
		}
		return audit(tx, now, userName(tx, userID), "user.totp_disabled", 0, map[string]any{"user_id": userID})
	})
}

// UseTOTPStep records that a code of time step step was accepted for
// userID, and reports false when a code of that step or a later one
// already was: a code seen over someone's shoulder cannot be replayed.
func (db *DB) UseTOTPStep(ctx context.Context, userID int64, step int64) (bool, error) {
	var ok bool
	err := db.write(ctx, func(tx *writeTx) error {
		res, err := tx.Exec(`UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`, step, userID, step)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		ok = n == 1
		return nil
	})
	return ok, err
}
