package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"hotline/channels/telegram"
)

// cmdTelegram runs `hotline telegram set-webhook`: it tells Telegram where
// to deliver updates and which secret to send with them, so that the
// webhook can refuse everything else.
func cmdTelegram(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "set-webhook" {
		return usageError("usage: hotline telegram set-webhook")
	}
	token, secret := os.Getenv("TELEGRAM_BOT_TOKEN"), os.Getenv("TELEGRAM_SECRET_TOKEN")
	public := strings.TrimRight(os.Getenv("HOTLINE_PUBLIC_URL"), "/")
	switch {
	case token == "":
		return usageError("TELEGRAM_BOT_TOKEN is not set")
	case secret == "":
		return usageError("TELEGRAM_SECRET_TOKEN is not set: the webhook would refuse every update")
	case !strings.HasPrefix(public, "https://"):
		// Telegram delivers webhooks over HTTPS only.
		return usageError("HOTLINE_PUBLIC_URL must be the https:// URL Telegram can reach")
	}
	c := &telegram.Client{BaseURL: os.Getenv("TELEGRAM_API_URL"), Token: token}
	url := public + "/webhooks/telegram"
	if err := c.SetWebhook(ctx, url, secret); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "telegram webhook set to %s\n", url)
	return nil
}
