package triage

import "testing"

// mayHaveAmount may only skip reAmount when reAmount cannot match.
func checkAmountPrefilter(t *testing.T, s string) {
	if !mayHaveAmount(s) && reAmount.MatchString(s) {
		t.Fatalf("mayHaveAmount(%q) = false but reAmount matches %q", s, reAmount.FindString(s))
	}
}

func TestMayHaveAmount(t *testing.T) {
	for _, s := range []string{
		"I lost 3000 USD", "3000 uSd", "$500", "US$ 20", "20 dollars", "50 Bucks", "5 buc\u212as", "10 \u017fsd",
		"1000 riels", "Rp 50.000", "rp.5", "RM 30", "20 RUPIAH", "100 baht", "100 บาท", "5만 원", "3천 달러",
		"1000 불", "50 테더", "100 ដុល្លារ", "4000 រៀល", "500 美元", "30元", "20 块", "100 人民币", "100 đô", "100 ĐỒNG",
		"₩50000", "฿200", "៛4000", "¥300", "5k usdt",
	} {
		if !mayHaveAmount(s) {
			t.Errorf("mayHaveAmount(%q) = false, want true", s)
		}
		checkAmountPrefilter(t, s)
	}
	for _, s := range []string{"they took my passport 3 days ago", "여권 뺏기고 2일", "ខ្ញុំ ១២", "Location 10.6270, 103.5220", ""} {
		if mayHaveAmount(s) {
			t.Errorf("mayHaveAmount(%q) = true, want false", s)
		}
		checkAmountPrefilter(t, s)
	}
	for _, in := range goldenInputs(t) {
		checkAmountPrefilter(t, in.Text)
	}
}

func FuzzMayHaveAmount(f *testing.F) {
	for _, s := range benchCorpus() {
		f.Add(s)
	}
	f.Add("5 BUC\u212aS")
	f.Add("12 đồng")
	f.Fuzz(checkAmountPrefilter)
}

// mayHavePhone may only skip rePhone and reBareCC when neither matches.
func checkPhonePrefilter(t *testing.T, s string) {
	if !mayHavePhone(s) && (rePhone.MatchString(s) || reBareCC.MatchString(s)) {
		t.Fatalf("mayHavePhone(%q) = false but a phone pattern matches", s)
	}
}

func TestMayHavePhone(t *testing.T) {
	for _, s := range []string{"+85510000123", "call 010 0000 1234", "855 10 000 123", "82 10 0000 1234", "(012) 000 123", "번호 01000001234", "ខ្ញុំ 0100000123"} {
		if !mayHavePhone(s) {
			t.Errorf("mayHavePhone(%q) = false, want true", s)
		}
		checkPhonePrefilter(t, s)
	}
	for _, s := range []string{"Location 10.6270, 103.5220 we are 20", "lost 3000 USD", "a1085510000123", "+ 1", ""} {
		if mayHavePhone(s) {
			t.Errorf("mayHavePhone(%q) = true, want false", s)
		}
		checkPhonePrefilter(t, s)
	}
	for _, in := range goldenInputs(t) {
		checkPhonePrefilter(t, in.Text)
	}
}

func FuzzMayHavePhone(f *testing.F) {
	for _, s := range benchCorpus() {
		f.Add(s)
	}
	f.Add("tel:+85510000123, 082 000 0000")
	f.Add("_0120000000")
	f.Fuzz(checkPhonePrefilter)
}
