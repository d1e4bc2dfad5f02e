package intake

import "hotline"

// ackText is the acknowledgement in the contact's mode: a discreet contact
// gets the bare reference, which means nothing to whoever else reads the
// phone; others get the neutral text, opened by the organisation's name
// only when one is configured.
func (p *Pipeline) ackText(r hotline.Receipt, g turn) string {
	if g.mode == modeDiscreet {
		return r.CaseRef
	}
	text := p.opts.Texts.Ack(r.Lang, r.CaseRef)
	if p.opts.OrgName != "" && text != "" {
		text = p.opts.OrgName + ": " + text
	}
	return text
}

// callerSignals folds in what a caller said with the keypad: pressing 1 at
// "are you in danger now" makes the message at least high, with a reason
// staff can see. The key is channels/twilio.MetaDanger.
func callerSignals(in hotline.Inbound, t *hotline.Triage) {
	if in.Channel == hotline.Voice && in.Meta["lang"] != "" && (t.Lang == "" || t.Lang == "und") {
		t.Lang = in.Meta["lang"]
	}
	if in.Meta["danger"] != "pressed" {
		return
	}
	if t.Urgency < hotline.High {
		t.Urgency = hotline.High
	}
	t.Reasons = append(t.Reasons, hotline.Reason{Signal: "danger", Match: "pressed 1: in danger now", Urgency: hotline.High})
}
