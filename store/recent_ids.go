package store

import (
	"context"
	"database/sql"
	"hash/maphash"
	"sync"
	"time"

	"hotline"
)

// recentIDs remembers which provider message ids (channel and external id)
// this process has met lately, so that intake looks for a stored copy only
// when a message may be a retry. Almost every webhook carries a new id, and
// the lookup on the read pool cost more than any other read in intake.
//
// Nothing depends on it being right. An id it forgets (older than two
// generations, or from before a restart it was not seeded with) reaches
// the writer, where the unique index on (channel, external_id) turns it
// into errDuplicate and the stored copy's receipt. An id it wrongly
// remembers (a hash collision) costs one lookup that finds nothing.
type recentIDs struct {
	seed  maphash.Seed
	limit int // ids per generation

	mu       sync.Mutex
	cur, old map[uint64]struct{}
}

// recentIDsPerGeneration bounds the memory to two maps of this many ids
// (about 10 MB): at Hotline's real traffic that is weeks, in a load test
// the last half-minute. A provider retries within minutes.
const recentIDsPerGeneration = 1 << 18

// recentIDsSeedWindow is how far back Open seeds the set from the
// database, so that a retry of a message stored just before a restart is
// still answered from the read pool.
const recentIDsSeedWindow = time.Hour

func newRecentIDs(limit int) *recentIDs {
	return &recentIDs{seed: maphash.MakeSeed(), limit: limit, cur: make(map[uint64]struct{})}
}

func (r *recentIDs) key(ch hotline.Channel, externalID string) uint64 {
	var h maphash.Hash
	h.SetSeed(r.seed)
	h.WriteString(string(ch))
	h.WriteByte(0)
	h.WriteString(externalID)
	return h.Sum64()
}

// met reports whether the id may have been met before, and remembers it.
func (r *recentIDs) met(ch hotline.Channel, externalID string) bool {
	k := r.key(ch, externalID)
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.cur[k]; ok {
		return true
	}
	if _, ok := r.old[k]; ok {
		return true
	}
	if len(r.cur) >= r.limit {
		r.old, r.cur = r.cur, make(map[uint64]struct{}, r.limit/4)
	}
	r.cur[k] = struct{}{}
	return false
}

// seedRecentIDs remembers the ids of messages stored since since, newest
// first, up to what the set holds.
func seedRecentIDs(ctx context.Context, rdb *sql.DB, r *recentIDs, since time.Time) error {
	rows, err := rdb.QueryContext(ctx, `
		SELECT channel, external_id FROM messages
		WHERE id > (SELECT coalesce(max(id), 0) FROM messages) - ?
		  AND external_id <> '' AND direction = 'in' AND created_at >= ?
		ORDER BY id`, 2*r.limit, ms(since))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ch, id string
		if err := rows.Scan(&ch, &id); err != nil {
			return err
		}
		r.met(hotline.Channel(ch), id)
	}
	return rows.Err()
}
