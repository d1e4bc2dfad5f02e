package password

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
)

// common.txt holds passwords that top the published breach corpora and
// keyboard walks, lower case, one a line. Short entries still matter: a
// long password that is one of them padded with digits is refused too.
//
//go:embed common.txt
var commonTxt string

var (
	commonOnce sync.Once
	common     map[string]bool
)

func commonSet() map[string]bool {
	commonOnce.Do(func() {
		common = map[string]bool{}
		for line := range strings.Lines(commonTxt) {
			w := strings.TrimSpace(line)
			if w == "" || strings.HasPrefix(w, "#") {
				continue
			}
			common[strings.ToLower(w)] = true
			common[squash(w)] = true
		}
	})
	return common
}

// squash lower-cases s and drops spaces, so that "Correct Horse Battery
// Staple" and "correcthorsebatterystaple" are one entry.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// breached says whether pw is on the list, compared case-insensitively,
// also once digits and punctuation padding either end are taken off
// ("Password2024!!!!" is "password") and when it is one entry repeated
// ("iloveyouiloveyou").
func breached(pw string) bool {
	set := commonSet()
	s := squash(pw)
	if set[strings.ToLower(pw)] || set[s] {
		return true
	}
	core := strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	if core != "" && set[core] {
		return true
	}
	if u := unit(core); u != "" && set[u] {
		return true
	}
	return false
}

// unit returns the shortest string that repeated at least twice makes s,
// or "" when there is none.
func unit(s string) string {
	r := []rune(s)
	for l := 1; l <= len(r)/2; l++ {
		if len(r)%l != 0 {
			continue
		}
		u := string(r[:l])
		if strings.Repeat(u, len(r)/l) == s {
			return u
		}
	}
	return ""
}

// obvious says whether pw is a short unit repeated ("abcabcabcabcabc",
// "aaaaaaaaaaaaaaa") or a run of consecutive characters ("123456789012345"
// counts as a run, as does "abcdefghijklmnop" and its reverse).
func obvious(pw string) bool {
	s := squash(pw)
	if u := unit(s); u != "" && len([]rune(u)) <= 4 {
		return true
	}
	r := []rune(s)
	up, down := true, true
	for i := 1; i < len(r); i++ {
		d := r[i] - r[i-1]
		// 9 → 0 continues a run of digits.
		if r[i-1] == '9' && r[i] == '0' {
			d = 1
		}
		if r[i-1] == '0' && r[i] == '9' {
			d = -1
		}
		up = up && d == 1
		down = down && d == -1
	}
	return up || down
}
