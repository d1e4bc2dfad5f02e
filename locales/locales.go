// Package locales holds every text Hotline shows or sends to the public, in
// Khmer, Korean and English, as go-i18n message files embedded in the binary
// so that the form and acknowledgements work offline and cannot drift from
// the code that uses them.
package locales

import (
	"embed"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/pelletier/go-toml/v2"
	"golang.org/x/text/language"
)

//go:embed active.*.toml
var files embed.FS

// Supported lists the languages Hotline speaks, in the order the language
// switcher shows them.
var Supported = []string{"km", "ko", "en"}

// Fallback is the language used when nothing better is known.
const Fallback = "en"

var (
	once       sync.Once
	bundle     *i18n.Bundle
	localizers map[string]*i18n.Localizer
	matcher    language.Matcher
)

func load() {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, l := range Supported {
		// The files are part of the binary; a broken one is a build error
		// that the package's tests catch, so panicking here is acceptable.
		if _, err := b.LoadMessageFileFS(files, "active."+l+".toml"); err != nil {
			panic("locales: " + err.Error())
		}
	}
	bundle = b
	localizers = make(map[string]*i18n.Localizer, len(Supported))
	for _, l := range Supported {
		localizers[l] = i18n.NewLocalizer(b, l)
	}
	// English first: the matcher answers with its first tag when nothing
	// in Accept-Language is close enough.
	tags := []language.Tag{language.English}
	for _, l := range Supported {
		if l != Fallback {
			tags = append(tags, language.MustParse(l))
		}
	}
	matcher = language.NewMatcher(tags)
}

// Bundle returns the message bundle, built on first use.
func Bundle() *i18n.Bundle {
	once.Do(load)
	return bundle
}

// IsSupported reports whether lang is one of Supported.
func IsSupported(lang string) bool {
	for _, l := range Supported {
		if l == lang {
			return true
		}
	}
	return false
}

// Pick chooses the language of a page: an explicit, supported ?lang= wins,
// so that the switcher always works; otherwise the browser's
// Accept-Language decides; otherwise English.
func Pick(query, acceptLanguage string) string {
	once.Do(load)
	if q := strings.ToLower(strings.TrimSpace(query)); q != "" {
		if IsSupported(q) {
			return q
		}
		if t, err := language.Parse(q); err == nil {
			if base, _ := t.Base(); IsSupported(base.String()) {
				return base.String()
			}
		}
	}
	if acceptLanguage == "" {
		return Fallback
	}
	prefs, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(prefs) == 0 {
		return Fallback
	}
	tag, _, conf := matcher.Match(prefs...)
	if conf == language.No {
		return Fallback
	}
	base, _ := tag.Base()
	if IsSupported(base.String()) {
		return base.String()
	}
	return Fallback
}

// T returns the text id in lang, filled with data. A language Hotline does not
// speak gets English; an id missing in lang gets the English text; an id
// missing everywhere comes back as itself, so a page never fails to render
// for want of a translation.
func T(lang, id string, data map[string]any) string {
	once.Do(load)
	loc, ok := localizers[lang]
	if !ok {
		loc = localizers[Fallback]
	}
	// Localize falls back to English by itself and reports that as an
	// error with the English text; only an empty result means nothing fits.
	msg, _ := loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if msg == "" {
		return id
	}
	return msg
}
