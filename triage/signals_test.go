package triage

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestSignalsCoverReasonLiterals reads the package's own source: every
// hotline.Reason written with a literal Signal must be in Signals(), so a
// new combination cannot reach the console without a label.
func TestSignalsCoverReasonLiterals(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	all := Signals()
	fset := token.NewFileSet()
	found := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			sel, ok := lit.Type.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Reason" {
				return true
			}
			for _, el := range lit.Elts {
				kv, ok := el.(*ast.KeyValueExpr)
				if !ok {
					continue
				}
				if key, ok := kv.Key.(*ast.Ident); !ok || key.Name != "Signal" {
					continue
				}
				bl, ok := kv.Value.(*ast.BasicLit)
				if !ok {
					continue // sg.e.signal: from the lexicon
				}
				s, _ := strconv.Unquote(bl.Value)
				found++
				if !slices.Contains(all, s) {
					t.Errorf("%s: Reason signal %q is not in Signals()", fset.Position(bl.Pos()), s)
				}
			}
			return true
		})
	}
	if found < 4 {
		t.Fatalf("found only %d literal Reason signals; source not read?", found)
	}
}

// TestSignalsCoverClassify runs every labelled message the package has and
// checks that each reason Classify gives is listed.
func TestSignalsCoverClassify(t *testing.T) {
	all := Signals()
	if !slices.IsSorted(all) || len(slices.Compact(slices.Clone(all))) != len(all) {
		t.Fatalf("Signals() not sorted and unique: %v", all)
	}
	sets, _ := filepath.Glob(filepath.Join("testdata", "holdout*.jsonl"))
	var msgs []labelled
	for _, p := range sets {
		msgs = append(msgs, loadLabelled(t, p)...)
	}
	if p := devSetPath(); p != "" {
		msgs = append(msgs, loadLabelled(t, p)...)
	}
	if len(msgs) < 100 {
		t.Fatalf("only %d labelled messages", len(msgs))
	}
	lat, lon := 10.6, 103.5
	msgs = append(msgs, labelled{Input: Input{ID: "pin", Channel: "whatsapp", Lat: &lat, Lon: &lon}})
	seen := map[string]bool{}
	for _, m := range msgs {
		for _, r := range Classify(m.Input).Reasons {
			seen[r.Signal] = true
			if !slices.Contains(all, r.Signal) {
				t.Errorf("%s: reason %q is not in Signals()", m.ID, r.Signal)
			}
		}
	}
	if !seen["location_only"] {
		t.Error("a wordless location gave no location_only reason")
	}
	// False friends (neutral, noneg, no level) are never shown to staff.
	if slices.Contains(all, "neutral") {
		t.Error("Signals() lists neutral, which Classify never returns")
	}
	t.Logf("%d signals, %d seen in %d messages", len(all), len(seen), len(msgs))
}
