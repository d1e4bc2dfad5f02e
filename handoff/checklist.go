package handoff

import (
	"strings"

	"hotline"
)

// Words in a photo's caption that say what it shows, in the three
// languages. A photo without a caption proves nothing on its own, so it
// ticks nothing: staff ask, and the checklist says what is still missing.
var captions = map[string][]string{
	ItemPassportCopy:  {"passport", "여권", "លិខិតឆ្លងដែន", "ប៉ាស្ព័រ"},
	ItemFacePhoto:     {"face", "selfie", "me now", "my photo", "얼굴", "셀카", "내 사진", "មុខ", "រូបខ្ញុំ"},
	ItemBuildingPhoto: {"building", "compound", "outside", "건물", "단지", "밖", "អគារ", "ខាងក្រៅ", "បុរី"},
}

// Checklist marks each item police ask for present or missing from the
// case's messages: a self-report is an inbound message from the person
// held, GPS a shared point, and the photos inbound images whose caption
// says what they show.
func Checklist(c *hotline.Case) []Item {
	have := map[string]bool{}
	if c.Reporter == hotline.ReporterSelf {
		have[ItemSelfReport] = true
	}
	if c.Location.Lat != nil && c.Location.Lon != nil {
		have[ItemGPS] = true
	}
	for _, m := range c.Messages {
		if m.Direction != hotline.DirIn {
			continue
		}
		if m.Lat != nil && m.Lon != nil {
			have[ItemGPS] = true
		}
		if !hasImage(m) {
			continue
		}
		body := strings.ToLower(m.Body)
		for item, words := range captions {
			for _, w := range words {
				if strings.Contains(body, w) {
					have[item] = true
					break
				}
			}
		}
	}
	out := make([]Item, len(Items))
	for i, k := range Items {
		out[i] = Item{Key: k, Present: have[k]}
	}
	return out
}

func hasImage(m hotline.Message) bool {
	for _, md := range m.Media {
		if strings.HasPrefix(md.ContentType, "image/") {
			return true
		}
	}
	return false
}
