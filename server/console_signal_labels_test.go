package server_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"hotline"
	"hotline/locales"
	"hotline/triage"
)

// signalPrefix is where the case page (templates/console/case.html) looks up
// the label of a triage reason.
const signalPrefix = "console.signal."

// otherSignals are reasons written outside the triage engine: the voice
// guide's "pressed 1: in danger now" (intake/guide_safety.go).
var otherSignals = []string{"danger"}

// inScript tells a Korean or Khmer label from an English one copied over.
var inScript = map[string]func(rune) bool{
	"ko": func(r rune) bool { return r >= 0xAC00 && r <= 0xD7A3 },
	"km": func(r rune) bool { return r >= 0x1780 && r <= 0x17FF },
}

// TestSignalLabelsInEveryLanguage fails when the triage engine can give a
// reason that staff would see as a bare identifier in any language. It asks
// a localizer of each language alone, so an English fallback in the Korean
// or Khmer page counts as missing.
func TestSignalLabelsInEveryLanguage(t *testing.T) {
	signals := append(triage.Signals(), otherSignals...)
	if len(signals) < 20 {
		t.Fatalf("only %d signals from triage: %v", len(signals), signals)
	}
	for _, lang := range locales.Supported {
		loc := i18n.NewLocalizer(locales.Bundle(), lang)
		// The check itself must see a missing label, English fallback or not.
		var nf *i18n.MessageNotFoundErr
		if _, err := loc.Localize(&i18n.LocalizeConfig{MessageID: signalPrefix + "zz_no_such_signal"}); !errors.As(err, &nf) {
			t.Fatalf("%s: a missing label is not reported: %v", lang, err)
		}
		if _, err := i18n.NewLocalizer(locales.Bundle(), lang).Localize(&i18n.LocalizeConfig{MessageID: "form.submit"}); err != nil {
			t.Fatalf("%s: a present message is reported missing: %v", lang, err)
		}
		labels := map[string]string{}
		for _, s := range signals {
			id := signalPrefix + s
			got, err := loc.Localize(&i18n.LocalizeConfig{MessageID: id})
			switch {
			case errors.As(err, &nf):
				t.Errorf("%s: no label for signal %q (add %q to locales/active.%s.toml)", lang, s, id, lang)
				continue
			case err != nil:
				t.Errorf("%s %s: %v", lang, id, err)
				continue
			case strings.TrimSpace(got) == "":
				t.Errorf("%s %s: empty label", lang, id)
			case inScript[lang] != nil && !strings.ContainsFunc(got, inScript[lang]):
				t.Errorf("%s %s: label %q is not in the language's script", lang, id, got)
			}
			if prev, dup := labels[got]; dup && lang != "en" {
				t.Errorf("%s: %q and %q share the label %q", lang, prev, s, got)
			}
			labels[got] = s
		}
	}
}

// TestCasePageShowsSignalLabels opens real cases over HTTP in Korean and
// Khmer: every reason the engine gave is named by its label, and a signal
// the labels do not know yet is shown by its name instead of breaking the
// page.
func TestCasePageShowsSignalLabels(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("minji", hotline.RoleAgent, "")
	h.staff("sokha", hotline.RoleAgent, "")
	body := "They took my passport and beat us. Help me now please"
	known := h.newCase("SM00000000000000000000000000000e01", "+85510000401", body)
	if len(known.Reasons) < 2 {
		t.Fatalf("triage gave %d reasons for the test message; pick another", len(known.Reasons))
	}

	ctx := context.Background()
	const future = "zz_future_signal"
	r, err := h.db.RecordInbound(ctx, hotline.Inbound{Channel: hotline.SMS, ExternalID: "SM00000000000000000000000000000e02",
		From: "+85510000402", Body: "report", ReceivedAt: time.Now()},
		hotline.Triage{Lang: "en", Urgency: hotline.Medium, Reporter: hotline.ReporterSelf,
			Reasons: []hotline.Reason{{Signal: future, Urgency: hotline.Medium}, {Signal: "passport", Urgency: hotline.High}}}, nil)
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct{ user, lang, passport string }{
		{"minji", "ko", "여권 압수"},
		{"sokha", "km", "លិខិតឆ្លងដែនត្រូវគេដកហូត"},
	} {
		cc := h.login(tc.user)
		if code, _, _ := cc.post("/console/account/lang", url.Values{"lang": {tc.lang}, "next": {"/console"}}); code != 303 {
			t.Fatalf("%s: set language: %d", tc.user, code)
		}

		code, page := cc.get(fmt.Sprintf("/console/cases/%d", known.ID))
		if code != 200 {
			t.Fatalf("%s case page: %d", tc.lang, code)
		}
		items := reasonItems(t, page)
		if len(items) != len(known.Reasons) {
			t.Fatalf("%s: %d reason lines, want %d", tc.lang, len(items), len(known.Reasons))
		}
		for i, rs := range known.Reasons {
			label := locales.T(tc.lang, signalPrefix+rs.Signal, nil)
			if !strings.Contains(items[i], label) {
				t.Errorf("%s reason %d: %q lacks the label %q of %s", tc.lang, i, items[i], label, rs.Signal)
			}
			if strings.Contains(strings.Split(items[i], "“")[0], rs.Signal) {
				t.Errorf("%s reason %d: raw identifier %q shown: %q", tc.lang, i, rs.Signal, items[i])
			}
		}
		if !strings.Contains(strings.Join(items, "\n"), tc.passport) {
			t.Errorf("%s: no %q among %q", tc.lang, tc.passport, items)
		}

		code, page = cc.get(fmt.Sprintf("/console/cases/%d", r.CaseID))
		if code != 200 {
			t.Fatalf("%s case page with an unknown signal: %d", tc.lang, code)
		}
		items = reasonItems(t, page)
		all := strings.Join(items, "\n")
		if !strings.Contains(all, future) {
			t.Errorf("%s: the unknown signal is not shown by its name: %q", tc.lang, items)
		}
		if strings.Contains(all, signalPrefix) || !strings.Contains(all, tc.passport) {
			t.Errorf("%s: unknown signal broke the others: %q", tc.lang, items)
		}
	}
}

var reasonsRe = regexp.MustCompile(`(?s)<ul class="reasons">(.*?)</ul>`)
var reasonItemRe = regexp.MustCompile(`(?s)<li>(.*?)</li>`)

// reasonItems returns the reason lines of a case page, in order.
func reasonItems(t *testing.T, page string) []string {
	t.Helper()
	m := reasonsRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("case page has no reasons list")
	}
	var out []string
	for _, li := range reasonItemRe.FindAllStringSubmatch(m[1], -1) {
		out = append(out, li[1])
	}
	return out
}
