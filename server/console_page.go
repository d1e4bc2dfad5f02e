package server

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline"
	"hotline/locales"
	"hotline/templates"
)

// consolePage is what every console template gets.
type consolePage struct {
	Lang  string
	T     func(id string) string
	TM    func(id string, minutes int) string
	TS    func(prefix, key string) string // T(prefix+key), or key when no text exists
	Title string
	Me    *hotline.Staff
	CSRF  string
	Langs []templates.Lang
	Error string
	Flash string
	Staff bool // admin or agent: may act on cases
	Admin bool
	Login *loginView
	Queue *queueView
	Case  *caseView
	// AdminPage is the admin page: accounts and organisations.
	AdminPage *adminView
	// Links are the case page's links to other cases (console_entity_links.go).
	Links *caseLinksView
	// SamePerson proposes cases likely the same person (console_same_person.go).
	SamePerson *samePersonView
	// Evidence lists the files behind the messages (console_case_evidence.go).
	Evidence *evidenceView
	// Handoff is the case page's packet, proposal, consent and updates;
	// Routing the admin page of responders and rules (console_handoff.go).
	Handoff *handoffView
	Routing *routingView
}

func (h *console) page(c *fiber.Ctx, s *hotline.Session, titleID string) *consolePage {
	lang := h.langOf(c, s)
	p := &consolePage{
		Lang: lang,
		T:    func(id string) string { return locales.T(lang, id, nil) },
		TM: func(id string, minutes int) string {
			return locales.T(lang, id, map[string]any{"Minutes": minutes})
		},
	}
	p.TS = func(prefix, key string) string {
		if t := locales.T(lang, prefix+key, nil); t != prefix+key {
			return t
		}
		return key
	}
	p.Title = p.T(titleID)
	if s != nil {
		p.Me = &s.Staff
		p.CSRF = s.CSRF
		p.Staff = s.Staff.Role == hotline.RoleAdmin || s.Staff.Role == hotline.RoleAgent
		p.Admin = s.Staff.Role == hotline.RoleAdmin
	}
	for _, l := range locales.Supported {
		p.Langs = append(p.Langs, templates.Lang{Code: l, Name: langNames[l], Current: l == lang})
	}
	if f := c.Query("done"); f != "" && flashIDs[f] {
		p.Flash = p.T("console.done." + f)
	}
	return p
}

// flashIDs are the confirmations a redirect may ask a page to show.
var flashIDs = map[string]bool{
	"assigned": true, "status": true, "urgency": true, "note": true, "reply": true,
	"handoff": true, "merged": true, "ack": true, "password": true, "lang": true,
	"org": true, "disabled": true, "enabled": true,
}

// checkCSRF compares the form's token with the session's. Every console
// form carries it, so the console is safe without JavaScript too.
func (h *console) checkCSRF(c *fiber.Ctx) error {
	s := session(c)
	got := c.FormValue("csrf")
	if s == nil || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(s.CSRF)) != 1 {
		return h.fail(c, s, fiber.StatusForbidden, "console.error.csrf")
	}
	return c.Next()
}

// ago says how long ago t was, compactly (4m, 3h 10m, 2d), with the units
// in the console's language (4분, 3시간 10분, 2ថ្ងៃ).
func ago(T func(string) string, now, t time.Time) string {
	d := now.Sub(t)
	m, h, dd := T("console.ago.m"), T("console.ago.h"), T("console.ago.d")
	switch {
	case d < time.Minute:
		return T("console.ago.under_minute")
	case d < time.Hour:
		return fmt.Sprintf("%d%s", int(d.Minutes()), m)
	case d < 24*time.Hour:
		return fmt.Sprintf("%d%s %d%s", int(d.Hours()), h, int(d.Minutes())%60, m)
	}
	return fmt.Sprintf("%d%s", int(d.Hours()/24), dd)
}

func randomID() (string, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}
