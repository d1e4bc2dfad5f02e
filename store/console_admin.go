package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"hotline"
)

// CreateStaff adds a console account for an administrator: the user, their
// organisation (responders need one) and the audit event naming who did
// it, in one unit of work.
func (db *DB) CreateStaff(ctx context.Context, actor hotline.Staff, name, role, passwordHash string, orgID int64) (hotline.Staff, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return hotline.Staff{}, hotline.Errorf(hotline.EINVALID, "user name is empty")
	}
	if !roles[role] {
		return hotline.Staff{}, hotline.Errorf(hotline.EINVALID, "unknown role %q", role)
	}
	if role == hotline.RoleResponder && orgID <= 0 {
		return hotline.Staff{}, hotline.Errorf(hotline.EINVALID, "a responder needs an organisation")
	}
	now := db.now()
	st := hotline.Staff{User: hotline.User{Name: name, Role: role, CreatedAt: fromMS(ms(now))}}
	err := db.write(ctx, func(tx *writeTx) error {
		var org sql.NullInt64
		if orgID > 0 {
			if err := tx.QueryRow(`SELECT name FROM organisations WHERE id = ?`, orgID).Scan(&st.Organisation); err != nil {
				return hotline.Errorf(hotline.EINVALID, "no such organisation")
			}
			org = sql.NullInt64{Int64: orgID, Valid: true}
			st.OrganisationID = orgID
		}
		err := tx.QueryRow(`INSERT INTO users (name, role, password_hash, created_at, organisation_id) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			name, role, passwordHash, ms(now), org).Scan(&st.ID)
		if isUnique(err) {
			return hotline.Errorf(hotline.ECONFLICT, "user %q already exists", name)
		}
		if err != nil {
			return err
		}
		return audit(tx, now, actor.Name, "user.created", 0, map[string]any{"user_id": st.ID, "role": role, "organisation_id": orgID})
	})
	if err != nil {
		return hotline.Staff{}, err
	}
	return st, nil
}

// CreateOrganisation adds an organisation cases can be handed to; a name
// already in use is ECONFLICT, so that a typo does not quietly merge two.
func (db *DB) CreateOrganisation(ctx context.Context, actor hotline.Staff, name string) (hotline.Organisation, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return hotline.Organisation{}, hotline.Errorf(hotline.EINVALID, "organisation name is empty")
	}
	now := db.now()
	o := hotline.Organisation{Name: name, CreatedAt: fromMS(ms(now))}
	err := db.write(ctx, func(tx *writeTx) error {
		err := tx.QueryRow(`INSERT INTO organisations (name, created_at) VALUES (?, ?) RETURNING id`, name, ms(now)).Scan(&o.ID)
		if isUnique(err) {
			return hotline.Errorf(hotline.ECONFLICT, "organisation %q already exists", name)
		}
		if err != nil {
			return err
		}
		return audit(tx, now, actor.Name, "organisation.created", 0, map[string]any{"organisation_id": o.ID})
	})
	return o, err
}

// SetDisabled disables (or enables again) an account. Disabling ends every
// session of the user and deletes their API tokens in the same unit of
// work, so nothing they held keeps working; enabling gives none back.
func (db *DB) SetDisabled(ctx context.Context, actor hotline.Staff, userID int64, disabled bool) error {
	if disabled && userID == actor.ID {
		return hotline.Errorf(hotline.EINVALID, "you cannot disable your own account")
	}
	now := db.now()
	return db.write(ctx, func(tx *writeTx) error {
		at := int64(0)
		if disabled {
			at = ms(now)
		}
		var id int64
		err := tx.QueryRow(`UPDATE users SET disabled_at = ? WHERE id = ? RETURNING id`, at, userID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return hotline.Errorf(hotline.ENOTFOUND, "no user %d", userID)
		}
		if err != nil {
			return err
		}
		action := "user.enabled"
		if disabled {
			action = "user.disabled"
			var sessions, tokens int64
			res, err := tx.Exec(`DELETE FROM sessions WHERE user_id = ?`, userID)
			if err != nil {
				return err
			}
			sessions, _ = res.RowsAffected()
			if res, err = tx.Exec(`DELETE FROM api_tokens WHERE user_id = ?`, userID); err != nil {
				return err
			}
			tokens, _ = res.RowsAffected()
			return audit(tx, now, actor.Name, action, 0, map[string]any{
				"user_id": userID, "sessions_ended": sessions, "tokens_revoked": tokens,
			})
		}
		return audit(tx, now, actor.Name, action, 0, map[string]any{"user_id": userID})
	})
}

// DisabledStaff returns the ids of disabled accounts, for the admin page.
func (db *DB) DisabledStaff(ctx context.Context) (map[int64]bool, error) {
	rows, err := db.rdb.QueryContext(ctx, `SELECT id FROM users WHERE disabled_at <> 0`)
	if err != nil {
		return nil, fmt.Errorf("store: disabled users: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// UserDisabled reports whether the account is disabled; the API asks it on
// every call, so that a token issued later by the CLI does not bring a
// disabled account back.
func (db *DB) UserDisabled(ctx context.Context, userID int64) (bool, error) {
	var at int64
	err := db.rdb.QueryRowContext(ctx, `SELECT disabled_at FROM users WHERE id = ?`, userID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	}
	return at != 0, err
}
