package server

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hotline"
	"hotline/channels/telegram"
	"hotline/locales"
)

// unreachableMarker is implemented by an intake that can record that a
// contact blocked us, so that nothing more is tried on that channel.
type unreachableMarker interface {
	MarkUnreachable(ctx context.Context, ch hotline.Channel, address string) error
}

// handleTelegram receives a Bot API update. Like the Twilio webhook it
// answers 200 only after the message is committed: Telegram redelivers an
// update until it gets a 2xx, and update_id makes redeliveries harmless.
// An inline reply rides in the response body as a sendMessage method call.
func (s *Server) handleTelegram(c *fiber.Ctx) error {
	if !telegram.CheckSecret(s.cfg.TelegramSecretToken, c.Get(telegram.SecretHeader)) {
		// 403 like a forged Twilio signature (DESIGN: forged webhooks get
		// 403 and nothing is stored).
		s.log.Warn("telegram webhook refused: bad or missing secret", "remote", c.IP(),
			"configured", s.cfg.TelegramSecretToken != "", "has_secret", c.Get(telegram.SecretHeader) != "")
		return c.Status(fiber.StatusForbidden).SendString("invalid secret")
	}
	p, err := telegram.ParseUpdate(c.Body())
	if err != nil {
		s.log.Warn("telegram webhook rejected", "reason", hotline.ErrorMessage(err))
		return c.Status(fiber.StatusBadRequest).SendString(hotline.ErrorMessage(err))
	}
	switch p.Kind {
	case telegram.KindCommand:
		lang := locales.Pick(p.LanguageCode, "")
		return telegramReply(c, p.ChatID, locales.T(lang, "telegram."+p.Command, nil))
	case telegram.KindBlocked:
		if m, ok := s.deps.Intake.(unreachableMarker); ok {
			if err := m.MarkUnreachable(c.UserContext(), hotline.Telegram, strconv.FormatInt(p.ChatID, 10)); err != nil {
				return err // 500: Telegram redelivers
			}
		}
		return c.SendStatus(fiber.StatusOK)
	case telegram.KindMessage:
		rcpt, err := s.deps.Intake.Receive(c.UserContext(), p.Inbound)
		if err != nil {
			if hotline.ErrorCode(err) == hotline.EINVALID {
				return c.Status(fiber.StatusBadRequest).SendString(hotline.ErrorMessage(err))
			}
			return err
		}
		return telegramReply(c, p.ChatID, rcpt.Reply)
	}
	return c.SendStatus(fiber.StatusOK)
}

func telegramReply(c *fiber.Ctx, chatID int64, text string) error {
	body := telegram.WebhookReply(chatID, text)
	if body == nil {
		return c.SendStatus(fiber.StatusOK)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Status(fiber.StatusOK).Send(body)
}
