package triage

import (
	"bytes"

	"hotline"
)

// Status of a signal found in a message.
const (
	stActive   = iota
	stNegated  // "not beaten", "맞은 적은 없어요"
	stPast     // "they used to beat us"
	stEscaped  // held, but the message says they got out
	stResolved // got out, and the message says they are safe
)

var statusNote = [...]string{"", "negated", "in the past", "has got out since", "resolved"}

// sigHit is one lexicon signal found in a message.
type sigHit struct {
	h       hit
	e       *signalEntry
	status  int
	current bool // a "still"/"now" cue governs it
}

const (
	defaultBeforeReach = 28
	defaultAfterReach  = 24
)

// cueAround finds the cue that governs the span [s, e) within its clause:
// the nearest negation, past or current cue before it, and any negation or
// past cue after it (Korean and Khmer negate after the verb). It returns
// the kind that decides, or "".
func (e *engine) cueAround(hits []hit, s, en, from, to int32) (before, after string) {
	best := int32(-1)
	for _, h := range hits {
		if h.table != tCue || h.start >= to || h.end <= from {
			continue
		}
		for _, r := range e.patterns[h.pat].refs {
			if r.table != tCue || r.view != h.view {
				continue
			}
			c := &e.cues[r.idx]
			if c.kind != cueNeg && c.kind != cuePast && c.kind != cueCurrent {
				continue
			}
			// A cue that runs into the signal ("không bị" + "bị nhốt") stands before it.
			if c.before && h.start < s && h.end > s && h.end <= en && h.start >= from {
				if s > best {
					best, before = s, c.kind
				}
				continue
			}
			if c.before && h.end <= s && h.start >= from {
				reach := int32(c.reach)
				if reach == 0 {
					reach = defaultBeforeReach
				}
				if s-h.end <= reach && h.end > best {
					best, before = h.end, c.kind
				}
			}
			if c.after && h.start >= en && h.end <= to && after == "" && c.kind != cueCurrent {
				reach := int32(c.reach)
				if reach == 0 {
					reach = defaultAfterReach
				}
				if h.start-en <= reach {
					after = c.kind
				}
			}
		}
	}
	return before, after
}

// judgeSignals sets the status of every signal and returns the level.
func (e *engine) judgeSignals(t *text, sigs []sigHit, hits []hit, bounds []int32) {
	escaped, resolved := false, false
	for i := range sigs {
		sg := &sigs[i]
		if sg.e.flags&flagNoNeg == 0 {
			from, to := clauseOf(bounds, sg.h.start, sg.h.end, len(t.plain))
			before, after := e.cueAround(hits, sg.h.start, sg.h.end, from, to)
			switch {
			case after == cueNeg:
				sg.status = stNegated
			case after == cuePast && before != cueCurrent:
				sg.status = stPast
			case before == cueNeg:
				sg.status = stNegated
			case before == cuePast:
				sg.status = stPast
			case before == cueCurrent:
				sg.current = true
			}
		}
		if sg.status == stActive {
			if sg.e.flags&flagEscape != 0 {
				escaped = true
			}
			if sg.e.flags&flagResolved != 0 {
				resolved = true
			}
		}
	}
	for i := range sigs {
		sg := &sigs[i]
		if sg.status != stActive || sg.current {
			continue
		}
		if escaped && sg.e.flags&flagHeld != 0 {
			sg.status = stEscaped
		}
		if resolved && sg.e.flags&flagResolvable != 0 {
			sg.status = stResolved
		}
	}
}

// level combines the active signals: the worst one decides, and two
// combinations are worse than their parts: a plea with an immediacy word
// ("help … now") and a child with any sign of being held.
func level(t *text, sigs []sigHit, minor string, reasons []hotline.Reason) (hotline.Urgency, []hotline.Reason) {
	lv := hotline.Low
	var child, held *sigHit
	for i := range sigs {
		sg := &sigs[i]
		if sg.status != stActive {
			continue
		}
		if sg.e.level > lv {
			lv = sg.e.level
		}
		f := sg.e.flags
		if f&flagChild != 0 {
			child = sg
		}
		// A child made to work or kept inside a compound is a child held.
		if (f&(flagHeld|flagWork) != 0 || sg.e.level >= hotline.High) && f&flagChild == 0 && f&flagEscape == 0 {
			held = sg
		}
	}
	// A fraud report stays low even when it asks for help: no one is held.
	fraudOnly := false
	if lv <= hotline.Medium {
		fraudOnly = true
		seenFraud := false
		for i := range sigs {
			sg := &sigs[i]
			if sg.status != stActive {
				continue
			}
			switch {
			case sg.e.signal == "fraud":
				seenFraud = true
			case sg.e.flags&flagPlea != 0 || sg.e.level <= hotline.Low:
			default:
				fraudOnly = false
			}
		}
		if fraudOnly = fraudOnly && seenFraud; fraudOnly {
			lv = hotline.Low
		}
	}
	var plea, now *sigHit
	for i := range sigs {
		a := &sigs[i]
		if a.status != stActive || a.e.flags&flagPlea == 0 {
			continue
		}
		for j := range sigs {
			b := &sigs[j]
			// A cry that is both a plea and an emergency ("SOS",
			// "살려주세요") pairs with itself.
			if b.status != stActive || b.e.flags&flagNow == 0 || i == j && a.e.flags&flagNow == 0 {
				continue
			}
			if absDist(a, b) <= 110 && (plea == nil || absDist(a, b) < absDist(plea, now)) {
				plea, now = a, b
			}
		}
	}
	// "Thank you for the rescue, I am home now" has a plea word and "now"
	// but asks for nothing: a resolved situation silences the pair.
	resolved := false
	for i := range sigs {
		if sigs[i].status == stActive && sigs[i].e.flags&flagResolved != 0 {
			resolved = true
		}
	}
	if plea != nil && !fraudOnly && !resolved {
		lv = hotline.Critical
		m := t.span(plea.h)
		if plea != now {
			m += " … " + t.span(now.h)
		}
		reasons = append(reasons, hotline.Reason{Signal: "help_now", Match: m, Urgency: hotline.Critical, Note: "a plea for help with an immediacy word"})
	}
	if lv < hotline.Critical && !resolved {
		if mv, when := movedSoon(t, sigs); mv != nil {
			lv = hotline.Critical
			m := t.span(mv.h)
			if mv != when {
				m += " … " + t.span(when.h)
			}
			reasons = append(reasons, hotline.Reason{Signal: "moved_now", Match: m, Urgency: hotline.Critical, Note: "people being taken somewhere, with a word for now or soon"})
		}
	}
	if lv < hotline.Critical && !resolved {
		if g, by := takenNotBack(sigs); g != nil {
			lv = hotline.Critical
			reasons = append(reasons, hotline.Reason{Signal: "taken_not_back", Match: t.span(by.h) + " … " + t.span(g.h), Urgency: hotline.Critical, Note: "taken away and not come back"})
		}
	}
	if held != nil && (child != nil || minor != "") {
		m := minor
		if child != nil {
			m = t.span(child.h)
		}
		lv = hotline.Critical
		reasons = append(reasons, hotline.Reason{Signal: "child", Match: m + " … " + t.span(held.h), Urgency: hotline.Critical, Note: "a child among those held"})
	}
	return lv, reasons
}

// movedSoon finds a sign of people being taken somewhere ("loading us into
// a van", "ដឹកទៅ", "차에 태워") near a word for now or soon: LABELS.md
// counts being moved right now, or about to be, as critical. An escape in
// the message means the move is the person's own, so it does not count.
func movedSoon(t *text, sigs []sigHit) (mv, when *sigHit) {
	for i := range sigs {
		if sigs[i].status == stActive && sigs[i].e.flags&flagEscape != 0 {
			return nil, nil
		}
	}
	for i := range sigs {
		a := &sigs[i]
		if a.status != stActive || a.e.flags&flagMove == 0 {
			continue
		}
		for j := range sigs {
			b := &sigs[j]
			if b.status != stActive || b.e.flags&(flagSoon|flagNow) == 0 {
				continue
			}
			if absDist(a, b) <= 110 && sameSentence(t, a, b) && (mv == nil || absDist(a, b) < absDist(mv, when)) {
				mv, when = a, b
			}
		}
	}
	return mv, when
}

// takenNotBack finds "did not come back" together with a sign of being
// taken or held: someone led away inside a compound who has not returned is
// in danger now, while the same words alone are a relative out of contact.
func takenNotBack(sigs []sigHit) (gone, by *sigHit) {
	for i := range sigs {
		if sigs[i].status == stActive && sigs[i].e.flags&flagGone != 0 {
			gone = &sigs[i]
			break
		}
	}
	if gone == nil {
		return nil, nil
	}
	for i := range sigs {
		b := &sigs[i]
		if b.status == stActive && b.e.flags&(flagMove|flagHeld) != 0 && b.e.flags&flagEscape == 0 {
			return gone, b
		}
	}
	return nil, nil
}

// sameSentence reports whether no full stop or line break stands between
// two hits: "moved yesterday in a van. locked in now" is two events.
func sameSentence(t *text, a, b *sigHit) bool {
	lo, hi := a.h.end, b.h.start
	if b.h.end <= a.h.start {
		lo, hi = b.h.end, a.h.start
	}
	for _, c := range t.plain[max(lo, 0):max(hi, lo)] {
		switch c {
		case '.', '!', '?', '\n':
			return false
		}
	}
	return !bytes.Contains(t.plain[max(lo, 0):max(hi, lo)], []byte("។"))
}

func absDist(a, b *sigHit) int32 {
	switch {
	case a.h.end <= b.h.start:
		return b.h.start - a.h.end
	case b.h.end <= a.h.start:
		return a.h.start - b.h.end
	}
	return 0
}

// span is the plain text of a hit.
func (t *text) span(h hit) string {
	if t.str == "" {
		t.str = string(t.plain)
	}
	return t.str[h.start:h.end]
}
