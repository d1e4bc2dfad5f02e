package server

import (
	"context"
	"errors"
	"html/template"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline"
	"hotline/handoff"
	"hotline/locales"
)

// ackStore is what the acknowledgement links need from storage.
type ackStore = hotline.AckLinkStore

// registerAck serves the links in notifications: GET shows what the link
// acknowledges and a button, POST acknowledges. A GET never uses the
// link, because mail scanners and link previews open every URL they see.
func (s *Server) registerAck() {
	db, ok := s.deps.Cases.(ackStore)
	if !ok || len(s.cfg.AckKey) == 0 {
		return
	}
	h := &ackHandler{db: db, signer: handoff.AckSigner{Key: s.cfg.AckKey}, now: time.Now}
	g := s.app.Group("/ack", consoleHeaders)
	g.Get("/:token", h.show)
	g.Post("/:token", h.use)
}

type ackHandler struct {
	db     ackStore
	signer handoff.AckSigner
	now    func() time.Time
}

var ackPage = template.Must(template.New("ack").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>{{.Title}}</title></head>
<body><main><h1>{{.Title}}</h1>
{{if .Message}}<p role="status">{{.Message}}</p>{{end}}
{{if .Confirm}}<form method="post">
{{- if .Updates}}<fieldset><legend>{{.UpdateLegend}}</legend>
<p><input type="radio" id="u-none" name="kind" value="" checked><label for="u-none">{{.UpdateNone}}</label></p>
{{- range .Updates}}<p><input type="radio" id="u-{{.Kind}}" name="kind" value="{{.Kind}}"><label for="u-{{.Kind}}">{{.Label}}</label></p>{{end}}
<p><label for="u-note">{{.UpdateNote}}</label><br><input id="u-note" name="note" type="text" maxlength="500"></p></fieldset>{{end}}
<button type="submit">{{.Confirm}}</button></form>{{end}}
</main></body></html>`))

type ackView struct {
	Lang, Title, Message, Confirm string
	// The optional update sent with the acknowledgement: the link works
	// once, so the report rides on the same form.
	UpdateLegend, UpdateNone, UpdateNote string
	Updates                              []ackUpdate
}

type ackUpdate struct{ Kind, Label string }

// linkUpdater records a responder's update sent with an acknowledgement
// link; without it the page offers acknowledgement alone.
type linkUpdater interface {
	LinkUpdate(ctx context.Context, t hotline.AckLinkTarget, kind, note string) error
}

func (h *ackHandler) render(c *fiber.Ctx, status int, lang, msgID, confirmID string, t hotline.AckLinkTarget) error {
	data := map[string]any{"Ref": t.CaseRef}
	v := ackView{Lang: lang, Title: locales.T(lang, "ackpage.title", nil)}
	if msgID != "" {
		v.Message = locales.T(lang, msgID, data)
	}
	if confirmID != "" {
		v.Confirm = locales.T(lang, confirmID, data)
		if _, ok := h.db.(linkUpdater); ok {
			v.UpdateLegend, v.UpdateNone = locales.T(lang, "ackpage.update", nil), locales.T(lang, "ackpage.update_none", nil)
			v.UpdateNote = locales.T(lang, "ackpage.update_note", nil)
			for _, k := range hotline.UpdateKinds {
				v.Updates = append(v.Updates, ackUpdate{Kind: k, Label: locales.T(lang, "console.update."+k, nil)})
			}
		}
	}
	c.Status(status)
	c.Type("html", "utf-8")
	return ackPage.Execute(c.Response().BodyWriter(), v)
}

// check verifies the signature before touching the database.
func (h *ackHandler) check(c *fiber.Ctx) (string, string, int, string) {
	lang := locales.Pick(c.Query("lang"), c.Get(fiber.HeaderAcceptLanguage))
	_, hash, err := h.signer.Verify(c.Params("token"), h.now())
	switch {
	case errors.Is(err, handoff.ErrAckExpired):
		return lang, "", fiber.StatusGone, "ackpage.expired"
	case err != nil:
		return lang, "", fiber.StatusNotFound, "ackpage.invalid"
	}
	return lang, hash, 0, ""
}

func (h *ackHandler) outcome(err error) (int, string) {
	switch {
	case errors.Is(err, hotline.ErrAckLinkUsed):
		return fiber.StatusGone, "ackpage.used"
	case errors.Is(err, hotline.ErrAckLinkExpired):
		return fiber.StatusGone, "ackpage.expired"
	case hotline.ErrorCode(err) == hotline.ENOTFOUND:
		return fiber.StatusNotFound, "ackpage.invalid"
	}
	return 0, ""
}

func (h *ackHandler) show(c *fiber.Ctx) error {
	lang, hash, status, msg := h.check(c)
	if status != 0 {
		return h.render(c, status, lang, msg, "", hotline.AckLinkTarget{})
	}
	t, err := h.db.AckLink(c.UserContext(), hash)
	if st, msg := h.outcome(err); st != 0 {
		return h.render(c, st, lang, msg, "", t)
	} else if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, lang, "", "ackpage.confirm", t)
}

func (h *ackHandler) use(c *fiber.Ctx) error {
	lang, hash, status, msg := h.check(c)
	if status != 0 {
		return h.render(c, status, lang, msg, "", hotline.AckLinkTarget{})
	}
	kind := c.FormValue("kind")
	lu, canUpdate := h.db.(linkUpdater)
	if kind != "" && (!canUpdate || !slices.Contains(hotline.UpdateKinds, kind)) {
		// Refused before the link is used, so the responder can try again.
		return h.render(c, fiber.StatusBadRequest, lang, "ackpage.invalid", "", hotline.AckLinkTarget{})
	}
	t, err := h.db.UseAckLink(c.UserContext(), hash)
	if st, msg := h.outcome(err); st != 0 {
		return h.render(c, st, lang, msg, "", t)
	} else if err != nil {
		return err
	}
	if kind != "" {
		if err := lu.LinkUpdate(c.UserContext(), t, kind, c.FormValue("note")); err != nil {
			return err
		}
		return h.render(c, fiber.StatusOK, lang, "ackpage.update_done", "", t)
	}
	return h.render(c, fiber.StatusOK, lang, "ackpage.done", "", t)
}
