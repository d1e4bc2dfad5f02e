package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"hotline"
)

// Login lockout: after LockoutAttempts wrong passwords in a row an account
// is locked for LockoutFor, whatever the address of whoever is guessing.
const (
	LockoutAttempts = 5
	LockoutFor      = 15 * time.Minute
)

const staffColumns = `u.id, u.name, u.role, u.created_at, COALESCE(u.organisation_id, 0), COALESCE(o.name, ''), u.lang`

func scanStaff(s scanner, extra ...any) (hotline.Staff, error) {
	var st hotline.Staff
	var created int64
	dest := append([]any{&st.ID, &st.Name, &st.Role, &created, &st.OrganisationID, &st.Organisation, &st.Lang}, extra...)
	if err := s.Scan(dest...); err != nil {
		return st, err
	}
	st.CreatedAt = fromMS(created)
	return st, nil
}

// StaffByName returns a console user, the password hash (empty for a
// disabled account) and until when the account is locked (zero when it is not).
func (db *DB) StaffByName(ctx context.Context, name string) (hotline.Staff, string, time.Time, error) {
	var hash string
	var locked int64
	// A disabled account has no password that can match: the login answers
	// as for a wrong password, after the same bcrypt work.
	row := db.rdb.QueryRowContext(ctx, `SELECT `+staffColumns+`, CASE WHEN u.disabled_at <> 0 THEN '' ELSE u.password_hash END, u.locked_until
		FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id WHERE u.name = ?`, name)
	st, err := scanStaff(row, &hash, &locked)
	if errors.Is(err, sql.ErrNoRows) {
		return hotline.Staff{}, "", time.Time{}, hotline.Errorf(hotline.ENOTFOUND, "no user %q", name)
	}
	if err != nil {
		return hotline.Staff{}, "", time.Time{}, fmt.Errorf("store: staff by name: %w", err)
	}
	var until time.Time
	if locked > 0 {
		until = fromMS(locked)
	}
	return st, hash, until, nil
}

// StaffByID returns a console user.
func (db *DB) StaffByID(ctx context.Context, id int64) (hotline.Staff, error) {
	row := db.rdb.QueryRowContext(ctx, `SELECT `+staffColumns+`
		FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id WHERE u.id = ?`, id)
	st, err := scanStaff(row)
	if errors.Is(err, sql.ErrNoRows) {
		return hotline.Staff{}, hotline.Errorf(hotline.ENOTFOUND, "no user %d", id)
	}
	return st, err
}

// ListStaff returns every account, by name.
func (db *DB) ListStaff(ctx context.Context) ([]hotline.Staff, error) {
	rows, err := db.rdb.QueryContext(ctx, `SELECT `+staffColumns+`
		FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id ORDER BY u.name`)
	if err != nil {
		return nil, fmt.Errorf("store: list staff: %w", err)
	}
	defer rows.Close()
	var out []hotline.Staff
	for rows.Next() {
		st, err := scanStaff(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// LoginFailed counts a wrong password for name and returns until when the
// account is now locked (zero when it is not). Unknown names change nothing.
func (db *DB) LoginFailed(ctx context.Context, name string) (time.Time, error) {
	now := db.now()
	var until int64
	err := db.write(ctx, func(tx *writeTx) error {
		var id int64
		var n int
		err := tx.QueryRow(`UPDATE users SET failed_logins = failed_logins + 1 WHERE name = ? RETURNING id, failed_logins`, name).Scan(&id, &n)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if n < LockoutAttempts {
			return nil
		}
		until = ms(now.Add(LockoutFor))
		if _, err := tx.Exec(`UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?`, until, id); err != nil {
			return err
		}
		return audit(tx, now, "system", "user.locked", 0, map[string]any{"user_id": id, "minutes": int(LockoutFor.Minutes())})
	})
	if err != nil || until == 0 {
		return time.Time{}, err
	}
	return fromMS(until), nil
}

// LoginSucceeded clears the failure count of a user.
func (db *DB) LoginSucceeded(ctx context.Context, userID int64) error {
	return db.write(ctx, func(tx *writeTx) error {
		_, err := tx.Exec(`UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ? AND (failed_logins <> 0 OR locked_until <> 0)`, userID)
		return err
	})
}

// SetPassword stores a new password hash and ends every other session of
// the user, so that a stolen session does not outlive the change.
func (db *DB) SetPassword(ctx context.Context, userID int64, hash, keepSessionToken string) error {
	now := db.now()
	return db.write(ctx, func(tx *writeTx) error {
		if _, err := tx.Exec(`UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID); err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, userID, hashToken(keepSessionToken)); err != nil {
			return err
		}
		return audit(tx, now, userName(tx, userID), "user.password_changed", 0, map[string]any{"user_id": userID})
	})
}

// SetLang records the console language a user chose.
func (db *DB) SetLang(ctx context.Context, userID int64, lang string) error {
	return db.write(ctx, func(tx *writeTx) error {
		_, err := tx.Exec(`UPDATE users SET lang = ? WHERE id = ?`, lang, userID)
		return err
	})
}

// EnsureOrganisation returns the organisation called name, creating it.
func (db *DB) EnsureOrganisation(ctx context.Context, name string) (hotline.Organisation, error) {
	if name == "" {
		return hotline.Organisation{}, hotline.Errorf(hotline.EINVALID, "organisation name is empty")
	}
	now := db.now()
	var o hotline.Organisation
	err := db.write(ctx, func(tx *writeTx) error {
		var created int64
		err := tx.QueryRow(`SELECT id, name, created_at FROM organisations WHERE name = ?`, name).Scan(&o.ID, &o.Name, &created)
		if err == nil {
			o.CreatedAt = fromMS(created)
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		o = hotline.Organisation{Name: name, CreatedAt: fromMS(ms(now))}
		if err := tx.QueryRow(`INSERT INTO organisations (name, created_at) VALUES (?, ?) RETURNING id`, name, ms(now)).Scan(&o.ID); err != nil {
			return err
		}
		return audit(tx, now, "admin", "organisation.created", 0, map[string]any{"organisation_id": o.ID})
	})
	return o, err
}

// Organisations lists the organisations cases can be handed to, by name.
func (db *DB) Organisations(ctx context.Context) ([]hotline.Organisation, error) {
	rows, err := db.rdb.QueryContext(ctx, `SELECT id, name, created_at FROM organisations ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: organisations: %w", err)
	}
	defer rows.Close()
	var out []hotline.Organisation
	for rows.Next() {
		var o hotline.Organisation
		var created int64
		if err := rows.Scan(&o.ID, &o.Name, &created); err != nil {
			return nil, err
		}
		o.CreatedAt = fromMS(created)
		out = append(out, o)
	}
	return out, rows.Err()
}

// SetUserOrganisation makes the named user a member of org (by name,
// created if needed). Responders see only what is handed to their organisation.
func (db *DB) SetUserOrganisation(ctx context.Context, userName, org string) error {
	o, err := db.EnsureOrganisation(ctx, org)
	if err != nil {
		return err
	}
	now := db.now()
	return db.write(ctx, func(tx *writeTx) error {
		var id int64
		err := tx.QueryRow(`UPDATE users SET organisation_id = ? WHERE name = ? RETURNING id`, o.ID, userName).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return hotline.Errorf(hotline.ENOTFOUND, "no user %q", userName)
		}
		if err != nil {
			return err
		}
		return audit(tx, now, "admin", "user.organisation_set", 0, map[string]any{"user_id": id, "organisation_id": o.ID})
	})
}
