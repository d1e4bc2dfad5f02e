package export

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"strings"
	"time"

	"hotline"
)

// Source is what an export reads and where it is audited; the SQLite store is one.
type Source interface {
	ExportData(ctx context.Context, from, to time.Time, orgID int64) (*hotline.ExportSet, error)
	OrganisationByName(ctx context.Context, name string) (hotline.Organisation, error)
	RecordExport(ctx context.Context, actor string, detail map[string]any) error
}

// Request is what an administrator asks for.
type Request struct {
	From, To time.Time
	Partner  string
	Profile  string
	By       string // the administrator, for the document and the audit log
}

// Result is a signed export, not yet written anywhere.
type Result struct {
	Files    []File
	Document *Document
	// Digest is the SHA-256 of the signed manifest, as audited.
	Digest string
}

// Make builds, signs and audits an export. The audit event is committed
// before the files are returned, so no export leaves unrecorded.
func Make(ctx context.Context, src Source, key ed25519.PrivateKey, r Request, now time.Time) (*Result, error) {
	p, err := LookupProfile(r.Profile)
	if err != nil {
		return nil, hotline.Errorf(hotline.EINVALID, "%s", strings.TrimPrefix(err.Error(), "export: "))
	}
	r.Partner = strings.TrimSpace(r.Partner)
	if r.Partner == "" || len(r.Partner) > 200 {
		return nil, hotline.Errorf(hotline.EINVALID, "name the partner the export is for")
	}
	if r.From.IsZero() || r.To.IsZero() || !r.From.Before(r.To) {
		return nil, hotline.Errorf(hotline.EINVALID, "the period needs a start before its end")
	}
	var org int64
	if p.ForOrganisation {
		o, err := src.OrganisationByName(ctx, r.Partner)
		if err != nil {
			return nil, hotline.Errorf(hotline.EINVALID, "the full profile is for an organisation cases were handed to: %s", hotline.ErrorMessage(err))
		}
		org = o.ID
	}
	set, err := src.ExportData(ctx, r.From, r.To, org)
	if err != nil {
		return nil, err
	}
	doc := Build(set, p, r.Partner, r.By, now)
	files, err := Files(doc)
	if err != nil {
		return nil, err
	}
	signed, digest, err := Sign(files, doc, key)
	if err != nil {
		return nil, err
	}
	err = src.RecordExport(ctx, r.By, map[string]any{
		"profile": p.Name, "partner": r.Partner, "from": r.From.UTC().Format(time.RFC3339),
		"to": r.To.UTC().Format(time.RFC3339), "cases": len(doc.Cases), "entities": len(doc.Entities),
		"manifest_sha256": digest,
	})
	if err != nil {
		return nil, fmt.Errorf("export: audit: %w", err)
	}
	return &Result{Files: signed, Document: doc, Digest: digest}, nil
}
