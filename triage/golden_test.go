package triage

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// update rewrites the golden file from the current code. Only do that on
// purpose, when a change to what Classify says is wanted and reviewed:
// the file exists so that speed work can prove it changed nothing.
var update = flag.Bool("update", false, "rewrite testdata/classify_golden.jsonl from the current Classify")

const goldenPath = "testdata/classify_golden.jsonl"

// goldenInputs is every message the golden file pins: the labelled
// development set, the held-out set already studied, the benchmark corpus
// and the fuzz seeds (odd bytes, zero-width runs, bare points). The blind
// held-out sets are pinned apart, by hash only (TestClassifyGoldenBlind).
func goldenInputs(t *testing.T) []Input {
	var ins []Input
	p := devSetPath()
	if p == "" {
		t.Fatal("dev set not found: the golden test needs shared/triage/dev.jsonl (or HOTLINE_TRIAGE_DEVSET)")
	}
	for _, l := range loadLabelled(t, p) {
		ins = append(ins, l.Input)
	}
	for _, l := range loadLabelled(t, "testdata/holdout.jsonl") {
		ins = append(ins, l.Input)
	}
	lat, lon := 10.627, 103.522
	far, farLon := 91.0, 181.0
	extra := append(benchCorpus(),
		"\xff\xfe\x00jouy",
		"\u200b\u200b\u200b",
		"https://maps.google.com/?q=999,999 @ 0x",
		"អាយុ ១ ឆ្នាំ (1) 1-",
		"ㅠ\u0301\u17d2\u17d2",
		"Ｈｅｌｐ ｍｅ\r\n\r\nthey ＢＥＡＴ us  in   Ｐｏｉｐｅｔ",
		"e\u0301 cafe\u0301 ក\u17d2ដ ប្ដី អោយ ឲ ៥ ’ok’",
	)
	for i, s := range extra {
		in := Input{ID: "extra", Text: s, Channel: "sms"}
		switch i % 3 {
		case 1:
			in.Lat, in.Lon = &lat, &lon
		case 2:
			if s == "" || len(s) < 12 {
				in.Lat, in.Lon = &far, &farLon
			}
		}
		ins = append(ins, in)
	}
	ins = append(ins, Input{ID: "point-only", Channel: "whatsapp", Lat: &lat, Lon: &lon})
	return ins
}

// TestClassifyGolden holds Classify to the exact results recorded in the
// golden file, field for field, so optimisations cannot drift a verdict.
// Regenerate with: go test ./triage -run TestClassifyGolden -update
func TestClassifyGolden(t *testing.T) {
	ins := goldenInputs(t)
	got := goldenLines(t, ins)
	if *update {
		if err := os.WriteFile(goldenPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(goldenPath)
	if err != nil {
		t.Fatalf("%v (generate it once with -update from unchanged code)", err)
	}
	defer f.Close()
	want := bufio.NewScanner(f)
	want.Buffer(make([]byte, 1<<20), 1<<20)
	gotLines := bytes.Split(bytes.TrimSuffix(got, []byte("\n")), []byte("\n"))
	n := 0
	for want.Scan() {
		if n >= len(gotLines) {
			t.Fatalf("golden has more lines than inputs (%d): inputs changed? regenerate deliberately", len(gotLines))
		}
		if !bytes.Equal(want.Bytes(), gotLines[n]) {
			t.Errorf("line %d (id %q) differs:\n got %s\nwant %s", n+1, ins[n].ID, gotLines[n], want.Bytes())
		}
		n++
	}
	if err := want.Err(); err != nil {
		t.Fatal(err)
	}
	if n != len(gotLines) {
		t.Fatalf("golden has %d lines, inputs %d: regenerate deliberately", n, len(gotLines))
	}
}

// goldenLines is one JSON line per input: the input and its result.
func goldenLines(t *testing.T, ins []Input) []byte {
	var got bytes.Buffer
	for _, in := range ins {
		b, err := json.Marshal(struct {
			In  Input  `json:"in"`
			Out Result `json:"out"`
		}{in, Classify(in)})
		if err != nil {
			t.Fatal(err)
		}
		got.Write(b)
		got.WriteByte('\n')
	}
	return got.Bytes()
}

// blindSets are the held-out sets nobody changing the engine may read
// (testdata/README.md). Their results are pinned by a hash, so that a
// change shows as "changed" without printing a message or a verdict.
var blindSets = []string{"holdout2.jsonl", "holdout3.jsonl"}

const goldenBlindPath = "testdata/classify_golden_blind.txt"

func TestClassifyGoldenBlind(t *testing.T) {
	var out bytes.Buffer
	for _, name := range blindSets {
		var ins []Input
		for _, l := range loadLabelled(t, filepath.Join("testdata", name)) {
			ins = append(ins, l.Input)
		}
		fmt.Fprintf(&out, "%s %x\n", name, sha256.Sum256(goldenLines(t, ins)))
	}
	if *update {
		if err := os.WriteFile(goldenBlindPath, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(goldenBlindPath)
	if err != nil {
		t.Fatalf("%v (generate it once with -update from unchanged code)", err)
	}
	wantLines := strings.Split(strings.TrimSpace(string(want)), "\n")
	gotLines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(wantLines) != len(gotLines) {
		t.Fatalf("%s lists %d sets, want %d", goldenBlindPath, len(wantLines), len(gotLines))
	}
	for i := range gotLines {
		if gotLines[i] != wantLines[i] {
			t.Errorf("results on %s changed (hash only: the set is blind)", blindSets[i])
		}
	}
}

// TestClassifyGoldenConcurrent runs the golden inputs from several
// goroutines at once: pooled scratch must never leak one message into
// another's result.
func TestClassifyGoldenConcurrent(t *testing.T) {
	ins := goldenInputs(t)
	want := make([]string, len(ins))
	for i, in := range ins {
		b, _ := json.Marshal(Classify(in))
		want[i] = string(b)
	}
	done := make(chan struct{})
	for g := 0; g < 4; g++ {
		go func(g int) {
			defer func() { done <- struct{}{} }()
			for k := range ins {
				i := (k*7 + g*13) % len(ins)
				b, _ := json.Marshal(Classify(ins[i]))
				if string(b) != want[i] {
					t.Errorf("goroutine %d: result for input %d differs under concurrency", g, i)
					return
				}
			}
		}(g)
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}
