package hotline

import "time"

// The overview's types live here, not in the store, so that the console
// can draw the figures and select the cases behind them without importing
// a storage engine; the store counts, the console lists, by the same rules.

// CaseFact is one case as the overview counts it: what it is, and when its
// milestones happened. The overview's figures are counted by the store;
// the list of cases behind a figure is selected from these facts by the
// same rules.
type CaseFact struct {
	ID          int64
	Ref         string
	Status      string
	Urgency     Urgency
	Province    string
	Channel     string
	Nationality string
	Resolution  string
	Created     time.Time
	// FirstIn is the first message from the person; FirstReply the first
	// message a person on our side sent back (automatic replies do not
	// count); Ack the first responder acknowledgement; Closed when the
	// case was last resolved or closed (nil while it is open).
	FirstIn    time.Time
	FirstReply *time.Time
	Ack        *time.Time
	Closed     *time.Time
}

// OverviewStats is every figure of the overview for one period.
type OverviewStats struct {
	From, To time.Time
	// Open samples the open cases by urgency at the end of every step
	// (OpenStep); the last sample is just before To.
	Open []OpenPoint
	// Opened counts the cases opened in the period, in total and by
	// province, nationality and channel ("unknown" when empty).
	Opened                          int
	Provinces, Nationality, Channel map[string]int
	// ReplyWaits and AckWaits are, sorted, the times from the first
	// message to the first reply by staff and to the first responder
	// acknowledgement, of the cases opened in the period that have one.
	ReplyWaits, AckWaits []time.Duration
	// Outcomes counts the cases resolved in the period by the Monday of
	// the week they were resolved in (WeekStart), and by resolution.
	Outcomes []WeekOutcomes
}

// OpenPoint is the open cases by urgency at one moment.
type OpenPoint struct {
	At     time.Time
	Counts [5]int // by Urgency
}

// WeekOutcomes is one week's resolutions.
type WeekOutcomes struct {
	Week   time.Time
	Counts map[string]int
}

// OpenStep is the sampling step of the open series for a period: a day,
// or a week for periods over two months, so that a year's chart stays
// readable and cheap to count.
func OpenStep(from, to time.Time) time.Duration {
	if to.Sub(from) > 62*24*time.Hour {
		return 7 * 24 * time.Hour
	}
	return 24 * time.Hour
}

// WeekStart is the Monday 00:00 UTC of t's ISO week. The store groups
// outcomes by it and the console matches a drill-down to it, so both must
// use this one function.
func WeekStart(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}
