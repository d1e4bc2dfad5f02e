package telegram

import "encoding/json"

// WebhookReply is the body of a webhook answer that makes Telegram send text
// to chatID itself, so an inline reply costs no API call and can never be
// sent later than the message it answers. Empty text gives no body.
func WebhookReply(chatID int64, text string) []byte {
	if text == "" || chatID == 0 {
		return nil
	}
	b, _ := json.Marshal(struct {
		Method string `json:"method"`
		ChatID int64  `json:"chat_id"`
		Text   string `json:"text"`
	}{"sendMessage", chatID, text})
	return b
}
