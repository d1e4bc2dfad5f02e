package triage

import (
	"slices"

	"hotline"
)

// combinedSignals are the reasons the engine writes itself rather than
// reading from lexicon.tsv: combinations of lexicon signals and a location
// sent without words. signals_test.go checks this list against the
// Reason literals in the package source, so a new one cannot be forgotten.
var combinedSignals = []string{"help_now", "moved_now", "taken_not_back", "child", "location_only"}

// Signals lists, sorted and without repeats, every Reason.Signal that
// Classify can return. The console labels each one in every language, and a
// test there fails when the lexicon gains a family that has no label.
func Signals() []string {
	out := slices.Clone(combinedSignals)
	for _, e := range eng.signals {
		if emittable(e) {
			out = append(out, e.signal)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// emittable mirrors classify: a lexicon line with a level is always shown;
// a level-less modifier only once it is no longer active (negated, past,
// escaped or resolved), which a noneg line that is neither held nor
// resolvable never becomes. Such lines, like the false friends of
// `neutral`, never reach staff.
func emittable(e signalEntry) bool {
	if e.level != hotline.UrgencyUnknown {
		return true
	}
	return e.flags&flagNoNeg == 0 || e.flags&(flagHeld|flagResolvable) != 0
}
