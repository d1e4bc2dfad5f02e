package store

import (
	"database/sql"
	"encoding/json"
	"time"
)

// Times are stored as unix milliseconds: compact, indexable, and ordered.
func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// jsonText encodes v for a JSON column; nil slices become "[]" so readers
// never see null where a list is expected.
func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	if string(b) == "null" {
		return "[]", nil
	}
	return string(b), nil
}

func nullFloat(p *float64) sql.NullFloat64 {
	if p == nil {
		return sql.NullFloat64{}
	}
	return sql.NullFloat64{Float64: *p, Valid: true}
}

func floatPtr(n sql.NullFloat64) *float64 {
	if !n.Valid {
		return nil
	}
	v := n.Float64
	return &v
}

// audit records an event. detail must never hold a message body or a full
// phone number: the audit log is read more widely than the cases are.
func audit(tx *writeTx, at time.Time, actor, action string, caseID int64, detail any) error {
	d, err := json.Marshal(detail)
	if err != nil {
		return err
	}
	var cid sql.NullInt64
	if caseID > 0 {
		cid = sql.NullInt64{Int64: caseID, Valid: true}
	}
	return insertAuditChained(tx, ms(at), actor, action, cid, string(d))
}
