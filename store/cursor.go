package store

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"hotline"
)

// cursor is the queue sort key of the last case on a page: urgency, then
// how long the case has been waiting (cases.waiting_since), then id.
type cursor struct {
	urgency        int64
	waitingSinceMS int64
	id             int64
}

// cursorKey names the sort key a cursor carries. A cursor made when the
// queue was ordered by last_inbound_at has no such mark and is refused
// rather than read as a waiting time, which would skip or repeat cases.
const cursorKey = "w"

// encode makes the key opaque so that clients do not build cursors themselves
// and the sort key can change without breaking the API's promise.
func (c cursor) encode() string {
	s := fmt.Sprintf("%s.%d.%d.%d", cursorKey, c.urgency, c.waitingSinceMS, c.id)
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

func decodeCursor(s string) (cursor, error) {
	bad := hotline.Errorf(hotline.EINVALID, "malformed or outdated cursor: start again from the first page")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, bad
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 4 || parts[0] != cursorKey {
		return cursor{}, bad
	}
	var n [3]int64
	for i, p := range parts[1:] {
		v, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return cursor{}, bad
		}
		n[i] = v
	}
	if n[0] < 0 || n[2] <= 0 {
		return cursor{}, bad
	}
	return cursor{urgency: n[0], waitingSinceMS: n[1], id: n[2]}, nil
}
