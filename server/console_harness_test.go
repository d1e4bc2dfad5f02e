package server_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// consoleClient is a browser without JavaScript: a cookie jar, forms, and
// redirects it does not follow, so tests see every status.
type consoleClient struct {
	h    *harness
	c    *http.Client
	csrf string
}

const staffPassword = "correct horse battery staple"

// staff creates a console user with a real bcrypt hash (cheapest cost: the
// tests check the comparison, not the cost); org is set for responders.
func (h *harness) staff(name, role, org string) {
	h.t.Helper()
	ctx := context.Background()
	hash, err := bcrypt.GenerateFromPassword([]byte(staffPassword), bcrypt.MinCost)
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.db.CreateUser(ctx, name, role, string(hash)); err != nil {
		h.t.Fatal(err)
	}
	if org != "" {
		if err := h.db.SetUserOrganisation(ctx, name, org); err != nil {
			h.t.Fatal(err)
		}
	}
}

func (h *harness) browser() *consoleClient {
	jar, _ := cookiejar.New(nil)
	return &consoleClient{h: h, c: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login logs in through the form and fails the test if that does not work.
func (h *harness) login(name string) *consoleClient {
	h.t.Helper()
	cc := h.browser()
	if code, _, loc := cc.tryLogin(name, staffPassword); code != http.StatusSeeOther || loc != "/console" {
		h.t.Fatalf("login %s: %d → %q", name, code, loc)
	}
	_, body := cc.get("/console/account")
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		h.t.Fatalf("no csrf token on the account page of %s", name)
	}
	cc.csrf = m[1]
	return cc
}

func (cc *consoleClient) tryLogin(name, pw string) (int, string, string) {
	cc.h.t.Helper()
	_, page := cc.get("/console/login")
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		cc.h.t.Fatal("no csrf token on the login page")
	}
	return cc.post("/console/login", url.Values{"csrf": {m[1]}, "name": {name}, "password": {pw}})
}

func (cc *consoleClient) do(req *http.Request) (int, string, string) {
	cc.h.t.Helper()
	resp, err := cc.c.Do(req)
	if err != nil {
		cc.h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	// Assertions read the text as a person sees it (html/template writes
	// "+" as "&#43;").
	return resp.StatusCode, html.UnescapeString(string(b)), resp.Header.Get("Location")
}

func (cc *consoleClient) get(path string) (int, string) {
	cc.h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, cc.h.baseURL+path, nil)
	code, body, _ := cc.do(req)
	return code, body
}

// post sends a form; the session's CSRF token is added unless form has one.
func (cc *consoleClient) post(path string, form url.Values) (int, string, string) {
	cc.h.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok && cc.csrf != "" {
		form.Set("csrf", cc.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, cc.h.baseURL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return cc.do(req)
}
