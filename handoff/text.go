package handoff

import (
	"fmt"
	"strings"

	"hotline/locales"
)

// Text renders the packet for email and the console in lang, with the
// English version after it when lang is not English, so that a desk whose
// staff read only one of them can still act.
func (p Packet) Text(lang string) string {
	if !locales.IsSupported(lang) {
		lang = locales.Fallback
	}
	out := p.text(lang)
	if lang != "en" {
		out += "\n\n----- English -----\n\n" + p.text("en")
	}
	return out
}

// Subject is the email subject line.
func (p Packet) Subject(lang string) string {
	return fmt.Sprintf("[%s] %s", strings.ToUpper(p.Urgency.String()), locales.T(lang, "packet.title", map[string]any{"Ref": p.Ref}))
}

// SMS is the short form for a text message: reference, urgency, where, and
// the acknowledgement link; the rest is too much for a phone.
func (p Packet) SMS(lang string) string {
	t := func(id string) string { return locales.T(lang, id, map[string]any{"Ref": p.Ref}) }
	where := t("packet.unknown")
	if p.Location != nil {
		var parts []string
		for _, s := range []string{p.Location.Place, p.Location.Province} {
			if s != "" {
				parts = append(parts, s)
			}
		}
		if len(parts) > 0 {
			where = strings.Join(parts, ", ")
		}
		if p.MapLink != "" {
			where += " " + p.MapLink
		}
	}
	s := fmt.Sprintf("%s (%s): %s", t("packet.sms"), p.Urgency, where)
	if p.AckURL != "" {
		s += "\n" + t("packet.ack") + ": " + p.AckURL
	}
	return s
}

func (p Packet) text(lang string) string {
	t := func(id string) string { return locales.T(lang, id, map[string]any{"Ref": p.Ref}) }
	var b strings.Builder
	line := func(label, v string) {
		if v == "" {
			v = t("packet.unknown")
		}
		fmt.Fprintf(&b, "%s: %s\n", t(label), v)
	}
	b.WriteString(t("packet.title") + "\n")
	line("packet.urgency", p.Urgency.String())
	b.WriteString("\n== " + t("packet.who") + " ==\n")
	line("packet.reporter", string(p.Reporter))
	line("packet.nationality", p.Nationality)
	if p.Consent && (p.Phone != "" || p.Name != "") {
		line("packet.phone", p.Phone)
		line("packet.name", p.Name)
	} else {
		b.WriteString(t("packet.no_consent") + "\n")
	}
	b.WriteString("\n== " + t("packet.where") + " ==\n")
	if p.Location != nil {
		line("packet.province", p.Location.Province)
		line("packet.place", p.Location.Place)
		if p.Location.Lat != nil && p.Location.Lon != nil {
			line("packet.coords", fmt.Sprintf("%.5f, %.5f", *p.Location.Lat, *p.Location.Lon))
			line("packet.map", p.MapLink)
		}
	}
	b.WriteString("\n== " + t("packet.what") + " ==\n")
	for _, r := range p.Reasons {
		fmt.Fprintf(&b, "- %s: %q (%s)\n", r.Signal, r.Match, r.Urgency)
	}
	for _, e := range p.Entities {
		fmt.Fprintf(&b, "- %s: %s\n", e.Kind, e.Value)
	}
	b.WriteString("\n== " + t("packet.contact") + " ==\n")
	b.WriteString(t("packet.safety") + "\n")
	if p.DoNotContact {
		b.WriteString(t("packet.dnc") + "\n")
	}
	b.WriteString("\n== " + t("packet.checklist") + " ==\n")
	for _, it := range p.Checklist {
		mark := "[x] " + t("packet.present")
		if !it.Present {
			mark = "[ ] " + t("packet.missing")
		}
		fmt.Fprintf(&b, "%s — %s\n", t("packet.item."+it.Key), mark)
	}
	if p.AckURL != "" {
		b.WriteString("\n" + t("packet.ack") + ": " + p.AckURL + "\n")
	}
	return b.String()
}
