package telegram

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"hotline"
)

// MediaScheme prefixes a Telegram file_id stored as a media reference: the
// file itself is fetched later through getFile, with the bot token.
const MediaScheme = "telegram-file:"

// Kind says what an update asks of Hotline.
type Kind int

// Update kinds.
const (
	// KindIgnore is an update Hotline has no use for (a group join, an
	// empty edit); it is answered 200 so Telegram does not redeliver it.
	KindIgnore Kind = iota
	// KindMessage carries an Inbound to record.
	KindMessage
	// KindCommand is /start or /help: answered with help text, not stored.
	KindCommand
	// KindBlocked says the user blocked the bot.
	KindBlocked
)

// Parsed is what ParseUpdate found in an update.
type Parsed struct {
	Kind    Kind
	Inbound hotline.Inbound // KindMessage
	Command string          // KindCommand: "start" or "help"
	ChatID  int64
	// LanguageCode is the user's Telegram interface language (IETF tag), a
	// hint for the language of replies when the text says nothing.
	LanguageCode string
}

// maxUpdate caps what ParseUpdate reads; an update with a long text and a
// caption is a few kilobytes.
const maxUpdate = 64 << 10

// ParseUpdate reads a webhook body. Errors are EINVALID and never quote the
// message text or a phone number.
func ParseUpdate(body []byte) (Parsed, error) {
	var p Parsed
	if len(body) > maxUpdate {
		return p, hotline.Errorf(hotline.EINVALID, "telegram: update too large")
	}
	var u Update
	if err := json.Unmarshal(body, &u); err != nil {
		return p, hotline.Errorf(hotline.EINVALID, "telegram: update is not valid JSON")
	}
	if u.UpdateID <= 0 {
		return p, hotline.Errorf(hotline.EINVALID, "telegram: update_id is missing")
	}
	switch {
	case u.Message != nil:
		return parseMessage(u.UpdateID, u.Message, false)
	case u.EditedMessage != nil:
		return parseMessage(u.UpdateID, u.EditedMessage, true)
	case u.MyChatMember != nil:
		if u.MyChatMember.Chat.Type == "private" && u.MyChatMember.NewChatMember.Status == "kicked" {
			p.Kind, p.ChatID = KindBlocked, u.MyChatMember.Chat.ID
		}
		return p, nil
	}
	return p, nil
}

func parseMessage(updateID int64, m *Message, edited bool) (Parsed, error) {
	p := Parsed{ChatID: m.Chat.ID}
	if m.Chat.ID == 0 {
		return p, hotline.Errorf(hotline.EINVALID, "telegram: message without chat")
	}
	if m.From != nil {
		if m.From.IsBot {
			return p, nil // bots talking to us are nobody to help
		}
		p.LanguageCode = m.From.LanguageCode
	}
	if cmd, ok := command(m.Text); ok && !edited {
		p.Kind, p.Command = KindCommand, cmd
		return p, nil
	}
	in := hotline.Inbound{
		Channel:    hotline.Telegram,
		ExternalID: strconv.FormatInt(updateID, 10),
		From:       strconv.FormatInt(m.Chat.ID, 10),
		Body:       m.Text,
	}
	if in.Body == "" {
		in.Body = m.Caption
	}
	meta := map[string]string{}
	if m.From != nil {
		in.Name = strings.TrimSpace(m.From.FirstName + " " + m.From.LastName)
		if m.From.Username != "" {
			meta["username"] = m.From.Username
		}
		if m.From.LanguageCode != "" {
			meta["language_code"] = m.From.LanguageCode
		}
	}
	if m.Chat.Type != "" && m.Chat.Type != "private" {
		meta["chat_type"] = m.Chat.Type
	}
	if m.Date > 0 {
		in.ReceivedAt = time.Unix(m.Date, 0).UTC()
	}
	loc := m.Location
	if m.Venue != nil {
		loc = &m.Venue.Location
		setMeta(meta, "Label", m.Venue.Title)
		setMeta(meta, "Address", m.Venue.Address)
	}
	if loc != nil {
		la, lo := loc.Latitude, loc.Longitude
		if !validPoint(la, lo) {
			return p, hotline.Errorf(hotline.EINVALID, "telegram: location is not a valid point")
		}
		in.Lat, in.Lon = &la, &lo
		if loc.LivePeriod > 0 || edited {
			meta["live_location"] = "true"
		}
		if loc.HorizontalAccuracy != nil {
			meta["accuracy_m"] = strconv.FormatFloat(*loc.HorizontalAccuracy, 'f', 0, 64)
		}
	}
	if c := m.Contact; c != nil {
		// A shared contact is often the person's own other number: staff
		// need to read it, and triage lists it as an entity.
		line := "Contact: " + strings.TrimSpace(c.FirstName+" "+c.LastName) + " " + c.PhoneNumber
		in.Body = strings.TrimSpace(strings.TrimSpace(in.Body + "\n" + line))
	}
	in.Media = media(m)
	if edited {
		if in.Lat == nil {
			// An edited text is a new version of words already stored;
			// only a moving live location is news.
			return p, nil
		}
		meta["edited"] = "true"
		if m.EditDate > 0 {
			in.ReceivedAt = time.Unix(m.EditDate, 0).UTC()
		}
	}
	if in.Body == "" && len(in.Media) == 0 && in.Lat == nil {
		return p, nil // a sticker, a poll, a service message: nothing to keep
	}
	if len(meta) > 0 {
		in.Meta = meta
	}
	p.Kind, p.Inbound = KindMessage, in
	return p, nil
}

func setMeta(m map[string]string, k, v string) {
	if v = strings.TrimSpace(v); v != "" {
		m[k] = v
	}
}

func validPoint(la, lo float64) bool {
	return !math.IsNaN(la) && !math.IsNaN(lo) && la >= -90 && la <= 90 && lo >= -180 && lo <= 180 && (la != 0 || lo != 0)
}

// media keeps file_ids: the largest photo size, and any voice, audio, video
// or document.
func media(m *Message) []hotline.Media {
	var out []hotline.Media
	if n := len(m.Photo); n > 0 && m.Photo[n-1].FileID != "" {
		out = append(out, hotline.Media{URL: MediaScheme + m.Photo[n-1].FileID, ContentType: "image/jpeg"})
	}
	for _, f := range []struct {
		file *File
		def  string
	}{{m.Voice, "audio/ogg"}, {m.Audio, "audio/mpeg"}, {m.Video, "video/mp4"}, {m.VideoNote, "video/mp4"}, {m.Document, "application/octet-stream"}} {
		if f.file == nil || f.file.FileID == "" {
			continue
		}
		ct := f.file.MimeType
		if ct == "" {
			ct = f.def
		}
		out = append(out, hotline.Media{URL: MediaScheme + f.file.FileID, ContentType: ct})
	}
	return out
}

// command recognises /start and /help, also in the /help@BotName form
// Telegram uses in groups and with a /start deep-link payload.
func command(text string) (string, bool) {
	f := strings.Fields(text)
	if len(f) == 0 || !strings.HasPrefix(f[0], "/") {
		return "", false
	}
	name, _, _ := strings.Cut(strings.ToLower(f[0][1:]), "@")
	switch name {
	case "start", "help":
		return name, true
	}
	return "", false
}
