package server

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"hotline"
	"hotline/locales"
)

// familyStore keeps a family reporter's consent to coarse status and
// queues it. The SQLite store implements it.
type familyStore interface {
	SetFamilyStatusConsent(ctx context.Context, actor hotline.Staff, caseID int64, on bool) error
	FamilyStatus(ctx context.Context, caseID int64) (consent bool, status string, err error)
	QueueFamilyStatus(ctx context.Context, actor hotline.Staff, caseID int64, body string) (int64, error)
}

func (h *console) familyStore() familyStore {
	db, _ := h.db.(familyStore)
	return db
}

// familyText is the only thing a family is ever told: that the report is
// being handled, or that it is closed, in their language.
func familyText(lang, status, ref string) string {
	if !locales.IsSupported(lang) {
		lang = locales.Fallback
	}
	return locales.T(lang, "family."+status, map[string]any{"Ref": ref})
}

// familyConsent serves POST /console/cases/:id/family: records whether the
// family reporter asked to be told the coarse status.
func (h *console) familyConsent(c *fiber.Ctx) error {
	id, ok := caseID(c)
	if !ok {
		return h.fail(c, session(c), fiber.StatusNotFound, "console.error.not_found")
	}
	if err := h.familyStore().SetFamilyStatusConsent(c.UserContext(), session(c).Staff, id, c.FormValue("consent") == "1"); err != nil {
		return h.actionFailed(c, id, err, "family", nil)
	}
	return h.done(c, id, "family")
}

// familySend serves POST /console/cases/:id/family/send: queues the coarse
// status for the family. The text is chosen here from the case's status,
// never typed, so no operational detail can slip into it.
func (h *console) familySend(c *fiber.Ctx) error {
	id, ok := caseID(c)
	if !ok {
		return h.fail(c, session(c), fiber.StatusNotFound, "console.error.not_found")
	}
	ctx := c.UserContext()
	fs := h.familyStore()
	_, status, err := fs.FamilyStatus(ctx, id)
	if err != nil {
		return h.actionFailed(c, id, err, "family", nil)
	}
	cs, err := h.db.CaseDetail(ctx, id)
	if err != nil {
		return h.actionFailed(c, id, err, "family", nil)
	}
	if _, err := fs.QueueFamilyStatus(ctx, session(c).Staff, id, familyText(cs.Lang, status, cs.Ref)); err != nil {
		return h.actionFailed(c, id, err, "family", nil)
	}
	return h.done(c, id, "family")
}
