package server

import (
	"math"
	"sort"
	"strconv"
	"time"

	"hotline"
)

// The overview's figures are counted by the store (overviewStore.Overview); the
// list of cases behind each figure is selected from hotline.CaseFact by
// drill.match, which states the same rules. The tests hold the two to
// each other.

// drill names the cases behind one figure.
type drill struct {
	From, To time.Time
	Dim      string // opened, open_at, province, nationality, channel, reply, ack, outcome
	Key      string
	At       time.Time // open_at: the moment; outcome: the week's Monday
}

func openedIn(f hotline.CaseFact, from, to time.Time) bool {
	return !f.Created.Before(from) && f.Created.Before(to)
}

func openAt(f hotline.CaseFact, at time.Time) bool {
	return !f.Created.After(at) && (f.Closed == nil || f.Closed.After(at))
}

func orUnknownKey(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func (q drill) match(f hotline.CaseFact) bool {
	switch q.Dim {
	case "opened":
		return openedIn(f, q.From, q.To)
	case "open_at":
		return openAt(f, q.At) && f.Urgency.String() == q.Key
	case "province":
		return openedIn(f, q.From, q.To) && orUnknownKey(f.Province) == q.Key
	case "nationality":
		return openedIn(f, q.From, q.To) && orUnknownKey(f.Nationality) == q.Key
	case "channel":
		return openedIn(f, q.From, q.To) && orUnknownKey(f.Channel) == q.Key
	case "reply":
		return openedIn(f, q.From, q.To) && f.FirstReply != nil
	case "ack":
		return openedIn(f, q.From, q.To) && f.Ack != nil
	case "outcome":
		return f.Closed != nil && !f.Closed.Before(q.From) && f.Closed.Before(q.To) && f.Resolution == q.Key &&
			hotline.WeekStart(*f.Closed).Equal(q.At)
	}
	return false
}

// durStats is the median and 90th percentile of a set of durations,
// nearest rank: the values are real waits of real cases, not averages.
type durStats struct {
	N           int
	Median, P90 time.Duration
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(i, 0)]
}

// statsOf reads the figures off sorted durations.
func statsOf(ds []time.Duration) durStats {
	return durStats{N: len(ds), Median: percentile(ds, 0.5), P90: percentile(ds, 0.9)}
}

// overviewStats is every figure of the overview for one period, as the
// page draws it.
type overviewStats struct {
	From, To    time.Time
	Opened      int
	Open        []hotline.OpenPoint
	Provinces   map[string]int
	Nationality []keyCount
	Channel     []keyCount
	Reply, Ack  durStats
	Outcomes    []hotline.WeekOutcomes
}

type keyCount struct {
	Key   string
	Count int
}

// outcomeKinds are the outcomes the overview charts.
var outcomeKinds = []string{hotline.ResolvedRescued, hotline.ResolvedRepatriated, hotline.ResolvedSafe, hotline.ResolvedUnfounded}

func overviewFrom(s *hotline.OverviewStats) *overviewStats {
	return &overviewStats{
		From: s.From, To: s.To, Opened: s.Opened, Open: s.Open, Provinces: s.Provinces,
		Nationality: sortedCounts(s.Nationality), Channel: sortedCounts(s.Channel),
		Reply: statsOf(s.ReplyWaits), Ack: statsOf(s.AckWaits), Outcomes: s.Outcomes,
	}
}

func sortedCounts(m map[string]int) []keyCount {
	out := make([]keyCount, 0, len(m))
	for k, n := range m {
		out = append(out, keyCount{k, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// fmtDur writes a wait compactly: 45s, 12m, 3h 05m, 2d 4h.
func fmtDur(d time.Duration) string {
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d.Seconds())) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d.Minutes())) + "m"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d.Hours())) + "h " + pad2(int(d.Minutes())%60) + "m"
	}
	return strconv.Itoa(int(d.Hours()/24)) + "d " + strconv.Itoa(int(d.Hours())%24) + "h"
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
