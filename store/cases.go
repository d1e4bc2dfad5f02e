package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"hotline"
)

// Limits of a queue page.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// StatusOpen is hotline.StatusOpen, kept here for callers of the store.
const StatusOpen = hotline.StatusOpen

var statuses = map[string]bool{
	hotline.StatusNew: true, hotline.StatusInProgress: true, hotline.StatusHandedOff: true,
	hotline.StatusResolved: true, hotline.StatusClosed: true,
}

const caseColumns = `c.id, c.ref, c.status, c.urgency, c.lang, c.reporter, c.country, c.province, c.place,
	c.lat, c.lon, c.reasons, c.entities, c.channel, c.last_inbound_at, c.waiting_since, c.waiting,
	c.created_at, c.updated_at, k.address`

// ListCases implements hotline.CaseStore. Filters: Status (a status,
// StatusOpen, or empty for all), Urgency, Province, Lang. Pages are found by
// the last row's sort key, not by offset, so a page deep in a long queue
// costs the same as the first and no case is skipped or repeated when cases
// are added between pages.
func (db *DB) ListCases(ctx context.Context, f hotline.CaseFilter) (hotline.CasePage, error) {
	query, qargs, limit, err := listQuery(f)
	if err != nil {
		return hotline.CasePage{}, err
	}
	rows, err := db.rdb.QueryContext(ctx, query, qargs...)
	if err != nil {
		return hotline.CasePage{}, fmt.Errorf("store: list cases: %w", err)
	}
	defer rows.Close()
	page := hotline.CasePage{Cases: make([]hotline.Case, 0, limit)}
	more := false
	for rows.Next() {
		if len(page.Cases) == limit {
			more = true
			break
		}
		c, err := db.sl.scanCase(rows)
		if err != nil {
			return hotline.CasePage{}, err
		}
		c.Contact = hotline.MaskAddress(c.Contact)
		page.Cases = append(page.Cases, c)
	}
	if err := rows.Err(); err != nil {
		return hotline.CasePage{}, fmt.Errorf("store: list cases: %w", err)
	}
	if more {
		last := page.Cases[len(page.Cases)-1]
		page.NextCursor = cursor{
			urgency:        int64(last.Urgency),
			waitingSinceMS: ms(last.WaitingSince),
			id:             last.ID,
		}.encode()
	}
	return page, nil
}

type scanner interface{ Scan(dest ...any) error }

func (sl sealer) scanCase(s scanner) (hotline.Case, error) {
	var (
		c                             hotline.Case
		urgency                       int
		reporter, channel             string
		lat, lon                      sql.NullFloat64
		reasons, entities             string
		lastIn, since, created, updat int64
	)
	err := s.Scan(&c.ID, &c.Ref, &c.Status, &urgency, &c.Lang, &reporter,
		&c.Location.Country, &c.Location.Province, sl.into(colCasePlace, &c.Location.Place), &lat, &lon,
		sl.into(colCaseReasons, &reasons), sl.into(colCaseEntities, &entities), &channel, &lastIn, &since, &c.Waiting, &created, &updat,
		sl.into(colContactAddress, &c.Contact))
	if err != nil {
		return c, err
	}
	c.Urgency = hotline.Urgency(urgency)
	c.Reporter = hotline.Reporter(reporter)
	c.Channel = hotline.Channel(channel)
	c.Location.Lat, c.Location.Lon = floatPtr(lat), floatPtr(lon)
	c.LastInboundAt, c.WaitingSince = fromMS(lastIn), fromMS(since)
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updat)
	if err := json.Unmarshal([]byte(reasons), &c.Reasons); err != nil {
		return c, fmt.Errorf("store: case %d reasons: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(entities), &c.Entities); err != nil {
		return c, fmt.Errorf("store: case %d entities: %w", c.ID, err)
	}
	return c, nil
}

// GetCase implements hotline.CaseStore.
func (db *DB) GetCase(ctx context.Context, id int64) (*hotline.Case, error) {
	// One read transaction, so the case and its messages are one snapshot.
	tx, err := db.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: get case: %w", err)
	}
	defer tx.Rollback()
	row := tx.QueryRowContext(ctx, `SELECT `+caseColumns+`
		FROM cases c JOIN contacts k ON k.id = c.contact_id WHERE c.id = ?`, id)
	c, err := db.sl.scanCase(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, hotline.Errorf(hotline.ENOTFOUND, "case %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get case: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `
		SELECT m.id, m.direction, m.channel, m.external_id, m.body, m.media, m.lat, m.lon, m.status,
			m.created_at, m.triage
		FROM messages m
		WHERE m.case_id = ? ORDER BY m.id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: get case messages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		m := hotline.Message{CaseID: id}
		var (
			dir, ch, media string
			lat, lon       sql.NullFloat64
			created        int64
			result         sql.NullString
		)
		if err := rows.Scan(&m.ID, &dir, &ch, &m.ExternalID, db.sl.into(colMessageBody, &m.Body),
			db.sl.into(colMessageMedia, &media), &lat, &lon, &m.Status,
			&created, db.sl.intoNull(colMessageTriage, &result)); err != nil {
			return nil, fmt.Errorf("store: get case messages: %w", err)
		}
		m.Direction, m.Channel = hotline.Direction(dir), hotline.Channel(ch)
		m.Lat, m.Lon = floatPtr(lat), floatPtr(lon)
		m.CreatedAt = fromMS(created)
		if err := json.Unmarshal([]byte(media), &m.Media); err != nil {
			return nil, fmt.Errorf("store: message %d media: %w", m.ID, err)
		}
		if len(m.Media) == 0 {
			m.Media = nil
		}
		if result.Valid {
			var t hotline.Triage
			if err := json.Unmarshal([]byte(result.String), &t); err != nil {
				return nil, fmt.Errorf("store: message %d triage: %w", m.ID, err)
			}
			m.Triage = &t
		}
		c.Messages = append(c.Messages, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: get case messages: %w", err)
	}
	return &c, nil
}

// listQuery builds the page query for f; it returns the page size too.
func listQuery(f hotline.CaseFilter) (string, []any, int, error) {
	limit := f.Limit
	switch {
	case limit == 0:
		limit = DefaultLimit
	case limit < 0 || limit > MaxLimit:
		return "", nil, 0, hotline.Errorf(hotline.EINVALID, "limit must be between 1 and %d", MaxLimit)
	}
	var where []string
	var args []any
	switch {
	case f.Status == "":
	case f.Status == StatusOpen:
		where = append(where, `status NOT IN ('resolved', 'closed')`)
	case statuses[f.Status]:
		where = append(where, `status = ?`)
		args = append(args, f.Status)
	default:
		return "", nil, 0, hotline.Errorf(hotline.EINVALID, "unknown status %q", f.Status)
	}
	if f.Urgency != hotline.UrgencyUnknown {
		if f.Urgency < hotline.Low || f.Urgency > hotline.Critical {
			return "", nil, 0, hotline.Errorf(hotline.EINVALID, "unknown urgency")
		}
		where = append(where, `urgency = ?`)
		args = append(args, int(f.Urgency))
	}
	if f.Province != "" {
		where = append(where, `province = ?`)
		args = append(args, f.Province)
	}
	if f.Lang != "" {
		where = append(where, `lang = ?`)
		args = append(args, f.Lang)
	}
	if f.Channel != "" {
		where = append(where, `channel = ?`)
		args = append(args, f.Channel)
	}
	switch {
	case f.AssignedTo > 0:
		where = append(where, `assignee_id = ?`)
		args = append(args, f.AssignedTo)
	case f.Unassigned:
		where = append(where, `assignee_id IS NULL`)
	}
	if f.HandedTo != 0 {
		// A responder's organisation usually has few hand-offs: look them
		// up first rather than scanning the queue for them.
		where = append(where, `id IN (SELECT case_id FROM handoffs WHERE organisation_id = ?)`)
		args = append(args, f.HandedTo)
	}
	base := "1"
	if len(where) > 0 {
		base = strings.Join(where, " AND ")
	}

	var query string
	var qargs []any
	if f.Cursor == "" {
		query = `SELECT id, urgency, waiting_since FROM cases WHERE ` + base +
			` ORDER BY urgency DESC, waiting_since, id LIMIT ?`
		qargs = append(append(qargs, args...), limit+1)
	} else {
		cur, err := decodeCursor(f.Cursor)
		if err != nil {
			return "", nil, 0, err
		}
		// Mixed sort directions rule out one row-value comparison; two
		// index range scans (rest of this urgency, then lower urgencies)
		// keep every page as cheap as the first.
		query = `SELECT * FROM (SELECT id, urgency, waiting_since FROM cases WHERE ` + base +
			` AND urgency = ? AND (waiting_since, id) > (?, ?) ORDER BY waiting_since, id LIMIT ?)
			UNION ALL
			SELECT * FROM (SELECT id, urgency, waiting_since FROM cases WHERE ` + base +
			` AND urgency < ? ORDER BY urgency DESC, waiting_since, id LIMIT ?)`
		qargs = append(qargs, args...)
		qargs = append(qargs, cur.urgency, cur.waitingSinceMS, cur.id, limit+1)
		qargs = append(qargs, args...)
		qargs = append(qargs, cur.urgency, limit+1)
	}
	query = `WITH page (id, urgency, waiting_since) AS (` + query + `)
		SELECT ` + caseColumns + `
		FROM page p JOIN cases c ON c.id = p.id JOIN contacts k ON k.id = c.contact_id
		ORDER BY p.urgency DESC, p.waiting_since, p.id LIMIT ?`
	qargs = append(qargs, limit+1)
	return query, qargs, limit, nil
}
