package triage

import (
	"testing"

	"hotline"
)

// Sentences written from the signal families of LABELS.md, not from any
// labelled set: for every family and language the words people use,
// with typos, phone spellings and non-native phrasing, and the negated or
// past forms that must not rise.
var familyCases = []struct {
	name string
	text string
	want hotline.Urgency
}{
	// ---- violence, English
	{"en hitting us", "they hitting us every night", hotline.Critical},
	{"en beat past tense", "the boss beat my friend today", hotline.Critical},
	{"en got beat", "i got beat up by the team leader", hotline.Critical},
	{"en electric", "they use electric shock on us when we fail", hotline.Critical},
	{"en electricity", "they use electricity baton on workers", hotline.Critical},
	{"en slapped", "he slapped me and punched my face", hotline.Critical},
	{"en stabbed", "a guard stabbed a worker", hotline.Critical},
	{"en abuse", "they abuse us every day", hotline.Critical},
	{"en torturing", "they are torturing people in the basement", hotline.Critical},
	{"en hurt us", "the guards hurt us when we ask to leave", hotline.Critical},
	{"en sexual", "the manager tries to touch me and forces me to sleep with him", hotline.Critical},
	{"en beaten past", "I was beaten last year but now I'm home safe", hotline.Low},
	{"en not beaten", "they did not beat me, only shout", hotline.Low},
	// ---- violence, Korean
	{"ko 때려", "매일 때려서 너무 무서워요", hotline.Critical},
	{"ko 맞고", "오늘도 맞고 왔어요", hotline.Critical},
	{"ko 맞아", "어제 몽둥이로 맞아서 온몸이 멍이에요", hotline.Critical},
	{"ko 구타당", "동료가 구타당했어요", hotline.Critical},
	{"ko 전기", "전기로 지졌어요", hotline.Critical},
	{"ko 피가", "머리에서 피가 나요", hotline.Critical},
	{"ko 다쳤", "팔이 부러지고 많이 다쳤어요", hotline.Critical},
	{"ko 성폭력", "관리자가 성폭력을 해요", hotline.Critical},
	{"ko past", "작년에 맞았지만 지금은 집이에요", hotline.Low},
	// ---- violence, Khmer
	{"km វាយខ្ញុំ", "គេវាយខ្ញុំរាល់ថ្ងៃ", hotline.Critical},
	{"km ធ្វើបាប", "ថៅកែធ្វើបាបយើង", hotline.Critical},
	{"km ឆក់", "គេឆក់ខ្សែភ្លើងបុគ្គលិក", hotline.Critical},
	{"km ចាក់", "គេយកកាំបិតចាក់គាត់", hotline.Critical},
	{"km របួស", "ខ្ញុំរបួសធ្ងន់", hotline.Critical},
	{"km ដាល់", "គេដាល់ខ្ញុំ", hotline.Critical},
	{"km past", "កាលពីមុនគេវាយខ្ញុំ តែឥឡូវខ្ញុំនៅផ្ទះ", hotline.Low},
	// ---- violence, Khmerlish
	{"kmr veay", "ke veay yeung real thngai", hotline.Critical},
	{"kmr vay", "ke vay knhom klang nas", hotline.Critical},
	{"kmr tver bab", "ke tver bab knhom", hotline.Critical},
	{"kmr chhak", "ke chhak knhom nung ksae pleung", hotline.Critical},
	{"kmr dal", "ke dal knhom", hotline.Critical},
	// ---- threats
	{"en threaten kill", "they threaten to kill us if we call police", hotline.Critical},
	{"en gonna kill", "boss said he gonna kill me", hotline.Critical},
	{"en shoot", "they said they will shoot anyone who runs", hotline.Critical},
	{"ko 죽이", "도망가면 죽이겠다고 협박해요", hotline.Critical},
	{"ko 죽여버린", "죽여버린다고 했어요", hotline.Critical},
	{"km សម្លាប់", "គេថានឹងសម្លាប់ខ្ញុំ", hotline.Critical},
	{"kmr slap", "ke tha nung somlab knhom", hotline.Critical},
	// ---- medical
	{"en cant breathe", "my friend cant breathe and they wont call a doctor", hotline.Critical},
	{"en broken", "I think my arm is broken", hotline.Critical},
	{"en injured", "he is badly injured and needs a hospital", hotline.Critical},
	{"en pass out", "she passed out and nobody helps", hotline.Critical},
	{"en vomiting blood", "he is vomiting blood", hotline.Critical},
	{"ko 숨", "숨을 못 쉬어요", hotline.Critical},
	{"ko 쓰러", "친구가 쓰러졌는데 병원에 안 보내줘요", hotline.Critical},
	{"ko 다쳐", "다쳐서 걷지도 못해요", hotline.Critical},
	{"km ឈឺធ្ងន់", "ខ្ញុំឈឺធ្ងន់ គេមិនឱ្យទៅមន្ទីរពេទ្យ", hotline.Critical},
	{"km សន្លប់", "មិត្តខ្ញុំដួលសន្លប់", hotline.Critical},
	{"kmr chheu", "knhom chheu klang nas ot mean pet", hotline.Critical},
	// ---- self-harm
	{"en kill myself", "i will kill myself if i stay here", hotline.Critical},
	{"en jump", "I want to jump from the building", hotline.Critical},
	{"en dont want to live", "I don't want to live anymore", hotline.Critical},
	{"ko 죽고", "차라리 죽고 싶어요", hotline.Critical},
	{"ko 뛰어내리", "창문에서 뛰어내리려고 해요", hotline.Critical},
	{"km ចង់ស្លាប់", "ខ្ញុំចង់សម្លាប់ខ្លួន", hotline.Critical},
	{"kmr chong slab", "knhom chong slab hoy", hotline.Critical},
	// ---- sold or moved now
	{"en sold to another company", "they sold me to another company", hotline.Critical},
	{"en transfer tonight", "they will transfer us tonight", hotline.Critical},
	{"en selling us", "they are selling us to a company in Myanmar", hotline.Critical},
	{"ko 팔아", "다른 회사에 팔아버린대요", hotline.Critical},
	{"ko 넘긴다", "다른 단지로 넘긴다고 해요", hotline.Critical},
	{"ko 옮긴다", "오늘 밤에 다른 곳으로 옮긴대요", hotline.Critical},
	{"ko 이송", "내일 미얀마로 이송된대요", hotline.Critical},
	{"km លក់", "គេនឹងលក់យើងទៅក្រុមហ៊ុនផ្សេង", hotline.Critical},
	{"km ផ្ទេរ", "គេនឹងផ្ទេរយើងទៅកន្លែងផ្សេងយប់នេះ", hotline.Critical},
	{"kmr luok", "ke luok yeung tov company phseng", hotline.Critical},
	// ---- children
	{"en 16 year old", "my 16 year old daughter is locked in a compound", hotline.Critical},
	{"ko 어린", "어린 아이들도 감금돼 있어요", hotline.Critical},
	{"km កូនក្មេង", "មានក្មេងៗត្រូវគេឃុំ", hotline.Critical},
	// ---- help now
	{"en emergency", "EMERGENCY please help us", hotline.Critical},
	{"en sos", "SOS we are locked in", hotline.High}, // a plea with confinement, no "now": held
	{"en please hurry", "please hurry they are locked us", hotline.Critical},
	{"ko 살려주세요", "살려주세요 갇혀 있어요", hotline.Critical},
	{"ko 긴급", "긴급 도와주세요", hotline.Critical},
	{"km ជួយផងបន្ទាន់", "ជួយផងបន្ទាន់", hotline.Critical},
	{"km ជួយសង្គ្រោះ", "សូមជួយសង្គ្រោះខ្ញុំផង គេចាប់ឃុំខ្ញុំ", hotline.High},
	{"kmr chuoy bontoan", "som chuoy knhom phong bontoan", hotline.Critical},
	// ---- held, English
	{"en lock us", "they lock us in the dorm", hotline.High},
	{"en cant go outside", "we cant go outside the compound", hotline.High},
	{"en guard", "there are guard with guns at the gate", hotline.High},
	{"en kidnap", "my brother was kidnap by the company", hotline.High},
	{"en arrested", "my son was arrested by the company security", hotline.High},
	{"en passport took", "the company took away my passport", hotline.High},
	{"en passport keep", "boss keep our passport and phone", hotline.High},
	{"en scam work", "they make me scam people online", hotline.High},
	{"en must pay", "they say I must pay 5000 dollars to leave", hotline.High},
	{"en not let leave", "they not let me leave", hotline.High},
	{"en stuck", "we are stuck inside the building, they do not allow us out", hotline.High},
	// ---- held, Korean
	{"ko 가둬", "방에 가둬놨어요", hotline.High},
	{"ko 감금", "감금돼 있어요", hotline.High},
	{"ko 여권 뺏", "여권이랑 휴대폰을 뺏어갔어요", hotline.High},
	{"ko 여권 가져", "회사에서 여권을 가져가서 안 줘요", hotline.High},
	{"ko 몸값", "몸값을 보내야 풀어준대요", hotline.High},
	{"ko 돈을 보내야", "돈을 보내야 풀어준다고 해요", hotline.High},
	{"ko 납치", "아들이 납치됐어요", hotline.High},
	{"ko 사기 시켜", "사기 일을 시켜요", hotline.High},
	{"ko 못 나가게", "건물 밖으로 못 나가게 해요", hotline.High},
	// ---- held, Khmer
	{"km បិទទ្វារ", "គេបិទទ្វារមិនឱ្យយើងចេញ", hotline.High},
	{"km ដកលិខិត", "ក្រុមហ៊ុនដកលិខិតឆ្លងដែនខ្ញុំ", hotline.High},
	{"km ទូរស័ព្ទ", "គេដកទូរស័ព្ទយើងអស់", hotline.High},
	{"km លោះ", "គេទារលុយលោះ ៣០០០ ដុល្លារ", hotline.High},
	{"km ចាប់ខ្លួន", "កូនប្រុសខ្ញុំត្រូវគេចាប់ខ្លួន", hotline.High},
	{"km ចេញមិនបាន", "យើងចេញពីអគារមិនបានទេ", hotline.High},
	// ---- held, Khmerlish
	{"kmr khum", "ke khum yeung knong bontop", hotline.High},
	{"kmr chenh ot ban", "knhom chenh ot ban te", hotline.High},
	{"kmr yok passport", "ke dok passport knhom", hotline.High},
	// ---- at risk
	{"en wages", "they dont pay my salary for 2 months and I want to quit", hotline.Medium},
	{"en fake job", "the job was a lie, it is a scam company, I want to leave", hotline.Medium},
	{"en escaped shelter", "I ran away from the company, I need a place to stay", hotline.Medium},
	{"ko 월급", "월급을 안 줘요", hotline.Medium},
	{"km ប្រាក់ខែ", "ក្រុមហ៊ុនមិនបើកប្រាក់ខែខ្ញុំ", hotline.Medium},
	{"kmr luy khe", "ke ot bek luy khae knhom", hotline.Medium},
	// ---- low
	{"en visa q", "how much is a visa to Korea", hotline.Low},
	{"en hello", "hi", hotline.Low},
	{"en wrong number", "sorry wrong number", hotline.Low},
	{"ko 문의", "안녕하세요 문의 좀 드려요", hotline.Low},
	{"km hello", "សួស្តី", hotline.Low},
	{"en home safe", "I got out last month and I am safe now, thank you", hotline.Low},
}

func TestFamilies(t *testing.T) {
	bad := 0
	for _, c := range familyCases {
		r := Classify(Input{Text: c.text})
		if r.Urgency != c.want {
			bad++
			t.Errorf("%s: urgency %s, want %s (reasons %v)", c.name, r.Urgency, c.want, r.Reasons)
		}
	}
	t.Logf("%d/%d family cases wrong", bad, len(familyCases))
}

// TestResolvedSilencesPlea: thanks for a past rescue carries a plea word
// and "now" but asks for nothing.
func TestResolvedSilencesPlea(t *testing.T) {
	for _, s := range []string{
		"thank you for helping, my son is safe at home now",
		"អរគុណដែលបានជួយសង្គ្រោះ ឥឡូវខ្ញុំនៅផ្ទះ",
	} {
		if r := Classify(Input{Text: s}); r.Urgency > hotline.Medium {
			t.Errorf("%q: urgency %s (reasons %v)", s, r.Urgency, r.Reasons)
		}
	}
}

// secondPassCases are phrasings of non-native and hurried writers, and
// past or negated forms that must stay low.
var secondPassCases = []struct{ text, want string }{
	{"pls come fast they beating my friend", "critical"},
	{"boss hit worker with iron bar", "critical"},
	{"they hit people who not reach target", "critical"},
	{"we get punish with electric if no money", "critical"},
	{"my husband say they torture him", "critical"},
	{"they take the girls to rooms and rape them", "critical"},
	{"he have big wound on head no doctor", "critical"},
	{"my friend very sick 3 days cannot eat, company not care", "critical"},
	{"i think i will die here", "critical"},
	{"i cannot take it anymore i want end my life", "critical"},
	{"they say tomorrow they sell us to chinese boss", "critical"},
	{"they will send us to myanmar tomorrow", "critical"},
	{"they come now to take me", "critical"},
	{"help now please they are outside my room", "critical"},
	{"they r coming 4 me", "critical"},
	{"company lock door we cannot out", "high"},
	{"cannot go home, boss keep passport", "high"},
	{"they say I need pay 3000$ then can go", "high"},
	{"my son call me say he cannot leave the company", "high"},
	{"my daughter is held by a chinese company, they want money", "high"},
	{"work 16 hour every day, no day off, cannot leave", "high"},
	{"they watch us all the time, security everywhere", "high"},
	{"팀장이 몽둥이로 때렸어요", "critical"},
	{"사람들 앞에서 맞았어요", "critical"},
	{"전기봉으로 지져요", "critical"},
	{"실적 못 채우면 맞아요", "critical"},
	{"밥도 못 먹고 아파서 죽을 것 같아요", "critical"},
	{"오늘 밤에 다른 회사로 보낸다고 했어요", "critical"},
	{"사람들이 와요 빨리요", "critical"},
	{"방에서 못 나가요", "high"},
	{"밖에 나갈 수 없어요", "high"},
	{"회사에서 여권 가지고 있어요", "high"},
	{"돈 안 보내면 못 나간대요", "high"},
	{"아들이 캄보디아에서 감금당했대요", "high"},
	{"강제로 사기 치게 해요", "high"},
	{"គេវាយដំខ្ញុំស្ទើរស្លាប់", "critical"},
	{"ថៅកែយកដំបងវាយ", "critical"},
	{"គេឆក់ចរន្តអគ្គិសនី", "critical"},
	{"ខ្ញុំមិនចង់រស់ទៀតទេ", "critical"},
	{"គេនឹងលក់ខ្ញុំទៅថៅកែចិន", "critical"},
	{"ជួយផង គេកំពុងមក", "critical"},
	{"គេមិនអោយយើងចេញពីបន្ទប់", "high"},
	{"គេយកលិខិតឆ្លងដែននិងទូរស័ព្ទយើង", "high"},
	{"ត្រូវបង់លុយ ៥០០០ ដុល្លារ ទើបអោយចេញ", "high"},
	{"កូនខ្ញុំត្រូវគេចាប់ទុក", "high"},
	{"ke vay knhom rol thngai", "critical"},
	{"ke veay yerng", "critical"},
	{"ke ot oy yerng chenh", "high"},
	{"ke yok passport yerng", "high"},
	{"som juoy phong ke jab knhom", "high"},
	{"juoy phong ilov nis", "critical"},
	{"i was beaten in the past but now i am safe at home", "low"},
	{"they did not hit anyone, only shouting", "low"},
	{"is it safe to work in cambodia?", "low"},
	{"what is the number for the embassy", "low"},
	{"I lost my money to a crypto scam, can you help?", "low"},
	{"hello is this the hotline", "low"},
}

func TestSecondPass(t *testing.T) {
	for _, c := range secondPassCases {
		if r := Classify(Input{Text: c.text}); r.Urgency.String() != c.want {
			t.Errorf("%q: urgency %s, want %s (reasons %v)", c.text, r.Urgency, c.want, r.Reasons)
		}
	}
}

// TestSpellingVariants: everyday spellings fold onto the lexicon's.
func TestSpellingVariants(t *testing.T) {
	folded := [][2]string{{"yerng", "yeung"}, {"kar", "ka"}, {"tver", "twe"}, {"chuoy", "jouy"}}
	for _, p := range folded {
		if a, b := foldString(p[0]), foldString(p[1]); a != b {
			t.Errorf("fold %q = %q, fold %q = %q", p[0], a, p[1], b)
		}
	}
	if a, b := normalizeString("មិនអោយចេញ"), normalizeString("មិនឱ្យចេញ"); a != b {
		t.Errorf("អោយ not folded: %q vs %q", a, b)
	}
	if foldString("srey") != "srey" || foldString("rot") != "rot" {
		t.Errorf("an r before a vowel must stay: %q %q", foldString("srey"), foldString("rot"))
	}
}

// TestReporterFamilies: relatives, friends and bystanders in each language,
// and the self-address forms that only look like relatives.
func TestReporterFamilies(t *testing.T) {
	cases := []struct {
		text string
		want hotline.Reporter
	}{
		{"my little brother is locked in a compound", hotline.ReporterFamily},
		{"my parents asked me to write, our family cannot reach him", hotline.ReporterFamily},
		{"우리 딸이 감금돼 있어요", hotline.ReporterFamily},
		{"여동생이 연락이 안 돼요", hotline.ReporterFamily},
		{"남편을 찾아주세요", hotline.ReporterFamily},
		{"ប្អូនស្រីត្រូវគេឃុំ", hotline.ReporterFamily},
		{"pu knhom trov ke khum", hotline.ReporterFamily},
		{"my roommate has a high fever", hotline.ReporterOther},
		{"제 친구가 맞았어요", hotline.ReporterOther},
		{"សហការីរបស់ខ្ញុំឈឺធ្ងន់", hotline.ReporterOther},
		{"엄마한텐 말하지 마세요 저 지금 갇혀 있어요", hotline.ReporterSelf},
		{"bong knhom chong sour pi visa", hotline.ReporterSelf},
		{"친구랑 같이 왔는데 여권 뺏겼어요", hotline.ReporterSelf},
	}
	for _, c := range cases {
		if got := Classify(Input{Text: c.text}).Reporter; got != c.want {
			t.Errorf("%q: reporter %s, want %s", c.text, got, c.want)
		}
	}
}

// TestPlacesNow: provinces in their Korean, Khmer and romanised
// spellings, country-only mentions, and places the person came from.
func TestPlacesNow(t *testing.T) {
	cases := []struct{ text, province, country string }{
		{"지금 캄포트에 갇혀 있어요", "Kampot", "KH"},
		{"콤퐁스푸 단지에 있어요", "Kampong Speu", "KH"},
		{"프레아 시아누크 쪽이에요", "Preah Sihanouk", "KH"},
		{"I am in Kg Speu now", "Kampong Speu", "KH"},
		{"we are near Angkor Wat", "Siem Reap", "KH"},
		{"ខ្ញុំនៅប្រទេសកម្ពុជា", "", "KH"},
		{"my sister is somewhere in Kampuchea", "", "KH"},
		{"I came from Battambang and now I am in Poipet", "Banteay Meanchey", "KH"},
		{"바탐방 출신인데 지금 프놈펜에 있어요", "Phnom Penh", "KH"},
		{"they moved us to Tachileik", "", "MM"},
		{"I am from Ghana, they keep me in a building", "", ""},
	}
	for _, c := range cases {
		r := Classify(Input{Text: c.text})
		if r.Province != c.province || r.Country != c.country {
			t.Errorf("%q: %q/%q, want %q/%q (place %q)", c.text, r.Province, r.Country, c.province, c.country, r.Place)
		}
	}
}
