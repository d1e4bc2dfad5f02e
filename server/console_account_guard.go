package server

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hotline"
)

// accountStore is what the account's security needs from storage beyond
// consoleStore: a required password change, the session list and revoke,
// and the second factor. The SQLite store implements it; the console finds
// it on its store, so that consoleStore stays as it is.
type accountStore interface {
	SessionState(ctx context.Context, token string) (id int64, mustChangePassword bool, err error)
	RequirePasswordChange(ctx context.Context, userID int64) error
	ChangeOwnPassword(ctx context.Context, userID int64, hash, keepSessionToken string) error
}

func (h *console) accountDB() (accountStore, bool) {
	a, ok := h.db.(accountStore)
	return a, ok
}

// whileMustChange are the only requests a user who logged in with a
// one-time password may make: the form to choose their own, and logging out.
var whileMustChange = map[string]bool{
	"GET /console/account":           true,
	"POST /console/account/password": true,
	"POST /console/account/lang":     true,
	"POST /console/logout":           true,
}

// afterAuth runs after auth has found the session: until a one-time
// password is replaced, every other console request is sent to the form.
func (h *console) afterAuth(c *fiber.Ctx, token string) error {
	db, ok := h.accountDB()
	if !ok {
		return c.Next()
	}
	_, must, err := db.SessionState(c.UserContext(), token)
	if hotline.ErrorCode(err) == hotline.EUNAUTHORIZED {
		// Revoked between the two reads.
		return h.fail(c, nil, fiber.StatusUnauthorized, "console.error.login_needed")
	}
	if err != nil {
		return err
	}
	if must && !whileMustChange[c.Method()+" "+strings.TrimSuffix(c.Path(), "/")] {
		return c.Redirect("/console/account#pw-h", fiber.StatusSeeOther)
	}
	return c.Next()
}
