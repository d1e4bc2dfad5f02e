package triage

import (
	"testing"
	"unicode/utf8"
)

// benchCorpus is a mixed set of messages written for the benchmark, in
// every language and length the hotline sees.
func benchCorpus() []string {
	return []string{
		"help me please they took my passport and we cannot leave the building in Bavet",
		"They beat two people yesterday. I am scared. Sihanoukville, near the Otres road",
		"my daughter stopped answering her phone a week ago, she went to Phnom Penh for a job",
		"I lost 3000 USD on a crypto site, can you help?",
		"관리자들이 매일 때려요 여기 시아누크빌 단지예요 빨리 와주세요",
		"동생이 연락이 안 돼요. 프놈펜에 간다고 했어요",
		"여권 뺏기고 못 나가요 포이펫이에요 제발",
		"ខ្ញុំនៅបាវិត គេមិនឱ្យខ្ញុំចេញទេ សូមជួយផង",
		"កូនស្រីខ្ញុំបាត់ទំនាក់ទំនងពីរសប្តាហ៍ហើយ",
		"som jouy knhom phong, ke yok passport knhom, nov Poipet",
		"mit knhom trov ke vay, eylov nov Kampot",
		"我被关在西港的园区，护照被收走了，求救",
		"Em bị giữ hộ chiếu ở Bavet, không cho ra ngoài",
		"ผมถูกขังอยู่ที่ปอยเปต ช่วยด้วย",
		"Tolong, paspor saya ditahan di Phnom Penh",
		"Location 10.6270, 103.5220 we are 20 people locked in",
		"test",
		"",
	}
}

// BenchmarkClassify reports ns and allocations per message over the mixed
// corpus. Run: go test ./triage -bench Classify -benchmem -run '^$'
func BenchmarkClassify(b *testing.B) {
	corpus := benchCorpus()
	ins := make([]Input, len(corpus))
	bytes := 0
	for i, s := range corpus {
		ins[i] = Input{ID: "b", Text: s, Channel: "sms"}
		bytes += len(s)
	}
	b.SetBytes(int64(bytes / len(corpus)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Classify(ins[i%len(ins)])
	}
}

// FuzzClassify checks that no input, valid UTF-8 or not, makes Classify
// panic or return a result outside its contract.
func FuzzClassify(f *testing.F) {
	for _, s := range benchCorpus() {
		f.Add(s, 0.0, 0.0, false)
	}
	f.Add("\xff\xfe\x00jouy", 1.0, 2.0, true)
	f.Add("\u200b\u200b\u200b", 91.0, 181.0, true)
	f.Add("https://maps.google.com/?q=999,999 @ 0x", 0.0, 0.0, false)
	f.Add("អាយុ ១ ឆ្នាំ (1) 1-", 11.5, 104.9, true)
	f.Add("ㅠ\u0301\u17d2\u17d2", -0.0, 0.0, true)
	f.Fuzz(func(t *testing.T, s string, lat, lon float64, withPoint bool) {
		in := Input{Text: s}
		if withPoint {
			in.Lat, in.Lon = &lat, &lon
		}
		r := Classify(in)
		if r.Urgency < 1 || r.Urgency > 4 {
			t.Fatalf("urgency %d out of range", r.Urgency)
		}
		if r.Lang == "" || r.Reporter == "" || r.Reasons == nil || r.Entities == nil {
			t.Fatalf("empty field in %+v", r)
		}
		for _, x := range r.Reasons {
			if !utf8.ValidString(x.Match) && utf8.ValidString(s) {
				t.Fatalf("reason match is not UTF-8: %q", x.Match)
			}
		}
	})
}
