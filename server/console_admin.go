package server

import (
	"context"
	"regexp"

	"github.com/gofiber/fiber/v2"

	"hotline"
)

// adminStore is what the admin page needs beyond consoleStore.
type adminStore interface {
	CreateStaff(ctx context.Context, actor hotline.Staff, name, role, passwordHash string, orgID int64) (hotline.Staff, error)
	CreateOrganisation(ctx context.Context, actor hotline.Staff, name string) (hotline.Organisation, error)
	SetDisabled(ctx context.Context, actor hotline.Staff, userID int64, disabled bool) error
	DisabledStaff(ctx context.Context) (map[int64]bool, error)
}

type adminView struct {
	People   []adminRow
	Orgs     []hotline.Organisation
	Roles    []string
	Created  *createdAccount // shown once, right after the account is made
	Form     newUserForm     // what was typed, when creating failed
	OrgName  string
	ErrorAt  string // "user" or "org": which form the error belongs to
	MyUserID int64
}

type adminRow struct {
	hotline.Staff
	Disabled bool
}

type newUserForm struct {
	Name, Role string
	OrgID      int64
}

// createdAccount carries a generated password to the one page that shows it.
type createdAccount struct {
	Name, Password string
}

// userNameRe is what a console user name may be: short, no spaces, nothing
// that needs escaping on a command line (the CLI takes the same names).
var userNameRe = regexp.MustCompile(`^[\p{L}\p{N}._-]{2,64}$`)

func (h *console) registerAdmin(g fiber.Router) {
	db, ok := h.db.(adminStore)
	if !ok {
		return
	}
	a := &admin{h: h, db: db}
	g.Get("/admin", h.auth, h.adminOnly, a.page)
	forms := []fiber.Handler{h.auth, h.checkCSRF, h.adminOnly}
	g.Post("/admin/users", append(forms, a.createUser)...)
	g.Post("/admin/orgs", append(forms, a.createOrg)...)
	g.Post("/admin/users/:id/disable", append(forms, a.disable(true))...)
	g.Post("/admin/users/:id/enable", append(forms, a.disable(false))...)
}

type admin struct {
	h  *console
	db adminStore
}

// adminOnly lets administrators through: accounts and organisations are
// theirs alone.
func (h *console) adminOnly(c *fiber.Ctx) error {
	if session(c).Staff.Role != hotline.RoleAdmin {
		return h.fail(c, session(c), fiber.StatusForbidden, "console.error.forbidden")
	}
	return c.Next()
}

// page serves GET /console/admin.
func (a *admin) page(c *fiber.Ctx) error {
	return a.show(c, fiber.StatusOK, nil)
}

// show renders the admin page; edit, when not nil, fills in a form's
// result or error.
func (a *admin) show(c *fiber.Ctx, status int, edit func(v *adminView, p *consolePage)) error {
	s := session(c)
	ctx := c.UserContext()
	p := a.h.page(c, s, "console.admin.title")
	people, err := a.h.db.ListStaff(ctx)
	if err != nil {
		return err
	}
	off, err := a.db.DisabledStaff(ctx)
	if err != nil {
		return err
	}
	v := &adminView{Roles: []string{hotline.RoleAgent, hotline.RoleResponder, hotline.RoleAdmin}, MyUserID: s.Staff.ID}
	for _, st := range realAccounts(people) {
		v.People = append(v.People, adminRow{Staff: st, Disabled: off[st.ID]})
	}
	if v.Orgs, err = a.h.db.Organisations(ctx); err != nil {
		return err
	}
	v.Form.Role = hotline.RoleAgent
	if edit != nil {
		edit(v, p)
	}
	p.AdminPage = v
	return a.h.render(c, status, "admin", p)
}

// formError shows the admin page again with what went wrong, next to the
// form it belongs to.
func (a *admin) formError(c *fiber.Ctx, status int, at, msgID string, edit func(v *adminView)) error {
	return a.show(c, status, func(v *adminView, p *consolePage) {
		p.Error = p.T(msgID)
		v.ErrorAt = at
		if edit != nil {
			edit(v)
		}
	})
}
