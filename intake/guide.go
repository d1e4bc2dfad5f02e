package intake

import (
	"context"
	"slices"
	"strings"

	"hotline"
)

// GuideTexts are the guide's questions and answer words. They are data in
// the locales (locales.GuideTexts implements this), so that the questions
// and their order can change per language without touching code.
type GuideTexts interface {
	// GuideOrder lists the items to ask about in lang, in order.
	GuideOrder(lang string) []string
	// GuideQuestion is the one short question for item in lang.
	GuideQuestion(lang, item string) string
	// GuideWords are the answer words of a kind ("yes", "no",
	// "dont_reply") in every language, since people answer in the
	// language they can type, not always the one they wrote in first.
	GuideWords(kind string) []string
}

// GuideStore is what the guide needs of a store outside a message's own
// unit of work; store.DB implements it. The guide's read and step happen
// inside that unit (hotline.GuidedIntakeStore, which the pipeline's store
// must be when a guide is set).
type GuideStore interface {
	// MarkUnreachable records that the provider can no longer reach a contact.
	MarkUnreachable(ctx context.Context, ch hotline.Channel, address string) error
}

// Contact modes as hotline.GuideState reports them.
const (
	modeDiscreet = "discreet"
	modeSilent   = "silent"
)

// Guide items with answers that fill a field.
const (
	itemLocation = "location"
	itemSafe     = "safe"
	itemPeople   = "people"
)

// Guide asks a person, one short question at a time, for what responders
// need and the case lacks. A question is only ever the inline reply to a
// message the person has just sent, so it is always inside the reply window
// and never waits in a queue for a phone that may since have been taken.
type Guide struct {
	store GuideStore
	texts GuideTexts
	// Answer words, normalized once.
	dontReply, yes, no []string
}

// NewGuide returns a guide that asks with texts. Its progress is kept by
// the pipeline's store, in each message's own unit of work; store is only
// told when a contact becomes unreachable.
func NewGuide(store GuideStore, texts GuideTexts) *Guide {
	g := &Guide{store: store, texts: texts}
	if texts != nil {
		g.dontReply = normalizeAll(texts.GuideWords("dont_reply"))
		g.yes = normalizeAll(texts.GuideWords("yes"))
		g.no = normalizeAll(texts.GuideWords("no"))
	}
	return g
}

// guidedChannels are the channels where an inline reply reaches the person:
// the form's confirmation page and a voice call have no place for one.
var guidedChannels = map[hotline.Channel]bool{hotline.SMS: true, hotline.WhatsApp: true, hotline.Telegram: true}

// turn is what the guide knows about one message before its commit.
type turn struct {
	mode      string // the contact's mode before this message
	caseID    int64  // the contact's open case before this message
	pending   string // the question this message answers, if any
	done      []string
	stop      bool
	dontReply bool   // "don't reply" or an unsafe answer: silence from now on
	value     string // the answer to pending, normalized
}

// read reads the message as an answer, given the contact's state before it.
func (g *Guide) read(in hotline.Inbound, stop bool, st hotline.GuideState) turn {
	t := turn{stop: stop, mode: st.Mode, caseID: st.CaseID, pending: st.Pending, done: st.Done}
	if g.texts == nil {
		return t
	}
	t.dontReply = containsAny(in.Body, g.dontReply)
	switch t.pending {
	case itemSafe:
		t.value = yesNo(in.Body, g.yes, g.no)
		if t.value == "no" {
			t.dontReply = true
		}
	case itemPeople:
		t.value = peopleCount(in.Body)
	}
	return t
}

// quiet reports whether nothing at all may be sent in answer.
func (t turn) quiet() bool { return t.mode == modeSilent || t.dontReply }

// step is what this turn records: the answer and the next question.
func (g *Guide) step(in hotline.Inbound, r hotline.Receipt, t turn) hotline.GuideStep {
	var s hotline.GuideStep
	if !guidedChannels[in.Channel] || g.texts == nil {
		return s
	}
	if t.caseID == r.CaseID && t.pending != "" {
		s.Answered, s.Value = t.pending, t.value
	}
	if t.dontReply {
		// "Don't reply", asked or not, is the safety answer; nothing
		// else matters once it is given.
		s.Answered, s.Value = itemSafe, "no"
	}
	if !t.stop && !t.quiet() && !r.DoNotContact && t.mode != modeDiscreet {
		s.Ask = g.next(in, r, t)
		if s.Ask != "" {
			s.Question = g.texts.GuideQuestion(replyLang(r, in), s.Ask)
		}
	}
	return s
}

// next picks the first item in the language's order that the case lacks
// and was never asked about.
func (g *Guide) next(in hotline.Inbound, r hotline.Receipt, t turn) string {
	done := t.done
	if r.CaseID != t.caseID {
		// A new case starts with nothing asked; what the contact said
		// about safety still holds.
		done = nil
		if slices.Contains(t.done, itemSafe) {
			done = []string{itemSafe}
		}
	}
	for _, item := range g.texts.GuideOrder(replyLang(r, in)) {
		if slices.Contains(done, item) || item == t.pending {
			continue
		}
		if item == itemLocation && knowsPlace(in) {
			continue
		}
		if item == itemSafe && in.SafeToContact != nil {
			continue
		}
		return item
	}
	return ""
}

// knowsPlace reports whether this message itself says where the person is
// (triage found a province, place or point), so "where are you" is not
// asked of someone who just said it.
func knowsPlace(in hotline.Inbound) bool {
	if in.Lat != nil {
		return true
	}
	t := Classify(in)
	return t.Location.Province != "" || t.Location.Lat != nil
}

// replyLang is the language to ask in: the case's, else the one the
// person's Telegram app uses, else English.
func replyLang(r hotline.Receipt, in hotline.Inbound) string {
	switch r.Lang {
	case "km", "ko", "en":
		return r.Lang
	}
	if l, _, _ := strings.Cut(in.Meta["language_code"], "-"); l == "km" || l == "ko" || l == "en" {
		return l
	}
	return "en"
}

// MarkUnreachable records that a contact can no longer be reached (a
// Telegram user blocked the bot). Without a guide store it does nothing.
func (p *Pipeline) MarkUnreachable(ctx context.Context, ch hotline.Channel, address string) error {
	if p.opts.Guide == nil {
		return nil
	}
	return p.opts.Guide.store.MarkUnreachable(ctx, ch, address)
}
