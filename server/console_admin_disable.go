package server

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hotline"
)

// disable serves POST /console/admin/users/:id/disable (and /enable with
// off false). Disabling ends the user's sessions and revokes their API
// tokens at once; an administrator cannot disable their own account, so
// that the last one cannot lock everyone out.
func (a *admin) disable(off bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := strconv.ParseInt(c.Params("id"), 10, 64)
		if err != nil || id < 1 {
			return a.h.fail(c, session(c), fiber.StatusNotFound, "console.error.bad_form")
		}
		if off && id == session(c).Staff.ID {
			return a.formError(c, fiber.StatusBadRequest, "people", "console.admin.disable_self", nil)
		}
		err = a.db.SetDisabled(c.UserContext(), session(c).Staff, id, off)
		switch hotline.ErrorCode(err) {
		case "":
		case hotline.ENOTFOUND:
			return a.h.fail(c, session(c), fiber.StatusNotFound, "console.error.bad_form")
		default:
			return err
		}
		done := "enabled"
		if off {
			done = "disabled"
		}
		return c.Redirect("/console/admin?done="+done, fiber.StatusSeeOther)
	}
}
