package server

import (
	"math"
	"sort"
	"strconv"
	"time"

	"hotline"
	"hotline/store"
)

// The overview's figures are computed here from store.CaseFact, and the
// list of cases behind every figure is selected by the same predicates
// (drill.match), so a number and its list cannot disagree.

// drill names the cases behind one figure.
type drill struct {
	From, To time.Time
	Dim      string // opened, open_at, province, nationality, channel, reply, ack, outcome
	Key      string
	At       time.Time // open_at: the moment; outcome: the week's Monday
}

func openedIn(f store.CaseFact, from, to time.Time) bool {
	return !f.Created.Before(from) && f.Created.Before(to)
}

func openAt(f store.CaseFact, at time.Time) bool {
	return !f.Created.After(at) && (f.Closed == nil || f.Closed.After(at))
}

func orUnknownKey(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// weekStart is the Monday 00:00 UTC of t's ISO week.
func weekStart(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	wd := (int(d.Weekday()) + 6) % 7
	return d.AddDate(0, 0, -wd)
}

func (q drill) match(f store.CaseFact) bool {
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
			weekStart(*f.Closed).Equal(q.At)
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

func statsOf(ds []time.Duration) durStats {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return durStats{N: len(ds), Median: percentile(ds, 0.5), P90: percentile(ds, 0.9)}
}

// openPoint is the open cases by urgency at one moment.
type openPoint struct {
	At     time.Time
	Counts [5]int // by hotline.Urgency
}

type keyCount struct {
	Key   string
	Count int
}

type weekOutcomes struct {
	Week   time.Time
	Counts map[string]int
}

// overviewStats is every figure of the overview for one period.
type overviewStats struct {
	From, To    time.Time
	Opened      int
	Open        []openPoint
	Provinces   map[string]int
	Nationality []keyCount
	Channel     []keyCount
	Reply, Ack  durStats
	Outcomes    []weekOutcomes
}

// outcomeKinds are the outcomes the overview charts.
var outcomeKinds = []string{hotline.ResolvedRescued, hotline.ResolvedRepatriated, hotline.ResolvedSafe, hotline.ResolvedUnfounded}

// openTimes are the moments the open-case series samples: the end of every
// day of the period, or of every week when the period is long.
func openTimes(from, to time.Time) []time.Time {
	step := 24 * time.Hour
	if to.Sub(from) > 62*24*time.Hour {
		step = 7 * 24 * time.Hour
	}
	var out []time.Time
	for t := from.Add(step); ; t = t.Add(step) {
		if !t.Before(to) {
			out = append(out, to.Add(-time.Millisecond))
			return out
		}
		out = append(out, t.Add(-time.Millisecond))
	}
}

func computeOverview(facts []store.CaseFact, from, to time.Time) *overviewStats {
	st := &overviewStats{From: from, To: to, Provinces: map[string]int{}}
	times := openTimes(from, to)
	st.Open = make([]openPoint, len(times))
	for i, t := range times {
		st.Open[i].At = t
	}
	nat, ch := map[string]int{}, map[string]int{}
	var reply, ack []time.Duration
	weeks := map[time.Time]map[string]int{}
	for _, f := range facts {
		for i := range st.Open {
			if openAt(f, st.Open[i].At) && f.Urgency >= 0 && int(f.Urgency) < 5 {
				st.Open[i].Counts[f.Urgency]++
			}
		}
		if f.Closed != nil && !f.Closed.Before(from) && f.Closed.Before(to) && f.Resolution != "" {
			w := weekStart(*f.Closed)
			if weeks[w] == nil {
				weeks[w] = map[string]int{}
			}
			weeks[w][f.Resolution]++
		}
		if !openedIn(f, from, to) {
			continue
		}
		st.Opened++
		st.Provinces[orUnknownKey(f.Province)]++
		nat[orUnknownKey(f.Nationality)]++
		ch[orUnknownKey(f.Channel)]++
		if f.FirstReply != nil {
			reply = append(reply, f.FirstReply.Sub(f.FirstIn))
		}
		if f.Ack != nil {
			ack = append(ack, f.Ack.Sub(f.FirstIn))
		}
	}
	st.Nationality, st.Channel = sortedCounts(nat), sortedCounts(ch)
	st.Reply, st.Ack = statsOf(reply), statsOf(ack)
	for w, m := range weeks {
		st.Outcomes = append(st.Outcomes, weekOutcomes{Week: w, Counts: m})
	}
	sort.Slice(st.Outcomes, func(i, j int) bool { return st.Outcomes[i].Week.Before(st.Outcomes[j].Week) })
	return st
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
