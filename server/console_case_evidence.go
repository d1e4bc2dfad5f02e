package server

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hotline"
	"hotline/evidence"
)

// EvidenceFiles opens files of the evidence store (package evidence); the
// console serves them, decrypted, to staff who may read the case.
type EvidenceFiles interface {
	Read(name, sha256 string) ([]byte, error)
}

// evidenceStore is the evidence table. The SQLite store implements it; the
// console finds it on its store, so that Deps stays as it is.
type evidenceStore interface {
	CaseEvidence(ctx context.Context, caseID int64) ([]evidence.Item, error)
	EvidenceItem(ctx context.Context, caseID, id int64) (evidence.Item, error)
	RecordEvidenceAccess(ctx context.Context, actor string, caseID, evidenceID int64, via, addr string) error
}

// evidenceView is the case page's list of evidence, by message.
type evidenceView struct {
	CaseID   int64
	Messages []evidenceMessage
}

type evidenceMessage struct {
	MessageID int64
	AtText    string
	Channel   string
	Items     []evidenceRow
}

type evidenceRow struct {
	ID              int64
	Type, Size      string
	SHA256, Short   string
	Fetched, Status string
	Attempts        int
	LastError       string
	Download        bool
}

// caseEvidence builds the section; nil hides it. It follows the messages:
// whoever the case page shows the messages to sees their evidence.
func (h *console) caseEvidence(ctx context.Context, v *caseView, p *consolePage) *evidenceView {
	es, ok := h.db.(evidenceStore)
	if !ok || len(v.Messages) == 0 || (v.Responder && !v.Share[hotline.ShareMessages]) {
		return nil
	}
	items, err := es.CaseEvidence(ctx, v.ID)
	if err != nil {
		h.s.log.Error("case evidence", "case", v.ID, "err", err)
		p.Error = p.T("evidence.unavailable")
		return nil
	}
	if len(items) == 0 {
		return nil
	}
	at := map[int64]hotline.Message{}
	for _, m := range v.Messages {
		at[m.ID] = m
	}
	out := &evidenceView{CaseID: v.ID}
	for _, it := range items {
		if n := len(out.Messages); n == 0 || out.Messages[n-1].MessageID != it.MessageID {
			m := at[it.MessageID]
			out.Messages = append(out.Messages, evidenceMessage{
				MessageID: it.MessageID, Channel: string(it.Channel),
				AtText: m.CreatedAt.UTC().Format("2006-01-02 15:04 UTC"),
			})
		}
		row := evidenceRow{ID: it.ID, Status: it.Status, Attempts: it.Attempts, LastError: it.LastError}
		if it.Status == evidence.StatusFetched {
			row.Type, row.Size, row.SHA256 = it.ContentType, sizeText(it.Size), it.SHA256
			row.Short = it.SHA256[:min(12, len(it.SHA256))]
			row.Fetched = it.FetchedAt.UTC().Format("2006-01-02 15:04:05 UTC")
			row.Download = h.s.cfg.Evidence != nil
		}
		last := &out.Messages[len(out.Messages)-1]
		last.Items = append(last.Items, row)
	}
	return out
}

// evidenceDownload serves GET /console/cases/:id/evidence/:eid: the file,
// decrypted, as an attachment. Every download is audited before a byte
// leaves; a download that cannot be audited does not happen.
func (h *console) evidenceDownload(c *fiber.Ctx) error {
	s := session(c)
	id, ok := caseID(c)
	eid, err := strconv.ParseInt(c.Params("eid"), 10, 64)
	es, hasStore := h.db.(evidenceStore)
	files := h.s.cfg.Evidence
	if !ok || err != nil || eid <= 0 || !hasStore || files == nil {
		return h.fail(c, s, fiber.StatusNotFound, "console.error.not_found")
	}
	ctx := c.UserContext()
	allowed, err := h.mayReadMessages(c, s, id)
	if err != nil {
		return err
	}
	if !allowed {
		return h.fail(c, s, fiber.StatusForbidden, "console.error.forbidden")
	}
	it, err := es.EvidenceItem(ctx, id, eid)
	if hotline.ErrorCode(err) == hotline.ENOTFOUND || err == nil && it.Status != evidence.StatusFetched {
		return h.fail(c, s, fiber.StatusNotFound, "console.error.not_found")
	}
	if err != nil {
		return err
	}
	data, err := files.Read(it.File, it.SHA256)
	if err != nil {
		if errors.Is(err, evidence.ErrCorrupt) {
			h.s.log.Error("evidence file does not match its record", "case", id, "evidence", eid)
		}
		return fmt.Errorf("evidence %d: %w", eid, err)
	}
	if err := es.RecordEvidenceAccess(ctx, s.Staff.Name, id, eid, "console", c.IP()); err != nil {
		h.s.log.Error("evidence download not audited; refused", "case", id, "evidence", eid, "err", err)
		return c.Status(fiber.StatusServiceUnavailable).SendString("try again shortly")
	}
	c.Set(fiber.HeaderContentType, safeType(it.ContentType))
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="evidence-%d-%d%s"`, id, eid, extension(it.ContentType)))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	return c.Status(fiber.StatusOK).Send(data)
}

// mayReadMessages is the case page's rule for the messages: staff see
// them, a responder only through a hand-off to their organisation that
// shares them.
func (h *console) mayReadMessages(c *fiber.Ctx, s *hotline.Session, id int64) (bool, error) {
	ok, err := h.mayOpen(c, s, id)
	if err != nil || !ok || s.Staff.Role != hotline.RoleResponder {
		return ok, err
	}
	handoffs, err := h.db.Handoffs(c.UserContext(), id)
	if err != nil {
		return false, err
	}
	for _, ho := range handoffs {
		if ho.OrganisationID != s.Staff.OrganisationID {
			continue
		}
		for _, f := range ho.Shared {
			if f == hotline.ShareMessages {
				return true, nil
			}
		}
	}
	return false, nil
}

// safeType is the stored type when it is one a browser only displays
// (pictures, sound, video, PDF); anything else, HTML and SVG above all, is
// served as bytes. Any "+xml" type is an XML document to a browser (SVG is
// one), whatever its top-level type says.
func safeType(t string) string {
	t = strings.ToLower(strings.TrimSpace(t))
	switch {
	case strings.HasSuffix(t, "+xml"), strings.ContainsAny(t, ";, \"\r\n"):
	case strings.HasPrefix(t, "image/"), strings.HasPrefix(t, "audio/"), strings.HasPrefix(t, "video/"), t == "application/pdf":
		return t
	}
	return "application/octet-stream"
}

var extensions = map[string]string{
	"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
	"audio/wav": ".wav", "audio/x-wav": ".wav", "audio/mpeg": ".mp3", "audio/ogg": ".ogg", "audio/amr": ".amr",
	"video/mp4": ".mp4", "video/3gpp": ".3gp", "application/pdf": ".pdf",
}

func extension(t string) string {
	if e, ok := extensions[safeType(t)]; ok {
		return e
	}
	return ".bin"
}

// sizeText writes a size for people: bytes, KB or MB.
func sizeText(n int64) string {
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
}
