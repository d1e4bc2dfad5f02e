package store

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"hotline"
)

// cursor is the queue sort key of the last case on a page.
type cursor struct {
	urgency       int64
	lastInboundMS int64
	id            int64
}

// encode makes the key opaque so that clients do not build cursors themselves
// and the sort key can change without breaking the API's promise.
func (c cursor) encode() string {
	s := fmt.Sprintf("%d.%d.%d", c.urgency, c.lastInboundMS, c.id)
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

func decodeCursor(s string) (cursor, error) {
	bad := hotline.Errorf(hotline.EINVALID, "malformed cursor")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, bad
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 3 {
		return cursor{}, bad
	}
	var n [3]int64
	for i, p := range parts {
		v, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return cursor{}, bad
		}
		n[i] = v
	}
	if n[0] < 0 || n[2] <= 0 {
		return cursor{}, bad
	}
	return cursor{urgency: n[0], lastInboundMS: n[1], id: n[2]}, nil
}
