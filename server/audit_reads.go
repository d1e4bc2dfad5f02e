package server

import (
	"context"
	"regexp"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hotline"
)

// accessRecorder audits reads of a case's personal data. The SQLite store
// implements it; New finds it on Deps.Cases so that Deps stays as it is.
type accessRecorder interface {
	RecordCaseAccess(ctx context.Context, actor string, caseID int64, via, addr string) error
}

// caseReadRoutes are the pages that show a case's messages and contact:
// their path and what the audit event calls them.
var caseReadRoutes = []struct {
	re  *regexp.Regexp
	via string
}{
	{regexp.MustCompile(`^/console/cases/([0-9]+)$`), "console"},
	{regexp.MustCompile(`^/api/v1/cases/([0-9]+)$`), "api"},
}

// auditReads records who read which case, through what and from where,
// once the handler has decided to show it (a 200) and before the answer
// leaves. When the event cannot be written the answer is withheld: a read
// that cannot be audited does not happen.
func (s *Server) auditReads(c *fiber.Ctx) error {
	if c.Method() != fiber.MethodGet {
		return c.Next()
	}
	var caseID int64
	var via string
	for _, r := range caseReadRoutes {
		if m := r.re.FindStringSubmatch(c.Path()); m != nil {
			caseID, _ = strconv.ParseInt(m[1], 10, 64)
			via = r.via
			break
		}
	}
	if via == "" {
		return c.Next()
	}
	if err := c.Next(); err != nil {
		return err
	}
	if c.Response().StatusCode() != fiber.StatusOK || caseID <= 0 {
		return nil
	}
	actor := reader(c)
	if actor == "" || s.access == nil {
		// Shown without a known reader: an authentication bug, not a
		// read to let through.
		return s.withhold(c, hotline.Errorf(hotline.EUNAUTHORIZED, "reader unknown"))
	}
	if err := s.access.RecordCaseAccess(c.UserContext(), actor, caseID, via, c.IP()); err != nil {
		return s.withhold(c, err)
	}
	return nil
}

// withhold replaces a prepared answer with a 503 so that nothing of the
// case leaves.
func (s *Server) withhold(c *fiber.Ctx, err error) error {
	s.log.Error("case read not audited; answer withheld", "path", c.Path(), "err", err)
	c.Response().ResetBody()
	c.Response().Header.Del(fiber.HeaderContentType)
	return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"error": "try again shortly"})
}

// reader names who is reading: the console session's user or the API
// token's.
func reader(c *fiber.Ctx) string {
	if sess := session(c); sess != nil {
		return sess.Staff.Name
	}
	if u, ok := c.Locals(localUser).(hotline.User); ok {
		return u.Name
	}
	return ""
}
