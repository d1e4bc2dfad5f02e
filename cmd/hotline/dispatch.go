package main

import (
	"context"
	"log/slog"
	"os"
	"strconv"
	"time"

	"hotline"
	"hotline/channels/email"
	"hotline/channels/telegram"
	"hotline/channels/twilio"
	"hotline/channels/webhook"
	"hotline/dispatch"
	"hotline/store"
)

// newDispatcher builds the outbox worker with a Sender for every channel.
// Channels without credentials get a Sender all the same: it answers "not
// configured", so their rows are marked visibly instead of piling up.
func newDispatcher(db *store.DB, cfg *config, ackKey []byte, log *slog.Logger) (*dispatch.Dispatcher, error) {
	tw := twilio.NewSender(twilio.SenderConfig{
		AccountSID: cfg.TwilioAccountSID, AuthToken: cfg.TwilioAuthToken, From: cfg.TwilioFrom,
		// TWILIO_API_URL points the sender elsewhere (a test double, a proxy).
		BaseURL: os.Getenv("TWILIO_API_URL"),
	})
	senders := map[hotline.Channel]hotline.Sender{
		hotline.SMS:      tw,
		hotline.WhatsApp: tw,
		hotline.Telegram: &telegram.Client{Token: cfg.TelegramBotToken},
		hotline.Email: email.NewSender(email.Config{
			Addr: os.Getenv("HOTLINE_SMTP_ADDR"), From: os.Getenv("HOTLINE_SMTP_FROM"),
			Username: os.Getenv("HOTLINE_SMTP_USER"), Password: os.Getenv("HOTLINE_SMTP_PASSWORD"),
		}),
		hotline.Webhook: &webhook.Sender{Secret: func(ctx context.Context, m hotline.Outbound) (string, error) {
			return db.ResponderSecret(ctx, m.ID)
		}},
	}
	after := 10 * time.Minute
	if v := os.Getenv("HOTLINE_ESCALATE_AFTER"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, usageError("HOTLINE_ESCALATE_AFTER: want a duration such as 10m")
		}
		after = d
	}
	for ch, ok := range map[string]bool{
		"sms/whatsapp": cfg.TwilioAccountSID != "" && cfg.TwilioAuthToken != "" && cfg.TwilioFrom != "",
		"email":        os.Getenv("HOTLINE_SMTP_ADDR") != "" && os.Getenv("HOTLINE_SMTP_FROM") != "",
	} {
		if !ok {
			log.Warn("outbound channel not configured: its messages are marked not sent", "channel", ch)
		}
	}
	workers, _ := strconv.Atoi(os.Getenv("HOTLINE_DISPATCH_WORKERS"))
	return dispatch.New(db, dispatch.Config{
		Senders: senders, PublicURL: cfg.PublicURL, AckKey: ackKey, EscalateAfter: after, Workers: workers, Log: log,
	}), nil
}

// runDispatcher starts d and returns a function that stops it after the
// sends in flight are recorded.
func runDispatcher(d *dispatch.Dispatcher, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := d.Run(ctx); err != nil {
			log.Error("dispatcher stopped", "err", err)
		}
	}()
	return func() { cancel(); <-done }
}
