package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"hotline"
)

const localUser = "user"

// requireToken authenticates API calls by bearer token. Responders see only
// what is handed to them, which the case API does not model yet, so they are
// refused here rather than shown every case.
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
	if u.Role != hotline.RoleAdmin && u.Role != hotline.RoleAgent {
		return c.Status(fiber.StatusForbidden).JSON(fiber.Map{"error": "this API is for embassy staff"})
	}
	c.Locals(localUser, u)
	return c.Next()
}
