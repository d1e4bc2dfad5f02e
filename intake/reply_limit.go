package intake

import (
	"hash/maphash"
	"time"

	"hotline"
	"hotline/internal/window"
)

// ReplyLimit caps the automatic replies (acknowledgements, STOP
// confirmations and the guide's questions) one contact gets in a window.
// A contact that floods the hotline still has every message stored and
// answered 200 to the provider; past the cap it gets no more texts until
// the window ends, so that Hotline cannot be turned into a machine that
// texts a victim's watched phone, or costs the hotline money, on someone
// else's command.
//
// Contacts are kept as keyed hashes, so the limiter holds no phone number.
type ReplyLimit struct {
	max  int
	seed maphash.Seed
	n    *window.Counter[uint64]
}

// Reply limit defaults: enough for an acknowledgement and every question
// the guide asks of a person who answers at once, not enough to flood.
const (
	DefaultReplyMax    = 6
	DefaultReplyWindow = 10 * time.Minute
)

// NewReplyLimit allows max replies per contact per window; max <= 0 means
// no limit.
func NewReplyLimit(max int, per time.Duration) *ReplyLimit {
	return &ReplyLimit{max: max, seed: maphash.MakeSeed(), n: window.New[uint64](max, per)}
}

// Allow reports whether the contact may get one more automatic reply at
// now, and counts it if so.
func (l *ReplyLimit) Allow(ch hotline.Channel, from string, now time.Time) bool {
	if l == nil || l.max <= 0 {
		return true
	}
	var h maphash.Hash
	h.SetSeed(l.seed)
	h.WriteString(string(ch))
	h.WriteByte(0)
	h.WriteString(from)
	return l.n.Take(h.Sum64(), now)
}

// replyCharge asks the reply limit once per message. The store may run a
// message's unit, and so the acknowledgement it calls back, more than once
// (store/writer.go, commit): a rerun is the same reply, not another one.
type replyCharge struct {
	asked, allowed bool
}

func (p *Pipeline) allowOnce(c *replyCharge, in hotline.Inbound) bool {
	if !c.asked {
		c.asked, c.allowed = true, p.opts.Replies.Allow(in.Channel, in.From, p.opts.Now())
	}
	return c.allowed
}

// limitReply passes reply on if in's contact is under its limit. An empty
// reply costs nothing.
func (p *Pipeline) limitReply(c *replyCharge, in hotline.Inbound, reply string) string {
	if reply == "" || p.allowOnce(c, in) {
		return reply
	}
	return ""
}

// limitGuided is limitReply for the guided intake, where the reply is the
// acknowledgement and the guide's question together (one text). Over the
// limit both are dropped, and the question is not recorded as asked, so it
// is asked with a later message instead.
func (p *Pipeline) limitGuided(c *replyCharge, in hotline.Inbound, ack string, step hotline.GuideStep) (string, hotline.GuideStep) {
	if ack == "" && step.Ask == "" {
		return ack, step
	}
	if p.allowOnce(c, in) {
		return ack, step
	}
	step.Ask, step.Question = "", ""
	return "", step
}
