// Command hotline-load measures how many Twilio SMS webhooks a running
// Hotline server acknowledges per second, and how long each acknowledgement
// takes. It signs every request the way Twilio does, so the server does its
// full work: verify, parse, triage, commit, answer.
//
// Point it only at a server you run (normally on loopback): it sends exactly
// to -url, follows no redirects, and stops by itself after -n requests or
// -duration.
//
// The summary includes the tool's own CPU per request (cpu_us_per_request),
// because on a small machine the tool competes with the server it measures.
//
//	TWILIO_AUTH_TOKEN=... TWILIO_ACCOUNT_SID=AC... hotline-load -n 20000 -c 64
//	hotline-load -rate 500 -duration 30s -json
//	hotline-load -n 5000 -sids acked.txt   # crash test: every 2xx MessageSid, one per line
//	hotline-load -rate 1000 -duration 10m -report-every 30s -server-pid $PID   # soak: a line per 30 s
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"hotline/internal/loadgen"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "hotline-load:", err)
		os.Exit(1)
	}
}

func run() error {
	var cfg loadgen.Config
	var sidsPath string
	var asJSON bool
	flag.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080/webhooks/twilio/messages", "webhook URL to send to (your own server only)")
	flag.StringVar(&cfg.PublicURL, "public-url", "", "URL to sign against, as the server sees it (HOTLINE_PUBLIC_URL + path); default -url")
	flag.StringVar(&cfg.Token, "token", "", "Twilio auth token to sign with (default $TWILIO_AUTH_TOKEN)")
	flag.StringVar(&cfg.Account, "account", "", "AccountSid to send (default $TWILIO_ACCOUNT_SID)")
	flag.IntVar(&cfg.N, "n", 20000, "total requests (ignored when only -duration is given)")
	flag.IntVar(&cfg.Concurrency, "c", 64, "requests in flight at most")
	flag.Float64Var(&cfg.Rate, "rate", 0, "requests per second on an open-loop schedule; 0 = as fast as possible")
	flag.DurationVar(&cfg.Duration, "duration", 0, "send for this long instead of -n requests")
	flag.IntVar(&cfg.Senders, "senders", 1000, "distinct fictional From numbers (+85510xxxxxx)")
	flag.DurationVar(&cfg.Timeout, "timeout", 15*time.Second, "per-request timeout (Twilio waits 15s)")
	flag.StringVar(&sidsPath, "sids", "", "append the MessageSid of every acknowledged request to this file")
	flag.BoolVar(&asJSON, "json", false, "print the summary as one JSON object (after one per window with -report-every)")
	flag.DurationVar(&cfg.ReportEvery, "report-every", 0, "print one line per window of this length during the run (a JSON object per line with -json): sent, acknowledged, errors, p50/p99")
	flag.IntVar(&cfg.ServerPID, "server-pid", 0, "with -report-every, add this process's RSS (from /proc/PID/status) to each window")
	flag.Parse()
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", flag.Args())
	}

	nSet := false
	flag.Visit(func(f *flag.Flag) { nSet = nSet || f.Name == "n" })
	if cfg.Duration > 0 && !nSet {
		cfg.N = 0
	}
	// Read from the environment after parsing so -h never prints the token.
	if cfg.Token == "" {
		cfg.Token = os.Getenv("TWILIO_AUTH_TOKEN")
	}
	if cfg.Account == "" {
		cfg.Account = os.Getenv("TWILIO_ACCOUNT_SID")
	}
	if cfg.Token == "" {
		return fmt.Errorf("no auth token: set -token or TWILIO_AUTH_TOKEN (the server refuses unsigned webhooks)")
	}

	if sidsPath != "" {
		// Unbuffered appends: each acknowledged id reaches the kernel before
		// the next request's outcome is counted, so it survives this
		// process being killed.
		f, err := os.OpenFile(sidsPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return err
		}
		defer f.Close()
		cfg.SIDs = f
	}

	if cfg.ReportEvery > 0 {
		// Windows go out as they end, so a long soak can be watched (and
		// cut short) while it runs.
		enc := json.NewEncoder(os.Stdout)
		cfg.Report = func(w loadgen.Window) {
			if asJSON {
				enc.Encode(w)
			} else {
				w.WriteText(os.Stdout)
			}
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := loadgen.Run(ctx, cfg)
	if err != nil && res.Sent == 0 {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(os.Stdout)
		if e := enc.Encode(res); e != nil {
			return e
		}
	} else {
		res.WriteText(os.Stdout)
	}
	return err
}
