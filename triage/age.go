package triage

import "bytes"

// Words that make a number an age when they follow it.
var ageAfter = [][]byte{[]byte("살"), []byte("세"), []byte("岁"), []byte("歲"), []byte("tuổi"), []byte("ขวบ"),
	[]byte("years old"), []byte("year old"), []byte("yrs old"), []byte("yr old"), []byte("-year-old"), []byte(" year-old"),
	[]byte("yo"), []byte("y/o"), []byte("y.o"), []byte("thn")}

// Words after a number that are an age only when an age word precedes it
// ("អាយុ ១៦ ឆ្នាំ", "ayu 13 chhnam"); alone they are durations.
var ageUnit = [][]byte{[]byte("ឆ្នាំ"), []byte("chhnam"), []byte("chnam"), []byte("chhnum"), []byte("tahun"), []byte("ปี"), []byte("years"), []byte("yrs")}

var ageBefore = [][]byte{[]byte("អាយុ"), []byte("ayu"), []byte("aged"), []byte("age"), []byte("umur"), []byte("usia"), []byte("อายุ"), []byte("나이")}

// Words for a child or a young relative: a number of years right after one
// ("កូនស្រី ១៤ឆ្នាំ", "kmeng 13 chnam", "daughter, 15 years") is an age,
// not a duration.
var ageChild = [][]byte{[]byte("កូន"), []byte("ក្មេង"), []byte("ប្អូន"), []byte("កុមារ"), []byte("kon "), []byte("kmeng"), []byte("paoun"), []byte("daughter"), []byte("son "), []byte("son,"),
	[]byte("girl"), []byte("boy"), []byte("child"), []byte("kid"), []byte("sister"), []byte("brother"), []byte("딸"), []byte("아들"), []byte("동생"), []byte("아이"), []byte("애")}

// Words after "N years" that make it a duration ("២ឆ្នាំហើយ", "2 years ago").
var durationAfter = [][]byte{[]byte("ហើយ"), []byte("មកហើយ"), []byte("មុន"), []byte("hoy"), []byte("haey"), []byte("ago"), []byte("already"), []byte("now")}

// Words before "is N" that make N an age ("she is 16 they took her").
var ageSubject = [][]byte{[]byte("she is "), []byte("he is "), []byte("daughter is "), []byte("son is "), []byte("girl is "), []byte("boy is "),
	[]byte("sister is "), []byte("brother is "), []byte("child is "), []byte("kid is "), []byte("niece is "), []byte("nephew is ")}

// Words after "is N" that make N a count or a measure instead.
var notAgeAfter = [][]byte{[]byte("hour"), []byte("day"), []byte("week"), []byte("month"), []byte("people"), []byte("person"), []byte("km"), []byte("%"), []byte("$"), []byte("usd"), []byte("dollar"), []byte("min"), []byte("am"), []byte("pm"), []byte("o'clock")}

// minorAge finds a stated age under 18 in a normalized message and returns
// the words that say it, or "". A child held makes a case critical.
func minorAge(p []byte) string {
	for i := 0; i < len(p); {
		if p[i] < '0' || p[i] > '9' {
			i++
			continue
		}
		j := i
		for j < len(p) && p[j] >= '0' && p[j] <= '9' {
			j++
		}
		start, end := i, j
		i = j
		if end-start > 2 || p[start] == '0' || start > 0 && (p[start-1] == '.' || p[start-1] == ',' || p[start-1] == '+' || p[start-1] == '$' || isASCIIAlnum(p[start-1])) {
			continue
		}
		v := int(p[start] - '0')
		if end-start == 2 {
			v = v*10 + int(p[start+1]-'0')
		}
		if v >= 18 {
			continue
		}
		rest := p[end:]
		// A range "13-15" is judged by its first number.
		if len(rest) > 1 && (rest[0] == '-' || rest[0] == '~') && rest[1] >= '0' && rest[1] <= '9' {
			k := 1
			for k < len(rest) && rest[k] >= '0' && rest[k] <= '9' {
				k++
			}
			rest = rest[k:]
		}
		tail := bytes.TrimLeft(rest, " ")
		for _, w := range ageAfter {
			if bytes.HasPrefix(tail, w) && (len(tail) == len(w) || !isASCIIAlnum(tail[len(w)]) || w[0] >= 0x80) {
				return string(p[start:end]) + " " + string(w)
			}
		}
		if start > 0 && p[start-1] == '(' && len(rest) > 0 && rest[0] == ')' {
			return "(" + string(p[start:end]) + ")"
		}
		// "she is 16." — a bare number after "is" that ends the phrase.
		if start >= 3 && string(p[start-3:start]) == "is " && (len(rest) == 0 || rest[0] == '.' || rest[0] == ',' || rest[0] == ' ' && (bytes.HasPrefix(rest, []byte(" and")) || bytes.HasPrefix(rest, []byte(" but")))) {
			return "is " + string(p[start:end])
		}
		for _, w := range ageSubject {
			if start >= len(w) && bytes.Equal(p[start-len(w):start], w) && !hasAnyPrefix(tail, notAgeAfter) {
				return string(w) + string(p[start:end])
			}
		}
		lo := start - 20
		if lo < 0 {
			lo = 0
		}
		head := p[lo:start]
		for _, w := range ageBefore {
			if k := bytes.LastIndex(head, w); k >= 0 && bytes.TrimSpace(head[k+len(w):]) != nil && len(bytes.TrimSpace(head[k+len(w):])) == 0 {
				return string(w) + " " + string(p[start:end])
			}
		}
		// With a unit of years, the age word or the child may stand a few
		// words before ("អាយុទើប ១៥ ឆ្នាំ", "my daughter, only 15 years").
		lo = start - 40
		if lo < 0 {
			lo = 0
		}
		head = p[lo:start]
		for _, w := range ageUnit {
			if bytes.HasPrefix(tail, w) {
				for _, b := range ageBefore {
					if bytes.Contains(head, b) {
						return string(b) + " " + string(p[start:end]) + " " + string(w)
					}
				}
				// A child word only right before the number: "my son was
				// held for 2 years" is a duration.
				for _, b := range ageChild {
					k := bytes.LastIndex(head, b)
					if k < 0 {
						continue
					}
					gap, max := len(head)-k-len(b), 13
					if b[0] < 0x80 {
						max = 3
					}
					if gap <= max && !hasAnyPrefix(bytes.TrimLeft(tail[len(w):], " "), durationAfter) {
						return string(bytes.TrimSpace(b)) + " " + string(p[start:end]) + " " + string(w)
					}
				}
			}
		}
	}
	return ""
}

func hasAnyPrefix(b []byte, ws [][]byte) bool {
	for _, w := range ws {
		if bytes.HasPrefix(b, w) {
			return true
		}
	}
	return false
}
