package triage

import "hotline"

// reporter weighs who writes. Family words ("my son", "아들이",
// "កូនប្រុសខ្ញុំ") and other relations ("my friend", "동료가", an NGO) count
// against first-person victim phrases ("took my passport", "ឱ្យខ្ញុំ");
// with no cue at all a message that reports a situation is taken as the
// person's own, and one that does not (a test, an advert, a greeting) is
// unknown.
func (e *engine) reporter(hits []hit, sigs []sigHit, lang string, textLen int) hotline.Reporter {
	if textLen == 0 {
		return hotline.ReporterUnknown
	}
	var self, family, other float64
	for _, h := range hits {
		if h.table != tReporter {
			continue
		}
		for _, r := range e.patterns[h.pat].refs {
			if r.table != tReporter || r.view != h.view {
				continue
			}
			re := &e.reporters[r.idx]
			switch re.reporter {
			case hotline.ReporterSelf:
				self += re.weight
			case hotline.ReporterFamily:
				family += re.weight
			case hotline.ReporterOther:
				other += re.weight
			}
		}
	}
	if family > 0 || other > 0 {
		if family >= other && family >= self {
			return hotline.ReporterFamily
		}
		if other > family && other > self {
			return hotline.ReporterOther
		}
	}
	if self > 0 {
		return hotline.ReporterSelf
	}
	for i := range sigs {
		if sigs[i].e.flags&flagSpam == 0 && sigs[i].e.level > hotline.UrgencyUnknown {
			return hotline.ReporterSelf
		}
	}
	return hotline.ReporterUnknown
}
