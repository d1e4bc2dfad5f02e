package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"hotline"
)

func TestRoutingRulesOverRealisticCases(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "hotline.db"), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	rules := []struct {
		org string
		r   RoutingRule
	}{
		{"Korean embassy consular desk", RoutingRule{Position: 1, Nationality: "KR"}},
		{"Joint Korea–Cambodia desk", RoutingRule{Position: 2, Nationality: "KR", MinUrgency: hotline.High}},
		{"Anti-human-trafficking police", RoutingRule{Position: 3, Lang: "km", MinUrgency: hotline.High}},
		{"Preah Sihanouk provincial police", RoutingRule{Position: 4, Province: "Preah Sihanouk", MinUrgency: hotline.Critical}},
		{"Family liaison", RoutingRule{Position: 5, Reporter: "family"}},
	}
	for _, r := range rules {
		if _, err := db.AddRoute(ctx, "admin", r.org, r.r); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, from, lang, province string
		u                          hotline.Urgency
		reporter                   hotline.Reporter
		want                       []string
	}{
		{"Korean worker beaten in Sihanoukville", "+821000001234", "ko", "Preah Sihanouk", hotline.Critical, hotline.ReporterSelf,
			[]string{"Korean embassy consular desk", "Joint Korea–Cambodia desk", "Preah Sihanouk provincial police"}},
		{"Korean mother asks about her son, low urgency", "+821000001235", "ko", "", hotline.Low, hotline.ReporterFamily,
			[]string{"Korean embassy consular desk", "Family liaison"}},
		{"Khmer worker held in Poipet", "+85510000123", "km", "Banteay Meanchey", hotline.High, hotline.ReporterSelf,
			[]string{"Anti-human-trafficking police"}},
		{"Khmer, medium, no rule but family", "+85510000124", "km", "Svay Rieng", hotline.Medium, hotline.ReporterOther, nil},
		{"English-speaking Korean number, critical in Sihanoukville", "+821000001236", "en", "Preah Sihanouk", hotline.Critical, hotline.ReporterOther,
			[]string{"Korean embassy consular desk", "Joint Korea–Cambodia desk", "Preah Sihanouk provincial police"}},
		{"English, Thai number, high in Bavet", "+66800000001", "en", "Svay Rieng", hotline.High, hotline.ReporterSelf, nil},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Cases come in through intake, so a critical one is already
			// handed to its first organisation; Route lists the rest.
			r, err := db.RecordInbound(ctx, hotline.Inbound{Channel: hotline.SMS, ExternalID: "SMroute" + string(rune('a'+i)), From: tt.from,
				Body: "x", ReceivedAt: time.Now()}, hotline.Triage{Lang: tt.lang, Urgency: tt.u, Reporter: tt.reporter,
				Location: hotline.Location{Country: "KH", Province: tt.province}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.Route(ctx, r.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			hs, _ := db.Handoffs(ctx, r.CaseID)
			var names []string
			for _, h := range hs {
				names = append(names, h.Organisation)
			}
			for _, o := range got {
				names = append(names, o.Name)
			}
			if len(names) != len(tt.want) {
				t.Fatalf("routed to %q, want %q", names, tt.want)
			}
			for j := range names {
				if names[j] != tt.want[j] {
					t.Fatalf("routed to %q, want %q", names, tt.want)
				}
			}
			if tt.u == hotline.Critical && len(hs) != 1 {
				t.Fatalf("a critical case was handed to %d organisations at once, want the first", len(hs))
			}
		})
	}
}
