package triage

import (
	"sync"
	"testing"

	"hotline"
)

func f64(v float64) *float64 { return &v }

// Sentences written for these tests (none from the development set): one
// or more per signal family and language, with the level each must get.
var urgencyCases = []struct {
	name string
	text string
	want hotline.Urgency
}{
	// violence
	{"en violence", "The managers beat him with a belt last night", hotline.Critical},
	{"en shocks", "they use a taser on people who miss the quota", hotline.Critical},
	{"ko violence", "팀장이 오늘도 때렸어요", hotline.Critical},
	{"ko shocks", "어젯밤 전기충격기로 당했어요", hotline.Critical},
	{"km violence", "មេក្រុមវាយដំយើងរាល់យប់", hotline.Critical},
	{"km zwsp", "គេ\u200bវាយ\u200bខ្ញុំ", hotline.Critical},
	{"kmr violence", "ke veay knhom msel menh", hotline.Critical},
	{"zh violence", "他们每天殴打我们", hotline.Critical},
	{"vi violence", "hôm qua em bị đánh rất nặng", hotline.Critical},
	{"th violence", "เขาทุบตีเราทุกวัน", hotline.Critical},
	{"id violence", "teman saya dipukuli setiap malam", hotline.Critical},
	// threats, self-harm, medical, imminent, sold, child
	{"en threat", "the boss says he will kill me if I talk", hotline.Critical},
	{"ko threat", "말 안 들으면 죽인다고 했어요", hotline.Critical},
	{"en self-harm", "honestly i want to die here", hotline.Critical},
	{"ko self-harm", "너무 힘들어서 자살 생각까지 해요", hotline.Critical},
	{"km self-harm", "ខ្ញុំចង់ស្លាប់", hotline.Critical},
	{"en medical", "my roommate has a high fever for days and they give no medicine", hotline.Critical},
	{"ko medical", "동료가 계속 피를 흘려요", hotline.Critical},
	{"en imminent", "they're coming for me, hide", hotline.Critical},
	{"ko sold", "다음 주에 다른 회사로 팔려 간대요", hotline.Critical},
	{"kmr sold", "ke nung luok knhom tov company thmey", hotline.Critical},
	{"en child", "there is a 14 years old boy locked in with us", hotline.Critical},
	{"ko child", "미성년자도 같이 갇혀 있어요", hotline.Critical},
	{"en help now", "please help, right now", hotline.Critical},
	{"ko help now", "빨리 도와주세요", hotline.Critical},
	// held
	{"en confinement", "we are locked in a room on the fifth floor", hotline.High},
	{"en passport", "the manager took my passport on the first day", hotline.High},
	{"en phones", "they confiscated all our phones", hotline.High},
	{"en forced", "we are forced to scam people online for 14 hours", hotline.High},
	{"en ransom", "they want a ransom of 6000 dollars", hotline.High},
	{"ko confinement", "숙소에 감금당했어요", hotline.High},
	{"ko passport", "회사가 여권을 압수했어요", hotline.High},
	{"km confinement", "គេចាក់សោបន្ទប់ពេលយប់", hotline.High},
	{"km passport", "ថៅកែដកហូតលិខិតឆ្លងដែនយើង", hotline.High},
	{"kmr confinement", "ke ot oy chenh pi agar te", hotline.High},
	{"zh confinement", "公司不让出去", hotline.High},
	{"vi confinement", "họ không cho ra ngoài", hotline.High},
	{"th confinement", "เราถูกขังไว้ในตึก", hotline.High},
	{"id confinement", "kami dikurung di kamar", hotline.High},
	// at risk
	{"en wages", "the company has not paid my salary since March", hotline.Medium},
	{"en debt", "they say I owe them 2000 for the ticket", hotline.Medium},
	{"ko wages", "세 달째 월급을 못 받았어요", hotline.Medium},
	{"km debt", "ខ្ញុំជំពាក់ក្រុមហ៊ុន", hotline.Medium},
	{"en out of contact", "we lost contact with my cousin two weeks ago", hotline.Medium},
	{"ko out of contact", "남동생이랑 연락이 끊겼어요", hotline.Medium},
	{"en escaped", "I escaped yesterday and I am hiding in a hotel", hotline.Medium},
	{"ko escaped", "어제 탈출했어요 지금 게스트하우스예요", hotline.Medium},
	{"location only", "", hotline.Medium},
	// low
	{"en info", "how do i apply for a visa to Korea", hotline.Low},
	{"en fraud", "I got scammed by a fake crypto app and lost money", hotline.Low},
	{"ko fraud", "리딩방 사기로 돈을 날렸어요", hotline.Low},
	{"spam", "You have won a prize, reply STOP to opt out", hotline.Low},
	{"greeting", "hello", hotline.Low},
	// negation and past
	{"en negated", "nobody hit me, I just want my salary", hotline.Medium},
	{"en no longer", "they no longer beat anyone here but the doors are locked", hotline.High},
	{"en used to", "they used to beat us", hotline.Low},
	{"ko negated after", "맞은 적은 없어요", hotline.Low},
	{"ko short negation", "요즘은 안 때려요", hotline.Low},
	{"km no longer", "គេលែងវាយហើយ", hotline.Low},
	{"km past", "ពីមុនគេវាយខ្ញុំ", hotline.Low},
	{"kmr negated", "eylov leng vay te", hotline.Low},
	{"vi negated", "không bị nhốt", hotline.Low},
	{"id negated", "tidak ada yang ditahan", hotline.Low},
	{"en still", "they don't hit us anymore, we still cannot leave", hotline.High},
	{"en escaped safe", "I escaped two months ago and I am safe at home", hotline.Low},
	{"ko released safe", "동생 찾았습니다 이제 괜찮대요", hotline.Low},
	{"escape cancels held", "they took my passport but I escaped and need a new one", hotline.Medium},
	{"en moved tonight", "we are locked inside and tonight they will move us to another country", hotline.Critical},
	{"en child is N", "Our son is 15. They won't let him leave the compound", hotline.Critical},
	{"en deprivation", "they gave us no food for two days", hotline.High},
	{"ko cannot go out", "이상한 회사인데 나갈 수가 없어요", hotline.High},
	{"kmr gapped", "ke min oy knhom chenh krau", hotline.High},
	{"km caught", "គេចាប់ខ្ញុំដាក់ក្នុងបន្ទប់", hotline.High},
	{"kmr no care", "ke ot oy tov pet te", hotline.Critical},
	{"en threatened to kill", "they threatened to kill my brother", hotline.Critical},
	{"fraud with plea", "please help, I got scammed on an investment app", hotline.Low},
	// false friends
	{"kmr obscenity", "choy", hotline.Low},
	{"en will", "I will call you tomorrow", hotline.Low},
	{"km typing", "គេឱ្យខ្ញុំវាយអក្សរពេញមួយថ្ងៃ", hotline.Low},
}

func TestUrgency(t *testing.T) {
	for _, c := range urgencyCases {
		in := Input{Text: c.text}
		if c.text == "" {
			in.Lat, in.Lon = f64(11.56), f64(104.92)
		}
		r := Classify(in)
		if r.Urgency != c.want {
			t.Errorf("%s: urgency %s, want %s (reasons %v)", c.name, r.Urgency, c.want, r.Reasons)
		}
		if r.Urgency > hotline.Low && len(r.Reasons) == 0 {
			t.Errorf("%s: level %s without a reason", c.name, r.Urgency)
		}
	}
}

func TestLang(t *testing.T) {
	cases := []struct{ text, want string }{
		{"", "und"},
		{"   ", "und"},
		{"🙏🙏", "und"},
		{"안녕하세요 문의드립니다", "ko"},
		{"ㅠㅠ", "ko"},
		{"ជំរាបសួរ ខ្ញុំត្រូវការជំនួយ", "km"},
		{"som jouy knhom phong, knhom nov kanleng nis", "km"},
		{"Please call me back when you can", "en"},
		{"我想回家", "zh"},
		{"Tôi cần giúp đỡ", "vi"},
		{"toi dang o day, xin giup", "en"},
		{"ผมอยากกลับบ้าน", "th"},
		{"Saya butuh bantuan untuk pulang", "id"},
		{"여기 Chrey Thom 근처예요", "ko"},
		{"ខ្ញុំ​នៅ passport ជាប់", "km"},
	}
	for _, c := range cases {
		if got := Classify(Input{Text: c.text}).Lang; got != c.want {
			t.Errorf("%q: lang %s, want %s", c.text, got, c.want)
		}
	}
}

func TestLocation(t *testing.T) {
	cases := []struct {
		name              string
		in                Input
		province, country string
	}{
		{"channel point", Input{Text: "here", Lat: f64(13.36), Lon: f64(103.86)}, "Siem Reap", "KH"},
		{"decimal pair", Input{Text: "we are at 11.5700, 104.9200 please"}, "Phnom Penh", "KH"},
		{"map link", Input{Text: "https://maps.google.com/?q=13.6600,102.5650"}, "Banteay Meanchey", "KH"},
		{"point beats name", Input{Text: "I was in Bavet before", Lat: f64(10.63), Lon: f64(103.52)}, "Preah Sihanouk", "KH"},
		{"nickname", Input{Text: "stuck in snooky"}, "Preah Sihanouk", "KH"},
		{"korean", Input{Text: "지금 포이펫이에요"}, "Banteay Meanchey", "KH"},
		{"khmer", Input{Text: "ខ្ញុំនៅបាវិត"}, "Svay Rieng", "KH"},
		{"district", Input{Text: "I am in Tuol Kork"}, "Phnom Penh", "KH"},
		{"moved to", Input{Text: "they moved us from Poipet to Kampot yesterday"}, "Kampot", "KH"},
		{"escaped from", Input{Text: "I escaped from a compound in Bavet, now in Phnom Penh"}, "Phnom Penh", "KH"},
		{"plan to go", Input{Text: "I want to go to work in Korea, how?"}, "", ""},
		{"foreign", Input{Text: "my brother is in Myawaddy"}, "", "MM"},
		{"country only", Input{Text: "I am somewhere in Cambodia"}, "", "KH"},
		{"family writer elsewhere", Input{Text: "my son is detained in Sihanoukville, we are in Seoul"}, "Preah Sihanouk", "KH"},
		{"nothing", Input{Text: "hello"}, "", ""},
	}
	for _, c := range cases {
		r := Classify(c.in)
		if r.Province != c.province || r.Country != c.country {
			t.Errorf("%s: %q/%q, want %q/%q (place %q)", c.name, r.Province, r.Country, c.province, c.country, r.Place)
		}
		if c.province != "" && (r.Lat == nil || r.Lon == nil) {
			t.Errorf("%s: no coordinates for a known province", c.name)
		}
	}
}

func TestReporter(t *testing.T) {
	cases := []struct {
		text string
		want hotline.Reporter
	}{
		{"They took my passport", hotline.ReporterSelf},
		{"my son is locked in a building", hotline.ReporterFamily},
		{"아들이 연락이 안 돼요", hotline.ReporterFamily},
		{"남편이 잡혀 있어요", hotline.ReporterFamily},
		{"동생이 갇혀 있대요", hotline.ReporterFamily},
		{"កូនប្រុសខ្ញុំត្រូវគេឃុំ", hotline.ReporterFamily},
		{"kon srey knhom bat teak tong", hotline.ReporterFamily},
		{"my friend from work was beaten", hotline.ReporterOther},
		{"동료가 아파요", hotline.ReporterOther},
		{"We are an NGO helping two women who escaped", hotline.ReporterOther},
		{"저 지금 갇혀 있어요", hotline.ReporterSelf},
		{"테스트", hotline.ReporterUnknown},
		{"", hotline.ReporterUnknown},
	}
	for _, c := range cases {
		if got := Classify(Input{Text: c.text}).Reporter; got != c.want {
			t.Errorf("%q: reporter %s, want %s", c.text, got, c.want)
		}
	}
}

func TestEntities(t *testing.T) {
	text := "call +855 10 000 123 or @example_helper, wallet TXYZabcdefghijkmnopqrstuvwxyz12345 and 0x00000000000000000000000000000000000000ab, " +
		"btc bc1qexampleexampleexampleexample0, they want 5,000 USDT, passport M12345678, see https://example.org/x. Mango Park"
	r := Classify(Input{Text: text})
	want := map[string]string{
		EntityPhone: "+855 10 000 123", EntityTelegram: "@example_helper", EntityTRON: "TXYZabcdefghijkmnopqrstuvwxyz12345",
		EntityETH: "0x00000000000000000000000000000000000000ab", EntityBTC: "bc1qexampleexampleexampleexample0",
		EntityAmount: "5,000 USDT", EntityPassport: "M12345678", EntityURL: "https://example.org/x", EntityCompound: "Mango Park",
	}
	got := map[string]string{}
	for _, e := range r.Entities {
		if _, ok := got[e.Kind]; !ok {
			got[e.Kind] = e.Value
		}
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("entity %s = %q, want %q (all %v)", k, got[k], v, r.Entities)
		}
	}
	if r := Classify(Input{Text: "coordinates 11.5621, 104.9160 at 10:30"}); len(r.Entities) != 0 {
		t.Errorf("coordinates taken for entities: %v", r.Entities)
	}
}

func TestNormalize(t *testing.T) {
	cases := []struct{ in, plain, folded string }{
		{"Jouy  Knhom\u200b Phong", "jouy knhom phong", "coy knhom pong"},
		{"CHUOY phongg", "chuoy phongg", "coy pong"},
		{"p'oun proh", "p'oun proh", "pon proh"},
		{"ប្ដី", "ប្តី", ""},
		{"អាយុ ១៦", "អាយុ 16", "16"},
		{"ＳＯＳ", "sos", "sos"},
		{"a\nb", "a\nb", "a b"},
	}
	for _, c := range cases {
		var tx text
		tx.normalize(c.in)
		if string(tx.plain) != c.plain || string(tx.folded) != c.folded {
			t.Errorf("%q: plain %q folded %q, want %q %q", c.in, tx.plain, tx.folded, c.plain, c.folded)
		}
	}
}

func TestDeterministicAndConcurrent(t *testing.T) {
	texts := benchCorpus()
	want := make([]Result, len(texts))
	for i, s := range texts {
		want[i] = Classify(Input{Text: s})
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, s := range texts {
				r := Classify(Input{Text: s})
				if r.Urgency != want[i].Urgency || r.Province != want[i].Province || r.Lang != want[i].Lang || len(r.Reasons) != len(want[i].Reasons) {
					t.Errorf("message %d: result changed between calls", i)
				}
			}
		}()
	}
	wg.Wait()
}

func TestTriageConversion(t *testing.T) {
	r := Classify(Input{Text: "help now, locked in at Bavet"})
	tr := r.Triage()
	if tr.Urgency != r.Urgency || tr.Location.Province != "Svay Rieng" || tr.Location.Place != r.Place || tr.Location.Lat != r.Lat {
		t.Errorf("Triage() = %+v from %+v", tr, r)
	}
}
