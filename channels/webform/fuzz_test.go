package webform

import (
	"net/url"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParse checks the promises the server relies on, whatever is posted:
// no panic, and an accepted message is within limits and clean UTF-8.
func FuzzParse(f *testing.F) {
	f.Add("help", "Bavet", "11.07", "106.13", "self", "KH", "+85510000123", "yes", "km")
	f.Add("\xff\r\n", "", "1e999", "", "family", "other", "@x", "unsure", "")
	f.Fuzz(func(t *testing.T, what, where, lat, lon, reporter, nat, contact, safe, lang string) {
		in, errs := Parse(url.Values{
			"what": {what}, "where": {where}, "lat": {lat}, "lon": {lon}, "reporter": {reporter},
			"nationality": {nat}, "contact": {contact}, "safe_to_contact": {safe}, "lang": {lang},
		})
		if len(errs) > 0 {
			return
		}
		if in.Body == "" || !utf8.ValidString(in.Body) || utf8.RuneCountInString(in.Body) > MaxWhat+1+MaxWhere {
			t.Fatalf("body %q", in.Body)
		}
		if (in.Lat == nil) != (in.Lon == nil) {
			t.Fatal("half a point")
		}
		if in.Lat != nil && (*in.Lat < -90 || *in.Lat > 90 || *in.Lon < -180 || *in.Lon > 180) {
			t.Fatalf("point out of range %v %v", *in.Lat, *in.Lon)
		}
		if utf8.RuneCountInString(in.Meta["contact"]) > MaxContact {
			t.Fatal("contact too long")
		}
		w := WithNonce(in, "n")
		if w.From == "" || w.ExternalID != "n" {
			t.Fatalf("identity %+v", w)
		}
	})
}

// FuzzCheck: no token a stranger can write is accepted.
func FuzzCheck(f *testing.F) {
	tk := NewTokens([]byte("fuzz secret"))
	now := time.Unix(1_750_000_000, 0)
	f.Add(tk.Issue(now))
	f.Add("")
	f.Fuzz(func(t *testing.T, token string) {
		nonce, err := tk.Check(token, now)
		if err == nil && len(nonce) != 32 {
			t.Fatalf("accepted %q with nonce %q", token, nonce)
		}
	})
}
