package handoff

import (
	"strings"
	"testing"

	"hotline"
)

func f(v float64) *float64 { return &v }

func TestPacketOverRealisticCases(t *testing.T) {
	all := []string{hotline.ShareLocation, hotline.ShareReasons, hotline.ShareEntities, hotline.ShareContact}
	tests := []struct {
		name    string
		lang    string // responder's language
		c       hotline.Case
		consent bool
		shared  []string
		present []string
		want    []string // in the rendered text
		wantNot []string
		nation  string
	}{
		{
			name: "Korean worker in Sihanoukville with GPS and a passport photo", lang: "ko", consent: true, shared: all,
			c: hotline.Case{Ref: "HX-KO1", Urgency: hotline.Critical, Lang: "ko", Reporter: hotline.ReporterSelf, Contact: "+821000001234",
				Location: hotline.Location{Country: "KH", Province: "Preah Sihanouk", Place: "Otres", Lat: f(10.58), Lon: f(103.55)},
				Reasons:  []hotline.Reason{{Signal: "violence", Match: "때렸어요", Urgency: hotline.Critical}},
				Entities: []hotline.Entity{{Kind: "telegram", Value: "@boss_fictional"}},
				Messages: []hotline.Message{
					{Direction: hotline.DirIn, Body: "살려주세요 여기서 때렸어요"},
					{Direction: hotline.DirIn, Body: "여권 사진", Media: []hotline.Media{{URL: "https://example.invalid/1", ContentType: "image/jpeg"}}},
				}},
			present: []string{ItemSelfReport, ItemGPS, ItemPassportCopy}, nation: "KR",
			want: []string{"핫라인 인계 HX-KO1", "여권 사본 — [x] 있음", "건물 사진 — [ ] 없음", "+821000001234", "openstreetmap.org/?mlat=10.58000", "----- English -----", "Passport copy — [x] present"},
		},
		{
			name: "Khmer family report without consent and no passport copy", lang: "km", consent: false, shared: all,
			c: hotline.Case{Ref: "HX-KM1", Urgency: hotline.High, Lang: "km", Reporter: hotline.ReporterFamily, Contact: "+85510000123",
				Location: hotline.Location{Country: "KH", Province: "Banteay Meanchey", Place: "Poipet"},
				Messages: []hotline.Message{{Direction: hotline.DirIn, Body: "កូនខ្ញុំជាប់នៅបុរីប៉ោយប៉ែត"}}},
			present: nil, nation: "KH",
			want:    []string{"ច្បាប់ចម្លងលិខិតឆ្លងដែន — [ ] ខ្វះ", "Passport copy — [ ] MISSING", "Poipet", "Phone and name withheld"},
			wantNot: []string{"+85510000123"},
		},
		{
			name: "English third-party report, building photo, location not shared", lang: "en", consent: true,
			shared: []string{hotline.ShareReasons},
			c: hotline.Case{Ref: "HX-EN1", Urgency: hotline.Medium, Lang: "en", Reporter: hotline.ReporterOther, Contact: "+85510000456",
				Location: hotline.Location{Country: "KH", Province: "Svay Rieng", Place: "Bavet", Lat: f(11.07), Lon: f(106.13)},
				Messages: []hotline.Message{{Direction: hotline.DirIn, Body: "photo of the building where my friend is", Media: []hotline.Media{{ContentType: "image/png"}}}}},
			present: []string{ItemGPS, ItemBuildingPhoto}, nation: "KH",
			want:    []string{"Photo of the building — [x] present", "Passport copy — [ ] MISSING"},
			wantNot: []string{"Bavet", "+85510000456", "----- English -----"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Build(Input{Case: &tt.c, Handoff: hotline.Handoff{Shared: tt.shared}, Consent: tt.consent, Name: "Fictional Name"})
			for _, it := range p.Checklist {
				want := false
				for _, k := range tt.present {
					want = want || k == it.Key
				}
				if it.Present != want {
					t.Errorf("%s present = %v, want %v", it.Key, it.Present, want)
				}
			}
			if p.Nationality != tt.nation {
				t.Errorf("nationality %q, want %q", p.Nationality, tt.nation)
			}
			text := p.Text(tt.lang)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("packet lacks %q:\n%s", w, text)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(text, w) {
					t.Errorf("packet must not contain %q:\n%s", w, text)
				}
			}
		})
	}
}

func TestSMSIsShortAndCarriesTheLink(t *testing.T) {
	c := hotline.Case{Ref: "HX-S1", Urgency: hotline.Critical, Location: hotline.Location{Province: "Preah Sihanouk", Place: "Otres"}}
	p := Build(Input{Case: &c, Handoff: hotline.Handoff{Shared: []string{hotline.ShareLocation}}})
	p.AckURL = "https://hotline.example/ack/abc"
	s := p.SMS("en")
	if !strings.Contains(s, "HX-S1") || !strings.Contains(s, "Otres, Preah Sihanouk") || !strings.HasSuffix(s, p.AckURL) {
		t.Fatalf("sms %q", s)
	}
	if len([]rune(s)) > 320 {
		t.Fatalf("sms is %d characters", len([]rune(s)))
	}
}
