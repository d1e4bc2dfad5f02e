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
	limit int           // ids per generation
	every time.Duration // and the longest a generation lasts
	now   func() time.Time

	mu       sync.Mutex
	cur, old map[uint64]struct{}
	since    time.Time // when cur began
}

// A generation lasts a minute, so the set remembers the last one to two
// minutes, which covers a provider's retries (Twilio gives up on a webhook
// after 15 s); at most recentIDsPerGeneration ids each, so at 10,000
// webhooks a second it is the last 25 to 50 seconds, in about 10 MB.
// Bounding it by time too keeps its memory to what the traffic needs.
const (
	recentIDsPerGeneration = 1 << 18
	recentIDsGeneration    = time.Minute
)

// recentIDsSeedWindow is how far back Open seeds the set from the
// database, so that a retry of a message stored just before a restart is
// still answered from the read pool: as far as the set remembers.
const recentIDsSeedWindow = 2 * recentIDsGeneration

func newRecentIDs(limit int, every time.Duration, now func() time.Time) *recentIDs {
	return &recentIDs{seed: maphash.MakeSeed(), limit: limit, every: every, now: now,
		cur: make(map[uint64]struct{}), since: now()}
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
	if now := r.now(); len(r.cur) >= r.limit || now.Sub(r.since) >= r.every {
		r.old, r.cur, r.since = r.cur, make(map[uint64]struct{}, len(r.cur)), now
	}
	r.cur[k] = struct{}{}
	return false
}

// seedRecentIDs remembers the ids of messages stored since since. It reads
// backwards from the newest message and stops at the first older one, so
// opening a large database reads only its last minutes.
func seedRecentIDs(ctx context.Context, rdb *sql.DB, r *recentIDs, since time.Time) error {
	rows, err := rdb.QueryContext(ctx, `
		SELECT channel, external_id, direction, created_at FROM messages
		WHERE id > (SELECT coalesce(max(id), 0) FROM messages) - ?
		ORDER BY id DESC`, 2*r.limit)
	if err != nil {
		return err
	}
	defer rows.Close()
	floor := ms(since)
	for rows.Next() {
		var ch, id, dir string
		var at int64
		if err := rows.Scan(&ch, &id, &dir, &at); err != nil {
			return err
		}
		if at < floor {
			break
		}
		if dir == "in" && id != "" {
			r.met(hotline.Channel(ch), id)
		}
	}
	return rows.Err()
}
