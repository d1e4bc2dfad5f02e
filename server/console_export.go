package server

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline"
	"hotline/export"
)

// exportStore is what the export form needs beyond export.Source: the
// database file, beside which the signing key lives.
type exportStore interface {
	export.Source
	Path(ctx context.Context) (string, error)
}

type exportPage struct {
	*consolePage
	Export *exportView
}

type exportView struct {
	From, To, Partner, Profile string
	Profiles                   []string
	Orgs                       []hotline.Organisation
	PublicKey                  string
}

// exportForm serves GET /console/export (administrators).
func (h *console) exportForm(c *fiber.Ctx) error {
	now := h.now().UTC()
	v := &exportView{From: now.AddDate(0, -1, 0).Format(time.DateOnly), To: now.AddDate(0, 0, 1).Format(time.DateOnly), Profile: "police"}
	return h.showExport(c, fiber.StatusOK, v, "")
}

func (h *console) showExport(c *fiber.Ctx, status int, v *exportView, errText string) error {
	s := session(c)
	p := h.page(c, s, "console.export.title")
	p.Error = errText
	v.Profiles = export.ProfileNames
	var err error
	if v.Orgs, err = h.db.Organisations(c.UserContext()); err != nil {
		return err
	}
	if key, err := h.exportKey(c.UserContext()); err == nil {
		v.PublicKey = export.PublicKeyString(key)
	}
	c.Status(status)
	c.Type("html", "utf-8")
	return renderPage(c, "export", &exportPage{consolePage: p, Export: v})
}

func (h *console) exportKey(ctx context.Context) (ed25519.PrivateKey, error) {
	es, ok := h.db.(exportStore)
	if !ok {
		return nil, fmt.Errorf("server: the store cannot export")
	}
	path, err := es.Path(ctx)
	if err != nil {
		return nil, err
	}
	return export.LoadOrCreateKey(export.KeyPath(path))
}

// exportPost serves POST /console/export: the signed zip, as a download.
// The export is audited before a byte of it is sent.
func (h *console) exportPost(c *fiber.Ctx) error {
	v := &exportView{From: c.FormValue("from"), To: c.FormValue("to"), Partner: c.FormValue("partner"), Profile: c.FormValue("profile")}
	p := h.page(c, session(c), "console.export.title")
	from, err1 := time.Parse(time.DateOnly, v.From)
	to, err2 := time.Parse(time.DateOnly, v.To)
	if err1 != nil || err2 != nil {
		return h.showExport(c, fiber.StatusBadRequest, v, p.T("console.export.bad_period"))
	}
	es, ok := h.db.(exportStore)
	if !ok {
		return fiber.ErrNotImplemented
	}
	key, err := h.exportKey(c.UserContext())
	if err != nil {
		return err
	}
	res, err := export.Make(c.UserContext(), es, key, export.Request{
		From: from, To: to, Partner: v.Partner, Profile: v.Profile, By: session(c).Staff.Name,
	}, h.now())
	if err != nil {
		if hotline.ErrorCode(err) == hotline.EINVALID {
			return h.showExport(c, fiber.StatusBadRequest, v, p.T("console.error.action")+" "+hotline.ErrorMessage(err))
		}
		return err
	}
	var buf bytes.Buffer
	if err := export.Zip(&buf, res.Files); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="hotline-export-%s-%s-%s.zip"`,
		res.Document.Profile, from.Format("20060102"), to.Format("20060102")))
	return c.Send(buf.Bytes())
}
