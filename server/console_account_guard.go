package server

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline"
)

// accountStore is what the account's security needs from storage beyond
// consoleStore: a required password change, the session list and revoke,
// and the second factor. The SQLite store implements it; the console finds
// it on its store, so that consoleStore stays as it is.
type accountStore interface {
	SessionState(ctx context.Context, token string) (id int64, lastSeen time.Time, mustChangePassword bool, err error)
	RequirePasswordChange(ctx context.Context, userID int64) error
	ChangeOwnPassword(ctx context.Context, userID int64, hash, keepSessionToken string) error

	CreateSessionFrom(ctx context.Context, userID int64, address, agent string) (string, error)
	TouchSession(ctx context.Context, sessionID int64) error
	EachSession(ctx context.Context, userID int64, currentToken string,
		fn func(id int64, created, lastSeen time.Time, address, agent string, current bool)) error
	RevokeSession(ctx context.Context, actor hotline.Staff, userID, sessionID int64) error
	RevokeOtherSessions(ctx context.Context, actor hotline.Staff, userID int64, keepToken string) (int64, error)
	RevokeAllSessions(ctx context.Context, actor hotline.Staff, userID int64) (int64, error)
}

func (h *console) accountDB() (accountStore, bool) {
	a, ok := h.db.(accountStore)
	return a, ok
}

// touchEvery is how stale a session's "last active" may get: recording
// every request would cost a commit per page.
const touchEvery = time.Minute

// whileMustChange are the only requests a user who logged in with a
// one-time password may make: the form to choose their own, and logging out.
var whileMustChange = map[string]bool{
	"GET /console/account":           true,
	"POST /console/account/password": true,
	"POST /console/account/lang":     true,
	"POST /console/logout":           true,
}

// afterAuth runs after auth has found the session: it keeps the session's
// last use, and until a one-time password is replaced, it sends every other
// console request to the form.
func (h *console) afterAuth(c *fiber.Ctx, token string) error {
	db, ok := h.accountDB()
	if !ok {
		return c.Next()
	}
	ctx := c.UserContext()
	id, seen, must, err := db.SessionState(ctx, token)
	if hotline.ErrorCode(err) == hotline.EUNAUTHORIZED {
		// Revoked between the two reads.
		return h.fail(c, nil, fiber.StatusUnauthorized, "console.error.login_needed")
	}
	if err != nil {
		return err
	}
	if h.now().Sub(seen) > touchEvery {
		if err := db.TouchSession(ctx, id); err != nil {
			return err
		}
	}
	if must && !whileMustChange[c.Method()+" "+strings.TrimSuffix(c.Path(), "/")] {
		return c.Redirect("/console/account#pw-h", fiber.StatusSeeOther)
	}
	return c.Next()
}

// startSession logs userID in from this request and sets the cookie.
func (h *console) startSession(c *fiber.Ctx, userID int64) error {
	var token string
	var err error
	if db, ok := h.accountDB(); ok {
		token, err = db.CreateSessionFrom(c.UserContext(), userID, c.IP(), shortAgent(c.Get(fiber.HeaderUserAgent)))
	} else {
		token, err = h.db.CreateSession(c.UserContext(), userID)
	}
	if err != nil {
		return err
	}
	h.setCookie(c, sessionCookie, token, 12*time.Hour)
	return nil
}
