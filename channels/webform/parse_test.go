package webform

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"hotline"
)

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func f64(v float64) *float64 { return &v }
func yes(v bool) *bool       { return &v }

func TestParseValid(t *testing.T) {
	cases := []struct {
		name string
		form url.Values
		want hotline.Inbound
	}{
		{
			name: "minimal",
			form: form("what", "  My brother cannot leave the building.  ", "reporter", "family"),
			want: hotline.Inbound{
				Channel: hotline.Web, Body: "My brother cannot leave the building.",
				ReporterHint: hotline.ReporterFamily, Meta: map[string]string{},
			},
		},
		{
			name: "everything, khmer",
			form: form(
				"what", "ខ្ញុំត្រូវគេបង្ខាំង\r\nគេយកលិខិតឆ្លងដែនខ្ញុំ",
				"where", "ក្រុងព្រះសីហនុ",
				"lat", "10.6093", "lon", "103.5296",
				"reporter", "self", "nationality", "KH",
				"contact", "+855 10 000 123", "safe_to_contact", "no", "lang", "km",
			),
			want: hotline.Inbound{
				Channel: hotline.Web, From: "+85510000123",
				Body: "ខ្ញុំត្រូវគេបង្ខាំង\nគេយកលិខិតឆ្លងដែនខ្ញុំ\nក្រុងព្រះសីហនុ",
				Lat:  f64(10.6093), Lon: f64(103.5296),
				ReporterHint: hotline.ReporterSelf, SafeToContact: yes(false),
				Meta: map[string]string{
					"nationality": "KH", "where": "ក្រុងព្រះសីហនុ", "contact": "+855 10 000 123",
					"safe_to_contact": "no", "form_lang": "km",
				},
			},
		},
		{
			name: "telegram handle kept as written, unsure",
			form: form("what", "아들이 연락이 안 됩니다", "reporter", "family", "contact", "@kim_family_test",
				"safe_to_contact", "unsure", "nationality", "KR", "lang", "ko"),
			want: hotline.Inbound{
				Channel: hotline.Web, From: "@kim_family_test", Body: "아들이 연락이 안 됩니다",
				ReporterHint: hotline.ReporterFamily,
				Meta: map[string]string{"nationality": "KR", "contact": "@kim_family_test",
					"safe_to_contact": "unsure", "form_lang": "ko"},
			},
		},
		{
			name: "safe yes, odd lang ignored, control chars dropped",
			form: form("what", "help\x00 now", "reporter", "other", "safe_to_contact", "yes",
				"contact", "friend@example.org", "lang", "<b>"),
			want: hotline.Inbound{
				Channel: hotline.Web, From: "friend@example.org", Body: "help now",
				ReporterHint: hotline.ReporterOther, SafeToContact: yes(true),
				Meta: map[string]string{"contact": "friend@example.org", "safe_to_contact": "yes"},
			},
		},
		{
			name: "person's name, korean, one line with single spaces",
			form: form("what", "아들이 갇혀 있어요", "reporter", "family", "person_name", "  김\r\n 민준\t ",
				"nationality", "KR"),
			want: hotline.Inbound{
				Channel: hotline.Web, Body: "아들이 갇혀 있어요", ReporterHint: hotline.ReporterFamily,
				Meta: map[string]string{"nationality": "KR", "person_name": "김 민준"},
			},
		},
		{
			name: "person's name, khmer, a long one cut rather than refused",
			form: form("what", "ជួយផង", "reporter", "family",
				"person_name", "សុខ ដារ៉ា"+strings.Repeat("ក", MaxPersonName)),
			want: hotline.Inbound{
				Channel: hotline.Web, Body: "ជួយផង", ReporterHint: hotline.ReporterFamily,
				Meta: map[string]string{"person_name": string([]rune("សុខ ដារ៉ា" + strings.Repeat("ក", MaxPersonName))[:MaxPersonName])},
			},
		},
		{
			name: "person's name of spaces only is no name",
			form: form("what", "help", "reporter", "self", "person_name", " \u200b "),
			want: hotline.Inbound{
				Channel: hotline.Web, Body: "help", ReporterHint: hotline.ReporterSelf, Meta: map[string]string{},
			},
		},
		{
			name: "edges of range and length",
			form: form("what", strings.Repeat("ក", MaxWhat), "where", strings.Repeat("w", MaxWhere),
				"lat", "-90", "lon", "180", "reporter", "self"),
			want: hotline.Inbound{
				Channel: hotline.Web, Body: strings.Repeat("ក", MaxWhat) + "\n" + strings.Repeat("w", MaxWhere),
				Lat: f64(-90), Lon: f64(180), ReporterHint: hotline.ReporterSelf,
				Meta: map[string]string{"where": strings.Repeat("w", MaxWhere)},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, errs := Parse(c.form)
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	base := func(kv ...string) url.Values {
		v := form("what", "help", "reporter", "self")
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	cases := []struct {
		name string
		form url.Values
		want FieldErrors
	}{
		{"empty form", url.Values{}, FieldErrors{"what": "error.what.required", "reporter": "error.reporter.required"}},
		{"only spaces", base("what", " \r\n\t "), FieldErrors{"what": "error.what.required"}},
		{"what too long", base("what", strings.Repeat("한", MaxWhat+1)), FieldErrors{"what": "error.what.too_long"}},
		{"where too long", base("where", strings.Repeat("x", MaxWhere+1)), FieldErrors{"where": "error.where.too_long"}},
		{"lat without lon", base("lat", "10.6"), FieldErrors{"location": "error.location.invalid"}},
		{"lon without lat", base("lon", "103.5"), FieldErrors{"location": "error.location.invalid"}},
		{"lat out of range", base("lat", "91", "lon", "103"), FieldErrors{"location": "error.location.invalid"}},
		{"lon out of range", base("lat", "10", "lon", "-180.5"), FieldErrors{"location": "error.location.invalid"}},
		{"NaN", base("lat", "NaN", "lon", "103"), FieldErrors{"location": "error.location.invalid"}},
		{"Inf", base("lat", "10", "lon", "Inf"), FieldErrors{"location": "error.location.invalid"}},
		{"not a number", base("lat", "ten", "lon", "103"), FieldErrors{"location": "error.location.invalid"}},
		{"unknown reporter", base("reporter", "police"), FieldErrors{"reporter": "error.reporter.required"}},
		{"unknown nationality", base("nationality", "FR"), FieldErrors{"nationality": "error.nationality.invalid"}},
		{"contact too long", base("contact", strings.Repeat("9", MaxContact+1)), FieldErrors{"contact": "error.contact.too_long"}},
		{"contact two lines", base("contact", "+85510000123\n+85510000124"), FieldErrors{"contact": "error.contact.invalid"}},
		{"safe odd value", base("safe_to_contact", "maybe"), FieldErrors{"safe_to_contact": "error.safe.invalid"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in, errs := Parse(c.form)
			if !reflect.DeepEqual(errs, c.want) {
				t.Fatalf("got %v, want %v", errs, c.want)
			}
			if in.Body != "" || in.Meta != nil {
				t.Fatalf("an invalid form returned a message: %+v", in)
			}
		})
	}
}

func TestHoneypot(t *testing.T) {
	if err := Honeypot(form("what", "x", "website", "http://spam.example")); err != ErrHoneypot {
		t.Fatalf("filled: %v", err)
	}
	if err := Honeypot(form("what", "x", "website", "")); err != nil {
		t.Fatalf("empty: %v", err)
	}
	if err := Honeypot(form("what", "x")); err != nil {
		t.Fatalf("absent: %v", err)
	}
}

func TestWithNonce(t *testing.T) {
	anon := WithNonce(hotline.Inbound{Channel: hotline.Web}, "abc123")
	if anon.ExternalID != "abc123" || anon.From != "anon:abc123" {
		t.Fatalf("anonymous: %+v", anon)
	}
	known := WithNonce(hotline.Inbound{Channel: hotline.Web, From: "+821000001234"}, "abc124")
	if known.ExternalID != "abc124" || known.From != "+821000001234" {
		t.Fatalf("with contact: %+v", known)
	}
}

func TestNormalizeContact(t *testing.T) {
	cases := map[string]string{
		"+855 10 000 123":     "+85510000123",
		"+82-10-0000-1234":    "+821000001234",
		"(010) 0000 1234":     "01000001234",
		"12 34":               "12 34",
		"@kim_family_test":    "@kim_family_test",
		"kakao: family.test":  "kakao: family.test",
		"someone@example.org": "someone@example.org",
	}
	for in, want := range cases {
		if got := NormalizeContact(in); got != want {
			t.Errorf("NormalizeContact(%q) = %q, want %q", in, got, want)
		}
	}
}
