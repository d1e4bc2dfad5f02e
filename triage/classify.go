package triage

import "hotline"

// Classify triages one message. It is deterministic, uses no network and is
// safe for concurrent use.
func Classify(in Input) Result {
	return Result{ID: in.ID, Lang: "und", Urgency: hotline.Medium, Reporter: hotline.ReporterUnknown,
		Reasons: []hotline.Reason{}, Entities: []hotline.Entity{}}
}
