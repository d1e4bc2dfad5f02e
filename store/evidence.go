package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"hotline"
	"hotline/evidence"
)

// The evidence worker's queue (package evidence) and the case page's list of
// fetched files. The media references themselves stay where intake put them,
// in messages.media (sealed); messageMedia reads just that column of just
// the messages concerned, as the worker runs every few seconds beside
// intake and must not load whole cases.

const evidenceColumns = `e.id, m.case_id, e.message_id, e.media_index, m.channel, e.status, e.file,
	e.content_type, e.size, e.sha256, e.fetched_at, e.attempts, e.last_error`

func scanEvidence(s scanner) (evidence.Item, error) {
	var (
		it      evidence.Item
		ch      string
		fetched sql.NullInt64
	)
	err := s.Scan(&it.ID, &it.CaseID, &it.MessageID, &it.Index, &ch, &it.Status, &it.File,
		&it.ContentType, &it.Size, &it.SHA256, &fetched, &it.Attempts, &it.LastError)
	it.Channel = hotline.Channel(ch)
	if fetched.Valid {
		it.FetchedAt = fromMS(fetched.Int64)
	}
	return it, err
}

// QueueNewEvidence looks at up to limit inbound messages stored since the
// last call and adds a pending evidence row for each of their media
// references. It returns how many rows it added, and done when no more
// messages wait to be looked at.
func (db *DB) QueueNewEvidence(ctx context.Context, limit int) (queued int, done bool, err error) {
	var last int64
	err = db.rdb.QueryRowContext(ctx, `SELECT last_message_id FROM evidence_scan WHERE id = 1`).Scan(&last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, false, fmt.Errorf("store: evidence scan: %w", err)
	}
	// Most messages carry no media, stored as an unsealed '[]' (or '' from
	// before media was recorded): SQL skips them, so the scan's cost is in
	// the messages that have some, and the cursor moves past the rest in
	// one write. newest bounds the scan so that a message committed
	// meanwhile is not skipped.
	var newest int64
	if err := db.rdb.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM messages`).Scan(&newest); err != nil {
		return 0, false, fmt.Errorf("store: evidence scan: %w", err)
	}
	rows, err := db.rdb.QueryContext(ctx, `
		SELECT id, media FROM messages
		WHERE id > ? AND id <= ? AND direction = 'in' AND media NOT IN ('', '[]')
		ORDER BY id LIMIT ?`, last, newest, limit)
	if err != nil {
		return 0, false, fmt.Errorf("store: evidence scan: %w", err)
	}
	type ref struct {
		msgID int64
		index int
	}
	var refs []ref
	upTo, n := last, 0
	for rows.Next() {
		var id int64
		var media string
		if err := rows.Scan(&id, db.sl.into(colMessageMedia, &media)); err != nil {
			rows.Close()
			return 0, false, fmt.Errorf("store: evidence scan: %w", err)
		}
		list, err := decodeMedia(id, media)
		if err != nil {
			rows.Close()
			return 0, false, err
		}
		for i := range list {
			refs = append(refs, ref{id, i})
		}
		upTo, n = id, n+1
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, false, err
	}
	done = n < limit
	if done {
		upTo = max(upTo, newest)
	}
	if upTo == last {
		return 0, true, nil
	}
	now := ms(db.now())
	added := 0
	// Rerunnable: its only effect outside the transaction is added, which
	// each run counts afresh, so it does not make intake's batches run unit
	// by unit.
	err = db.writeRerunnable(ctx, func(tx *writeTx) error {
		added = 0
		for _, r := range refs {
			res, err := tx.Exec(`INSERT INTO evidence (message_id, media_index, created_at) VALUES (?, ?, ?)
				ON CONFLICT (message_id, media_index) DO NOTHING`, r.msgID, r.index, now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				added++
			}
		}
		_, err := tx.Exec(`INSERT INTO evidence_scan (id, last_message_id) VALUES (1, ?)
			ON CONFLICT (id) DO UPDATE SET last_message_id = max(last_message_id, excluded.last_message_id)`, upTo)
		return err
	})
	if err != nil {
		return 0, false, fmt.Errorf("store: queue evidence: %w", err)
	}
	return added, done, nil
}

// decodeMedia reads a message's media column as opened.
func decodeMedia(msgID int64, media string) ([]hotline.Media, error) {
	if media == "" || media == "[]" {
		return nil, nil
	}
	var list []hotline.Media
	if err := json.Unmarshal([]byte(media), &list); err != nil {
		return nil, fmt.Errorf("store: message %d media: %w", msgID, err)
	}
	return list, nil
}

// messageMedia reads the media references of the given messages, by id.
func (db *DB) messageMedia(ctx context.Context, ids []int64) (map[int64][]hotline.Media, error) {
	out := map[int64][]hotline.Media{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := db.rdb.QueryContext(ctx, `SELECT id, media FROM messages WHERE id IN (?`+
		strings.Repeat(",?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: evidence media: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var media string
		if err := rows.Scan(&id, db.sl.into(colMessageMedia, &media)); err != nil {
			return nil, fmt.Errorf("store: evidence media: %w", err)
		}
		if out[id], err = decodeMedia(id, media); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

// DueEvidence returns up to limit items to fetch now: never fetched, or
// failed and due again. Each carries its Source.
func (db *DB) DueEvidence(ctx context.Context, now time.Time, limit int) ([]evidence.Item, error) {
	rows, err := db.rdb.QueryContext(ctx, `SELECT `+evidenceColumns+`
		FROM evidence e JOIN messages m ON m.id = e.message_id
		WHERE e.status IN ('pending', 'failed') AND e.next_attempt_at <= ?
		ORDER BY e.next_attempt_at, e.id LIMIT ?`, ms(now), limit)
	if err != nil {
		return nil, fmt.Errorf("store: due evidence: %w", err)
	}
	items, err := scanEvidenceRows(rows)
	if err != nil {
		return nil, fmt.Errorf("store: due evidence: %w", err)
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.MessageID
	}
	media, err := db.messageMedia(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i, it := range items {
		// A reference that is gone (redacted) keeps an empty Source; the
		// worker records that.
		if list := media[it.MessageID]; it.Index < len(list) {
			items[i].Source = list[it.Index]
		}
	}
	return items, nil
}

func scanEvidenceRows(rows *sql.Rows) ([]evidence.Item, error) {
	defer rows.Close()
	var out []evidence.Item
	for rows.Next() {
		it, err := scanEvidence(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// EvidenceStored records a fetched file and audits it on the case, so that
// the case's history shows when each piece of evidence arrived and its hash.
func (db *DB) EvidenceStored(ctx context.Context, id int64, s evidence.Stored) error {
	if s.File == "" || len(s.SHA256) != 64 {
		return hotline.Errorf(hotline.EINVALID, "evidence %d: stored without a file or SHA-256", id)
	}
	at := s.FetchedAt
	if at.IsZero() {
		at = db.now()
	}
	return db.write(ctx, func(tx *writeTx) error {
		var caseID int64
		err := tx.QueryRow(`SELECT m.case_id FROM evidence e JOIN messages m ON m.id = e.message_id
			WHERE e.id = ? AND e.status <> 'fetched'`, id).Scan(&caseID)
		if errors.Is(err, sql.ErrNoRows) {
			return hotline.Errorf(hotline.ECONFLICT, "evidence %d is unknown or already fetched", id)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE evidence SET status = 'fetched', file = ?, content_type = ?, size = ?,
			sha256 = ?, source_hash = ?, fetched_at = ?, attempts = attempts + 1, last_error = ''
			WHERE id = ?`, s.File, s.ContentType, s.Size, s.SHA256, s.SourceHash, ms(at), id); err != nil {
			return err
		}
		return audit(tx, at, "system", "evidence.fetched", caseID,
			map[string]any{"evidence": id, "sha256": s.SHA256, "size": s.Size, "type": s.ContentType})
	})
}

// EvidenceFailed records a failed fetch: tried again at f.Next, or given
// up on (unavailable).
func (db *DB) EvidenceFailed(ctx context.Context, id int64, f evidence.Failure) error {
	status := evidence.StatusFailed
	if f.GiveUp {
		status = evidence.StatusUnavailable
	}
	msg := f.Error
	if len(msg) > 500 {
		msg = msg[:500]
	}
	return db.write(ctx, func(tx *writeTx) error {
		res, err := tx.Exec(`UPDATE evidence SET status = ?, attempts = attempts + 1, last_error = ?,
			next_attempt_at = ? WHERE id = ? AND status IN ('pending', 'failed')`, status, msg, ms(f.Next), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return hotline.Errorf(hotline.ECONFLICT, "evidence %d is unknown or no longer being fetched", id)
		}
		return nil
	})
}

// CaseEvidence lists the evidence of a case's messages, in message order.
func (db *DB) CaseEvidence(ctx context.Context, caseID int64) ([]evidence.Item, error) {
	rows, err := db.rdb.QueryContext(ctx, `SELECT `+evidenceColumns+`
		FROM messages m JOIN evidence e ON e.message_id = m.id
		WHERE m.case_id = ? ORDER BY e.message_id, e.media_index`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: case evidence: %w", err)
	}
	items, err := scanEvidenceRows(rows)
	if err != nil {
		return nil, fmt.Errorf("store: case evidence: %w", err)
	}
	return items, nil
}

// EvidenceItem returns one evidence item of case caseID; an item of another
// case is not found, so an id guessed from another case reveals nothing.
func (db *DB) EvidenceItem(ctx context.Context, caseID, id int64) (evidence.Item, error) {
	row := db.rdb.QueryRowContext(ctx, `SELECT `+evidenceColumns+`
		FROM evidence e JOIN messages m ON m.id = e.message_id
		WHERE e.id = ? AND m.case_id = ?`, id, caseID)
	it, err := scanEvidence(row)
	if errors.Is(err, sql.ErrNoRows) {
		return it, hotline.Errorf(hotline.ENOTFOUND, "evidence %d not found", id)
	}
	if err != nil {
		return it, fmt.Errorf("store: evidence: %w", err)
	}
	return it, nil
}

// RecordEvidenceAccess audits a download of an evidence file: who, which
// file, through what, from where, and when (now). Callers record it before
// they send a byte: a download nobody could audit does not happen.
func (db *DB) RecordEvidenceAccess(ctx context.Context, actor string, caseID, evidenceID int64, via, addr string) error {
	if caseID <= 0 || evidenceID <= 0 {
		return hotline.Errorf(hotline.EINVALID, "no such evidence")
	}
	actor = strings.TrimSpace(actor)
	if actor == "" {
		actor = "unknown"
	}
	now := db.now()
	return db.write(ctx, func(tx *writeTx) error {
		return audit(tx, now, actor, "evidence.downloaded", caseID,
			map[string]any{"evidence": evidenceID, "via": via, "addr": addr})
	})
}

// FetchedEvidence lists up to limit fetched items with ids above afterID,
// in id order: what a key rotation must re-seal (evidence.Store.Reseal).
func (db *DB) FetchedEvidence(ctx context.Context, afterID int64, limit int) ([]evidence.Item, error) {
	rows, err := db.rdb.QueryContext(ctx, `SELECT `+evidenceColumns+`
		FROM evidence e JOIN messages m ON m.id = e.message_id
		WHERE e.id > ? AND e.status = 'fetched' ORDER BY e.id LIMIT ?`, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: fetched evidence: %w", err)
	}
	items, err := scanEvidenceRows(rows)
	if err != nil {
		return nil, fmt.Errorf("store: fetched evidence: %w", err)
	}
	return items, nil
}
