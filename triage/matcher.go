package triage

import (
	"cmp"
	"fmt"
	"hotline"
	"slices"
	"unicode"
	"unicode/utf8"

	ac "github.com/petar-dambovaliev/aho-corasick"
)

// Tables a pattern can come from.
const (
	tSignal uint8 = iota
	tCue
	tReporter
	tPlace
	tLang
)

// ref points from an automaton pattern to the data line it stands for.
type ref struct {
	table uint8
	view  view
	idx   int32
}

// pattern is one distinct string in the automaton.
type pattern struct {
	text string
	refs []ref
	// wordLeft/wordRight: the pattern begins/ends with a Latin letter or
	// digit, so it must not touch another one there ("ill" in "will").
	wordLeft, wordRight bool
	// soft: a time or movement modifier ("tomorrow", "다른 회사") that
	// neither hides nor is hidden by the signals it overlaps, so adding one
	// never silences a word that has a level of its own.
	soft bool
	// khmerLeft/khmerRight: the pattern begins/ends with a Khmer consonant,
	// which must not be a subscript in the text (after a coeng) nor be
	// followed by a vowel sign or coeng that binds it to the next syllable.
	khmerLeft, khmerRight bool
}

// engine is the loaded data and the automata over it. It is read-only
// after init and shared by all goroutines.
type engine struct {
	*data
	// plainAC holds the patterns some entry matches in the plain view and
	// foldedAC those matched in the folded view; plainPat and foldedPat map
	// their pattern numbers to patterns. One automaton per view keeps each
	// view from reporting matches only the other view could use, which
	// cost a third of all matches (the library allocates for every one).
	plainAC, foldedAC   ac.AhoCorasick
	plainPat, foldedPat []int32
	patterns            []pattern
}

var eng = mustEngine()

func mustEngine() *engine {
	e, err := newEngine()
	if err != nil {
		panic("triage: embedded data: " + err.Error())
	}
	return e
}

func isLatinWordRune(r rune) bool {
	return r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') ||
		r >= utf8.RuneSelf && unicode.Is(unicode.Latin, r)
}

func newEngine() (*engine, error) {
	d, err := loadData()
	if err != nil {
		return nil, err
	}
	e := &engine{data: d}
	index := map[string]int{}
	add := func(raw, lang string, r ref) error {
		var s string
		if lang == "kmr" {
			r.view = viewFolded
			s = foldString(raw)
		} else {
			r.view = viewPlain
			s = normalizeString(raw)
		}
		if s == "" {
			return fmt.Errorf("pattern %q is empty once normalized", raw)
		}
		i, ok := index[s]
		if !ok {
			i = len(e.patterns)
			index[s] = i
			first, _ := utf8.DecodeRuneInString(s)
			last, _ := utf8.DecodeLastRuneInString(s)
			e.patterns = append(e.patterns, pattern{text: s, wordLeft: isLatinWordRune(first), wordRight: isLatinWordRune(last),
				khmerLeft: isKhmerConsonant(first), khmerRight: isKhmerConsonant(last)})
		}
		e.patterns[i].refs = append(e.patterns[i].refs, r)
		return nil
	}
	for i, s := range d.signals {
		if err := add(s.pattern, s.lang, ref{table: tSignal, idx: int32(i)}); err != nil {
			return nil, fmt.Errorf("lexicon.tsv:%d: %w", s.line, err)
		}
	}
	for i, c := range d.cues {
		if err := add(c.pattern, c.lang, ref{table: tCue, idx: int32(i)}); err != nil {
			return nil, fmt.Errorf("cues.tsv:%d: %w", c.line, err)
		}
	}
	for i, c := range d.reporters {
		if err := add(c.pattern, c.lang, ref{table: tReporter, idx: int32(i)}); err != nil {
			return nil, fmt.Errorf("reporter.tsv:%d: %w", c.line, err)
		}
	}
	for i, p := range d.places {
		for _, n := range p.names {
			if err := add(n, "any", ref{table: tPlace, idx: int32(i)}); err != nil {
				return nil, fmt.Errorf("gazetteer.tsv:%d: %w", p.line, err)
			}
		}
	}
	for i, w := range d.langWords {
		if err := add(w.pattern, w.lang, ref{table: tLang, idx: int32(i)}); err != nil {
			return nil, fmt.Errorf("langwords.tsv:%d: %w", w.line, err)
		}
	}
	for i := range e.patterns {
		p := &e.patterns[i]
		soft := false
		for _, r := range p.refs {
			if r.table != tSignal {
				continue
			}
			se := &e.signals[r.idx]
			soft = se.level == hotline.UrgencyUnknown && se.flags&(flagMove|flagSoon|flagWork) != 0 && se.flags&(flagPlea|flagNow|flagChild) == 0
			if !soft {
				break
			}
		}
		p.soft = soft
	}
	var plainStrs, foldedStrs []string
	for i, p := range e.patterns {
		var inPlain, inFolded bool
		for _, r := range p.refs {
			inPlain = inPlain || r.view == viewPlain
			inFolded = inFolded || r.view == viewFolded
		}
		if inPlain {
			plainStrs = append(plainStrs, p.text)
			e.plainPat = append(e.plainPat, int32(i))
		}
		if inFolded {
			foldedStrs = append(foldedStrs, p.text)
			e.foldedPat = append(e.foldedPat, int32(i))
		}
	}
	// The NFA form, not the DFA: with this library's DFA every step of an
	// overlapping search boxes the automaton on the heap (two allocations
	// per match on top of the match itself), which costs as much time as
	// the DFA's faster transitions save, and the DFA takes far more memory
	// and start-up time to build.
	b := ac.NewAhoCorasickBuilder(ac.Opts{MatchKind: ac.StandardMatch, DFA: false})
	e.plainAC = b.Build(plainStrs)
	b = ac.NewAhoCorasickBuilder(ac.Opts{MatchKind: ac.StandardMatch, DFA: false})
	e.foldedAC = b.Build(foldedStrs)
	return e, nil
}

// hit is one pattern found in a message, in plain-view byte offsets, for
// one table the pattern belongs to.
type hit struct {
	pat        int32
	start, end int32
	// ref is the entry of table the pattern stands for in this view
	// (what refOf returns), kept so that no later step looks it up.
	ref   int32
	view  view
	table uint8
}

// scan runs each view's automaton over its view of t, keeping the hits
// that respect word boundaries. Within each table and view the longest
// match wins and hides what overlaps it ("not allowed to leave" hides
// "leave", "한국인" hides "한국"), but tables do not hide each other: a
// place inside a signal is still a place. Hits come out grouped by table,
// then view, in text order.
func (e *engine) scan(t *text, hits []hit) []hit {
	hits = hits[:0]
	np := len(t.plain)
	if np > 0 {
		it := e.plainAC.IterOverlappingByte(t.plain)
		for m := it.Next(); m != nil; m = it.Next() {
			pat := e.plainPat[m.Pattern()]
			p := &e.patterns[pat]
			s, en := m.Start(), m.End()
			if p.wordLeft && s > 0 {
				r, _ := utf8.DecodeLastRune(t.plain[:s])
				if isLatinWordRune(r) {
					continue
				}
			}
			if p.wordRight && en < np {
				r, _ := utf8.DecodeRune(t.plain[en:])
				if isLatinWordRune(r) {
					continue
				}
			}
			if p.khmerLeft && s >= 3 && isCoengAt(t.plain, s-3) || p.khmerRight && en < np && isKhmerMark(t.plain[en:]) {
				continue // the match would split a Khmer syllable ("ទះ" in "ផ្ទះ")
			}
			hits = appendHits(hits, p, hit{pat: pat, start: int32(s), end: int32(en), view: viewPlain})
		}
	}
	if f := t.folded; len(f) > 0 {
		it := e.foldedAC.IterOverlappingByte(f)
		for m := it.Next(); m != nil; m = it.Next() {
			pat := e.foldedPat[m.Pattern()]
			fs, fe := m.Start(), m.End()
			if fs > 0 && f[fs-1] != ' ' || fe < len(f) && f[fe] != ' ' {
				continue // folded patterns are whole words
			}
			h := hit{pat: pat, start: t.foldAt[fs], view: viewFolded}
			end := t.foldAt[fe-1] + 1
			for int(end) < np && end < t.foldAt[fe] && isASCIIAlnum(t.plain[end]) {
				end++
			}
			h.end = end
			hits = appendHits(hits, &e.patterns[pat], h)
		}
	}
	sortHits(t, hits)
	// Leftmost-longest within each table and view; language words all count.
	out := hits[:0]
	var end int32
	for i, h := range hits {
		if i == 0 || h.table != hits[i-1].table || h.view != hits[i-1].view {
			end = 0
		}
		if h.table == tSignal && e.patterns[h.pat].soft {
			out = append(out, h)
			continue
		}
		if h.table != tLang && h.start < end {
			continue
		}
		if h.end > end {
			end = h.end
		}
		out = append(out, h)
	}
	return out
}

// sortHits sorts hits as compareHits orders them, by integer keys: table,
// view, start, end (inverted) and position packed into a uint64 sort
// without a comparison call, and each 20-byte hit moves once. A message
// too long for 20-bit offsets takes slices.SortFunc.
func sortHits(t *text, hits []hit) {
	const bits = 20
	const mask = 1<<bits - 1
	if len(hits) < 2 {
		return
	}
	keys := t.keys[:0]
	for i, h := range hits {
		if h.end > mask || i > mask {
			slices.SortFunc(hits, compareHits)
			return
		}
		keys = append(keys, uint64(h.table)<<61|uint64(h.view)<<60|uint64(h.start)<<40|uint64(mask-h.end)<<bits|uint64(i))
	}
	slices.Sort(keys)
	tmp := append(t.hits[:0], hits...)
	for i, k := range keys {
		hits[i] = tmp[k&mask]
	}
	t.keys, t.hits = keys, tmp
}

// compareHits orders hits by table, view, start, and longest first. No two
// distinct hits tie: equal table, view and span mean the same pattern.
func compareHits(a, b hit) int {
	if a.table != b.table {
		return cmp.Compare(a.table, b.table)
	}
	if a.view != b.view {
		return cmp.Compare(a.view, b.view)
	}
	if a.start != b.start {
		return cmp.Compare(a.start, b.start)
	}
	return cmp.Compare(b.end, a.end)
}

// appendHits appends h once for each table that has p in h's view.
func appendHits(hits []hit, p *pattern, h hit) []hit {
	var seen uint8
	for _, r := range p.refs {
		if r.view != h.view || seen&(1<<r.table) != 0 {
			continue
		}
		seen |= 1 << r.table
		h.table, h.ref = r.table, r.idx
		hits = append(hits, h)
	}
	return hits
}

// refOf returns the entry index of the hit's pattern in its table and view.
func (e *engine) refOf(h hit) int32 { return h.ref }

func isKhmerConsonant(r rune) bool { return r >= 0x1780 && r <= 0x17a2 }

// isCoengAt reports whether b[i:] starts with U+17D2 KHMER SIGN COENG.
func isCoengAt(b []byte, i int) bool {
	return i >= 0 && i+2 < len(b) && b[i] == 0xe1 && b[i+1] == 0x9f && b[i+2] == 0x92
}

// isKhmerMark reports whether b starts with a Khmer dependent vowel or
// sign (U+17B6..U+17D3), which belongs to the consonant before it.
func isKhmerMark(b []byte) bool {
	r, _ := utf8.DecodeRune(b)
	return r >= 0x17b6 && r <= 0x17d3
}
