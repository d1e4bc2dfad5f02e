package server

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hotline"
)

const localUser = "user"

// disabledChecker is the store's answer to "was this account disabled?".
type disabledChecker interface {
	UserDisabled(ctx context.Context, userID int64) (bool, error)
}

// requireToken authenticates API calls by bearer token. Responders get
// through only when the store can say what is handed to their organisation;
// the case handlers then show them nothing else.
func (s *Server) requireToken(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || strings.TrimSpace(token) == "" {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="hotline"`)
		return c.Status(fiber.StatusUnauthorized).JSON(fiber.Map{"error": "missing bearer token"})
	}
	u, err := s.deps.Users.UserByToken(c.UserContext(), strings.TrimSpace(token))
	if err != nil {
		if hotline.ErrorCode(err) == hotline.EUNAUTHORIZED {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="hotline", error="invalid_token"`)
			return c.Status(fiber.StatusUnauthorized).JSON(fiber.Map{"error": "invalid token"})
		}
		return err
	}
	if d, ok := s.deps.Users.(disabledChecker); ok {
		off, err := d.UserDisabled(c.UserContext(), u.ID)
		if err != nil {
			return err
		}
		if off {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="hotline", error="invalid_token"`)
			return c.Status(fiber.StatusUnauthorized).JSON(fiber.Map{"error": "invalid token"})
		}
	}
	switch u.Role {
	case hotline.RoleAdmin, hotline.RoleAgent:
	case hotline.RoleResponder:
		db, ok := s.deps.Cases.(responderStore)
		if !ok {
			return c.Status(fiber.StatusForbidden).JSON(fiber.Map{"error": "this API is for embassy staff"})
		}
		st, err := db.StaffByID(c.UserContext(), u.ID)
		if err != nil {
			return err
		}
		c.Locals(localStaff, st)
	default:
		return c.Status(fiber.StatusForbidden).JSON(fiber.Map{"error": "unknown role"})
	}
	c.Locals(localUser, u)
	return c.Next()
}
