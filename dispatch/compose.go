package dispatch

import (
	"context"
	"encoding/json"
	"time"

	"hotline"
	"hotline/handoff"
)

// compose writes a notification at send time, from the case as it is now,
// in the responder's language, with a fresh single-use acknowledgement
// link (a resent notification gets a new one).
func (d *Dispatcher) compose(ctx context.Context, r *hotline.OutboxRow) error {
	src, err := d.db.NotificationSource(ctx, r.HandoffID, r.ResponderID)
	if err != nil {
		return err
	}
	dnc, _, err := d.db.ContactState(ctx, src.Case.ID)
	if err != nil {
		return err
	}
	p := handoff.Build(handoff.Input{Case: src.Case, Name: src.Name, Handoff: src.Handoff, Consent: src.Consent, DoNotContact: dnc})
	expires := time.Now().Add(d.cfg.AckTTL)
	token, hash := d.ack.Mint(r.HandoffID, r.ResponderID, expires)
	if err := d.db.SaveAckToken(ctx, hash, r.HandoffID, r.ResponderID, expires); err != nil {
		return err
	}
	p.AckURL = d.cfg.PublicURL + "/ack/" + token
	lang := src.Responder.Lang
	switch r.Channel {
	case hotline.SMS, hotline.WhatsApp:
		r.Body = p.SMS(lang)
	case hotline.Webhook:
		b, err := json.Marshal(struct {
			Event   string         `json:"event"`
			Handoff int64          `json:"handoff_id"`
			Packet  handoff.Packet `json:"packet"`
			Text    string         `json:"text"`
		}{"handoff", r.HandoffID, p, p.Text(lang)})
		if err != nil {
			return err
		}
		r.Body = string(b)
	default:
		r.Subject, r.Body = p.Subject(lang), p.Text(lang)
	}
	return nil
}
