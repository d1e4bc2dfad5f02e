package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"

	"hotline/internal/seal"
	"hotline/store"
)

// config is everything the commands read from the environment.
type config struct {
	Addr string
	DB   string
	// KeyFile holds the keys that seal personal data in DB. It is kept
	// (and backed up) apart from the database: a copy of the database
	// alone reveals nothing.
	KeyFile   string
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
		KeyFile:             envOr("HOTLINE_KEY_FILE", "hotline.key"),
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
	fs.StringVar(&c.KeyFile, "key-file", c.KeyFile, "key file that seals personal data in the database (HOTLINE_KEY_FILE)")
	return c
}

// loadKeys reads the key file, or creates one when the database at dbPath
// has no sealed data yet, warning loudly on stderr: the new file is the only way
// to read what the database will hold. A database that already holds
// sealed data is never given a new key file.
func loadKeys(keyFile, dbPath string) (*seal.Keyring, error) {
	k, err := seal.Load(keyFile)
	if err == nil {
		return k, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("key file: %w", err)
	}
	sealed, err := store.HasSealedData(dbPath)
	if err != nil {
		return nil, fmt.Errorf("key file %s is missing and database %s cannot be checked: %w", keyFile, dbPath, err)
	}
	if sealed {
		return nil, fmt.Errorf("key file %s is missing, and database %s holds data sealed with a key file: "+
			"restore that key file (HOTLINE_KEY_FILE) from its backup; a new key would not read the data", keyFile, dbPath)
	}
	k, created, err := seal.LoadOrCreate(keyFile)
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	if created {
		fmt.Fprintf(os.Stderr, `
************************************************************************
*  NEW KEY FILE CREATED: %s
*  It encrypts every message, number and name in %s.
*  Without it NOBODY can read them, Hotline included.
*  BACK IT UP NOW, and keep the copy APART from the database backups.
************************************************************************

`, keyFile, dbPath)
	}
	return k, nil
}

// openStore opens the database with its key file (loadKeys).
func openStore(cfg *config, opts store.Options) (*store.DB, error) {
	k, err := loadKeys(cfg.KeyFile, cfg.DB)
	if err != nil {
		return nil, err
	}
	opts.Keys = k
	return store.Open(cfg.DB, opts)
}
