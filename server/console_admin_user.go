package server

import (
	"crypto/rand"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"

	"hotline"
)

// passwordAlphabet leaves out letters and digits that are easy to misread
// when a password is read out over the phone (0/O, 1/l/I).
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// oneTimePassword is 20 characters from passwordAlphabet (about 116 bits),
// grouped in fours so it can be read out and typed.
func oneTimePassword() string {
	const n = 20
	var b strings.Builder
	for i := range n {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(passwordAlphabet[randIndex(len(passwordAlphabet))])
	}
	return b.String()
}

// randIndex is a uniform index below n from crypto/rand (rejection
// sampling, so no letter is likelier than another).
func randIndex(n int) int {
	limit := 256 - 256%n
	var b [1]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			panic("crypto/rand: " + err.Error()) // never returns an error on Linux
		}
		if int(b[0]) < limit {
			return int(b[0]) % n
		}
	}
}

// createUser serves POST /console/admin/users. The password is generated,
// stored as a bcrypt hash and shown on the answer page only: it is never
// in a URL, a redirect or the log, and a reload of that page cannot show
// it again (the page is no-store and the POST is not repeated silently).
func (a *admin) createUser(c *fiber.Ctx) error {
	s := session(c)
	f := newUserForm{Name: strings.TrimSpace(c.FormValue("name")), Role: c.FormValue("role")}
	if v := c.FormValue("organisation"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			return a.formError(c, fiber.StatusBadRequest, "user", "console.error.bad_form", func(v *adminView) { v.Form = f })
		}
		f.OrgID = id
	}
	keep := func(v *adminView) { v.Form = f }
	if !userNameRe.MatchString(f.Name) {
		return a.formError(c, fiber.StatusBadRequest, "user", "console.admin.bad_name", keep)
	}
	switch f.Role {
	case hotline.RoleAdmin, hotline.RoleAgent, hotline.RoleResponder:
	default:
		return a.formError(c, fiber.StatusBadRequest, "user", "console.error.bad_form", keep)
	}
	if f.Role == hotline.RoleResponder && f.OrgID == 0 {
		return a.formError(c, fiber.StatusBadRequest, "user", "console.admin.org_needed", keep)
	}
	pw := oneTimePasswordFor(f.Name)
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	st, err := a.db.CreateStaff(c.UserContext(), s.Staff, f.Name, f.Role, string(hash), f.OrgID)
	switch hotline.ErrorCode(err) {
	case "":
	case hotline.ECONFLICT:
		return a.formError(c, fiber.StatusConflict, "user", "console.admin.taken", keep)
	case hotline.EINVALID:
		return a.formError(c, fiber.StatusBadRequest, "user", "console.error.bad_form", keep)
	default:
		return err
	}
	if db, ok := a.h.accountDB(); ok {
		if err := db.RequirePasswordChange(c.UserContext(), st.ID); err != nil {
			return err
		}
	}
	return a.show(c, fiber.StatusCreated, func(v *adminView, _ *consolePage) {
		v.Created = &createdAccount{Name: st.Name, Password: pw}
	})
}
