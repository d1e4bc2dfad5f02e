package store

import (
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
)

// refAlphabet has no 0/O, 1/I/L, B/8, S/5, Z: a reference is read aloud over
// a bad phone line and typed by someone in a hurry.
const refAlphabet = "23456789ACDEFGHJKMNPQRTUVWXY"

// refLen characters give 28^6 ≈ 4.8e8 references: collisions are rare and
// retried, and the code stays short enough to remember.
const refLen = 6

// newRef returns a random reference shown as "K7M-X4Q". A variable so tests
// can force collisions.
var newRef = func() (string, error) {
	var b [refLen]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	out := make([]byte, 0, refLen+1)
	for i, v := range b {
		if i == refLen/2 {
			out = append(out, '-')
		}
		// 256 % 28 != 0 leaves a slight bias; it costs nothing here, as the
		// reference is not a secret, only a name.
		out = append(out, refAlphabet[int(v)%len(refAlphabet)])
	}
	return string(out), nil
}

// freshRef finds a reference not yet used. It runs on the writer, so nobody
// can take the reference between the check and the insert.
func freshRef(tx *sql.Tx) (string, error) {
	for range 20 {
		ref, err := newRef()
		if err != nil {
			return "", err
		}
		var one int
		err = tx.QueryRow(`SELECT 1 FROM cases WHERE ref = ?`, ref).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return ref, nil
		}
		if err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("store: no free case reference after 20 tries")
}
