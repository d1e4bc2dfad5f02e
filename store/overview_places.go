package store

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// BusiestPlaces lists the places in the most cases seen in [from, to),
// each counted as its entity page shows it: its cell and the eight around
// it, so that one building split by a cell edge counts once, whole. Places
// whose cases are the same set are one building and listed once.
func (db *DB) BusiestPlaces(ctx context.Context, from, to time.Time, limit int) ([]IndexedEntity, error) {
	cells, err := db.BusiestEntities(ctx, from, to, []string{KindPlace}, 3*limit)
	if err != nil {
		return nil, err
	}
	var out []IndexedEntity
	seen := map[string]bool{}
	for _, e := range cells {
		ids, err := db.relatedEntities(ctx, e)
		if err != nil {
			return nil, err
		}
		cases, err := db.entityCases(ctx, ids, KindPlace, Scope{}, 0, false)
		if err != nil {
			return nil, err
		}
		var set []int64
		for _, c := range cases {
			if c.LastSeen.Before(from) || !c.FirstSeen.Before(to) {
				continue
			}
			set = append(set, c.CaseID)
		}
		slices.Sort(set)
		var key strings.Builder
		for _, id := range set {
			key.WriteString(strconv.FormatInt(id, 10) + ",")
		}
		if len(set) == 0 || seen[key.String()] {
			continue
		}
		seen[key.String()] = true
		e.Sightings = len(set)
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Sightings > out[j].Sightings })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
