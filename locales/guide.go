package locales

import "strings"

// GuideTexts gives the guided intake its questions, their order and the
// answer words from the message files (ids guide.*), so that both are data
// per language. It satisfies intake.GuideTexts.
type GuideTexts struct{}

// GuideOrder lists the items of guide.order in lang.
func (GuideTexts) GuideOrder(lang string) []string {
	return strings.Fields(T(lang, "guide.order", nil))
}

// GuideQuestion is guide.ask.<item> in lang.
func (GuideTexts) GuideQuestion(lang, item string) string {
	return T(lang, "guide.ask."+item, nil)
}

// GuideWords gathers guide.<kind> of every language, split on |.
func (GuideTexts) GuideWords(kind string) []string {
	var out []string
	for _, l := range Supported {
		for _, w := range strings.Split(T(l, "guide."+kind, nil), "|") {
			if w = strings.TrimSpace(w); w != "" {
				out = append(out, w)
			}
		}
	}
	return out
}
