package triage

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"strconv"
	"strings"

	"hotline"
)

//go:embed data/*.tsv
var dataFS embed.FS

// Languages a pattern may be written in. "kmr" is romanised Khmer, matched
// on the folded view; the others on the plain view.
var knownLangs = map[string]bool{"en": true, "ko": true, "km": true, "kmr": true, "zh": true, "vi": true, "th": true, "id": true, "any": true}

// Flags on a lexicon entry.
const (
	flagHeld       = 1 << iota // a held-against-will signal: an escape cancels it
	flagEscape                 // reports getting out: cancels held signals
	flagResolved               // the situation is over: cancels resolvable signals
	flagResolvable             // cancelled by a resolved cue
	flagPlea                   // a cry for help: with an immediacy word it is critical
	flagNow                    // immediacy ("now", "hurry")
	flagChild                  // a child is involved: with a held signal it is critical
	flagNoNeg                  // negation and past cues do not apply
	flagSpam                   // advertising or phishing: the writer is nobody
	flagMove                   // people being taken somewhere: with a soon or now word it is critical
	flagSoon                   // a near-future time ("tomorrow", "ស្អែក", "내일"): pairs with move
	flagGone                   // "did not come back": with a sign of being taken or held it is critical
	flagWork                   // working, or inside a company or compound: with a child it is critical
)

var flagNames = map[string]int{
	"held": flagHeld, "escape": flagEscape, "resolved": flagResolved, "resolvable": flagResolvable,
	"plea": flagPlea, "now": flagNow, "child": flagChild, "noneg": flagNoNeg, "spam": flagSpam,
	"move": flagMove, "soon": flagSoon, "gone": flagGone, "work": flagWork,
}

// signalEntry is one line of lexicon.tsv.
type signalEntry struct {
	pattern string
	lang    string
	signal  string
	level   hotline.Urgency // UrgencyUnknown for modifiers that carry no level
	flags   int
	note    string
	line    int
}

// Cue kinds in cues.tsv.
const (
	cueNeg      = "neg"      // cancels a signal it governs
	cuePast     = "past"     // the signal is over
	cueCurrent  = "current"  // the signal holds now ("still")
	cueBoundary = "boundary" // ends a clause ("but")
	cueLoc      = "loc"      // weighs a place mention (weight column)
	cueWriter   = "writer"   // the writer's own place ("we are in")
)

var cueKinds = map[string]bool{cueNeg: true, cuePast: true, cueCurrent: true, cueBoundary: true, cueLoc: true, cueWriter: true}

// cueEntry is one line of cues.tsv.
type cueEntry struct {
	pattern string
	lang    string
	kind    string
	before  bool // the cue stands before what it modifies
	after   bool // the cue stands after what it modifies
	reach   int  // bytes between cue and target, at most
	weight  float64
	line    int
}

// reporterEntry is one line of reporter.tsv.
type reporterEntry struct {
	pattern  string
	lang     string
	reporter hotline.Reporter
	weight   float64
	line     int
}

// Place kinds in gazetteer.tsv, from least to most precise.
var placeKinds = map[string]int{"country": 0, "province": 1, "city": 2, "town": 2, "district": 3, "area": 3, "compound": 4, "ignore": -1}

// place is one line of gazetteer.tsv.
type place struct {
	names    []string
	name     string // display name: the first of names
	kind     string
	rank     int // placeKinds
	province string
	country  string
	lat, lon float64
	line     int
}

// langWord is one line of langwords.tsv.
type langWord struct {
	pattern string
	lang    string
	line    int
}

// data is everything loaded from the embedded files.
type data struct {
	signals   []signalEntry
	cues      []cueEntry
	reporters []reporterEntry
	places    []place
	langWords []langWord
}

// tsvRows reads a tab-separated file: '#' starts a comment line, blank
// lines are skipped, every row must have at least min columns.
func tsvRows(name string, min int, fn func(cols []string, line int) error) error {
	b, err := dataFS.ReadFile("data/" + name)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(s) == "" || strings.HasPrefix(strings.TrimSpace(s), "#") {
			continue
		}
		cols := strings.Split(s, "\t")
		for i := range cols {
			cols[i] = strings.TrimSpace(cols[i])
		}
		if len(cols) < min {
			return fmt.Errorf("%s:%d: %d columns, want at least %d", name, line, len(cols), min)
		}
		if err := fn(cols, line); err != nil {
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
	}
	return sc.Err()
}

func col(cols []string, i int) string {
	if i < len(cols) {
		return cols[i]
	}
	return ""
}

func parseLevel(s string) (hotline.Urgency, error) {
	if s == "-" || s == "" {
		return hotline.UrgencyUnknown, nil
	}
	return hotline.ParseUrgency(s)
}

func checkLang(l string) error {
	if !knownLangs[l] {
		return fmt.Errorf("unknown language %q", l)
	}
	return nil
}

// loadData parses the embedded files. Errors name the file and line so a
// staff member who added a word can find the mistake.
func loadData() (*data, error) {
	d := &data{}
	err := tsvRows("lexicon.tsv", 4, func(c []string, line int) error {
		e := signalEntry{pattern: c[0], lang: c[1], signal: c[2], note: col(c, 5), line: line}
		if err := checkLang(e.lang); err != nil {
			return err
		}
		if e.signal == "" {
			return fmt.Errorf("empty signal")
		}
		lv, err := parseLevel(c[3])
		if err != nil {
			return err
		}
		e.level = lv
		for _, f := range strings.Split(col(c, 4), ",") {
			f = strings.TrimSpace(f)
			if f == "" || f == "-" {
				continue
			}
			v, ok := flagNames[f]
			if !ok {
				return fmt.Errorf("unknown flag %q", f)
			}
			e.flags |= v
		}
		d.signals = append(d.signals, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tsvRows("cues.tsv", 4, func(c []string, line int) error {
		e := cueEntry{pattern: c[0], lang: c[1], kind: c[2], line: line}
		if err := checkLang(e.lang); err != nil {
			return err
		}
		if !cueKinds[e.kind] {
			return fmt.Errorf("unknown cue kind %q", e.kind)
		}
		switch c[3] {
		case "before":
			e.before = true
		case "after":
			e.after = true
		case "both":
			e.before, e.after = true, true
		default:
			return fmt.Errorf("side %q: want before, after or both", c[3])
		}
		if s := col(c, 4); s != "" && s != "-" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return fmt.Errorf("reach %q: want a number of bytes", s)
			}
			e.reach = n
		}
		if s := col(c, 5); s != "" && s != "-" {
			w, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return fmt.Errorf("weight %q: %v", s, err)
			}
			e.weight = w
		}
		if (e.kind == cueLoc) != (e.weight != 0) {
			return fmt.Errorf("loc cues need a weight and other cues none")
		}
		d.cues = append(d.cues, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tsvRows("reporter.tsv", 3, func(c []string, line int) error {
		e := reporterEntry{pattern: c[0], lang: c[1], reporter: hotline.Reporter(c[2]), weight: 1, line: line}
		if err := checkLang(e.lang); err != nil {
			return err
		}
		switch e.reporter {
		case hotline.ReporterSelf, hotline.ReporterFamily, hotline.ReporterOther:
		default:
			return fmt.Errorf("reporter %q: want self, family or other", c[2])
		}
		if s := col(c, 3); s != "" && s != "-" {
			w, err := strconv.ParseFloat(s, 64)
			if err != nil || w <= 0 {
				return fmt.Errorf("weight %q: want a positive number", s)
			}
			e.weight = w
		}
		d.reporters = append(d.reporters, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tsvRows("gazetteer.tsv", 6, func(c []string, line int) error {
		p := place{kind: c[1], province: c[2], country: c[3], line: line}
		for _, n := range strings.Split(c[0], "|") {
			if n = strings.TrimSpace(n); n != "" {
				p.names = append(p.names, n)
			}
		}
		if len(p.names) == 0 {
			return fmt.Errorf("no names")
		}
		p.name = p.names[0]
		r, ok := placeKinds[p.kind]
		if !ok {
			return fmt.Errorf("unknown kind %q", p.kind)
		}
		p.rank = r
		if p.province == "-" {
			p.province = ""
		}
		if p.country == "-" {
			p.country = ""
		}
		if p.kind != "ignore" {
			var err error
			if p.lat, err = strconv.ParseFloat(c[4], 64); err != nil {
				return fmt.Errorf("lat %q: %v", c[4], err)
			}
			if p.lon, err = strconv.ParseFloat(c[5], 64); err != nil {
				return fmt.Errorf("lon %q: %v", c[5], err)
			}
		}
		d.places = append(d.places, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tsvRows("langwords.tsv", 2, func(c []string, line int) error {
		e := langWord{pattern: c[0], lang: c[1], line: line}
		if err := checkLang(e.lang); err != nil {
			return err
		}
		d.langWords = append(d.langWords, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}
