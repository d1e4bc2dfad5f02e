package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"hotline"
)

// SharedWith returns, for each of caseIDs handed to organisation orgID, the
// fields its hand-offs to that organisation share (the union, in the order
// of hotline.ShareFields). A case not handed to orgID is absent from the
// map, so a caller cannot mistake "nothing shared" for "not theirs".
func (db *DB) SharedWith(ctx context.Context, orgID int64, caseIDs []int64) (map[int64][]string, error) {
	out := make(map[int64][]string, len(caseIDs))
	if len(caseIDs) == 0 || orgID <= 0 {
		return out, nil
	}
	args := make([]any, 0, len(caseIDs)+1)
	args = append(args, orgID)
	for _, id := range caseIDs {
		args = append(args, id)
	}
	rows, err := db.rdb.QueryContext(ctx, `SELECT case_id, shared FROM handoffs
		WHERE organisation_id = ? AND case_id IN (?`+strings.Repeat(",?", len(caseIDs)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: shared fields: %w", err)
	}
	defer rows.Close()
	seen := map[int64]map[string]bool{}
	for rows.Next() {
		var id int64
		var shared string
		if err := rows.Scan(&id, &shared); err != nil {
			return nil, err
		}
		var fields []string
		if err := json.Unmarshal([]byte(shared), &fields); err != nil {
			return nil, err
		}
		if seen[id] == nil {
			seen[id] = map[string]bool{}
		}
		for _, f := range fields {
			seen[id][f] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for id, set := range seen {
		fields := []string{}
		for _, f := range hotline.ShareFields {
			if set[f] {
				fields = append(fields, f)
			}
		}
		out[id] = slices.Clip(fields)
	}
	return out, nil
}
