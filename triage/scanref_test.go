package triage

import (
	"slices"
	"sync"
	"testing"
	"unicode/utf8"

	ac "github.com/petar-dambovaliev/aho-corasick"
)

// The matcher once ran a single automaton over plain + "\x01" + folded.
// refScan keeps that version so tests can show that one automaton per
// view finds exactly the same hits on any text.
var (
	refOnce sync.Once
	refAC   ac.AhoCorasick
)

func refScan(e *engine, t *text) []hit {
	refOnce.Do(func() {
		strs := make([]string, len(e.patterns))
		for i, p := range e.patterns {
			strs[i] = p.text
		}
		b := ac.NewAhoCorasickBuilder(ac.Opts{MatchKind: ac.StandardMatch, DFA: true})
		refAC = b.Build(strs)
	})
	hay := append(append(append([]byte{}, t.plain...), '\x01'), t.folded...)
	var hits []hit
	np := len(t.plain)
	it := refAC.IterOverlappingByte(hay)
	for m := it.Next(); m != nil; m = it.Next() {
		p := &e.patterns[m.Pattern()]
		s, en := m.Start(), m.End()
		var h hit
		h.pat = int32(m.Pattern())
		if s < np {
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
				continue
			}
			h.start, h.end, h.view = int32(s), int32(en), viewPlain
		} else {
			fs, fe := s-np-1, en-np-1
			f := t.folded
			if fs < 0 || fs > 0 && f[fs-1] != ' ' || fe < len(f) && f[fe] != ' ' {
				continue
			}
			h.start = t.foldAt[fs]
			end := t.foldAt[fe-1] + 1
			for int(end) < np && end < t.foldAt[fe] && isASCIIAlnum(t.plain[end]) {
				end++
			}
			h.end, h.view = end, viewFolded
		}
		var seen uint8
		for _, r := range p.refs {
			if r.view != h.view || seen&(1<<r.table) != 0 {
				continue
			}
			seen |= 1 << r.table
			h.table = r.table
			h.ref = r.idx
			hits = append(hits, h)
		}
	}
	slices.SortStableFunc(hits, compareHits)
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

func checkScanSame(t *testing.T, s string) {
	var tx text
	tx.normalize(s)
	got := eng.scan(&tx, nil)
	want := refScan(eng, &tx)
	if !slices.Equal(got, want) {
		t.Fatalf("scan of %q:\n got %v\nwant %v", s, got, want)
	}
}

// TestScanMatchesSingleAutomaton compares the per-view automata with the
// single one over every golden input.
func TestScanMatchesSingleAutomaton(t *testing.T) {
	for _, in := range goldenInputs(t) {
		checkScanSame(t, in.Text)
	}
}

// FuzzScanMatchesSingleAutomaton does the same for any text.
func FuzzScanMatchesSingleAutomaton(f *testing.F) {
	for _, s := range benchCorpus() {
		f.Add(s)
	}
	f.Add("som jouy knhom\x01chuoy ke vay")
	f.Fuzz(func(t *testing.T, s string) { checkScanSame(t, s) })
}
