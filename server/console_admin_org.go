package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"hotline"
)

// createOrg serves POST /console/admin/orgs.
func (a *admin) createOrg(c *fiber.Ctx) error {
	name := strings.TrimSpace(c.FormValue("name"))
	keep := func(v *adminView) { v.OrgName = name }
	if name == "" || len([]rune(name)) > 120 {
		return a.formError(c, fiber.StatusBadRequest, "org", "console.error.bad_form", keep)
	}
	_, err := a.db.CreateOrganisation(c.UserContext(), session(c).Staff, name)
	switch hotline.ErrorCode(err) {
	case "":
	case hotline.ECONFLICT:
		return a.formError(c, fiber.StatusConflict, "org", "console.admin.taken", keep)
	default:
		return err
	}
	return c.Redirect("/console/admin?done=org", fiber.StatusSeeOther)
}
