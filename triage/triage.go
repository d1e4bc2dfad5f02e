// Package triage reads one inbound message and says how urgent it is, where
// the person is, who is writing and which details police can use. It runs
// offline on embedded lexicons and a gazetteer (see data/README.md), in
// microseconds, and every decision carries the words that caused it so staff
// can check it.
package triage

import "hotline"

// Input is one message to triage, with the fields of LABELS.md.
type Input struct {
	ID      string   `json:"id"`
	Text    string   `json:"text"`
	Channel string   `json:"channel"`
	Lat     *float64 `json:"lat,omitempty"`
	Lon     *float64 `json:"lon,omitempty"`
}

// Result is what Classify concluded about one message.
type Result struct {
	ID       string           `json:"id"`
	Lang     string           `json:"lang"`
	Urgency  hotline.Urgency  `json:"urgency"`
	Province string           `json:"province"`
	Country  string           `json:"country"`
	Place    string           `json:"place"`
	Lat      *float64         `json:"lat"`
	Lon      *float64         `json:"lon"`
	Reporter hotline.Reporter `json:"reporter"`
	Reasons  []hotline.Reason `json:"reasons"`
	Entities []hotline.Entity `json:"entities"`
}

// Triage converts the result to the domain type that cases and messages keep.
func (r Result) Triage() hotline.Triage {
	return hotline.Triage{
		Lang:    r.Lang,
		Urgency: r.Urgency,
		Location: hotline.Location{
			Country:  r.Country,
			Province: r.Province,
			Place:    r.Place,
			Lat:      r.Lat,
			Lon:      r.Lon,
		},
		Reporter: r.Reporter,
		Reasons:  r.Reasons,
		Entities: r.Entities,
	}
}
