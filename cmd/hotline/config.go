package main

import (
	"flag"
	"os"
)

// config is everything the commands read from the environment.
type config struct {
	Addr      string
	DB        string
	PublicURL string
	Ack       string
	// TrustedProxies is a comma-separated list of proxy addresses.
	TrustedProxies string

	TwilioAccountSID string
	TwilioAuthToken  string
	TwilioFrom       string

	TelegramBotToken    string
	TelegramSecretToken string
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// loadConfig reads the environment and registers flags that mirror it on fs.
func loadConfig(fs *flag.FlagSet) *config {
	c := &config{
		Addr:                envOr("HOTLINE_ADDR", "127.0.0.1:8080"),
		DB:                  envOr("HOTLINE_DB", "hotline.db"),
		PublicURL:           os.Getenv("HOTLINE_PUBLIC_URL"),
		Ack:                 os.Getenv("HOTLINE_ACK"),
		TrustedProxies:      os.Getenv("HOTLINE_TRUSTED_PROXIES"),
		TwilioAccountSID:    os.Getenv("TWILIO_ACCOUNT_SID"),
		TwilioAuthToken:     os.Getenv("TWILIO_AUTH_TOKEN"),
		TwilioFrom:          os.Getenv("TWILIO_FROM"),
		TelegramBotToken:    os.Getenv("TELEGRAM_BOT_TOKEN"),
		TelegramSecretToken: os.Getenv("TELEGRAM_SECRET_TOKEN"),
	}
	fs.StringVar(&c.DB, "db", c.DB, "SQLite database file (HOTLINE_DB)")
	return c
}
