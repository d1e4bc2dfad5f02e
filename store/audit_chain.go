package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"

	"github.com/pressly/goose/v3"
)

// Audit events form a hash chain. Each row's hash is the SHA-256 of the
// previous row's hash and the row's own canonical content, so changing any
// field of any row, or deleting a row, breaks every link from there on. The
// chain cannot stop someone who rewrites the whole table from the first
// changed row to the end; that is what the head printed by `hotline audit
// verify`, kept somewhere else, is for.

// auditContent is the canonical form of one event: a JSON array of exactly
// the columns the hash covers, in a fixed order. JSON gives strings an
// unambiguous encoding, so no two different rows share one.
//
// Every audit event (one or more per message) encodes it, so the common
// case, strings of printable ASCII, is written directly, byte for byte as
// encoding/json writes it (TestAuditContentMatchesJSON); anything else
// goes through encoding/json, which defines the form.
func auditContent(id, at int64, actor, action string, caseID sql.NullInt64, detail string) []byte {
	b := make([]byte, 0, 48+len(actor)+len(action)+len(detail)+len(detail)/4)
	b = append(b, '[')
	b = strconv.AppendInt(b, id, 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, at, 10)
	b = append(b, ',')
	ok := true
	b, ok = appendASCIIString(b, actor, ok)
	b = append(b, ',')
	b, ok = appendASCIIString(b, action, ok)
	b = append(b, ',')
	if caseID.Valid {
		b = strconv.AppendInt(b, caseID.Int64, 10)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, ',')
	b, ok = appendASCIIString(b, detail, ok)
	if ok {
		return append(b, ']')
	}
	return auditContentJSON(id, at, actor, action, caseID, detail)
}

// auditContentJSON is the definition of auditContent.
func auditContentJSON(id, at int64, actor, action string, caseID sql.NullInt64, detail string) []byte {
	var cid any
	if caseID.Valid {
		cid = caseID.Int64
	}
	b, _ := json.Marshal([]any{id, at, actor, action, cid, detail}) // cannot fail for these types
	return b
}

// appendASCIIString appends s as encoding/json quotes it, if s is
// printable ASCII; ok turns false (and stays false) otherwise.
func appendASCIIString(b []byte, s string, ok bool) ([]byte, bool) {
	if !ok {
		return b, false
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c >= 0x7f:
			return b, false
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '<':
			b = append(b, `\u003c`...)
		case c == '>':
			b = append(b, `\u003e`...)
		case c == '&':
			b = append(b, `\u0026`...)
		default:
			b = append(b, c)
		}
	}
	return append(b, '"'), true
}

// auditHash chains content onto prev.
func auditHash(prev string, content []byte) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte{'\n'})
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}

// insertAuditChained appends one event to the chain. The head (last id and
// hash) is read inside the caller's transaction the first time and then
// kept by the writer, which is the only one appending in this process: the
// writer restores it when a unit is rolled back to its savepoint, forgets it
// when a transaction fails, and forgets it when another connection (another
// process, such as a CLI command) committed since (auditHead).
func insertAuditChained(tx *writeTx, at int64, actor, action string, caseID sql.NullInt64, detail string) error {
	if !tx.head.known {
		var lastID int64
		var prev string
		err := tx.QueryRow(`SELECT id, COALESCE(hash, '') FROM audit_events ORDER BY id DESC LIMIT 1`).Scan(&lastID, &prev)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: audit chain head: %w", err)
		}
		tx.head = auditHead{id: lastID, hash: prev, known: true}
	}
	prev := tx.head.hash
	id := tx.head.id + 1
	hash := auditHash(prev, auditContent(id, at, actor, action, caseID, detail))
	if _, err := tx.Exec(`INSERT INTO audit_events (id, at, actor, action, case_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		id, at, actor, action, caseID, detail, prev, hash); err != nil {
		// The statement may have failed half way: read the head again.
		tx.head = auditHead{}
		return err
	}
	tx.head = auditHead{id: id, hash: hash, known: true}
	return nil
}

// auditHead is the last event of the chain as the writer's transaction
// sees it.
type auditHead struct {
	id    int64
	hash  string
	known bool
}

// auditChainMigration chains the events written before the chain existed,
// in id order, once.
func auditChainMigration() *goose.Migration {
	return goose.NewGoMigration(31, &goose.GoFunc{RunTx: backfillAuditChain}, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE audit_events SET prev_hash = NULL, hash = NULL`)
		return err
	}})
}

func backfillAuditChain(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, at, actor, action, case_id, detail FROM audit_events ORDER BY id`)
	if err != nil {
		return err
	}
	type link struct {
		id         int64
		prev, hash string
	}
	var links []link
	prev := ""
	for rows.Next() {
		var id, at int64
		var actor, action, detail string
		var cid sql.NullInt64
		if err := rows.Scan(&id, &at, &actor, &action, &cid, &detail); err != nil {
			rows.Close()
			return err
		}
		h := auditHash(prev, auditContent(id, at, actor, action, cid, detail))
		links = append(links, link{id, prev, h})
		prev = h
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, `UPDATE audit_events SET prev_hash = ?, hash = ? WHERE id = ?`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, l := range links {
		if _, err := stmt.ExecContext(ctx, l.prev, l.hash, l.id); err != nil {
			return err
		}
	}
	return nil
}

// AuditReport is the outcome of checking the audit chain.
type AuditReport struct {
	Events int64  // rows checked
	Head   string // hash of the last row: record it elsewhere to detect a rewritten tail
	// BrokenAt is the id of the first row whose link does not hold, 0 when
	// the chain is intact; Reason says what did not match.
	BrokenAt int64
	Reason   string
}

// OK reports whether the whole chain holds.
func (r AuditReport) OK() bool { return r.BrokenAt == 0 }

// VerifyAudit walks the audit chain from the first event and stops at the
// first broken link. It reads one snapshot, so a server writing meanwhile
// does not confuse it.
func (db *DB) VerifyAudit(ctx context.Context) (AuditReport, error) {
	return verifyAudit(ctx, db.rdb)
}

func verifyAudit(ctx context.Context, q *sql.DB) (AuditReport, error) {
	var r AuditReport
	rows, err := q.QueryContext(ctx, `SELECT id, at, actor, action, case_id, detail, prev_hash, hash FROM audit_events ORDER BY id`)
	if err != nil {
		return r, fmt.Errorf("store: verify audit: %w", err)
	}
	defer rows.Close()
	prev, prevID := "", int64(0)
	for rows.Next() {
		var id, at int64
		var actor, action, detail string
		var cid sql.NullInt64
		var prevHash, hash sql.NullString
		if err := rows.Scan(&id, &at, &actor, &action, &cid, &detail, &prevHash, &hash); err != nil {
			return r, fmt.Errorf("store: verify audit: %w", err)
		}
		r.Events++
		switch {
		case !hash.Valid || !prevHash.Valid:
			r.BrokenAt, r.Reason = id, "event has no hash"
		case prevHash.String != prev:
			if prevID == 0 {
				r.BrokenAt, r.Reason = id, "first event does not start the chain: events before it were deleted"
			} else {
				r.BrokenAt, r.Reason = id, "does not follow event "+strconv.FormatInt(prevID, 10)+": an event between them was deleted or that event was changed"
			}
		case auditHash(prevHash.String, auditContent(id, at, actor, action, cid, detail)) != hash.String:
			r.BrokenAt, r.Reason = id, "content does not match its hash: the event was changed"
		}
		if r.BrokenAt != 0 {
			return r, nil
		}
		prev, prevID = hash.String, id
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("store: verify audit: %w", err)
	}
	r.Head = prev
	return r, nil
}

// VerifyAuditFile checks the audit chain of the database at path without
// migrating or writing it, so that a copy taken for an investigation stays
// as it was found. A running server may keep writing meanwhile.
func VerifyAuditFile(ctx context.Context, path string) (AuditReport, error) {
	if _, err := os.Stat(path); err != nil {
		return AuditReport{}, fmt.Errorf("store: %w", err)
	}
	rdb, err := sql.Open("sqlite3", dsn(path, url.Values{
		"mode":          {"ro"},
		"_busy_timeout": {"10000"},
		"_query_only":   {"true"},
	}))
	if err != nil {
		return AuditReport{}, fmt.Errorf("store: open %s: %w", path, err)
	}
	defer rdb.Close()
	return verifyAudit(ctx, rdb)
}
