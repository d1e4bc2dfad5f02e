package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// File is one file of an export.
type File struct {
	Name string
	Data []byte
}

// Files renders the document as export.json and one CSV per table.
func Files(d *Document) ([]File, error) {
	j, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, err
	}
	files := []File{{Name: "export.json", Data: append(j, '\n')}}
	cases := [][]string{{"ref", "created_at", "status", "urgency", "lang", "reporter", "nationality", "channel",
		"country", "province", "lat", "lon", "signals", "resolution", "people_count", "first_reply_at", "acknowledged_at",
		"place", "contact", "contact_name", "resolution_reason"}}
	for _, c := range d.Cases {
		cases = append(cases, []string{c.Ref, ts(c.CreatedAt), c.Status, c.Urgency, c.Lang, c.Reporter, c.Nationality, c.Channel,
			c.Country, c.Province, num(c.Lat), num(c.Lon), strings.Join(c.Signals, ";"), c.Resolution, intp(c.PeopleCount),
			tsp(c.FirstReplyAt), tsp(c.AckAt), c.Place, c.Contact, c.ContactName, c.ResolutionReason})
	}
	entities := [][]string{{"id", "kind", "value", "lat", "lon", "cases"}}
	for _, e := range d.Entities {
		entities = append(entities, []string{e.ID, e.Kind, e.Value, num(e.Lat), num(e.Lon), strconv.Itoa(e.Cases)})
	}
	links := [][]string{{"entity_id", "case_ref", "state", "first_seen", "last_seen"}}
	for _, l := range d.Links {
		links = append(links, []string{l.EntityID, l.CaseRef, l.State, ts(l.FirstSeen), ts(l.LastSeen)})
	}
	summary := [][]string{{"dimension", "key", "cases"}}
	for _, s := range d.Summary {
		summary = append(summary, []string{s.Dimension, s.Key, strconv.Itoa(s.Cases)})
	}
	tables := []struct {
		name string
		rows [][]string
	}{{"cases.csv", cases}, {"entities.csv", entities}, {"links.csv", links}, {"summary.csv", summary}}
	if d.Profile == "full" {
		msgs := [][]string{{"case_ref", "direction", "channel", "created_at", "lat", "lon", "body"}}
		for _, c := range d.Cases {
			for _, m := range c.Messages {
				msgs = append(msgs, []string{c.Ref, m.Direction, m.Channel, ts(m.CreatedAt), num(m.Lat), num(m.Lon), m.Body})
			}
		}
		tables = append(tables, struct {
			name string
			rows [][]string
		}{"messages.csv", msgs})
	}
	for _, t := range tables {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		if err := w.WriteAll(t.rows); err != nil {
			return nil, err
		}
		files = append(files, File{Name: t.name, Data: b.Bytes()})
	}
	return files, nil
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func tsp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return ts(*t)
}

func num(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

func intp(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}
