package server

import (
	"context"
	"html/template"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline"
)

// overviewStore is what the overview reads.
type overviewStore interface {
	CaseFacts(ctx context.Context, from, to time.Time) ([]hotline.CaseFact, error)
	Overview(ctx context.Context, from, to time.Time) (*hotline.OverviewStats, error)
	BusiestEntities(ctx context.Context, from, to time.Time, kinds []string, limit int) ([]hotline.IndexedEntity, error)
	BusiestPlaces(ctx context.Context, from, to time.Time, limit int) ([]hotline.IndexedEntity, error)
}

type overviewPage struct {
	*consolePage
	Overview *overviewView
	Drill    *drillView
}

type overviewView struct {
	From, To       string // the form's dates; To is exclusive
	Opened         int
	OpenedLink     string
	OpenChart      template.HTML
	OpenRows       []openRow
	Map            template.HTML
	Provinces      []linkedCount
	Nationality    []linkedCount
	NatChart       template.HTML
	Channel        []linkedCount
	ChanChart      template.HTML
	Reply, Ack     timeFigure
	OutcomeChart   template.HTML
	Outcomes       []outcomeRow
	OutcomeKinds   []string
	Entities       []hotline.IndexedEntity
	Places         []hotline.IndexedEntity
	BusiestKinds   []string
	ChartUrgencies []string
}

type linkedCount struct {
	Key, Label, Link string
	Count            int
}

type openRow struct {
	Date  string
	Cells []linkedCount // by chartUrgencies
}

type outcomeRow struct {
	Week  string
	Cells []linkedCount // by outcomeKinds
}

type timeFigure struct {
	N           int
	Link        string
	Median, P90 string
}

type drillView struct {
	Title string
	Back  string
	Cases []hotline.CaseFact
}

// entityKindsNotPlace are the kinds of the "busiest details" list; places
// have their own.
var entityKindsNotPlace = []string{hotline.KindPhone, hotline.KindTelegram, hotline.KindDomain, hotline.KindTRON, hotline.KindETH,
	hotline.KindBTC, hotline.KindBank, hotline.KindPassport, hotline.KindCompound}

// period reads ?from= and ?to= (dates, to exclusive); the default is the
// 30 days up to and including today.
func (h *console) period(c *fiber.Ctx) (time.Time, time.Time) {
	now := h.now().UTC()
	to := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
	if t, err := time.Parse(time.DateOnly, c.Query("to")); err == nil {
		to = t
	}
	from := to.AddDate(0, 0, -30)
	if t, err := time.Parse(time.DateOnly, c.Query("from")); err == nil && t.Before(to) {
		from = t
	}
	if to.Sub(from) > 3*366*24*time.Hour {
		from = to.AddDate(-3, 0, 0)
	}
	return from, to
}

func drillLink(from, to time.Time) func(drill) string {
	return func(q drill) string {
		v := url.Values{"from": {from.Format(time.DateOnly)}, "to": {to.Format(time.DateOnly)}, "dim": {q.Dim}}
		if q.Key != "" {
			v.Set("key", q.Key)
		}
		if !q.At.IsZero() {
			v.Set("at", strconv.FormatInt(q.At.UnixMilli(), 10))
		}
		return "/console/overview/cases?" + v.Encode()
	}
}

// overview serves GET /console/overview (staff).
func (h *console) overview(c *fiber.Ctx) error {
	ovs, ok := h.db.(overviewStore)
	if !ok {
		return fiber.ErrNotImplemented
	}
	s := session(c)
	ctx := c.UserContext()
	from, to := h.period(c)
	raw, err := ovs.Overview(ctx, from, to)
	if err != nil {
		return err
	}
	st := overviewFrom(raw)
	p := h.page(c, s, "console.overview.title")
	link := drillLink(from, to)
	v := &overviewView{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), Opened: st.Opened,
		OpenedLink: link(drill{Dim: "opened"}), OutcomeKinds: outcomeKinds}
	for _, u := range chartUrgencies {
		v.ChartUrgencies = append(v.ChartUrgencies, u.String())
	}
	v.OpenChart = openChart(st, p.T, link)
	for _, pt := range st.Open {
		row := openRow{Date: pt.At.Format(time.DateOnly)}
		for _, u := range chartUrgencies {
			row.Cells = append(row.Cells, linkedCount{Key: u.String(), Count: pt.Counts[u], Link: link(drill{Dim: "open_at", Key: u.String(), At: pt.At})})
		}
		v.OpenRows = append(v.OpenRows, row)
	}
	v.Map = provinceMap(st, p.TS, link)
	for k, n := range st.Provinces {
		v.Provinces = append(v.Provinces, linkedCount{Key: k, Label: p.TS("province.", k), Count: n, Link: link(drill{Dim: "province", Key: k})})
	}
	sort.Slice(v.Provinces, func(i, j int) bool {
		if v.Provinces[i].Count != v.Provinces[j].Count {
			return v.Provinces[i].Count > v.Provinces[j].Count
		}
		return v.Provinces[i].Key < v.Provinces[j].Key
	})
	natLabel := func(k string) string { return p.TS("console.overview.nationality.", k) }
	chLabel := func(k string) string { return p.TS("console.overview.channel.", k) }
	for _, kc := range st.Nationality {
		v.Nationality = append(v.Nationality, linkedCount{Key: kc.Key, Label: natLabel(kc.Key), Count: kc.Count, Link: link(drill{Dim: "nationality", Key: kc.Key})})
	}
	for _, kc := range st.Channel {
		v.Channel = append(v.Channel, linkedCount{Key: kc.Key, Label: chLabel(kc.Key), Count: kc.Count, Link: link(drill{Dim: "channel", Key: kc.Key})})
	}
	v.NatChart = barChart(p.T("console.overview.by_nationality"), st.Nationality, natLabel, func(k string) string { return link(drill{Dim: "nationality", Key: k}) })
	v.ChanChart = barChart(p.T("console.overview.by_channel"), st.Channel, chLabel, func(k string) string { return link(drill{Dim: "channel", Key: k}) })
	v.Reply = timeFigure{N: st.Reply.N, Link: link(drill{Dim: "reply"}), Median: fmtDur(st.Reply.Median), P90: fmtDur(st.Reply.P90)}
	v.Ack = timeFigure{N: st.Ack.N, Link: link(drill{Dim: "ack"}), Median: fmtDur(st.Ack.Median), P90: fmtDur(st.Ack.P90)}
	v.OutcomeChart = outcomeChart(st, p.T, link)
	for _, wk := range st.Outcomes {
		row := outcomeRow{Week: wk.Week.Format(time.DateOnly)}
		for _, k := range outcomeKinds {
			row.Cells = append(row.Cells, linkedCount{Key: k, Count: wk.Counts[k], Link: link(drill{Dim: "outcome", Key: k, At: wk.Week})})
		}
		v.Outcomes = append(v.Outcomes, row)
	}
	if v.Entities, err = ovs.BusiestEntities(ctx, from, to, entityKindsNotPlace, 10); err != nil {
		return err
	}
	if v.Places, err = ovs.BusiestPlaces(ctx, from, to, 10); err != nil {
		return err
	}
	c.Status(fiber.StatusOK)
	c.Type("html", "utf-8")
	return renderPage(c, "overview", &overviewPage{consolePage: p, Overview: v})
}

// overviewCases serves GET /console/overview/cases: the cases behind one
// figure of the overview, selected by the predicate that counted them.
func (h *console) overviewCases(c *fiber.Ctx) error {
	ovs, ok := h.db.(overviewStore)
	if !ok {
		return fiber.ErrNotImplemented
	}
	s := session(c)
	from, to := h.period(c)
	q := drill{From: from, To: to, Dim: c.Query("dim"), Key: c.Query("key")}
	if at, err := strconv.ParseInt(c.Query("at"), 10, 64); err == nil {
		q.At = time.UnixMilli(at).UTC()
	}
	facts, err := ovs.CaseFacts(c.UserContext(), from, to)
	if err != nil {
		return err
	}
	p := h.page(c, s, "console.overview.cases_title")
	v := &drillView{Back: "/console/overview?" + url.Values{"from": {from.Format(time.DateOnly)}, "to": {to.Format(time.DateOnly)}}.Encode()}
	for _, f := range facts {
		if q.match(f) {
			v.Cases = append(v.Cases, f)
		}
	}
	sort.Slice(v.Cases, func(i, j int) bool {
		if v.Cases[i].Urgency != v.Cases[j].Urgency {
			return v.Cases[i].Urgency > v.Cases[j].Urgency
		}
		return v.Cases[i].Created.Before(v.Cases[j].Created)
	})
	v.Title = p.T("console.overview.cases_title") + " · " + p.TS("console.overview.dim.", q.Dim)
	if q.Key != "" {
		v.Title += ": " + q.Key
	}
	if !q.At.IsZero() {
		v.Title += " · " + q.At.Format(time.DateOnly)
	}
	c.Status(fiber.StatusOK)
	c.Type("html", "utf-8")
	return renderPage(c, "overview_cases", &overviewPage{consolePage: p, Drill: v})
}
