package loadgen

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"hotline/channels/twilio"
)

// job is one request to make. due is its slot on the open-loop schedule,
// zero in closed-loop runs.
type job struct {
	i   int
	due time.Time
}

// tally is one worker's share of the result, merged at the end so that
// workers never contend on a lock in the hot path.
type tally struct {
	sent, acked, errs int
	nonOK             map[int]int
	firstErr          string
	lat               []time.Duration
}

// Run sends webhooks as cfg says and returns the summary. It stops by itself
// once N requests are made or Duration has passed, and early when ctx is
// cancelled (the summary then covers what was done). Requests already in
// flight are always awaited, up to Timeout.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if err := cfg.normalize(); err != nil {
		return Result{}, err
	}
	sids, err := newSIDSource()
	if err != nil {
		return Result{}, err
	}
	client := cfg.Client
	if client == nil {
		client = NewClient(cfg.Concurrency, cfg.Timeout)
	}
	rec := &sidRecorder{w: cfg.SIDs}

	jobs := make(chan job)
	tallies := make([]tally, cfg.Concurrency)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range tallies {
		t := &tallies[w]
		t.nonOK = map[int]int{}
		wg.Go(func() {
			for j := range jobs {
				send(ctx, client, cfg, sids.next(), j, t, rec)
			}
		})
	}
	schedule(ctx, cfg, start, jobs)
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)

	res := Result{URL: cfg.URL, NonOK: map[int]int{}, Elapsed: elapsed,
		ElapsedSeconds: elapsed.Seconds(), Concurrency: cfg.Concurrency, Rate: cfg.Rate}
	var lat []time.Duration
	for _, t := range tallies {
		res.Sent += t.sent
		res.Acknowledged += t.acked
		res.TransportErrors += t.errs
		if res.FirstError == "" {
			res.FirstError = t.firstErr
		}
		for c, n := range t.nonOK {
			res.NonOK[c] += n
		}
		lat = append(lat, t.lat...)
	}
	if elapsed > 0 {
		res.AckPerSecond = float64(res.Acknowledged) / elapsed.Seconds()
	}
	res.Latency = summarize(lat)
	return res, rec.err
}

// schedule feeds jobs until a bound is reached. Closed loop: a job is taken
// as soon as a worker is free. Open loop: job i is due at start + i/Rate
// whether or not the server kept up; a worker that picks it up late still
// measures from the due time.
func schedule(ctx context.Context, cfg Config, start time.Time, jobs chan<- job) {
	var stopAt time.Time
	if cfg.Duration > 0 {
		stopAt = start.Add(cfg.Duration)
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for i := 0; cfg.N == 0 || i < cfg.N; i++ {
		j := job{i: i}
		if cfg.Rate > 0 {
			j.due = start.Add(time.Duration(float64(i) / cfg.Rate * float64(time.Second)))
			if !stopAt.IsZero() && !j.due.Before(stopAt) {
				return
			}
			if d := time.Until(j.due); d > 0 {
				timer.Reset(d)
				select {
				case <-ctx.Done():
					return
				case <-timer.C:
				}
			}
		} else if !stopAt.IsZero() && !time.Now().Before(stopAt) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case jobs <- j:
		}
	}
}

// send makes one request and records its outcome in t.
func send(ctx context.Context, client *http.Client, cfg Config, sid string, j job, t *tally, rec *sidRecorder) {
	params := form(sid, cfg.Account, j.i, cfg.Senders)
	body := params.Encode()
	sig := twilio.Sign(cfg.Token, cfg.PublicURL, params)

	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.URL, strings.NewReader(body))
	if err != nil {
		t.fail(err)
		return
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", sig)
	req.Header.Set("User-Agent", "hotline-load")

	begin := j.due
	if begin.IsZero() {
		begin = time.Now()
	}
	t.sent++
	resp, err := client.Do(req)
	if err != nil {
		t.fail(err)
		return
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	took := time.Since(begin)
	if err != nil {
		// The status line arrived but the answer did not: the server may
		// not have finished, so this is not an acknowledgement.
		t.fail(err)
		return
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		t.nonOK[resp.StatusCode]++
		return
	}
	t.acked++
	t.lat = append(t.lat, took)
	rec.record(sid)
}

func (t *tally) fail(err error) {
	t.errs++
	if t.firstErr == "" {
		t.firstErr = err.Error()
	}
}

// sidRecorder appends acknowledged MessageSids to a writer as they arrive,
// flushing each one, so that a crash test can compare them with what the
// server kept even when this tool is killed mid-run.
type sidRecorder struct {
	mu  sync.Mutex
	w   io.Writer
	err error
}

func (r *sidRecorder) record(sid string) {
	if r.w == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return
	}
	if _, err := io.WriteString(r.w, sid+"\n"); err != nil {
		r.err = fmt.Errorf("loadgen: recording MessageSids: %w", err)
		return
	}
	if f, ok := r.w.(interface{ Flush() error }); ok {
		if err := f.Flush(); err != nil {
			r.err = fmt.Errorf("loadgen: recording MessageSids: %w", err)
		}
	}
}
