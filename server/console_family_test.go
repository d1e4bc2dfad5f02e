package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"hotline"
)

// TestFamilyCoarseStatus: a family reporter who asked for status is sent
// "being handled", then "closed", in their language and nothing more; the
// person held, a family without consent and a do-not-contact family get
// nothing.
func TestFamilyCoarseStatus(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("agnes", hotline.RoleAgent, "")
	agent := h.login("agnes")
	ctx := t.Context()
	newCase := func(sid, from, lang string, rep hotline.Reporter) int64 {
		r, err := h.db.RecordInbound(ctx, hotline.Inbound{Channel: hotline.SMS, ExternalID: sid, From: from, Body: "report", ReceivedAt: time.Now()},
			hotline.Triage{Lang: lang, Urgency: hotline.High, Reporter: rep}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r.CaseID
	}
	outbound := func(id int64) []string {
		c, err := h.db.GetCase(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range c.Messages {
			if m.Direction == hotline.DirOut {
				out = append(out, m.Body)
			}
		}
		return out
	}
	tests := []struct {
		name       string
		lang       string
		reporter   hotline.Reporter
		dnc        bool
		consent    bool
		wantConsnt int // status of the consent form
		wantSend   int
		wantText   string
	}{
		{"family in Korean", "ko", hotline.ReporterFamily, false, true, http.StatusSeeOther, http.StatusSeeOther, "처리 중입니다"},
		{"family in Khmer", "km", hotline.ReporterFamily, false, true, http.StatusSeeOther, http.StatusSeeOther, "កំពុងត្រូវបានដោះស្រាយ"},
		{"person held cannot be signed up", "en", hotline.ReporterSelf, false, true, http.StatusConflict, http.StatusConflict, ""},
		{"family without consent", "en", hotline.ReporterFamily, false, false, http.StatusSeeOther, http.StatusConflict, ""},
		{"family that said stop", "en", hotline.ReporterFamily, true, true, http.StatusSeeOther, http.StatusConflict, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := fmt.Sprintf("+82100000%04d", 3000+i)
			id := newCase(fmt.Sprintf("SMfam%02d", i), from, tt.lang, tt.reporter)
			if tt.dnc {
				if err := h.db.SetDoNotContact(ctx, hotline.SMS, from, true); err != nil {
					t.Fatal(err)
				}
			}
			path := fmt.Sprintf("/console/cases/%d/family", id)
			consent := "0"
			if tt.consent {
				consent = "1"
			}
			if code, _, _ := agent.post(path, url.Values{"consent": {consent}}); code != tt.wantConsnt {
				t.Fatalf("consent: %d, want %d", code, tt.wantConsnt)
			}
			if code, _, _ := agent.post(path+"/send", nil); code != tt.wantSend {
				t.Fatalf("send: %d, want %d", code, tt.wantSend)
			}
			out := outbound(id)
			if tt.wantText == "" {
				if len(out) != 0 {
					t.Fatalf("sent %q", out)
				}
				return
			}
			if len(out) != 1 || !strings.Contains(out[0], tt.wantText) {
				t.Fatalf("sent %q, want %q", out, tt.wantText)
			}
		})
	}
	// Once the case is resolved, the family is told it is closed.
	id := newCase("SMfamclose", "+821000004999", "en", hotline.ReporterFamily)
	path := fmt.Sprintf("/console/cases/%d", id)
	agent.post(path+"/family", url.Values{"consent": {"1"}})
	if _, page := agent.get(path); !strings.Contains(page, "is being handled.") {
		t.Fatal("the case page does not preview the family status")
	}
	if err := h.db.SetStatus(ctx, mustStaffFull(t, h, "agnes"), id, hotline.StatusResolved, hotline.ResolvedSafe, "family says he is home"); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := agent.post(path+"/family/send", nil); code != http.StatusSeeOther {
		t.Fatalf("send: %d", code)
	}
	if out := outbound(id); len(out) != 1 || !strings.HasSuffix(out[0], "is closed.") || strings.Contains(out[0], "home") {
		t.Fatalf("sent %q", out)
	}
	if n := h.count(`SELECT count(*) FROM audit_events WHERE actor = 'agnes' AND action = 'case.family_status_sent' AND case_id = ?`, id); n != 1 {
		t.Fatalf("audited %d times", n)
	}
}
