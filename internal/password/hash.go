package password

import (
	"crypto/sha256"
	"encoding/base64"

	"golang.org/x/crypto/bcrypt"
)

// bcryptMax is the most bcrypt reads of a password; golang.org/x/crypto
// refuses longer ones instead of truncating them.
const bcryptMax = 72

// Hash returns the bcrypt hash of the normalised pw. A password longer than
// bcrypt takes (24 Khmer characters already are) is first reduced to the
// base64 of its SHA-256, so every character counts; shorter ones are hashed
// as they are, which keeps hashes made before this package valid.
func Hash(pw string, cost int) (string, error) {
	h, err := bcrypt.GenerateFromPassword(prepare(Normalize(pw)), cost)
	return string(h), err
}

// Compare reports whether pw matches hash. It tries the normalised form
// and, when that differs, the text as typed, for passwords set before
// normalisation.
func Compare(hash, pw string) bool {
	n := Normalize(pw)
	if bcrypt.CompareHashAndPassword([]byte(hash), prepare(n)) == nil {
		return true
	}
	return n != pw && bcrypt.CompareHashAndPassword([]byte(hash), prepare(pw)) == nil
}

func prepare(pw string) []byte {
	if len(pw) <= bcryptMax {
		return []byte(pw)
	}
	sum := sha256.Sum256([]byte(pw))
	return []byte(base64.StdEncoding.EncodeToString(sum[:]))
}
