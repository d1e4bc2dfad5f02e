package server_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hotline"
)

func TestOverviewPage(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("agnes", hotline.RoleAgent, "")
	h.staff("kosal", hotline.RoleResponder, "Bavet Police")
	cases := seedTaskForce(h)
	agnes := h.login("agnes")
	page := agnes.mustGet(t, "/console/overview")
	m := regexp.MustCompile(`<a id="ov-opened" href="([^"]+)"><strong>(\d+)</strong>`).FindStringSubmatch(page)
	if m == nil || m[2] != "4" {
		t.Fatalf("opened figure: %v", m)
	}
	// The figure's link lists exactly the cases it counts.
	drillPage := agnes.mustGet(t, m[1])
	if n := strings.Count(drillPage, `<tr class="drill-case">`); n != 4 {
		t.Errorf("drill-down lists %d cases, want 4", n)
	}
	for _, c := range cases {
		if !strings.Contains(drillPage, fmt.Sprintf(`href="/console/cases/%d"`, c.ID)) {
			t.Errorf("drill-down misses %s", c.Ref)
		}
	}
	// Every number in the tables is a link; the map is the offline one.
	for _, want := range []string{"© OpenStreetMap contributors", `<svg class="chart map"`, `id="ov-entities"`, tfWallet, "recruiter_kim88"} {
		if !strings.Contains(page, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, "https://") {
		t.Error("overview has inline script or loads from elsewhere")
	}
	// The busiest place links the three cases of the building.
	pm := regexp.MustCompile(`<ol id="ov-places"><li><a href="(/console/entities/\d+)">[^<]*<span class="mono">[^<]*</span> — (\d+)</a>`).FindStringSubmatch(page)
	if pm == nil || pm[2] != "3" {
		t.Fatalf("busiest place: %v", pm)
	}
	if n := strings.Count(agnes.mustGet(t, pm[1]), `<tr class="entity-case">`); n != 3 {
		t.Errorf("the busiest place's page lists %d cases", n)
	}
	// The channel bar's link counts the same as its label.
	cm := regexp.MustCompile(`<a href="([^"]+dim=channel[^"]+key=sms[^"]*)"><rect[^>]*><title>[^:]*: (\d+)</title>`).FindStringSubmatch(strings.ReplaceAll(page, "&amp;", "&"))
	if cm == nil {
		t.Fatal("no sms bar")
	}
	if n := strings.Count(agnes.mustGet(t, cm[1]), `<tr class="drill-case">`); fmt.Sprint(n) != cm[2] {
		t.Errorf("sms bar says %s, its list has %d", cm[2], n)
	}
	if code, _ := h.login("kosal").get("/console/overview"); code != http.StatusForbidden {
		t.Errorf("responder overview: %d", code)
	}
}

func TestBrowserOverview(t *testing.T) {
	ctx := newBrowser(t)
	h := newHarness(t, harnessOptions{})
	h.staff("minji", hotline.RoleAgent, "")
	seedTaskForce(h)
	browserLogin(t, ctx, h.baseURL, "minji")
	var provinces, opened string
	run(t, ctx, "overview",
		chromedp.Navigate(h.baseURL+"/console/overview"),
		chromedp.WaitVisible(chromedp.CSS(`svg.map`)),
		into(&opened, chromedp.Text(chromedp.CSS(`#ov-opened`))),
		into(&provinces, chromedp.Text(chromedp.CSS(`#ov-provinces`))),
	)
	if strings.TrimSpace(opened) != "4" || provinces == "" {
		t.Errorf("overview in the browser: opened %q, provinces %q", opened, provinces)
	}
	shot(t, ctx, "overview.png")
}
