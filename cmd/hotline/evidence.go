package main

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"

	"hotline/channels/telegram"
	"hotline/evidence"
	"hotline/internal/seal"
	"hotline/server"
	"hotline/store"
)

// evidenceDir is HOTLINE_EVIDENCE_DIR, or the database's name with
// ".evidence" (hotline.db.evidence/), as a backup keeps its files too; not
// a plain evidence/ folder, which in a checkout is the evidence package.
func evidenceDir(cfg *config) string {
	if d := os.Getenv("HOTLINE_EVIDENCE_DIR"); d != "" {
		return d
	}
	return cfg.DB + ".evidence"
}

// startEvidence opens the evidence store, starts the worker that fetches
// media from the channels that have credentials (until ctx ends), and says
// at start-up which channels' media are kept. It returns the files for the
// console, or nil when the store cannot be opened: losing evidence
// fetching is reported loudly but does not stop the hotline taking
// messages.
func startEvidence(ctx context.Context, db *store.DB, keys *seal.Keyring, cfg *config, log *slog.Logger) server.EvidenceFiles {
	dir := evidenceDir(cfg)
	files, err := evidence.Open(dir, keys)
	if err != nil {
		log.Error("evidence store unavailable: media will not be fetched", "dir", dir, "err", err)
		return nil
	}
	var fetchers []evidence.Fetcher
	if cfg.TwilioAccountSID != "" && cfg.TwilioAuthToken != "" {
		fetchers = append(fetchers, &evidence.Twilio{
			AccountSID: cfg.TwilioAccountSID, AuthToken: cfg.TwilioAuthToken, APIBase: os.Getenv("TWILIO_API_URL"),
		})
		log.Info("evidence fetching on", "channel", "twilio sms/whatsapp/voice", "dir", dir)
	} else {
		log.Warn("evidence fetching off: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are needed", "channel", "twilio sms/whatsapp/voice")
	}
	if cfg.TelegramBotToken != "" {
		fetchers = append(fetchers, &evidence.Telegram{
			Client: &telegram.Client{BaseURL: os.Getenv("TELEGRAM_API_URL"), Token: cfg.TelegramBotToken},
		})
		log.Info("evidence fetching on", "channel", "telegram", "dir", dir)
	} else {
		log.Warn("evidence fetching off: TELEGRAM_BOT_TOKEN not set", "channel", "telegram")
	}
	w := &evidence.Worker{Queue: db, Store: files, Fetchers: fetchers, Log: log}
	go w.Run(ctx)
	return files
}

// existingEvidence opens the evidence folder of an install that has one,
// with keys loaded only then; nil when it never kept evidence (the backup,
// retention and rotation commands then have no files to handle).
func existingEvidence(cfg *config, keys func() (*seal.Keyring, error)) (*evidence.Store, error) {
	dir := evidenceDir(cfg)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	k, err := keys()
	if err != nil {
		return nil, err
	}
	return evidence.Open(dir, k)
}

// resealEvidence re-seals the evidence files under the keyring's active
// key. `hotline key rotate` must run it before it drops the old keys, or
// every file sealed under them stops opening.
func resealEvidence(ctx context.Context, db *store.DB, keys *seal.Keyring, cfg *config) (int, error) {
	files, err := existingEvidence(cfg, func() (*seal.Keyring, error) { return keys, nil })
	if files == nil || err != nil {
		return 0, err
	}
	return files.Reseal(ctx, db)
}
