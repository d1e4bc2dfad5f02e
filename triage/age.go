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
		for _, w := range ageUnit {
			if bytes.HasPrefix(tail, w) {
				for _, b := range ageBefore {
					if bytes.Contains(head, b) {
						return string(b) + " " + string(p[start:end]) + " " + string(w)
					}
				}
			}
		}
	}
	return ""
}
