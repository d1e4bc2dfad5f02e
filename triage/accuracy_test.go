package triage

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"hotline"
)

// labelled is one line of the development set.
type labelled struct {
	Input
	LangL     string           `json:"lang"`
	UrgencyL  string           `json:"urgency"`
	ProvinceL string           `json:"province"`
	CountryL  string           `json:"country"`
	ReporterL hotline.Reporter `json:"reporter"`
}

// devSetPath finds shared/triage/dev.jsonl: from HOTLINE_TRIAGE_DEVSET, or
// beside the repository (the repo and shared/ are siblings in development
// and in CI).
func devSetPath() string {
	if p := os.Getenv("HOTLINE_TRIAGE_DEVSET"); p != "" {
		return p
	}
	dir, err := filepath.Abs(".")
	if err != nil {
		return ""
	}
	for {
		for _, c := range []string{filepath.Join(dir, "shared", "triage", "dev.jsonl"), filepath.Join(dir, "..", "shared", "triage", "dev.jsonl")} {
			if _, err := os.Stat(c); err == nil {
				return c
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func loadDevSet(t testing.TB) []labelled {
	p := devSetPath()
	if p == "" {
		t.Skip("dev set not found: set HOTLINE_TRIAGE_DEVSET or put shared/triage/dev.jsonl beside the repository")
	}
	return loadLabelled(t, p)
}

func loadLabelled(t testing.TB, p string) []labelled {
	f, err := os.Open(p)
	if err != nil {
		t.Skipf("dev set %s: %v", p, err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var l labelled
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAccuracy measures the engine against the labelled development set
// and fails below the bars of issue 3. Mistakes are listed by id and field
// (never by text) so a failure can be traced.
func TestAccuracy(t *testing.T) {
	s := measure(t, "dev set", loadDevSet(t))
	check := func(name string, ok bool) {
		if !ok {
			t.Errorf("%s below the bar", name)
		}
	}
	check("critical recall", s.critRecall >= 0.95)
	check("urgency exact", s.urgency >= 0.80)
	check("under-triage", s.under <= 0.05)
	check("lang", s.lang >= 0.97)
	check("province", s.province >= 0.90)
	check("reporter", s.reporter >= 0.80)
}

// TestHoldout measures the engine on sets labelled to LABELS.md by people
// who had not seen the engine or its lexicons (testdata/README.md tells
// their story). The dev set flatters an engine tuned on it; these give the
// honest estimate for messages it has never seen. The floors guard against
// regressions on what staff rely on most: finding the critical cases.
func TestHoldout(t *testing.T) {
	for _, set := range []struct {
		file               string
		minCritRecall      float64
		maxUnderTriageRate float64
	}{
		// Set 1 has since been studied while tuning: it is a second dev set.
		{"holdout.jsonl", 0.95, 0.05},
		// Sets 2 and 3 were never opened by anyone changing the engine.
		{"holdout2.jsonl", 0.85, 0.12},
		{"holdout3.jsonl", 0.90, 0.08},
	} {
		t.Run(set.file, func(t *testing.T) {
			s := measure(t, set.file, loadLabelled(t, filepath.Join("testdata", set.file)))
			if s.critRecall < set.minCritRecall {
				t.Errorf("critical recall %.3f, floor %.2f", s.critRecall, set.minCritRecall)
			}
			if s.under > set.maxUnderTriageRate {
				t.Errorf("under-triage %.3f, ceiling %.2f", s.under, set.maxUnderTriageRate)
			}
		})
	}
}

// scores are the label accuracies of one labelled set.
type scores struct {
	lang, urgency, critRecall, under, province, country, reporter float64
}

// measure classifies every message of set, logs the misses and a table, and
// returns the scores.
func measure(t *testing.T, name string, set []labelled) scores {
	var n, langOK, urgOK, provOK, countryOK, repOK, under, critTrue, critFound int
	type pr struct{ tp, fp, fn int }
	per := map[string]*pr{}
	for _, u := range []string{"critical", "high", "medium", "low"} {
		per[u] = &pr{}
	}
	var misses []string
	for _, l := range set {
		r := Classify(l.Input)
		n++
		want, err := hotline.ParseUrgency(l.UrgencyL)
		if err != nil {
			t.Fatalf("%s: %v", l.ID, err)
		}
		if r.Lang == l.LangL {
			langOK++
		} else {
			misses = append(misses, fmt.Sprintf("%s lang %s want %s", l.ID, r.Lang, l.LangL))
		}
		if r.Urgency == want {
			urgOK++
			per[want.String()].tp++
		} else {
			per[want.String()].fn++
			if p := per[r.Urgency.String()]; p != nil {
				p.fp++
			}
			misses = append(misses, fmt.Sprintf("%s urgency %s want %s %s", l.ID, r.Urgency, want, reasonsBrief(r)))
		}
		if r.Urgency < want {
			under++
		}
		if want == hotline.Critical {
			critTrue++
			if r.Urgency == hotline.Critical {
				critFound++
			}
		}
		if r.Province == l.ProvinceL {
			provOK++
		} else {
			misses = append(misses, fmt.Sprintf("%s province %q want %q (place %q)", l.ID, r.Province, l.ProvinceL, r.Place))
		}
		if r.Country == l.CountryL {
			countryOK++
		} else {
			misses = append(misses, fmt.Sprintf("%s country %q want %q", l.ID, r.Country, l.CountryL))
		}
		if r.Reporter == l.ReporterL {
			repOK++
		} else {
			misses = append(misses, fmt.Sprintf("%s reporter %s want %s", l.ID, r.Reporter, l.ReporterL))
		}
	}
	sort.Strings(misses)
	for _, m := range misses {
		t.Log(m)
	}
	frac := func(a, b int) float64 {
		if b == 0 {
			return 1
		}
		return float64(a) / float64(b)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s: %d messages\n", name, n)
	fmt.Fprintf(&b, "%-22s %8s %8s\n", "label", "value", "bar")
	row := func(name string, v float64, bar string) { fmt.Fprintf(&b, "%-22s %8.3f %8s\n", name, v, bar) }
	row("lang accuracy", frac(langOK, n), ">=0.97")
	row("urgency exact", frac(urgOK, n), ">=0.80")
	row("critical recall", frac(critFound, critTrue), ">=0.95")
	row("under-triage rate", frac(under, n), "<=0.05")
	row("province accuracy", frac(provOK, n), ">=0.90")
	row("country accuracy", frac(countryOK, n), "")
	row("reporter accuracy", frac(repOK, n), ">=0.80")
	fmt.Fprintf(&b, "\n%-10s %9s %9s %6s\n", "urgency", "precision", "recall", "n")
	for _, u := range []string{"critical", "high", "medium", "low"} {
		p := per[u]
		fmt.Fprintf(&b, "%-10s %9.3f %9.3f %6d\n", u, frac(p.tp, p.tp+p.fp), frac(p.tp, p.tp+p.fn), p.tp+p.fn)
	}
	t.Log(b.String())
	fmt.Print(b.String())
	return scores{
		lang: frac(langOK, n), urgency: frac(urgOK, n), critRecall: frac(critFound, critTrue),
		under: frac(under, n), province: frac(provOK, n), country: frac(countryOK, n), reporter: frac(repOK, n),
	}
}

func reasonsBrief(r Result) string {
	var s []string
	for _, x := range r.Reasons {
		s = append(s, x.Signal+":"+x.Urgency.String()+strings.TrimPrefix(x.Note, ""))
	}
	return "[" + strings.Join(s, ", ") + "]"
}
