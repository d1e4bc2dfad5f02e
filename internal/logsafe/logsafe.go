// Package logsafe is a log/slog handler that keeps victims' phone numbers
// and words out of the logs even when a caller forgets: a log line is read
// by more people, kept longer and copied further than the case it is about.
//
// It masks every run of seven or more digits (a phone number, local or
// E.164, with or without spaces, dots or dashes between the digits) in any
// string value, error, or the message itself, and drops every attribute
// named like a body or an address (body, text, message, from, to, contact,
// address, phone, name) whatever its value. A value the caller has checked
// goes through unchanged only when wrapped in Safe.
package logsafe

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"regexp"
	"strings"
)

// Safe marks a value the caller has checked holds no personal data, e.g. a
// case reference or a provider's message id, that would otherwise be
// masked or dropped.
type Safe struct{ V any }

// LogValue lets slog print the wrapped value.
func (s Safe) LogValue() slog.Value { return slog.AnyValue(s.V) }

// Dropped replaces the value of a dropped attribute, so a reader sees that
// something was withheld rather than wonder whether it was empty.
const Dropped = "[withheld]"

// dropKeys are attribute names that hold a body or a contact by convention.
var dropKeys = map[string]bool{
	"body": true, "text": true, "message": true, "msg_body": true,
	"from": true, "to": true, "contact": true, "address": true,
	"phone": true, "number": true, "name": true, "caption": true,
}

// phoneRun matches seven or more digits, optionally after a '+', with
// up to two spaces, dots, dashes, slashes or parentheses between them.
var phoneRun = regexp.MustCompile(`\+?\(?\d(?:[\s.\-()/]{0,2}\d){6,}`)

// Mask replaces every phone-number-like run in s, keeping its last two
// digits so that two lines about the same number can still be matched.
func Mask(s string) string {
	if !hasSevenDigits(s) {
		return s
	}
	return phoneRun.ReplaceAllStringFunc(s, func(m string) string {
		if _, err := netip.ParseAddr(m); err == nil {
			return m // an IP address, not a number to hide
		}
		digits := 0
		for i := len(m) - 1; i >= 0; i-- {
			if m[i] >= '0' && m[i] <= '9' {
				digits++
				if digits == 2 {
					return "•••" + onlyDigits(m[i:])
				}
			}
		}
		return "•••"
	})
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// hasSevenDigits is the cheap test that spares most values the regexp.
func hasSevenDigits(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
			if n >= 7 {
				return true
			}
		}
	}
	return false
}

// Handler redacts records and passes them to the next handler.
type Handler struct {
	next slog.Handler
}

// NewHandler wraps next.
func NewHandler(next slog.Handler) *Handler { return &Handler{next: next} }

// Enabled reports whether next logs at level.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

// Handle redacts the message and every attribute, then logs.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, Mask(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redact(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

// WithAttrs redacts attributes added once for many records.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = redact(a)
	}
	return &Handler{next: h.next.WithAttrs(clean)}
}

// WithGroup opens a group; group names are the caller's constants.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{next: h.next.WithGroup(name)}
}

// redact returns a with its value masked, or dropped for a body or contact
// key; a value wrapped in Safe is kept as it is.
func redact(a slog.Attr) slog.Attr {
	if s, ok := a.Value.Any().(Safe); ok && a.Value.Kind() == slog.KindLogValuer {
		return slog.Attr{Key: a.Key, Value: s.LogValue()}
	}
	if dropKeys[strings.ToLower(a.Key)] {
		return slog.String(a.Key, Dropped)
	}
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, Mask(v.String()))
	case slog.KindGroup:
		attrs := v.Group()
		clean := make([]slog.Attr, len(attrs))
		for i, g := range attrs {
			clean[i] = redact(g)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(clean...)}
	case slog.KindInt64:
		// Ids and counts stay; a number as long as a phone number with its
		// country code does not.
		if n := v.Int64(); n >= 100_000_000 || n <= -100_000_000 {
			return slog.String(a.Key, Mask(fmt.Sprint(n)))
		}
		return slog.Attr{Key: a.Key, Value: v}
	case slog.KindUint64:
		if v.Uint64() >= 100_000_000 {
			return slog.String(a.Key, Mask(fmt.Sprint(v.Uint64())))
		}
		return slog.Attr{Key: a.Key, Value: v}
	case slog.KindAny:
		// Errors, structs, maps: whatever they print is what the log would
		// hold, so that is what gets masked. A struct with a body field
		// prints the body: log fields, not structs.
		if s, ok := v.Any().(Safe); ok {
			return slog.Any(a.Key, s.V)
		}
		return slog.String(a.Key, Mask(fmt.Sprint(v.Any())))
	}
	return slog.Attr{Key: a.Key, Value: v}
}
