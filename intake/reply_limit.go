package intake

import (
	"hash/maphash"
	"sync"
	"time"

	"hotline"
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
	max    int
	window time.Duration
	seed   maphash.Seed

	mu   sync.Mutex
	keys map[uint64]*replyWindow
}

type replyWindow struct {
	start time.Time
	n     int
}

// Reply limit defaults: enough for an acknowledgement and every question
// the guide asks of a person who answers at once, not enough to flood.
const (
	DefaultReplyMax    = 6
	DefaultReplyWindow = 10 * time.Minute
)

// maxReplyKeys bounds the table; past it, expired windows are dropped, and
// if none is, the table starts over (some contacts get a fresh window
// early rather than memory growing without end).
const maxReplyKeys = 100_000

// NewReplyLimit allows max replies per contact per window; max <= 0 means
// no limit.
func NewReplyLimit(max int, window time.Duration) *ReplyLimit {
	return &ReplyLimit{max: max, window: window, seed: maphash.MakeSeed(), keys: map[uint64]*replyWindow{}}
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
	k := h.Sum64()

	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.keys[k]
	if w == nil || now.Sub(w.start) >= l.window {
		if w == nil && len(l.keys) >= maxReplyKeys {
			l.sweep(now)
		}
		w = &replyWindow{start: now}
		l.keys[k] = w
	}
	if w.n >= l.max {
		return false
	}
	w.n++
	return true
}

func (l *ReplyLimit) sweep(now time.Time) {
	for k, w := range l.keys {
		if now.Sub(w.start) >= l.window {
			delete(l.keys, k)
		}
	}
	if len(l.keys) >= maxReplyKeys {
		clear(l.keys)
	}
}

// limitReply passes reply on if in's contact is under its limit. An empty
// reply costs nothing.
func (p *Pipeline) limitReply(in hotline.Inbound, reply string) string {
	if reply == "" || p.opts.Replies.Allow(in.Channel, in.From, p.opts.Now()) {
		return reply
	}
	return ""
}

// limitGuided is limitReply for the guided intake, where the reply is the
// acknowledgement and the guide's question together (one text). Over the
// limit both are dropped, and the question is not recorded as asked, so it
// is asked with a later message instead.
func (p *Pipeline) limitGuided(in hotline.Inbound, ack string, step hotline.GuideStep) (string, hotline.GuideStep) {
	if ack == "" && step.Ask == "" {
		return ack, step
	}
	if p.opts.Replies.Allow(in.Channel, in.From, p.opts.Now()) {
		return ack, step
	}
	step.Ask, step.Question = "", ""
	return "", step
}
