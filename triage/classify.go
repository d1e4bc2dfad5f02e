package triage

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"hotline"
)

// scratch holds the per-call buffers, pooled so Classify allocates little.
type scratch struct {
	t      text
	hits   []hit
	bounds []int32
	sigs   []sigHit
	cands  []candidate
	// reasons and entities are cleared after use so the pool holds no
	// message text.
	reasons  []hotline.Reason
	entities []hotline.Entity
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// Classify triages one message. It is deterministic, uses no network and is
// safe for concurrent use.
func Classify(in Input) Result {
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	return eng.classify(in, sc)
}

func (e *engine) classify(in Input, sc *scratch) Result {
	res := Result{ID: in.ID, Lang: "und", Urgency: hotline.Low, Reporter: hotline.ReporterUnknown,
		Reasons: []hotline.Reason{}, Entities: []hotline.Entity{}}
	t := &sc.t
	t.normalize(in.Text)
	sc.hits = e.scan(t, sc.hits)
	hits := sc.hits
	if len(t.plain) > 0 {
		res.Lang = e.detectLang(t, hits)
	}
	// Romanised-Khmer patterns are short skeletons that English words can
	// fold into ("no way" folds like "vay", to beat): they count only when
	// the message is Khmer.
	if res.Lang != "km" {
		k := 0
		for _, h := range hits {
			if h.view == viewPlain {
				hits[k] = h
				k++
			}
		}
		hits = hits[:k]
	}
	sigs := sc.sigs[:0]
	for _, h := range hits {
		if h.table == tSignal {
			sigs = append(sigs, sigHit{h: h, e: &e.signals[e.refOf(h)]})
		}
	}
	sc.sigs = sigs
	sc.bounds = e.clauseBounds(t, hits, sc.bounds)
	e.judgeSignals(t, sigs, hits, sc.bounds)

	minor := ""
	if len(t.plain) > 0 {
		minor = minorAge(t.plain)
	}
	// Reasons and entities are gathered in pooled scratch and copied out
	// once, at their final size, because the result owns them.
	reasons := sc.reasons[:0]
	res.Urgency, reasons = level(t, sigs, minor, reasons)
	for i := range sigs {
		sg := &sigs[i]
		if sg.e.level == hotline.UrgencyUnknown && sg.status == stActive {
			continue // modifiers speak through the combinations above
		}
		r := hotline.Reason{Signal: sg.e.signal, Match: t.span(sg.h), Urgency: sg.e.level, Note: sg.e.note}
		if sg.status != stActive {
			r.Urgency = hotline.Low
			r.Note = strings.TrimSpace(r.Note + " (" + statusNote[sg.status] + ")")
		}
		if r.Urgency == hotline.UrgencyUnknown {
			r.Urgency = hotline.Low
		}
		reasons = appendReason(reasons, r)
	}
	if len(t.plain) == 0 {
		if in.Lat != nil && in.Lon != nil {
			res.Urgency = hotline.Medium
			reasons = append(reasons, hotline.Reason{Signal: "location_only", Urgency: hotline.Medium, Note: "a location without words: the person may be unable to type"})
		}
	}
	slices.SortStableFunc(reasons, func(a, b hotline.Reason) int { return cmp.Compare(b.Urgency, a.Urgency) })
	sc.reasons = reasons
	if len(reasons) > 0 {
		res.Reasons = slices.Clone(reasons)
	}
	res.Reporter = e.reporter(hits, sigs, res.Lang, len(t.plain))
	sc.cands = e.placeCandidates(hits, res.Reporter, sc.cands)
	e.location(in, t, sc.cands, &res)
	sc.entities = e.entities(in.Text, hits, sc.entities[:0])
	if len(sc.entities) > 0 {
		res.Entities = slices.Clone(sc.entities)
	}
	clear(sc.reasons)
	clear(sc.entities)
	return res
}

func appendReason(rs []hotline.Reason, r hotline.Reason) []hotline.Reason {
	for _, x := range rs {
		if x == r {
			return rs
		}
	}
	return append(rs, r)
}
