package export

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"hotline"
)

// Schema names the document format; SCHEMA.md describes it.
const Schema = "hotline-export/1"

// Document is the JSON file of an export.
type Document struct {
	Schema             string    `json:"schema"`
	Profile            string    `json:"profile"`
	Partner            string    `json:"partner"`
	From               time.Time `json:"from"`
	To                 time.Time `json:"to"`
	GeneratedAt        time.Time `json:"generated_at"`
	GeneratedBy        string    `json:"generated_by"`
	CoordinateDecimals int       `json:"coordinate_decimals"`
	Cases              []Case    `json:"cases"`
	Entities           []Entity  `json:"entities"`
	Links              []Link    `json:"links"`
	Summary            []Count   `json:"summary"`
}

// Case is one case as the profile lets it leave.
type Case struct {
	Ref          string     `json:"ref"`
	CreatedAt    time.Time  `json:"created_at"`
	Status       string     `json:"status"`
	Urgency      string     `json:"urgency"`
	Lang         string     `json:"lang"`
	Reporter     string     `json:"reporter"`
	Nationality  string     `json:"nationality"`
	Channel      string     `json:"channel"`
	Country      string     `json:"country"`
	Province     string     `json:"province"`
	Lat          *float64   `json:"lat"`
	Lon          *float64   `json:"lon"`
	Signals      []string   `json:"signals"`
	Resolution   string     `json:"resolution"`
	PeopleCount  *int       `json:"people_count"`
	FirstReplyAt *time.Time `json:"first_reply_at"`
	AckAt        *time.Time `json:"acknowledged_at"`

	// Full profile only, and only what the hand-off shares.
	Place            string    `json:"place,omitempty"`
	Contact          string    `json:"contact,omitempty"`
	ContactName      string    `json:"contact_name,omitempty"`
	ResolutionReason string    `json:"resolution_reason,omitempty"`
	Reasons          []Reason  `json:"reasons,omitempty"`
	Messages         []Message `json:"messages,omitempty"`
}

// Reason is a triage reason with the words that matched (full only).
type Reason struct {
	Signal  string `json:"signal"`
	Match   string `json:"match"`
	Urgency string `json:"urgency"`
}

// Message is one message of a case (full only, when messages are shared).
type Message struct {
	Direction string    `json:"direction"`
	Channel   string    `json:"channel"`
	Body      string    `json:"body"`
	Lat       *float64  `json:"lat"`
	Lon       *float64  `json:"lon"`
	CreatedAt time.Time `json:"created_at"`
}

// Entity is one entity of the index. A place's value is its rounded point.
type Entity struct {
	ID    string   `json:"id"`
	Kind  string   `json:"kind"`
	Value string   `json:"value"`
	Lat   *float64 `json:"lat"`
	Lon   *float64 `json:"lon"`
	Cases int      `json:"cases"`
}

// Link says that an entity appears in a case.
type Link struct {
	EntityID  string    `json:"entity_id"`
	CaseRef   string    `json:"case_ref"`
	State     string    `json:"state"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
}

// Count is one line of the summary: how many cases have key in dimension.
type Count struct {
	Dimension string `json:"dimension"`
	Key       string `json:"key"`
	Cases     int    `json:"cases"`
}

// policeKinds are the entity kinds the police profile carries. Phone
// numbers and passport numbers are left out: in a victim's message they
// are as likely the victim's own as a recruiter's. URLs are reduced to
// their domain, since a link can carry a point or a name.
var policeKinds = map[string]bool{
	hotline.KindTelegram: true, hotline.KindDomain: true, hotline.KindTRON: true, hotline.KindETH: true,
	hotline.KindBTC: true, hotline.KindBank: true, hotline.KindCompound: true, hotline.KindPlace: true,
}

// Build applies profile p to set.
func Build(set *hotline.ExportSet, p Profile, partner, by string, now time.Time) *Document {
	d := &Document{
		Schema: Schema, Profile: p.Name, Partner: partner, From: sec(set.From), To: sec(set.To),
		GeneratedAt: sec(now), GeneratedBy: by, CoordinateDecimals: p.Decimals,
		Cases: []Case{}, Entities: []Entity{}, Links: []Link{}, Summary: []Count{},
	}
	// Identifiers of the people of the cases: a handle that is one of
	// them is the victim's, not a recruiter's.
	own := map[string]bool{}
	refOf := map[int64]string{}
	shares := map[int64]map[string]bool{}
	for _, c := range set.Cases {
		refOf[c.ID] = c.Ref
		for _, v := range []string{c.Contact, c.ContactName} {
			v = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(v), "@"))
			if v != "" {
				own[v] = true
			}
		}
		sh := map[string]bool{}
		if p.ForOrganisation {
			for _, f := range c.Shared {
				sh[f] = true
			}
		}
		shares[c.ID] = sh
		d.Cases = append(d.Cases, buildCase(c, p, sh))
	}
	// Entities: police sees the kinds above, full sees those of cases that
	// share entities. Places are merged by their rounded point.
	byKey := map[string]*Entity{}
	keyOf := map[int64]string{}
	counted := map[string]map[string]bool{}
	confirmed := map[string]bool{}
	for _, e := range set.Entities {
		out, ok := buildEntity(e, p, own)
		if !ok {
			continue
		}
		k := out.Kind + "\x00" + out.Value
		if byKey[k] == nil {
			out.ID = strconv.Itoa(len(byKey) + 1)
			byKey[k] = &out
			d.Entities = append(d.Entities, out)
		}
		keyOf[e.ID] = k
	}
	seenLink := map[string]bool{}
	for _, l := range set.Links {
		k, ok := keyOf[l.EntityID]
		if !ok {
			continue
		}
		if p.ForOrganisation && (!shares[l.CaseID][hotline.ShareEntities] ||
			strings.HasPrefix(k, hotline.KindPlace+"\x00") && !shares[l.CaseID][hotline.ShareLocation]) {
			continue
		}
		e := byKey[k]
		lk := e.ID + "/" + refOf[l.CaseID]
		if seenLink[lk] {
			continue
		}
		seenLink[lk] = true
		if counted[k] == nil {
			counted[k] = map[string]bool{}
		}
		counted[k][refOf[l.CaseID]] = true
		if l.State == hotline.EntityConfirmed || l.State == hotline.EntityManual {
			confirmed[k] = true
		}
		d.Links = append(d.Links, Link{EntityID: e.ID, CaseRef: refOf[l.CaseID], State: l.State,
			FirstSeen: sec(l.FirstSeen), LastSeen: sec(l.LastSeen)})
	}
	// Only entities that some exported case still carries leave. Under
	// the police profile a handle must also be confirmed by staff or seen
	// in two cases: a handle in one message only is as likely the writer's
	// own as a recruiter's.
	kept := d.Entities[:0]
	keptID := map[string]bool{}
	for _, e := range d.Entities {
		k := e.Kind + "\x00" + e.Value
		if !p.ForOrganisation && e.Kind == hotline.KindTelegram && len(counted[k]) < 2 && !confirmed[k] {
			continue
		}
		if n := len(counted[k]); n > 0 {
			keptID[e.ID] = true
			e.Cases = n
			kept = append(kept, e)
		}
	}
	d.Entities = kept
	links := d.Links[:0]
	for _, l := range d.Links {
		if keptID[l.EntityID] {
			links = append(links, l)
		}
	}
	d.Links = links
	d.Summary = summarize(d.Cases)
	return d
}

func buildCase(c hotline.ExportCase, p Profile, sh map[string]bool) Case {
	out := Case{
		Ref: c.Ref, CreatedAt: sec(c.CreatedAt), Status: c.Status, Urgency: orUnknown(c.Urgency.String()), Lang: c.Lang,
		Reporter: string(c.Reporter), Nationality: c.Nationality, Channel: string(c.Channel),
		Country: c.Location.Country, Province: c.Location.Province, Resolution: c.Resolution,
		PeopleCount: c.PeopleCount, FirstReplyAt: utc(c.FirstReplyAt), AckAt: utc(c.AckAt), Signals: []string{},
	}
	if c.Resolution == "" {
		out.Resolution = ""
	}
	for _, r := range c.Reasons {
		if !slices.Contains(out.Signals, r.Signal) {
			out.Signals = append(out.Signals, r.Signal)
		}
	}
	showLoc := !p.ForOrganisation || sh[hotline.ShareLocation]
	if showLoc {
		out.Lat, out.Lon = roundPtr(c.Location.Lat, p.Decimals), roundPtr(c.Location.Lon, p.Decimals)
	} else {
		out.Province, out.Country = "", ""
	}
	if !p.ForOrganisation {
		return out
	}
	if sh[hotline.ShareLocation] {
		out.Place = c.Location.Place
	}
	if sh[hotline.ShareContact] {
		out.Contact, out.ContactName = c.Contact, c.ContactName
	}
	out.ResolutionReason = c.ResolutionReason
	if sh[hotline.ShareReasons] {
		for _, r := range c.Reasons {
			out.Reasons = append(out.Reasons, Reason{Signal: r.Signal, Match: r.Match, Urgency: r.Urgency.String()})
		}
	} else {
		out.Signals = []string{}
	}
	if sh[hotline.ShareMessages] {
		for _, m := range c.Messages {
			mm := Message{Direction: string(m.Direction), Channel: string(m.Channel), Body: m.Body, CreatedAt: sec(m.CreatedAt)}
			if sh[hotline.ShareLocation] {
				mm.Lat, mm.Lon = m.Lat, m.Lon
			}
			out.Messages = append(out.Messages, mm)
		}
	}
	return out
}

func buildEntity(e hotline.IndexedEntity, p Profile, own map[string]bool) (Entity, bool) {
	if !p.ForOrganisation && !policeKinds[e.Kind] {
		return Entity{}, false
	}
	if e.Kind == hotline.KindTelegram && own[e.Value] {
		return Entity{}, false
	}
	out := Entity{Kind: e.Kind, Value: e.Value}
	if e.Kind == hotline.KindPlace {
		// The cell's name (a geohash) is as precise as the cell: a place
		// is named by its point, rounded like every other coordinate.
		out.Lat, out.Lon = roundPtr(e.Lat, p.Decimals), roundPtr(e.Lon, p.Decimals)
		if out.Lat == nil || out.Lon == nil {
			return Entity{}, false
		}
		out.Value = strconv.FormatFloat(*out.Lat, 'f', -1, 64) + "," + strconv.FormatFloat(*out.Lon, 'f', -1, 64)
	}
	return out, true
}

func summarize(cases []Case) []Count {
	dims := map[string]map[string]int{}
	add := func(dim, key string) {
		if key == "" {
			key = "unknown"
		}
		if dims[dim] == nil {
			dims[dim] = map[string]int{}
		}
		dims[dim][key]++
	}
	for _, c := range cases {
		add("all", "cases")
		add("urgency", c.Urgency)
		add("status", c.Status)
		add("outcome", c.Resolution)
		add("province", c.Province)
		add("nationality", c.Nationality)
		add("channel", c.Channel)
	}
	var out []Count
	for dim, m := range dims {
		for k, n := range m {
			out = append(out, Count{Dimension: dim, Key: k, Cases: n})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Dimension != out[j].Dimension {
			return out[i].Dimension < out[j].Dimension
		}
		return out[i].Key < out[j].Key
	})
	return out
}

func roundPtr(v *float64, decimals int) *float64 {
	if v == nil {
		return nil
	}
	if decimals < 0 {
		x := *v
		return &x
	}
	p := math.Pow(10, float64(decimals))
	x := math.Round(*v*p) / p
	return &x
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := sec(*t)
	return &u
}

// sec drops fractions of a second: they add nothing a partner needs, and a
// timestamp with decimals would read like a coordinate to a scan.
func sec(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

func orUnknown(s string) string {
	if s == "" || strings.HasPrefix(s, "urgency(") {
		return "unknown"
	}
	return s
}
