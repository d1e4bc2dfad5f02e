package server

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/base64"
	"html/template"
	"image/png"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"hotline"
)

// totpStore is the second factor's part of the store.
type totpStore interface {
	TOTPState(ctx context.Context, userID int64) (enabled bool, pending string, err error)
	TOTPSecret(ctx context.Context, userID int64) (string, error)
	SetTOTPPending(ctx context.Context, userID int64, secret string) error
	EnableTOTP(ctx context.Context, userID int64, step int64) error
	DisableTOTP(ctx context.Context, userID int64) error
	UseTOTPStep(ctx context.Context, userID int64, step int64) (bool, error)
	CreateLoginChallenge(ctx context.Context, userID int64, next string) (token, csrf string, err error)
	LoginChallenge(ctx context.Context, token string) (userID int64, name, csrf, next string, err error)
	DeleteLoginChallenge(ctx context.Context, token string) error
}

func (h *console) totpDB() (totpStore, bool) {
	t, ok := h.db.(totpStore)
	return t, ok
}

// The codes are what every authenticator app makes by default (RFC 6238:
// SHA-1, 6 digits, 30 seconds).
const (
	totpIssuer = "Hotline"
	totpPeriod = 30
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// totpEnrol is the enrolment shown on the account page until confirmed.
type totpEnrol struct {
	Secret string
	URI    string
	QR     template.URL // a PNG as a data: URL (the CSP allows img-src data:)
}

// totpStep returns the time step of the code, if it is the code of secret
// for the step of now or the one before or after (a phone's clock may be a
// little off, and typing takes time).
func totpStep(secret, code string, now time.Time) (int64, bool) {
	code = strings.TrimSpace(strings.ReplaceAll(code, " ", ""))
	if len(code) != 6 || secret == "" {
		return 0, false
	}
	for _, d := range []int64{0, -1, 1} {
		t := now.Add(time.Duration(d*totpPeriod) * time.Second)
		want, err := totp.GenerateCodeCustom(secret, t, totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return t.Unix() / totpPeriod, true
		}
	}
	return 0, false
}

// checkTOTP accepts a code of userID's second factor once: a code already
// used (or one older than the last used) is refused.
func (h *console) checkTOTP(ctx context.Context, db totpStore, userID int64, code string) (bool, error) {
	secret, err := db.TOTPSecret(ctx, userID)
	if err != nil {
		return false, err
	}
	step, ok := totpStep(secret, code, h.now())
	if !ok {
		return false, nil
	}
	return db.UseTOTPStep(ctx, userID, step)
}

func totpURI(name, secret string) string {
	label := totpIssuer + ":" + name
	q := url.Values{"secret": {secret}, "issuer": {totpIssuer}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	return (&url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + label, RawQuery: q.Encode()}).String()
}

// enrolView shows a pending secret as text, as an otpauth:// link and as a
// QR code made by the otp library.
func enrolView(name, secret string) (*totpEnrol, error) {
	e := &totpEnrol{Secret: secret, URI: totpURI(name, secret)}
	key, err := otp.NewKeyFromURL(e.URI)
	if err != nil {
		return nil, err
	}
	img, err := key.Image(220, 220)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	e.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes()))
	return e, nil
}

// loadTOTP fills v with the state of the second factor.
func (h *console) loadTOTP(c *fiber.Ctx, v *accountView) error {
	db, ok := h.totpDB()
	if !ok {
		return nil
	}
	s := session(c)
	on, pending, err := db.TOTPState(c.UserContext(), s.Staff.ID)
	if err != nil {
		return err
	}
	v.TOTP = &totpView{On: on}
	if pending != "" && !on {
		if v.TOTP.Enrol, err = enrolView(s.Staff.Name, pending); err != nil {
			return err
		}
	}
	return nil
}

type totpView struct {
	On    bool
	Enrol *totpEnrol
}

// totpStart serves POST /console/account/totp/start: a new secret, shown
// until a first code confirms it.
func (h *console) totpStart(c *fiber.Ctx) error {
	db, _ := h.totpDB()
	s := session(c)
	key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: s.Staff.Name, Period: totpPeriod})
	if err != nil {
		return err
	}
	if err := db.SetTOTPPending(c.UserContext(), s.Staff.ID, key.Secret()); err != nil {
		return err
	}
	return c.Redirect("/console/account#totp-h", fiber.StatusSeeOther)
}

// totpConfirm serves POST /console/account/totp/confirm.
func (h *console) totpConfirm(c *fiber.Ctx) error {
	db, _ := h.totpDB()
	s := session(c)
	ctx := c.UserContext()
	on, pending, err := db.TOTPState(ctx, s.Staff.ID)
	if err != nil {
		return err
	}
	if on || pending == "" {
		return h.accountError(c, fiber.StatusConflict, "console.error.bad_form")
	}
	step, ok := totpStep(pending, c.FormValue("code"), h.now())
	if !ok {
		return h.accountError(c, fiber.StatusBadRequest, "account.totp.wrong")
	}
	if err := db.EnableTOTP(ctx, s.Staff.ID, step); err != nil {
		return err
	}
	return c.Redirect("/console/account?ok=totp_on#totp-h", fiber.StatusSeeOther)
}

// totpDisable serves POST /console/account/totp/disable: a current code is
// needed, so a session left open is not enough to weaken the account.
func (h *console) totpDisable(c *fiber.Ctx) error {
	db, _ := h.totpDB()
	s := session(c)
	ctx := c.UserContext()
	// Guessing codes from an open session counts towards the lockout,
	// and a locked account cannot turn its second factor off.
	_, _, lockedUntil, err := h.db.StaffByName(ctx, s.Staff.Name)
	if err != nil {
		return err
	}
	if lockedUntil.After(h.now()) {
		return h.accountLocked(c, lockedUntil)
	}
	ok, err := h.checkTOTP(ctx, db, s.Staff.ID, c.FormValue("code"))
	if err != nil {
		return err
	}
	if !ok {
		if _, err := h.db.LoginFailed(ctx, s.Staff.Name); err != nil {
			return err
		}
		return h.accountError(c, fiber.StatusBadRequest, "account.totp.wrong")
	}
	if err := db.DisableTOTP(ctx, s.Staff.ID); err != nil {
		return err
	}
	return c.Redirect("/console/account?ok=totp_off#totp-h", fiber.StatusSeeOther)
}

// mfaCookie carries the token of a login that waits for its code.
const mfaCookie = "hotline_mfa"

// askForCode is the login's second step: the password was right and the
// account has a second factor, so no session yet, only a challenge.
func (h *console) askForCode(c *fiber.Ctx, db totpStore, userID int64, next string) error {
	token, _, err := db.CreateLoginChallenge(c.UserContext(), userID, next)
	if err != nil {
		return err
	}
	h.setCookie(c, mfaCookie, token, 5*time.Minute)
	c.ClearCookie(loginCookie)
	return c.Redirect("/console/login/code", fiber.StatusSeeOther)
}

type codePage struct {
	*consolePage
}

// codeForm serves GET /console/login/code.
func (h *console) codeForm(c *fiber.Ctx) error {
	db, _ := h.totpDB()
	_, _, csrf, _, err := db.LoginChallenge(c.UserContext(), c.Cookies(mfaCookie))
	if hotline.ErrorCode(err) == hotline.EUNAUTHORIZED {
		return h.loginAgain(c, fiber.StatusUnauthorized, "account.totp.login_expired", 0)
	}
	if err != nil {
		return err
	}
	return h.showCodeForm(c, fiber.StatusOK, csrf, "")
}

func (h *console) showCodeForm(c *fiber.Ctx, status int, csrf, errID string) error {
	p := h.page(c, nil, "account.totp.login_title")
	p.CSRF = csrf
	if errID != "" {
		p.Error = p.T(errID)
	}
	return h.renderWith(c, status, "login_code", codePage{p})
}

// loginCode serves POST /console/login/code. A wrong code counts towards
// the account's lockout like a wrong password, and a used code is refused.
func (h *console) loginCode(c *fiber.Ctx) error {
	db, _ := h.totpDB()
	ctx := c.UserContext()
	token := c.Cookies(mfaCookie)
	uid, name, csrf, next, err := db.LoginChallenge(ctx, token)
	if hotline.ErrorCode(err) == hotline.EUNAUTHORIZED {
		return h.loginAgain(c, fiber.StatusUnauthorized, "account.totp.login_expired", 0)
	}
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(c.FormValue("csrf")), []byte(csrf)) != 1 {
		return h.showCodeForm(c, fiber.StatusForbidden, csrf, "console.error.csrf")
	}
	_, _, lockedUntil, err := h.db.StaffByName(ctx, name)
	if err != nil {
		return err
	}
	if now := h.now(); lockedUntil.After(now) {
		return h.endChallenge(c, db, token, fiber.StatusTooManyRequests, "console.login.locked", minutesUntil(now, lockedUntil))
	}
	ok, err := h.checkTOTP(ctx, db, uid, c.FormValue("code"))
	if err != nil {
		return err
	}
	if !ok {
		until, err := h.db.LoginFailed(ctx, name)
		if err != nil {
			return err
		}
		h.s.log.Warn("console login code wrong", "user_id", uid)
		if !until.IsZero() {
			return h.endChallenge(c, db, token, fiber.StatusTooManyRequests, "console.login.locked", minutesUntil(h.now(), until))
		}
		return h.showCodeForm(c, fiber.StatusUnauthorized, csrf, "account.totp.wrong")
	}
	if err := db.DeleteLoginChallenge(ctx, token); err != nil {
		return err
	}
	if err := h.db.LoginSucceeded(ctx, uid); err != nil {
		return err
	}
	if err := h.startSession(c, uid); err != nil {
		return err
	}
	h.setCookie(c, mfaCookie, "", -time.Hour)
	return c.Redirect(safeNext(next), fiber.StatusSeeOther)
}

// endChallenge drops a challenge (the account is now locked) and shows the
// login form with why.
func (h *console) endChallenge(c *fiber.Ctx, db totpStore, token string, status int, errID string, minutes int) error {
	if err := db.DeleteLoginChallenge(c.UserContext(), token); err != nil {
		return err
	}
	h.setCookie(c, mfaCookie, "", -time.Hour)
	return h.loginAgain(c, status, errID, minutes)
}

// registerTOTP adds the routes of the second factor.
func (h *console) registerTOTP(g fiber.Router) {
	if _, ok := h.totpDB(); !ok {
		return
	}
	forms := []fiber.Handler{h.auth, h.checkCSRF}
	g.Post("/account/totp/start", append(forms, h.totpStart)...)
	g.Post("/account/totp/confirm", append(forms, h.totpConfirm)...)
	g.Post("/account/totp/disable", append(forms, h.totpDisable)...)
	g.Get("/login/code", h.codeForm)
	g.Post("/login/code", h.loginLimiter(), h.loginCode)
}
