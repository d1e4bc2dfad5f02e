package intake

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// normalizeAnswer lowercases, unifies apostrophes and trims the punctuation
// people put around a one-word answer.
func normalizeAnswer(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = answerFolds.Replace(s)
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsPunct(r) && r != '\'' || unicode.IsSpace(r) })
}

var answerFolds = strings.NewReplacer("’", "'", "‘", "'", "\u200b", "")

// normalizeAll normalizes answer words once, when the guide is built: the
// guide reads every message, so nothing per word may happen per message.
func normalizeAll(words []string) []string {
	out := make([]string, 0, len(words))
	for _, w := range words {
		if w = normalizeAnswer(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// containsAny reports whether body contains one of the phrases, which
// normalizeAll has prepared.
func containsAny(body string, phrases []string) bool {
	b := normalizeAnswer(body)
	for _, p := range phrases {
		if strings.Contains(b, p) {
			return true
		}
	}
	return false
}

// yesNo reads a yes/no answer: "yes", "no", or "" when it is neither. A
// word counts when it is the whole answer or is followed by a space or
// punctuation, so "no" does not match "nobody" nor ទេ a longer Khmer word.
// The words are normalizeAll's.
func yesNo(body string, yes, no []string) string {
	b := normalizeAnswer(body)
	best, bestLen := "", 0
	for _, set := range []struct {
		words []string
		val   string
	}{{yes, "yes"}, {no, "no"}} {
		for _, w := range set.words {
			if len(w) <= bestLen || !strings.HasPrefix(b, w) {
				continue
			}
			rest := b[len(w):]
			if rest == "" || strings.IndexFunc(rest, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }) == 0 {
				best, bestLen = set.val, len(w)
			}
		}
	}
	return best
}

var (
	digitsRe   = regexp.MustCompile(`[0-9]+|[០-៩]+`)
	koCountRe  = regexp.MustCompile(`(한|두|세|네|다섯|여섯|일곱|여덟|아홉|열)\s*(명|사람)`)
	kmCountRe  = regexp.MustCompile(`(ប្រាំបួន|ប្រាំបី|ប្រាំពីរ|ប្រាំមួយ|ប្រាំ|បួន|បី|ពីរ|មួយ|ដប់)\s*នាក់`)
	enCountRe  = regexp.MustCompile(`\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b`)
	koCounts   = map[string]int{"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10}
	kmCounts   = map[string]int{"មួយ": 1, "ពីរ": 2, "បី": 3, "បួន": 4, "ប្រាំ": 5, "ប្រាំមួយ": 6, "ប្រាំពីរ": 7, "ប្រាំបី": 8, "ប្រាំបួន": 9, "ដប់": 10}
	enCounts   = map[string]int{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
	aloneWords = []string{"alone", "only me", "just me", "혼자", "ម្នាក់ឯង"}
)

// peopleCount reads how many people are with the person, as a decimal
// string, "" when the answer has no number. Being alone counts one.
func peopleCount(body string) string {
	b := normalizeAnswer(body)
	if d := digitsRe.FindString(b); d != "" {
		n := 0
		for _, r := range d {
			if r >= '០' && r <= '៩' {
				r = '0' + (r - '០')
			}
			n = n*10 + int(r-'0')
			if n > 100000 {
				return ""
			}
		}
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	for _, m := range []struct {
		re     *regexp.Regexp
		counts map[string]int
	}{{koCountRe, koCounts}, {kmCountRe, kmCounts}, {enCountRe, enCounts}} {
		if s := m.re.FindStringSubmatch(b); s != nil {
			return strconv.Itoa(m.counts[s[1]])
		}
	}
	for _, w := range aloneWords {
		if strings.Contains(b, w) {
			return "1"
		}
	}
	return ""
}
