package store

import (
	"context"
	"fmt"
	"net/mail"
	"net/url"
	"strings"

	"hotline"
)

// Responder is hotline.Responder, kept under its old name for callers.
type Responder = hotline.Responder

// validResponder refuses addresses that cannot work on their channel, so a
// typo is found by the admin and not during a rescue.
func validResponder(r Responder) error {
	if strings.TrimSpace(r.Name) == "" {
		return hotline.Errorf(hotline.EINVALID, "a responder needs a name")
	}
	switch r.Channel {
	case hotline.SMS, hotline.WhatsApp:
		if !strings.HasPrefix(r.Address, "+") || len(r.Address) < 8 {
			return hotline.Errorf(hotline.EINVALID, "a phone number starts with + and the country code")
		}
	case hotline.Email:
		if _, err := mail.ParseAddress(r.Address); err != nil {
			return hotline.Errorf(hotline.EINVALID, "not an email address")
		}
	case hotline.Webhook:
		u, err := url.Parse(r.Address)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return hotline.Errorf(hotline.EINVALID, "a webhook needs an http(s) URL")
		}
		if len(r.Secret) < 16 {
			return hotline.Errorf(hotline.EINVALID, "a webhook needs a secret of at least 16 characters")
		}
	default:
		return hotline.Errorf(hotline.EINVALID, "channel must be sms, whatsapp, email or webhook")
	}
	return nil
}

// AddResponder stores a responder contact of an organisation (created if
// new).
func (db *DB) AddResponder(ctx context.Context, actor string, org string, r Responder) (Responder, error) {
	r.Name, r.Address = strings.TrimSpace(r.Name), strings.TrimSpace(r.Address)
	if r.Lang == "" {
		r.Lang = "en"
	}
	if err := validResponder(r); err != nil {
		return r, err
	}
	o, err := db.EnsureOrganisation(ctx, org)
	if err != nil {
		return r, err
	}
	r.OrganisationID, r.Organisation = o.ID, o.Name
	now := db.now()
	err = db.write(ctx, func(tx *writeTx) error {
		err := tx.QueryRow(`
			INSERT INTO responders (organisation_id, name, channel, address, secret, lang, on_duty, position, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			r.OrganisationID, r.Name, string(r.Channel), r.Address, r.Secret, r.Lang, r.OnDuty, r.Position, ms(now)).Scan(&r.ID)
		if isUnique(err) {
			return hotline.Errorf(hotline.ECONFLICT, "%s already has a responder named %s", o.Name, r.Name)
		}
		if err != nil {
			return err
		}
		return audit(tx, now, actor, "responder.added", 0, map[string]any{
			"responder_id": r.ID, "organisation_id": r.OrganisationID, "channel": r.Channel,
		})
	})
	return r, err
}

// Responders lists the responders of an organisation (all of them for
// orgID 0) in escalation order.
func (db *DB) Responders(ctx context.Context, orgID int64) ([]Responder, error) {
	rows, err := db.rdb.QueryContext(ctx, `
		SELECT r.id, r.organisation_id, o.name, r.name, r.channel, r.address, r.secret, r.lang, r.on_duty, r.position
		FROM responders r JOIN organisations o ON o.id = r.organisation_id
		WHERE ? = 0 OR r.organisation_id = ?
		ORDER BY o.name, r.position, r.id`, orgID, orgID)
	if err != nil {
		return nil, fmt.Errorf("store: responders: %w", err)
	}
	defer rows.Close()
	var out []Responder
	for rows.Next() {
		var r Responder
		var ch string
		if err := rows.Scan(&r.ID, &r.OrganisationID, &r.Organisation, &r.Name, &ch, &r.Address, &r.Secret,
			&r.Lang, &r.OnDuty, &r.Position); err != nil {
			return nil, err
		}
		r.Channel = hotline.Channel(ch)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ResponderByID returns one responder, with its secret.
func (db *DB) ResponderByID(ctx context.Context, id int64) (Responder, error) {
	var r Responder
	var ch string
	err := db.rdb.QueryRowContext(ctx, `
		SELECT r.id, r.organisation_id, o.name, r.name, r.channel, r.address, r.secret, r.lang, r.on_duty, r.position
		FROM responders r JOIN organisations o ON o.id = r.organisation_id WHERE r.id = ?`, id).Scan(
		&r.ID, &r.OrganisationID, &r.Organisation, &r.Name, &ch, &r.Address, &r.Secret, &r.Lang, &r.OnDuty, &r.Position)
	if err != nil {
		return r, hotline.Errorf(hotline.ENOTFOUND, "responder %d not found", id)
	}
	r.Channel = hotline.Channel(ch)
	return r, nil
}

// SetOnDuty puts a responder on or off duty.
func (db *DB) SetOnDuty(ctx context.Context, actor string, id int64, on bool) error {
	now := db.now()
	return db.write(ctx, func(tx *writeTx) error {
		res, err := tx.Exec(`UPDATE responders SET on_duty = ? WHERE id = ?`, on, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return hotline.Errorf(hotline.ENOTFOUND, "responder %d not found", id)
		}
		return audit(tx, now, actor, "responder.on_duty", 0, map[string]any{"responder_id": id, "on": on})
	})
}

// RemoveResponder deletes a responder contact that was never notified;
// one that was is taken off duty instead, so the record of who was told
// stays whole.
func (db *DB) RemoveResponder(ctx context.Context, actor string, id int64) error {
	now := db.now()
	return db.write(ctx, func(tx *writeTx) error {
		var used int
		if err := tx.QueryRow(`SELECT count(*) FROM outbox WHERE responder_id = ?`, id).Scan(&used); err != nil {
			return err
		}
		q := `DELETE FROM responders WHERE id = ?`
		if used > 0 {
			q = `UPDATE responders SET on_duty = 0, position = 1000000 WHERE id = ?`
		}
		res, err := tx.Exec(q, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return hotline.Errorf(hotline.ENOTFOUND, "responder %d not found", id)
		}
		return audit(tx, now, actor, "responder.removed", 0, map[string]any{"responder_id": id, "kept_off_duty": used > 0})
	})
}

// ResponderSecret is the webhook signing secret of the responder an outbox
// row goes to.
func (db *DB) ResponderSecret(ctx context.Context, outboxID int64) (string, error) {
	var s string
	err := db.rdb.QueryRowContext(ctx, `SELECT r.secret FROM outbox x JOIN responders r ON r.id = x.responder_id WHERE x.id = ?`, outboxID).Scan(&s)
	if err != nil {
		return "", fmt.Errorf("store: secret for outbox %d: %w", outboxID, err)
	}
	return s, nil
}
