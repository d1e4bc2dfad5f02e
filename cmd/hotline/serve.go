package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"hotline"
	"hotline/evidence"
	"hotline/intake"
	"hotline/internal/logsafe"
	"hotline/internal/storemetrics"
	"hotline/locales"
	"hotline/server"
	"hotline/store"
)

// The store is handed to the dispatcher and to the server's acknowledgement
// links through these interfaces alone; the build fails here, in the
// wiring, if it ever stops satisfying them.
var (
	_ hotline.OutboxStore  = (*store.DB)(nil)
	_ hotline.AckLinkStore = (*store.DB)(nil)
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := loadConfig(fs)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (HOTLINE_ADDR)")
	fs.StringVar(&cfg.PublicURL, "public-url", cfg.PublicURL, "URL the outside world calls (HOTLINE_PUBLIC_URL)")
	groupCommit := fs.Bool("group-commit", os.Getenv("HOTLINE_GROUP_COMMIT") != "off",
		"share one fsync among concurrent writes; off (HOTLINE_GROUP_COMMIT=off) is the one-transaction-per-request baseline for benchmarks")
	cpuProfile := fs.String("cpu-profile", "", "write a Go CPU profile of this run to `FILE` (performance work)")
	if err := fs.Parse(args); err != nil {
		return usageError(err.Error())
	}
	stopProfile, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	ackMode, err := intake.ParseAckMode(cfg.Ack)
	if err != nil {
		return err
	}
	// Every log line passes the redaction handler: no body or full phone
	// number reaches stderr even when a caller forgets.
	log := slog.New(logsafe.NewHandler(slog.NewTextHandler(stderr, nil)))
	slog.SetDefault(log)

	// keys seal personal data at rest: the store's columns here, and any
	// other store of victims' data (evidence files) takes the same ring.
	keys, err := loadKeys(cfg.KeyFile, cfg.DB)
	if err != nil {
		return err
	}
	opts := store.DefaultOptions()
	opts.GroupCommit = *groupCommit
	opts.Keys = keys
	db, err := store.Open(cfg.DB, opts)
	if err != nil {
		return fmt.Errorf("open database %s: %w", cfg.DB, err)
	}
	defer db.Close()
	if err := ensureFirstAdmin(ctx, db, stdout); err != nil {
		return err
	}
	formKey, err := loadOrCreateKey(cfg.DB + ".formkey")
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://" + ln.Addr().String()
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	ackKey, err := loadOrCreateKey(cfg.DB + ".ackkey")
	if err != nil {
		return err
	}
	disp, err := newDispatcher(db, cfg, ackKey, log)
	if err != nil {
		return err
	}

	iopts := intake.Options{Ack: ackMode, Texts: localeTexts{}, OrgName: os.Getenv("HOTLINE_ORG_NAME")}
	if os.Getenv("HOTLINE_GUIDE") != "off" {
		iopts.Guide = intake.NewGuide(db, locales.GuideTexts{})
	}
	pipeline := intake.New(db, iopts)
	evidenceFiles := startEvidence(ctx, db, keys, cfg, log)
	srv, err := server.New(server.Config{
		PublicURL:           cfg.PublicURL,
		TwilioAccountSID:    cfg.TwilioAccountSID,
		TwilioAuthToken:     cfg.TwilioAuthToken,
		TelegramSecretToken: cfg.TelegramSecretToken,
		VoiceDir:            os.Getenv("HOTLINE_VOICE_DIR"),
		FormSecret:          formKey,
		AckKey:              ackKey,
		CallerKey:           keys.DeriveKey("voice-caller"),
		TrustedProxies:      splitList(cfg.TrustedProxies),
		MetricsToken:        os.Getenv("HOTLINE_METRICS_TOKEN"),
		Evidence:            evidenceFiles,
	}, server.Deps{Intake: pipeline, Cases: db, Users: db, DB: db, Log: log})
	if err != nil {
		return err
	}
	if err := srv.RegisterMetrics(storemetrics.New(db, log)); err != nil {
		return err
	}

	reportChannels(log, cfg)
	gc := "GOGC and GOMEMLIMIT from the environment"
	if gcPercent, memLimit := tuneGC(os.Getenv); gcPercent != 0 || memLimit != 0 {
		gc = fmt.Sprintf("defaults where unset: GOGC=%d GOMEMLIMIT=%dMiB (0: from the environment)", gcPercent, memLimit>>20)
	}
	log.Info("hotline listening", "addr", ln.Addr().String(), "public_url", cfg.PublicURL, "db", cfg.DB, "group_commit", *groupCommit, "gc", gc)
	// The address on stdout lets scripts and tests that pass :0 find the port.
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())

	// Deferred after db.Close, so it runs first: sends in flight are
	// recorded before the database closes.
	defer runDispatcher(disp, log)()
	evidenceStore, _ := evidenceFiles.(*evidence.Store)
	defer startRetention(db, evidenceStore, log)() // retention.go: daily, when HOTLINE_RETENTION_DAYS is set
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return srv.Shutdown(shutCtx)
}

// reportChannels says at start-up which channels take traffic. A channel
// without credentials refuses its webhooks rather than accept unverified ones.
func reportChannels(log *slog.Logger, cfg *config) {
	log.Info("channel ready", "channel", "web form", "path", "/")
	if cfg.TwilioAuthToken != "" {
		log.Info("channel ready", "channel", "twilio sms/whatsapp", "path", "/webhooks/twilio/messages",
			"account_sid_checked", cfg.TwilioAccountSID != "")
		if os.Getenv("HOTLINE_PUBLIC_URL") == "" {
			log.Warn("HOTLINE_PUBLIC_URL is not set: Twilio signatures are checked against the listen address, which fails behind a proxy")
		}
	} else {
		log.Warn("channel refuses traffic: TWILIO_AUTH_TOKEN not set", "channel", "twilio sms/whatsapp")
	}
	if cfg.TelegramSecretToken != "" {
		log.Info("channel ready", "channel", "telegram", "path", "/webhooks/telegram", "can_send", cfg.TelegramBotToken != "")
	} else {
		log.Warn("channel refuses traffic: TELEGRAM_SECRET_TOKEN not set", "channel", "telegram")
	}
}

// ensureFirstAdmin creates an admin account on a database with no staff, so
// that a fresh install can be logged into, and prints its password once.
func ensureFirstAdmin(ctx context.Context, db *store.DB, stdout io.Writer) error {
	n, err := db.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	pw := generatePassword()
	hash, err := hashPassword(pw)
	if err != nil {
		return err
	}
	u, err := db.CreateUser(ctx, "admin", hotline.RoleAdmin, hash)
	if err != nil {
		return err
	}
	// The password went through a terminal and perhaps a log: the console
	// asks for a new one before it shows anything.
	if err := db.RequirePasswordChange(ctx, u.ID); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created first staff account: user %q, password %s\nthis password is shown once; the console asks for a new one at the first login\n", "admin", pw)
	return nil
}

// loadOrCreateKey keeps the form-token key beside the database, so a
// restart does not invalidate forms people are filling in.
func loadOrCreateKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil && len(b) >= 32 {
		return b, nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	key := make([]byte, 32)
	rand.Read(key)
	if err := os.WriteFile(path, key, 0o600); err != nil {
		return nil, fmt.Errorf("write form key: %w", err)
	}
	return key, nil
}

// localeTexts gives the intake pipeline its acknowledgements from the
// locales bundle.
type localeTexts struct{}

func (localeTexts) Ack(lang, ref string) string {
	return locales.T(lang, "ack.received", map[string]any{"Ref": ref})
}

func (localeTexts) Stopped(lang string) string { return locales.T(lang, "ack.stopped", nil) }

// splitList reads a comma-separated setting, ignoring blanks.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
