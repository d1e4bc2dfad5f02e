// Package intake is the pipeline between a channel and the store: it stamps
// and triages a normalized message, has it committed durably, and says what
// to answer. A channel answers its provider only after Receive returns.
package intake

import (
	"context"
	"strings"
	"time"

	"hotline"
	"hotline/triage"
)

// AckMode says when an inbound message gets an automatic acknowledgement.
type AckMode string

// Acknowledgement modes. The default is AckFirst: a phone in a compound may be
// inspected, so the system says as little as it can, once.
const (
	AckFirst AckMode = "first" // only the message that opens a case
	AckEvery AckMode = "every" // every new message
	AckOff   AckMode = "off"   // never
)

// ParseAckMode reads a mode name; "" is AckFirst.
func ParseAckMode(s string) (AckMode, error) {
	switch AckMode(s) {
	case "":
		return AckFirst, nil
	case AckFirst, AckEvery, AckOff:
		return AckMode(s), nil
	}
	return "", hotline.Errorf(hotline.EINVALID, "unknown acknowledgement mode %q (want first, every or off)", s)
}

// Texts supplies the short neutral texts the pipeline sends, in a language.
// The server wires it to the locales bundle; intake does not know about it.
type Texts interface {
	Ack(lang, ref string) string
	Stopped(lang string) string
}

// Options configure a Pipeline.
type Options struct {
	Ack   AckMode
	Texts Texts // nil: no acknowledgements at all
	Now   func() time.Time
	// Guide asks for what the case lacks and applies the contact's
	// modes (discreet, silent); nil turns both off. With a guide, the
	// pipeline's store must be a hotline.GuidedIntakeStore.
	Guide *Guide
	// OrgName, when set, opens acknowledgements; by default they name
	// no organisation, since the phone may be read by someone else.
	OrgName string
	// Replies caps automatic replies per contact; nil is
	// NewReplyLimit(DefaultReplyMax, DefaultReplyWindow).
	Replies *ReplyLimit
}

// Pipeline receives inbound messages.
type Pipeline struct {
	store hotline.IntakeStore
	// guided is store when a guide is set: the guide's read and step are
	// part of the message's own commit.
	guided hotline.GuidedIntakeStore
	opts   Options
}

// New returns a pipeline that records into store. With opts.Guide set,
// store must be a hotline.GuidedIntakeStore; New panics otherwise, since
// that is a wiring mistake better found at start than on a victim's message.
func New(store hotline.IntakeStore, opts Options) *Pipeline {
	if opts.Ack == "" {
		opts.Ack = AckFirst
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Replies == nil {
		opts.Replies = NewReplyLimit(DefaultReplyMax, DefaultReplyWindow)
	}
	p := &Pipeline{store: store, opts: opts}
	if opts.Guide != nil {
		gs, ok := store.(hotline.GuidedIntakeStore)
		if !ok {
			panic("intake: a guide needs a hotline.GuidedIntakeStore")
		}
		p.guided = gs
	}
	return p
}

// Receive triages in, commits it and returns the receipt with what to reply. When it returns
// without error the message is durable.
func (p *Pipeline) Receive(ctx context.Context, in hotline.Inbound) (hotline.Receipt, error) {
	if in.Channel == "" || in.ExternalID == "" || in.From == "" {
		return hotline.Receipt{}, hotline.Errorf(hotline.EINVALID, "message needs a channel, an external id and a sender")
	}
	if in.ReceivedAt.IsZero() {
		in.ReceivedAt = p.opts.Now().UTC()
	}
	t := Classify(in)
	stop := IsStop(in.Body)
	if p.guided != nil && guidedChannels[in.Channel] {
		return p.receiveGuided(ctx, p.guided, in, t, stop)
	}

	var reply string
	var charge replyCharge
	ack := func(r hotline.Receipt) string {
		if in.Channel == hotline.Web || in.Channel == hotline.Voice {
			// The confirmation page is the acknowledgement; a caller
			// is never called or texted back.
			return ""
		}
		reply = p.limitReply(&charge, in, p.replyFor(r, stop, turn{}))
		return reply
	}
	rcpt, err := p.store.RecordInbound(ctx, in, t, ack)
	if err != nil {
		return hotline.Receipt{}, err
	}
	if rcpt.Duplicate {
		reply = "" // the provider already has our answer to the first delivery
	}
	if stop {
		// Also on a duplicate: the first delivery may have been committed by
		// a process that died before it could record the opt-out.
		if err := p.store.SetDoNotContact(ctx, in.Channel, in.From, true); err != nil {
			return hotline.Receipt{}, err
		}
	}
	rcpt.Reply = reply
	return rcpt, nil
}

// receiveGuided is Receive with the guide's read and step inside the
// message's own unit of work: one commit, and the reply is decided on the
// state that commit builds on. Everything is decided before the commit, so
// an unsafe answer silences even the acknowledgement of the message that
// gives it.
func (p *Pipeline) receiveGuided(ctx context.Context, gs hotline.GuidedIntakeStore, in hotline.Inbound, t hotline.Triage, stop bool) (hotline.Receipt, error) {
	guide := p.opts.Guide
	var charge replyCharge
	reply := func(r hotline.Receipt, st hotline.GuideState) (string, hotline.GuideStep) {
		g := guide.read(in, stop, st)
		return p.limitGuided(&charge, in, p.replyFor(r, stop, g), guide.step(in, r, g))
	}
	rcpt, err := gs.RecordInboundGuided(ctx, in, t, reply)
	if err != nil {
		return hotline.Receipt{}, err
	}
	if rcpt.Duplicate {
		rcpt.Reply = "" // the provider already has our answer to the first delivery
	}
	if stop {
		// Also on a duplicate: see Receive.
		if err := gs.SetDoNotContact(ctx, in.Channel, in.From, true); err != nil {
			return hotline.Receipt{}, err
		}
	}
	return rcpt, nil
}

func (p *Pipeline) replyFor(r hotline.Receipt, stop bool, g turn) string {
	if p.opts.Texts == nil || r.Duplicate || g.quiet() {
		return ""
	}
	if stop {
		// Confirming an opt-out is the one message STOP itself asks for.
		return p.opts.Texts.Stopped(r.Lang)
	}
	if r.DoNotContact {
		return ""
	}
	if p.opts.Ack == AckEvery || p.opts.Ack == AckFirst && r.NewCase {
		return p.ackText(r, g)
	}
	return ""
}

// Classify runs the triage engine on a message and folds in what the sender
// told us explicitly.
func Classify(in hotline.Inbound) hotline.Triage {
	res := triage.Classify(triage.Input{
		ID:      in.ExternalID,
		Text:    in.Body,
		Channel: string(in.Channel),
		Lat:     in.Lat,
		Lon:     in.Lon,
	})
	t := res.Triage()
	callerSignals(in, &t)
	if in.ReporterHint != "" {
		t.Reporter = in.ReporterHint
	}
	return t
}

// stopWords are the opt-out keywords carriers and people use, in the
// languages Hotline serves. A message that is only one of them opts out.
var stopWords = map[string]bool{
	"stop": true, "stopall": true, "unsubscribe": true, "cancel": true, "end": true, "quit": true,
	"중지": true, "그만": true, "수신거부": true,
	"ឈប់": true, "បញ្ឈប់": true,
}

// IsStop reports whether body is an opt-out keyword on its own.
func IsStop(body string) bool {
	w := strings.ToLower(strings.TrimSpace(strings.Trim(strings.TrimSpace(body), ".!")))
	return stopWords[w]
}

// RecordDeliveryStatus passes a provider's delivery report to the store.
func (p *Pipeline) RecordDeliveryStatus(ctx context.Context, ch hotline.Channel, externalID, status, errorCode string) error {
	return p.store.RecordDeliveryStatus(ctx, ch, externalID, status, errorCode)
}
