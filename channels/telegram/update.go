// Package telegram turns Telegram Bot API webhooks into hotline messages and
// sends replies through the Bot API. Like channels/twilio it knows nothing
// of HTTP frameworks: the server, the tests and the CLI share it.
package telegram

// The Bot API types below carry only the fields Hotline reads; Telegram
// adds fields over time and encoding/json ignores the ones we do not name.

// Update is one webhook delivery. UpdateID is unique and increasing per bot,
// so it is the idempotency key of everything the update carries.
type Update struct {
	UpdateID      int64         `json:"update_id"`
	Message       *Message      `json:"message"`
	EditedMessage *Message      `json:"edited_message"`
	MyChatMember  *ChatMemberUp `json:"my_chat_member"`
}

// Message is a message in a chat with the bot.
type Message struct {
	MessageID int64       `json:"message_id"`
	From      *User       `json:"from"`
	Chat      Chat        `json:"chat"`
	Date      int64       `json:"date"`
	EditDate  int64       `json:"edit_date"`
	Text      string      `json:"text"`
	Caption   string      `json:"caption"`
	Location  *Location   `json:"location"`
	Venue     *Venue      `json:"venue"`
	Contact   *Contact    `json:"contact"`
	Photo     []PhotoSize `json:"photo"`
	Voice     *File       `json:"voice"`
	Audio     *File       `json:"audio"`
	Video     *File       `json:"video"`
	VideoNote *File       `json:"video_note"`
	Document  *File       `json:"document"`
}

// User is a Telegram account.
type User struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name"`
	Username     string `json:"username"`
	LanguageCode string `json:"language_code"`
}

// Chat is where a message was written; its id is the address replies go to.
type Chat struct {
	ID   int64  `json:"id"`
	Type string `json:"type"`
}

// Location is a point a user shared; LivePeriod is set for live locations.
type Location struct {
	Latitude           float64  `json:"latitude"`
	Longitude          float64  `json:"longitude"`
	HorizontalAccuracy *float64 `json:"horizontal_accuracy"`
	LivePeriod         int64    `json:"live_period"`
}

// Venue is a named place with a point.
type Venue struct {
	Location Location `json:"location"`
	Title    string   `json:"title"`
	Address  string   `json:"address"`
}

// Contact is a phone contact a user shared.
type Contact struct {
	PhoneNumber string `json:"phone_number"`
	FirstName   string `json:"first_name"`
	LastName    string `json:"last_name"`
	UserID      int64  `json:"user_id"`
}

// PhotoSize is one size of a photo; Telegram lists them smallest first.
type PhotoSize struct {
	FileID   string `json:"file_id"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	FileSize int64  `json:"file_size"`
}

// File is a voice note, audio, video or document attachment.
type File struct {
	FileID   string `json:"file_id"`
	MimeType string `json:"mime_type"`
	FileName string `json:"file_name"`
	Duration int    `json:"duration"`
}

// ChatMemberUp reports a change of the bot's membership in a chat; in a
// private chat the status "kicked" means the user blocked the bot.
type ChatMemberUp struct {
	Chat          Chat       `json:"chat"`
	From          User       `json:"from"`
	NewChatMember ChatMember `json:"new_chat_member"`
}

// ChatMember is the bot's new state in the chat.
type ChatMember struct {
	Status string `json:"status"`
}
