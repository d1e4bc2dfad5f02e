// Package webform turns a submission of the public web form into a
// hotline.Inbound. It knows nothing of HTTP frameworks: the server hands it
// the posted values and gets back a message or the list of problems, each
// named by a locales message id so the page can explain it in the writer's
// language.
package webform

import (
	"errors"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"hotline"
)

// Form field names, shared by the page template and the parser.
const (
	FieldWhat        = "what"
	FieldWhere       = "where"
	FieldLat         = "lat"
	FieldLon         = "lon"
	FieldReporter    = "reporter"
	FieldPersonName  = "person_name"
	FieldNationality = "nationality"
	FieldContact     = "contact"
	FieldSafe        = "safe_to_contact"
	FieldLang        = "lang"
	FieldToken       = "token"
	// FieldHoneypot is a field people never see; bots that fill every
	// input fill it too. "website" is a name they find irresistible.
	FieldHoneypot = "website"
	// FieldLocation is the error key for a bad lat/lon pair.
	FieldLocation = "location"
)

// Limits, in characters, after trimming.
const (
	MaxWhat    = 4000
	MaxWhere   = 500
	MaxContact = 200
	// MaxPersonName is longer than any name; a longer answer is cut, not
	// refused: the field is optional and the message matters more.
	MaxPersonName = 120
)

// Nationalities offered by the form, in the order shown.
var Nationalities = []string{"KR", "KH", "CN", "VN", "TH", "ID", "MY", "PH", "MM", "LA", "other"}

// ErrHoneypot means a bot filled the hidden field: answer as if all went
// well, so it learns nothing, and store nothing.
var ErrHoneypot = errors.New("webform: honeypot field filled")

// FieldErrors maps a form field to the locales message id that explains
// what is wrong with it.
type FieldErrors map[string]string

// Honeypot returns ErrHoneypot when the hidden field was filled in.
func Honeypot(form url.Values) error {
	if strings.TrimSpace(form.Get(FieldHoneypot)) != "" {
		return ErrHoneypot
	}
	return nil
}

// Parse validates a submission. On success the Inbound has everything but
// the submission's identity, which comes from the token: see WithNonce.
func Parse(form url.Values) (hotline.Inbound, FieldErrors) {
	errs := FieldErrors{}
	in := hotline.Inbound{Channel: hotline.Web, Meta: map[string]string{}}

	what := text(form.Get(FieldWhat))
	switch {
	case what == "":
		errs[FieldWhat] = "error.what.required"
	case utf8.RuneCountInString(what) > MaxWhat:
		errs[FieldWhat] = "error.what.too_long"
	}

	where := text(form.Get(FieldWhere))
	if utf8.RuneCountInString(where) > MaxWhere {
		errs[FieldWhere] = "error.where.too_long"
	}

	lat, lon, ok := point(form.Get(FieldLat), form.Get(FieldLon))
	if !ok {
		errs[FieldLocation] = "error.location.invalid"
	}

	switch r := hotline.Reporter(form.Get(FieldReporter)); r {
	case hotline.ReporterSelf, hotline.ReporterFamily, hotline.ReporterOther:
		in.ReporterHint = r
	default:
		errs[FieldReporter] = "error.reporter.required"
	}

	if nat := form.Get(FieldNationality); nat != "" {
		if !contains(Nationalities, nat) {
			errs[FieldNationality] = "error.nationality.invalid"
		} else {
			in.Meta["nationality"] = nat
		}
	}

	// The name of the person in danger lets staff see that a family's form
	// and the person's own message are one person (store/same_person.go).
	if name := personName(form.Get(FieldPersonName)); name != "" {
		in.Meta["person_name"] = name
	}

	contact := text(form.Get(FieldContact))
	switch {
	case utf8.RuneCountInString(contact) > MaxContact:
		errs[FieldContact] = "error.contact.too_long"
	case strings.ContainsAny(contact, "\n\t"):
		errs[FieldContact] = "error.contact.invalid"
	}

	switch s := form.Get(FieldSafe); s {
	case "yes", "no":
		v := s == "yes"
		in.SafeToContact = &v
		in.Meta["safe_to_contact"] = s
	case "unsure":
		in.Meta["safe_to_contact"] = s
	case "":
	default:
		errs[FieldSafe] = "error.safe.invalid"
	}

	if len(errs) > 0 {
		return hotline.Inbound{}, errs
	}

	in.Body = what
	if where != "" {
		// The triage engine reads place names from the body.
		in.Body += "\n" + where
		in.Meta["where"] = where
	}
	in.Lat, in.Lon = lat, lon
	if contact != "" {
		in.From = NormalizeContact(contact)
		in.Meta["contact"] = contact
	}
	if l := form.Get(FieldLang); langTag.MatchString(l) {
		in.Meta["form_lang"] = l
	}
	return in, nil
}

// WithNonce gives a parsed submission its identity: the token's nonce is the
// ExternalID, so a resent form is stored once, and a writer who left no
// contact gets an address of their own, so that their message opens its own
// case instead of joining a stranger's.
func WithNonce(in hotline.Inbound, nonce string) hotline.Inbound {
	in.ExternalID = nonce
	if in.From == "" {
		in.From = "anon:" + nonce
	}
	return in
}

var (
	langTag   = regexp.MustCompile(`^[a-z]{2,3}$`)
	phoneLike = regexp.MustCompile(`^\+?[0-9 ().\-]+$`)
)

// NormalizeContact writes phone numbers without spaces or punctuation, so
// that "+855 10 000 123" and "+85510000123" are one contact; anything else
// (handles, e-mail) is kept as written.
func NormalizeContact(s string) string {
	if !phoneLike.MatchString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r == '+' || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	digits := strings.TrimPrefix(b.String(), "+")
	if len(digits) < 6 {
		return s
	}
	return b.String()
}

// text cleans what a browser posted: textareas send CRLF; invalid UTF-8 and
// control characters other than newline and tab have no place in a message.
func text(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r == '\r' {
			return '\n'
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// personName cleans the optional name: one line, single spaces, at most
// MaxPersonName characters; without a single letter it is no name (a
// zero-width space is not a space to strings.Fields).
func personName(s string) string {
	s = strings.Join(strings.Fields(text(s)), " ")
	if strings.IndexFunc(s, unicode.IsLetter) < 0 {
		return ""
	}
	if r := []rune(s); len(r) > MaxPersonName {
		s = strings.TrimSpace(string(r[:MaxPersonName]))
	}
	return s
}

// point parses an optional lat/lon pair: both or neither, finite, in range.
func point(latS, lonS string) (lat, lon *float64, ok bool) {
	latS, lonS = strings.TrimSpace(latS), strings.TrimSpace(lonS)
	if latS == "" && lonS == "" {
		return nil, nil, true
	}
	la, err1 := strconv.ParseFloat(latS, 64)
	lo, err2 := strconv.ParseFloat(lonS, 64)
	if err1 != nil || err2 != nil || math.IsNaN(la) || math.IsNaN(lo) ||
		la < -90 || la > 90 || lo < -180 || lo > 180 {
		return nil, nil, false
	}
	return &la, &lo, true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
