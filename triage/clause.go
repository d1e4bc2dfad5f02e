package triage

import "unicode/utf8"

// clauseBounds returns the byte offsets in plain where a clause ends:
// sentence punctuation, commas, line breaks, a space between two Khmer
// words (Khmer writes phrases without spaces and puts spaces between
// them), and boundary cues such as "but". Negation and past cues only
// reach within a clause.
func (e *engine) clauseBounds(t *text, hits []hit, out []int32) []int32 {
	out = out[:0]
	p := t.plain
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRune(p[i:])
		switch r {
		case '.', ',', ';', '!', '?', '\n', '。', '，', '！', '？', '；', '、', '…', '។', '៕', ':', '(', ')':
			out = append(out, int32(i))
		case ' ':
			if i > 0 && i+1 < len(p) {
				a, _ := utf8.DecodeLastRune(p[:i])
				b, _ := utf8.DecodeRune(p[i+1:])
				if isKhmer(a) && isKhmer(b) || isThai(a) && isThai(b) {
					out = append(out, int32(i))
				}
			}
		}
		i += n
	}
	for _, h := range hits {
		if h.table != tCue {
			continue
		}
		for _, r := range e.patterns[h.pat].refs {
			if r.table == tCue && r.view == h.view && e.cues[r.idx].kind == cueBoundary {
				out = append(out, h.start)
				break
			}
		}
	}
	// Insertion sort: the cue boundaries are few and mostly in order.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func isKhmer(r rune) bool { return r >= 0x1780 && r <= 0x17ff }
func isThai(r rune) bool  { return r >= 0x0e00 && r <= 0x0e7f }

// clauseOf returns the clause [from, to) around the span [s, e).
func clauseOf(bounds []int32, s, e int32, n int) (int32, int32) {
	from, to := int32(0), int32(n)
	for _, b := range bounds {
		if b < s && b+1 > from {
			from = b + 1
		}
		if b >= e && b < to {
			to = b
			break
		}
	}
	return from, to
}
