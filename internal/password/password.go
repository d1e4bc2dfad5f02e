// Package password holds the console's password rules, after NIST SP
// 800-63B §3.1.1: a minimum length counted in characters, a generous
// maximum, no composition rules, and a refusal of passwords that are known
// to be breached, follow an obvious pattern, or contain words of the
// service's own context. It also hashes, so that long passphrases in Khmer
// or Korean are not cut short by bcrypt's 72-byte limit.
package password

import (
	"errors"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MinLength and MaxLength are counted in Unicode characters after NFC
// normalisation, so that a Khmer or Korean passphrase is measured as the
// person typed it, not in bytes. NIST asks for at least 8 (15 without a
// second factor) and allows at least 64; one rule for everyone is simpler.
const (
	MinLength = 15
	MaxLength = 256
)

// Error is a broken rule. ID is the message id of its explanation in the
// locales ("password.too_short", …); the texts take Min and Max.
type Error struct {
	ID  string
	msg string
}

func (e *Error) Error() string { return e.msg }

// The rules, one error each, so that the form can say which one failed.
var (
	ErrTooShort = &Error{"password.too_short", "password: too short"}
	ErrTooLong  = &Error{"password.too_long", "password: too long"}
	ErrCommon   = &Error{"password.common", "password: on the list of breached or common passwords"}
	ErrPattern  = &Error{"password.pattern", "password: a repeated or sequential pattern"}
	ErrContext  = &Error{"password.context", "password: contains the user name or the service name"}
	ErrInvalid  = &Error{"password.invalid", "password: not valid text"}
)

// contextWords are refused anywhere in a password, whoever the user is.
var contextWords = []string{"hotline", "핫라인"}

// minContextLen keeps one- and two-letter user names from ruling out
// every password that happens to contain those letters.
const minContextLen = 3

// Normalize returns the NFC form of pw: the form that is measured, checked
// and hashed, so that the same text typed on two keyboards is one password.
func Normalize(pw string) string { return norm.NFC.String(pw) }

// Check applies the rules to pw for the account called userName and
// returns the first one broken, as an *Error, or nil.
func Check(pw, userName string) error {
	if !utf8.ValidString(pw) || strings.ContainsRune(pw, 0) {
		return ErrInvalid
	}
	pw = Normalize(pw)
	n := utf8.RuneCountInString(pw)
	if n < MinLength {
		return ErrTooShort
	}
	if n > MaxLength {
		return ErrTooLong
	}
	if breached(pw) {
		return ErrCommon
	}
	if obvious(pw) {
		return ErrPattern
	}
	lower := strings.ToLower(pw)
	name := strings.ToLower(Normalize(strings.TrimSpace(userName)))
	if utf8.RuneCountInString(name) >= minContextLen && strings.Contains(lower, name) {
		return ErrContext
	}
	for _, w := range contextWords {
		if strings.Contains(lower, w) {
			return ErrContext
		}
	}
	return nil
}

// ID returns the message id of err when it is a rule of this package, and
// "" otherwise.
func ID(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.ID
	}
	return ""
}
