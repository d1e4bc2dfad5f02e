package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"hotline"
	"hotline/locales"
)

// tgText builds a private-chat text update (fictional chat ids).
func tgText(updateID, chatID, lang, text string) string {
	t, _ := json.Marshal(text)
	return `{"update_id":` + updateID + `,"message":{"message_id":1,"from":{"id":` + chatID + `,"is_bot":false,"first_name":"Test","language_code":"` + lang + `"},"chat":{"id":` + chatID + `,"type":"private"},"date":1767225600,"text":` + string(t) + `}}`
}

// tgWant is what one labelled Telegram case must leave in the store.
type tgWant struct {
	inbound  int    // new inbound messages
	body     string // substring of the stored inbound body
	media    string // stored media URL
	province string // case province
	point    bool   // case must have a point
	contact  string // the case's full contact address
	reply    string // substring of the inline sendMessage text; "-" = no reply body
}

func TestTelegramWebhook(t *testing.T) {
	tests := []struct {
		label      string
		secret     string
		updates    []string // sent in order; the last one's answer is checked
		wantStatus int
		want       tgWant
	}{
		{
			label:  "text in Korean opens a case and is acknowledged inline in Korean",
			secret: hTelegramSecret, wantStatus: 200,
			updates: []string{tgText("910001", "700101", "ko", "여권을 뺏기고 방에 갇혀 있어요. 바벳이에요")},
			want:    tgWant{inbound: 1, body: "여권을", province: "Svay Rieng", contact: "700101", reply: "[ko] ref "},
		},
		{
			label:  "location share sets the case point and province",
			secret: hTelegramSecret, wantStatus: 200,
			updates: []string{`{"update_id":910002,"message":{"message_id":2,"from":{"id":700102,"is_bot":false,"first_name":"Dara"},"chat":{"id":700102,"type":"private"},"date":1767225600,"location":{"latitude":10.6272,"longitude":103.5225}}}`},
			want:    tgWant{inbound: 1, province: "Preah Sihanouk", point: true, contact: "700102", reply: "ref "},
		},
		{
			label:  "live location update in edited_message lands as its own message on the same case",
			secret: hTelegramSecret, wantStatus: 200,
			updates: []string{
				`{"update_id":910003,"message":{"message_id":3,"from":{"id":700103,"is_bot":false,"first_name":"Dara"},"chat":{"id":700103,"type":"private"},"date":1767225600,"location":{"latitude":10.6272,"longitude":103.5225,"live_period":900}}}`,
				`{"update_id":910004,"edited_message":{"message_id":3,"from":{"id":700103,"is_bot":false,"first_name":"Dara"},"chat":{"id":700103,"type":"private"},"date":1767225600,"edit_date":1767225700,"location":{"latitude":11.0752,"longitude":106.1631,"live_period":900}}}`,
			},
			// The second point is in Svay Rieng (Bavet); a case keeps the
			// first point of equal precision, the message keeps its own.
			want: tgWant{inbound: 2, point: true, contact: "700103", reply: "-"},
		},
		{
			label:  "shared contact is stored readable in the body",
			secret: hTelegramSecret, wantStatus: 200,
			updates: []string{`{"update_id":910005,"message":{"message_id":5,"from":{"id":700104,"is_bot":false,"first_name":"Sokha"},"chat":{"id":700104,"type":"private"},"date":1767225600,"contact":{"phone_number":"+85510000123","first_name":"Sokha"}}}`},
			want:    tgWant{inbound: 1, body: "+85510000123", contact: "700104", reply: "ref "},
		},
		{
			label:  "photo with caption keeps the file_id as media",
			secret: hTelegramSecret, wantStatus: 200,
			updates: []string{`{"update_id":910006,"message":{"message_id":6,"from":{"id":700105,"is_bot":false,"first_name":"Vy"},"chat":{"id":700105,"type":"private"},"date":1767225600,"caption":"the compound gate","photo":[{"file_id":"AgAD-s","width":90,"height":90},{"file_id":"AgAD-l","width":1280,"height":960}]}}`},
			want:    tgWant{inbound: 1, body: "compound gate", media: "telegram-file:AgAD-l", contact: "700105", reply: "ref "},
		},
		{
			label:  "/start is answered in Khmer and stores nothing",
			secret: hTelegramSecret, wantStatus: 200,
			updates: []string{tgText("910007", "700106", "km", "/start")},
			want:    tgWant{inbound: 0, reply: "ភាសាខ្មែរ"},
		},
		{
			label:  "/help is answered in Korean",
			secret: hTelegramSecret, wantStatus: 200,
			updates: []string{tgText("910008", "700106", "ko-KR", "/help")},
			want:    tgWant{inbound: 0, reply: "위치를 공유"},
		},
		{
			label:  "wrong secret is refused and stores nothing",
			secret: "not-the-secret", wantStatus: 403,
			updates: []string{tgText("910009", "700107", "en", "help me")},
			want:    tgWant{inbound: 0, reply: "-"},
		},
		{
			label:  "missing secret is refused",
			secret: "", wantStatus: 403,
			updates: []string{tgText("910010", "700107", "en", "help me")},
			want:    tgWant{inbound: 0, reply: "-"},
		},
		{
			label:  "replayed update_id is answered 200 and stored once, without a second reply",
			secret: hTelegramSecret, wantStatus: 200,
			updates: []string{tgText("910011", "700108", "en", "they took my phone"), tgText("910011", "700108", "en", "they took my phone")},
			want:    tgWant{inbound: 1, body: "took my phone", contact: "700108", reply: "-"},
		},
		{
			label:  "invalid JSON is 400",
			secret: hTelegramSecret, wantStatus: 400,
			updates: []string{`{"update_id":`},
			want:    tgWant{inbound: 0, reply: "-"},
		},
		{
			label:  "a sticker is answered 200 and stores nothing",
			secret: hTelegramSecret, wantStatus: 200,
			updates: []string{`{"update_id":910012,"message":{"message_id":7,"chat":{"id":700109,"type":"private"},"date":1,"sticker":{"file_id":"CAAD"}}}`},
			want:    tgWant{inbound: 0, reply: "-"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			h := newHarness(t, harnessOptions{telegram: true})
			var status int
			var body string
			for _, u := range tt.updates {
				resp, b := h.postTelegram(u, tt.secret)
				status, body = resp.StatusCode, b
			}
			if status != tt.wantStatus {
				t.Fatalf("status %d, want %d (%s)", status, tt.wantStatus, body)
			}
			checkTelegramStored(t, h, tt.want, body)
		})
	}
}

func checkTelegramStored(t *testing.T, h *harness, w tgWant, body string) {
	t.Helper()
	var in []hotline.Message
	for _, m := range h.messages() {
		if m.Direction == hotline.DirIn {
			in = append(in, m)
		}
	}
	if len(in) != w.inbound {
		t.Fatalf("stored %d inbound messages, want %d", len(in), w.inbound)
	}
	for _, m := range in {
		if m.Channel != hotline.Telegram {
			t.Errorf("message channel %q", m.Channel)
		}
	}
	if w.body != "" && !strings.Contains(in[0].Body, w.body) {
		t.Errorf("body %q lacks %q", in[0].Body, w.body)
	}
	if w.media != "" && (len(in[0].Media) != 1 || in[0].Media[0].URL != w.media) {
		t.Errorf("media %+v, want %s", in[0].Media, w.media)
	}
	if w.inbound > 0 {
		cases := h.allCases()
		if len(cases) != 1 {
			t.Fatalf("%d cases, want 1", len(cases))
		}
		c, err := h.db.GetCase(t.Context(), cases[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Contact != w.contact || c.Channel != hotline.Telegram {
			t.Errorf("case contact %q channel %q, want %q telegram", c.Contact, c.Channel, w.contact)
		}
		if w.province != "" && c.Location.Province != w.province {
			t.Errorf("province %q, want %q", c.Location.Province, w.province)
		}
		if w.point && c.Location.Lat == nil {
			t.Errorf("case point %v, want %v", c.Location.Lat, w.point)
		}
	}
	if w.reply == "-" {
		if strings.Contains(body, "sendMessage") {
			t.Errorf("want no inline reply, got %s", body)
		}
		return
	}
	var r struct {
		Method string `json:"method"`
		ChatID int64  `json:"chat_id"`
		Text   string `json:"text"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("reply %q: %v", body, err)
	}
	if r.Method != "sendMessage" || r.ChatID == 0 || !strings.Contains(r.Text, w.reply) {
		t.Errorf("reply %+v, want text containing %q", r, w.reply)
	}
}

// TestTelegramGuidedConversation runs the guide end to end over the
// webhook: the question rides in the inline reply, in the person's
// language, and a map link answers it.
func TestTelegramGuidedConversation(t *testing.T) {
	h := newHarness(t, harnessOptions{telegram: true, guide: true})
	_, body := h.postTelegram(tgText("920001", "700201", "ko", "도와주세요 여권을 뺏겼어요"), hTelegramSecret)
	if !strings.Contains(body, locales.T("ko", "guide.ask.location", nil)) {
		t.Fatalf("first reply %s lacks the Korean location question", body)
	}
	_, body = h.postTelegram(tgText("920002", "700201", "ko", "https://maps.google.com/?q=11.0752,106.1631"), hTelegramSecret)
	if strings.Contains(body, locales.T("ko", "guide.ask.location", nil)) || !strings.Contains(body, locales.T("ko", "guide.ask.safe", nil)) {
		t.Fatalf("second reply %s: want the safety question, never location again", body)
	}
	c := h.allCases()[0]
	if c.Location.Lat == nil || c.Location.Province != "Svay Rieng" {
		t.Fatalf("case location %+v", c.Location)
	}
	_, body = h.postTelegram(tgText("920003", "700201", "ko", "중지"), hTelegramSecret)
	if !strings.Contains(body, "[ko] stopped") {
		t.Fatalf("STOP reply %s", body)
	}
	_, body = h.postTelegram(tgText("920004", "700201", "ko", "네"), hTelegramSecret)
	if strings.Contains(body, "sendMessage") {
		t.Fatalf("after STOP: %s", body)
	}
	// The user blocks the bot: the contact is marked unreachable.
	resp, _ := h.postTelegram(`{"update_id":920005,"my_chat_member":{"chat":{"id":700201,"type":"private"},"from":{"id":700201,"is_bot":false,"first_name":"T"},"date":1,"old_chat_member":{"status":"member"},"new_chat_member":{"status":"kicked"}}}`, hTelegramSecret)
	if resp.StatusCode != 200 {
		t.Fatalf("blocked update: %d", resp.StatusCode)
	}
	_, _, unreachable, _, err := h.db.ContactSafety(t.Context(), hotline.Telegram, "700201")
	if err != nil || !unreachable {
		t.Fatalf("unreachable %v (%v)", unreachable, err)
	}
}
