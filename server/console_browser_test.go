package server_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hotline"
)

// chromium is Debian's browser; CI installs it with
// apt-get install -y chromium fonts-noto-core fonts-noto-cjk.
const chromium = "/usr/bin/chromium"

// screenshotDir is git-ignored; the screenshots are test artifacts for a
// person to look at (Khmer and Hangul must render, not as boxes).
var screenshotDir = filepath.Join("..", "artifacts", "screenshots")

func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test: runs without -short")
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("browser tests need %s (apt-get install -y chromium fonts-noto-core fonts-noto-cjk): %v", chromium, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browser, cancelCtx := chromedp.NewContext(alloc)
	// The first call starts the browser and must not carry a timeout, or
	// the timeout would stop the browser; the rest of the test has one.
	if err := chromedp.Do(browser); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(browser, 2*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// into runs a, keeping its value in dst, so that value-returning actions
// can join a sequence of steps.
func into[T any](dst *T, a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		v, err := a(ctx, t)
		if err == nil && dst != nil {
			*dst = v
		}
		return chromedp.Void{}, err
	}
}

func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func browserLogin(t *testing.T, ctx context.Context, base, name string) {
	t.Helper()
	run(t, ctx, "login as "+name,
		chromedp.Navigate(base+"/console/login"),
		chromedp.WaitVisible(chromedp.CSS(`#name`)),
		chromedp.SendKeys(chromedp.CSS(`#name`), name),
		chromedp.SendKeys(chromedp.CSS(`#password`), staffPassword),
		chromedp.Submit(chromedp.CSS(`#password`)),
		chromedp.WaitVisible(chromedp.CSS(`#queue`)),
	)
}

// submitted submits the form of sel and waits for the next page, which a
// marker on the old page's body tells apart from the old one.
func submitted(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		into[int](nil, chromedp.Evaluate[int](`document.body.dataset.old = "1"; 1`)),
		chromedp.Submit(chromedp.CSS(sel)),
		chromedp.WaitNotPresent(chromedp.CSS(`body[data-old]`)),
		chromedp.WaitVisible(chromedp.CSS(`main`)),
	)
}

// fetchStatus asks the page's own session what a URL answers.
func fetchStatus(t *testing.T, ctx context.Context, path string) int {
	t.Helper()
	var code int
	run(t, ctx, "fetch "+path, into(&code, chromedp.Evaluate[int](
		fmt.Sprintf(`fetch(%q, {redirect: "manual"}).then(r => r.status)`, path), chromedp.EvalAwaitPromise)))
	return code
}

func TestBrowserConsole(t *testing.T) {
	ctx := newBrowser(t)
	h := newHarness(t, harnessOptions{})
	h.staff("minji", hotline.RoleAgent, "")
	h.staff("kosal", hotline.RoleResponder, "Anti-Human Trafficking Police")
	if err := h.db.SetLang(context.Background(), mustStaff(t, h, "minji"), "ko"); err != nil {
		t.Fatal(err)
	}
	if err := h.db.SetLang(context.Background(), mustStaff(t, h, "kosal"), "km"); err != nil {
		t.Fatal(err)
	}
	other := h.newCase("SM00000000000000000000000000000b01", "+85510000901", "what documents do I need for a visa?")

	browserLogin(t, ctx, h.baseURL, "minji")
	// A marker on the window shows later that the page was never reloaded.
	run(t, ctx, "mark page", into[int](nil, chromedp.Evaluate[int](`window.__noReload = 1`)),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`tr[data-case="%d"]`, other.ID))))
	c := h.newCase("SM00000000000000000000000000000b02", "+85510000902", "they took our passports in Bavet and beat us, help now")
	var marker int
	run(t, ctx, "new case appears without reload",
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`tr[data-case="%d"]`, c.ID))),
		into(&marker, chromedp.Evaluate[int](`window.__noReload || 0`)))
	if marker != 1 {
		t.Fatal("the queue page was reloaded; the case should have come by server-sent event")
	}
	var first chromedp.AttributeResult
	run(t, ctx, "order", into(&first, chromedp.AttributeValue(chromedp.CSS(`#queue tbody tr`), "data-case")))
	if first.Value != fmt.Sprint(c.ID) {
		t.Errorf("first row is case %s, want the critical case %d", first.Value, c.ID)
	}
	shot(t, ctx, "queue-ko.png")

	org := h.orgID("Anti-Human Trafficking Police")
	var body string
	run(t, ctx, "open case, reply",
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href="/console/cases/%d"]`, c.ID))),
		chromedp.WaitVisible(chromedp.CSS(`#reply-body`)),
		chromedp.SendKeys(chromedp.CSS(`#reply-body`), "Where are you now?"),
		submitted(`#reply-body`),
		into(&body, chromedp.Text(chromedp.CSS(`.timeline`))),
	)
	if !strings.Contains(body, "Where are you now?") || !strings.Contains(body, "대기 중") {
		t.Errorf("reply not shown as queued: %q", body)
	}
	run(t, ctx, "hand off",
		chromedp.SetValue(chromedp.CSS(`#organisation`), fmt.Sprint(org)),
		submitted(`#organisation`),
		into(&body, chromedp.Text(chromedp.CSS(`.facts`))),
	)
	if !strings.Contains(body, "이관됨") {
		t.Errorf("case not handed off: %q", body)
	}
	shot(t, ctx, "case-ko.png")
	run(t, ctx, "resolve",
		chromedp.SetValue(chromedp.CSS(`#status`), "resolved"),
		chromedp.SetValue(chromedp.CSS(`#resolution`), "rescued"),
		chromedp.SendKeys(chromedp.CSS(`#status-reason`), "police found him on 3 May"),
		submitted(`#status-reason`),
		into(&body, chromedp.Text(chromedp.CSS(`.facts`))),
	)
	if !strings.Contains(body, "해결됨") || !strings.Contains(body, "구조됨") {
		t.Errorf("case not resolved as rescued: %q", body)
	}

	// The same pages in Khmer.
	run(t, ctx, "khmer",
		chromedp.Navigate(h.baseURL+"/console/account"),
		chromedp.Click(chromedp.CSS(`#lang-km`)),
		submitted(`#lang-km`),
		chromedp.Navigate(h.baseURL+"/console?status="),
		chromedp.WaitVisible(chromedp.CSS(`#queue`)),
	)
	shot(t, ctx, "queue-km.png")
	run(t, ctx, "case in khmer", chromedp.Navigate(fmt.Sprintf("%s/console/cases/%d", h.baseURL, c.ID)), chromedp.WaitVisible(chromedp.CSS(`#reply-body`)))
	shot(t, ctx, "case-km.png")

	// The responder sees their case, not the other one.
	run(t, ctx, "logout", submitted(`form[action="/console/logout"] button`), chromedp.WaitVisible(chromedp.CSS(`#name`)))
	browserLogin(t, ctx, h.baseURL, "kosal")
	var queue string
	run(t, ctx, "responder queue", chromedp.Navigate(h.baseURL+"/console?status="), chromedp.WaitVisible(chromedp.CSS(`#queue`)), into(&queue, chromedp.Text(chromedp.CSS(`#queue`))))
	if !strings.Contains(queue, c.Ref) || strings.Contains(queue, other.Ref) {
		t.Errorf("responder queue: %q", queue)
	}
	if code := fetchStatus(t, ctx, fmt.Sprintf("/console/cases/%d", other.ID)); code != 403 {
		t.Errorf("responder on another case: %d, want 403", code)
	}
	run(t, ctx, "responder case", chromedp.Navigate(fmt.Sprintf("%s/console/cases/%d", h.baseURL, c.ID)), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	shot(t, ctx, "case-responder-km.png")
}

// TestBrowserCaseLive: a message that arrives by signed webhook while the
// case page is open shows up in its conversation without a reload, and
// the reply being typed is left alone.
func TestBrowserCaseLive(t *testing.T) {
	ctx := newBrowser(t)
	h := newHarness(t, harnessOptions{})
	h.staff("minji", hotline.RoleAgent, "")
	c := h.newCase("SM00000000000000000000000000000f01", "+85510000501", "they took our passports in Bavet, help")
	browserLogin(t, ctx, h.baseURL, "minji")
	run(t, ctx, "open the case, start a reply",
		chromedp.Navigate(fmt.Sprintf("%s/console/cases/%d", h.baseURL, c.ID)),
		chromedp.WaitVisible(chromedp.CSS(`#reply-body`)),
		chromedp.SendKeys(chromedp.CSS(`#reply-body`), "half-typed answer"),
		into[int](nil, chromedp.Evaluate[int](`window.__noReload = 1`)),
	)
	// Give the page's EventSource a moment to connect before the message.
	time.Sleep(1500 * time.Millisecond)
	h.newCase("SM00000000000000000000000000000f02", "+85510000501", "we are on the third floor of building B")
	var timeline, typed string
	var marker int
	run(t, ctx, "the message appears",
		into[bool](nil, chromedp.Poll[bool](`document.querySelector(".timeline").textContent.includes("third floor of building B")`, chromedp.WithPollingTimeout(15*time.Second))),
		into(&timeline, chromedp.Text(chromedp.CSS(`.timeline`))),
		into(&typed, chromedp.Value(chromedp.CSS(`#reply-body`))),
		into(&marker, chromedp.Evaluate[int](`window.__noReload || 0`)),
	)
	if marker != 1 {
		t.Error("the case page was reloaded; the message should have come by server-sent event")
	}
	if typed != "half-typed answer" {
		t.Errorf("the reply being typed became %q", typed)
	}
	if !strings.Contains(timeline, "passports") {
		t.Errorf("the earlier message is gone: %q", timeline)
	}
}

func TestBrowserPublicFormKhmer(t *testing.T) {
	ctx := newBrowser(t)
	h := newHarness(t, harnessOptions{})
	var ref string
	run(t, ctx, "form in Khmer",
		chromedp.Navigate(h.baseURL+"/?lang=km"),
		chromedp.WaitVisible(chromedp.CSS(`#what`)),
		chromedp.SendKeys(chromedp.CSS(`#what`), "ពួកគេយកលិខិតឆ្លងដែនរបស់យើង នៅបាវិត សូមជួយ"),
		chromedp.SendKeys(chromedp.CSS(`#where`), "បាវិត"),
		chromedp.Click(chromedp.CSS(`#reporter-family`)),
		submitted(`#what`),
		chromedp.WaitVisible(chromedp.CSS(`.ref-code`)),
		into(&ref, chromedp.Text(chromedp.CSS(`.ref-code`))),
	)
	ref = strings.TrimSpace(ref)
	if ref == "" {
		t.Fatal("no reference on the confirmation page")
	}
	shot(t, ctx, "form-done-km.png")
	cases := h.allCases()
	if len(cases) != 1 || cases[0].Ref != ref || cases[0].Channel != hotline.Web {
		t.Fatalf("cases after the Khmer form: %+v, want one web case %s", cases, ref)
	}
	if cases[0].Lang != "km" {
		t.Errorf("case language %q, want km", cases[0].Lang)
	}
}

func mustStaff(t *testing.T, h *harness, name string) int64 {
	t.Helper()
	st, _, _, err := h.db.StaffByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return st.ID
}
