// Package handoff writes the packet a responder gets about a case: who,
// where, what, how to contact safely, and what police still need before
// they act. It shares only what the hand-off shares, and the reporter's
// number and name only with their consent.
package handoff

import (
	"fmt"
	"strings"

	"hotline"
)

// Checklist items police ask for before they act.
const (
	ItemSelfReport    = "self_report"
	ItemGPS           = "gps"
	ItemPassportCopy  = "passport_copy"
	ItemFacePhoto     = "face_photo"
	ItemBuildingPhoto = "building_photo"
)

// Items lists the checklist in the order police read it.
var Items = []string{ItemSelfReport, ItemGPS, ItemPassportCopy, ItemFacePhoto, ItemBuildingPhoto}

// Item is one checklist line.
type Item struct {
	Key     string `json:"key"`
	Present bool   `json:"present"`
}

// Packet is the hand-off as data; Text renders it and webhooks send it as
// JSON.
type Packet struct {
	Ref          string            `json:"ref"`
	Urgency      hotline.Urgency   `json:"urgency"`
	Lang         string            `json:"lang"`
	Reporter     hotline.Reporter  `json:"reporter"`
	Nationality  string            `json:"nationality,omitempty"`
	Phone        string            `json:"phone,omitempty"`
	Name         string            `json:"name,omitempty"`
	Consent      bool              `json:"consent"`
	Location     *hotline.Location `json:"location,omitempty"`
	MapLink      string            `json:"map_link,omitempty"`
	Reasons      []hotline.Reason  `json:"reasons,omitempty"`
	Entities     []hotline.Entity  `json:"entities,omitempty"`
	DoNotContact bool              `json:"do_not_contact"`
	Checklist    []Item            `json:"checklist"`
	AckURL       string            `json:"ack_url,omitempty"`
}

// Input is what a packet is built from.
type Input struct {
	Case    *hotline.Case // with messages and the full contact
	Name    string        // the contact's profile name
	Handoff hotline.Handoff
	Consent bool
	// DoNotContact: the person asked not to be contacted.
	DoNotContact bool
}

// Build makes the packet of a hand-off.
func Build(in Input) Packet {
	c, h := in.Case, in.Handoff
	p := Packet{
		Ref: c.Ref, Urgency: c.Urgency, Lang: c.Lang, Reporter: c.Reporter,
		Nationality: Nationality(c.Contact, c.Lang), Consent: in.Consent, DoNotContact: in.DoNotContact,
		Checklist: Checklist(c),
	}
	if h.Shares(hotline.ShareContact) && in.Consent {
		p.Phone, p.Name = c.Contact, in.Name
	}
	if h.Shares(hotline.ShareLocation) {
		loc := c.Location
		p.Location = &loc
		if loc.Lat != nil && loc.Lon != nil {
			p.MapLink = fmt.Sprintf("https://www.openstreetmap.org/?mlat=%.5f&mlon=%.5f#map=16/%.5f/%.5f", *loc.Lat, *loc.Lon, *loc.Lat, *loc.Lon)
		}
	}
	if h.Shares(hotline.ShareReasons) {
		p.Reasons = c.Reasons
	}
	if h.Shares(hotline.ShareEntities) {
		p.Entities = c.Entities
	}
	return p
}

// Nationality guesses the person's country from the number's country code,
// else the language; routing uses the same guess (store/routing.go).
func Nationality(address, lang string) string {
	a := strings.TrimPrefix(address, "whatsapp:")
	switch {
	case strings.HasPrefix(a, "+82"):
		return "KR"
	case strings.HasPrefix(a, "+855"):
		return "KH"
	case lang == "ko":
		return "KR"
	case lang == "km":
		return "KH"
	}
	return ""
}
