package locales

import (
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
)

// ids reads the message ids of one language's file directly, so the test
// does not trust the bundle it is checking.
func ids(t *testing.T, lang string) map[string]string {
	t.Helper()
	b, err := files.ReadFile("active." + lang + ".toml")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := toml.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", lang, err)
	}
	return m
}

func TestEveryEnglishIDIsTranslated(t *testing.T) {
	en := ids(t, "en")
	if len(en) < 50 {
		t.Fatalf("only %d English ids; file not read?", len(en))
	}
	for _, lang := range []string{"ko", "km"} {
		other := ids(t, lang)
		for id := range en {
			v, ok := other[id]
			if !ok {
				t.Errorf("%s: missing %q", lang, id)
				continue
			}
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %q is empty", lang, id)
			}
		}
		for id := range other {
			if _, ok := en[id]; !ok {
				t.Errorf("%s: %q is not in English", lang, id)
			}
		}
	}
}

func TestEveryTemplateExecutes(t *testing.T) {
	data := map[string]any{"Ref": "HX-7Q4K", "Minutes": 10}
	for _, lang := range Supported {
		for id, raw := range ids(t, lang) {
			got := T(lang, id, data)
			if got == id || got == "" {
				t.Errorf("%s %s: not localized (%q)", lang, id, got)
			}
			if strings.Contains(got, "{{") || strings.Contains(got, "<no value>") {
				t.Errorf("%s %s: template not filled: %q", lang, id, got)
			}
			if strings.Contains(raw, "{{.Ref}}") && !strings.Contains(got, "HX-7Q4K") {
				t.Errorf("%s %s: reference missing: %q", lang, id, got)
			}
		}
	}
}

func TestTextsAreInTheirScript(t *testing.T) {
	// A copy-paste of English into the Korean or Khmer file would pass the
	// id check; the script check catches it.
	inScript := map[string]func(r rune) bool{
		"ko": func(r rune) bool { return r >= 0xAC00 && r <= 0xD7A3 },
		"km": func(r rune) bool { return r >= 0x1780 && r <= 0x17FF },
	}
	for lang, in := range inScript {
		got := T(lang, "form.what.label", nil)
		if !strings.ContainsFunc(got, in) {
			t.Errorf("%s form.what.label = %q, not in its script", lang, got)
		}
		if got == T("en", "form.what.label", nil) {
			t.Errorf("%s equals English", lang)
		}
	}
}

func TestAck(t *testing.T) {
	cases := map[string]string{
		"en": "Received. Your reference is HX-7Q4K.",
		"ko": "접수되었습니다. 접수 번호는 HX-7Q4K입니다.",
		"km": "បានទទួល។ លេខយោងរបស់អ្នកគឺ HX-7Q4K។",
	}
	for lang, want := range cases {
		if got := T(lang, "ack.received", map[string]any{"Ref": "HX-7Q4K"}); got != want {
			t.Errorf("%s: got %q, want %q", lang, got, want)
		}
	}
}

func TestTFallbacks(t *testing.T) {
	if got, want := T("fr", "form.submit", nil), "Send"; got != want {
		t.Errorf("unsupported language: got %q, want %q", got, want)
	}
	if got := T("km", "no.such.id", nil); got != "no.such.id" {
		t.Errorf("missing id: got %q", got)
	}
	if got := T("", "", nil); got != "" {
		t.Errorf("empty id: got %q", got)
	}
}

func TestPick(t *testing.T) {
	cases := []struct {
		name, query, accept, want string
	}{
		{"nothing", "", "", "en"},
		{"query km", "km", "en-US,en;q=0.9", "km"},
		{"query wins over header", "ko", "km-KH", "ko"},
		{"query case and region", "KO-kr", "", "ko"},
		{"unsupported query falls to header", "fr", "km-KH,km;q=0.9", "km"},
		{"korean browser", "", "ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7", "ko"},
		{"khmer browser", "", "km-KH,km;q=0.9,en;q=0.5", "km"},
		{"english preferred over korean", "", "en-GB,en;q=0.9,ko;q=0.8", "en"},
		{"second choice supported", "", "th-TH,th;q=0.9,km;q=0.8", "km"},
		{"nothing supported", "", "fr-FR,de;q=0.8", "en"},
		{"garbage header", "", ";;;===", "en"},
		{"garbage query", "<script>", "", "en"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Pick(c.query, c.accept); got != c.want {
				t.Errorf("Pick(%q, %q) = %q, want %q", c.query, c.accept, got, c.want)
			}
		})
	}
}

func TestBundleLanguages(t *testing.T) {
	tags := Bundle().LanguageTags()
	if len(tags) != len(Supported) {
		t.Fatalf("bundle has %v", tags)
	}
	if Bundle() != Bundle() {
		t.Error("bundle rebuilt")
	}
}
