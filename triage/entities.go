package triage

import (
	"regexp"
	"strings"

	"hotline"
)

// Entity kinds.
const (
	EntityPhone    = "phone"
	EntityTelegram = "telegram"
	EntityWhatsApp = "whatsapp"
	EntityURL      = "url"
	EntityTRON     = "wallet_tron"
	EntityETH      = "wallet_eth"
	EntityBTC      = "wallet_btc"
	EntityAmount   = "amount"
	EntityPassport = "passport"
	EntityCompound = "compound"
)

var (
	reURL      = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"'\p{Hangul}\p{Khmer}\p{Han}]+`)
	reHandle   = regexp.MustCompile(`(?:^|[^\w.@])@([A-Za-z][A-Za-z0-9_]{3,31})\b`)
	reTMe      = regexp.MustCompile(`(?i)\bt(?:elegram)?\.me/([A-Za-z][A-Za-z0-9_]{3,31})`)
	reWaMe     = regexp.MustCompile(`(?i)\bwa\.me/\+?(\d{8,15})`)
	rePhone    = regexp.MustCompile(`(?:\+|\b0)\d(?:[ \-.]?\(?\d\)?){7,15}\b`)
	reTRON     = regexp.MustCompile(`\bT[1-9A-HJ-NP-Za-km-z]{33}\b`)
	reETH      = regexp.MustCompile(`\b0x[0-9a-fA-F]{40}\b`)
	reBTC      = regexp.MustCompile(`\b(?:bc1[02-9ac-hj-np-z]{11,71}|[13][1-9A-HJ-NP-Za-km-z]{25,34})\b`)
	reAmount   = regexp.MustCompile(`(?i)(?:(?:\$|US\$|USD|USDT|₩|฿|Rp\.?|RM|៛|¥)\s?\d[\d,.]*(?:\s?(?:k|juta|million|만|천))?|\d[\d,.]*\s?(?:k\s?)?(?:만\s?|천\s?|억\s?|万|千|juta\s|ribu\s)?(?:usdt|usd|dollars?|\$|bucks|riels?|baht|บาท|rupiah|달러|불|원|테더|ដុល្លារ|រៀល|美元|元|块|人民币|đô|đồng|usdt\(테더\)))`)
	rePassport = regexp.MustCompile(`\b[A-Z]{1,2}\d{7,8}\b`)
)

// reBareCC is a Cambodian or Korean mobile number written with its country
// code but no "+" ("855 12 345 678", "82 10 1234 5678"), as families copy
// it from a contact card. Only those two countries' mobile shapes, so that
// other long numbers (amounts, ids) stay out; the store reads it as E.164.
var reBareCC = regexp.MustCompile(`\b(?:855[ \-]?\(?0?\)?[1-9]\d(?:[ \-]?\d){6,7}|82[ \-]?\(?0?\)?1[016789](?:[ \-]?\d){7,8})\b`)

var passportWords = []string{"passport", "여권", "លិខិតឆ្លងដែន", "护照", "hộ chiếu", "paspor", "พาสปอร์ต", "หนังสือเดินทาง"}

// entities extracts what police can act on. Values are kept verbatim
// (they go to the case, never to logs).
func (e *engine) entities(s string, hits []hit, out []hotline.Entity) []hotline.Entity {
	add := func(kind, v string) {
		v = strings.TrimRight(v, ".,;:!?)]}'\"")
		for _, x := range out {
			if x.Kind == kind && x.Value == v {
				return
			}
		}
		out = append(out, hotline.Entity{Kind: kind, Value: v})
	}
	// Every pattern below needs some digits or a long run of letters and
	// digits; counting both first skips the regexps that cannot match,
	// which is most of them for most messages.
	digits, run, longest := 0, 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
			run++
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			run++
		default:
			run = 0
		}
		longest = max(longest, run)
	}
	hasDigit := digits > 0
	if strings.Contains(s, "http") || strings.Contains(s, "www.") || strings.Contains(s, "HTTP") {
		for _, m := range reURL.FindAllString(s, -1) {
			add(EntityURL, m)
		}
	}
	if strings.IndexByte(s, '@') >= 0 {
		for _, m := range reHandle.FindAllStringSubmatch(s, -1) {
			add(EntityTelegram, "@"+m[1])
		}
	}
	if strings.Contains(s, ".me/") {
		for _, m := range reTMe.FindAllStringSubmatch(s, -1) {
			add(EntityTelegram, "@"+m[1])
		}
		for _, m := range reWaMe.FindAllStringSubmatch(s, -1) {
			add(EntityWhatsApp, "+"+m[1])
		}
	}
	// A phone number counts with 9 to 15 digits (reBareCC's shapes have 10
	// or more).
	if digits >= 9 && mayHavePhone(s) {
		for _, m := range rePhone.FindAllString(s, -1) {
			if strings.Count(m, ".") > 0 && !strings.HasPrefix(m, "+") {
				continue // a coordinate or a decimal, not a number to call
			}
			n := 0
			for _, c := range m {
				if c >= '0' && c <= '9' {
					n++
				}
			}
			if n >= 9 && n <= 15 {
				add(EntityPhone, m)
			}
		}
		for _, ix := range reBareCC.FindAllStringIndex(s, -1) {
			if ix[0] > 0 && s[ix[0]-1] == '+' {
				continue // "+855 …": rePhone has it
			}
			add(EntityPhone, s[ix[0]:ix[1]])
		}
	}
	if hasDigit {
		if mayHaveAmount(s) {
			for _, m := range reAmount.FindAllString(s, -1) {
				add(EntityAmount, strings.TrimSpace(m))
			}
		}
		// Wallets are runs of 14 (bech32), 26 (base58), 34 (TRON) or 42
		// (0x + 40 hex) letters and digits.
		if longest >= 42 && strings.Contains(s, "0x") {
			for _, m := range reETH.FindAllString(s, -1) {
				add(EntityETH, m)
			}
		}
		if longest >= 34 && strings.IndexByte(s, 'T') >= 0 {
			for _, m := range reTRON.FindAllString(s, -1) {
				add(EntityTRON, m)
			}
		}
		if longest >= 14 {
			for _, m := range reBTC.FindAllString(s, -1) {
				add(EntityBTC, m)
			}
		}
		// A passport number has 7 or 8 digits after its letters.
		if digits >= 7 {
			low := strings.ToLower(s)
			for _, w := range passportWords {
				if strings.Contains(low, w) {
					for _, m := range rePassport.FindAllString(s, -1) {
						add(EntityPassport, m)
					}
					break
				}
			}
		}
	}
	for _, h := range hits {
		if h.table == tPlace {
			if p := &e.places[e.refOf(h)]; p.kind == "compound" {
				add(EntityCompound, p.name)
			}
		}
	}
	return out
}
