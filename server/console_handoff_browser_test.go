package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hotline"
	"hotline/store"
)

// TestBrowserHandoffPacket: in a real browser, the case page shows the
// hand-off packet with the passport copy missing and the Korean packet
// for a Korean-speaking desk (Hangul rendered: see the screenshot).
func TestBrowserHandoffPacket(t *testing.T) {
	ctx := newBrowser(t)
	h := newHarness(t, harnessOptions{})
	h.staff("agnes", hotline.RoleAgent, "")
	if _, err := h.db.AddRoute(t.Context(), "test", "Korean embassy consular desk", store.RoutingRule{Nationality: "KR"}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.AddResponder(t.Context(), "test", "Korean embassy consular desk", store.Responder{Name: "duty officer",
		Channel: hotline.SMS, Address: "+821000009999", Lang: "ko", OnDuty: true}); err != nil {
		t.Fatal(err)
	}
	cs := h.newCase("SM00000000000000000000000000000e01", "+821000001234", "제 아들이 시아누크빌 단지에 갇혀 있어요")
	browserLogin(t, ctx, h.baseURL, "agnes")
	var item, ko string
	run(t, ctx, "case page packet",
		chromedp.Navigate(h.baseURL+fmt.Sprintf("/console/cases/%d", cs.ID)),
		chromedp.WaitVisible(chromedp.CSS(`#packet`)),
		into(&item, chromedp.Text(chromedp.CSS(`#packet li[data-item="passport_copy"]`))),
		into(&ko, chromedp.Text(chromedp.CSS(`#packet pre[lang="ko"]`))),
	)
	shot(t, ctx, "case-handoff-packet.png")
	if !strings.Contains(item, "Passport copy") || !strings.Contains(item, "MISSING") {
		t.Fatalf("checklist line %q", item)
	}
	if !strings.Contains(ko, "여권 사본") {
		t.Fatalf("Korean packet %q", ko)
	}
}
