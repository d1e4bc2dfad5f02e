package loadgen

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

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
		if client, err = NewClient(cfg.URL, cfg.Concurrency, cfg.Timeout); err != nil {
			return Result{}, err
		}
	}
	rec := &sidRecorder{w: cfg.SIDs}

	tallies := make([]tally, cfg.Concurrency)
	var wg sync.WaitGroup
	cpu0 := processCPU()
	start := time.Now()
	s := &slots{cfg: &cfg, start: start}
	if cfg.Duration > 0 {
		s.stopAt = start.Add(cfg.Duration)
	}
	perWorker := expectedPerWorker(&cfg)
	win := newWindows(&cfg, start)
	win.run()
	for w := range tallies {
		t := &tallies[w]
		t.nonOK = map[int]int{}
		t.lat = make([]time.Duration, 0, perWorker)
		wg.Go(func() { work(ctx, client, &cfg, s, sids, t, rec, win) })
	}
	wg.Wait()
	win.finish()
	elapsed := time.Since(start)
	cpu := processCPU() - cpu0

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
	if res.Sent > 0 && cpu > 0 {
		res.CPUMicrosPerRequest = float64(cpu.Microseconds()) / float64(res.Sent)
	}
	res.Latency = summarize(lat)
	return res, rec.err
}

// expectedPerWorker guesses how many latencies one worker will record, so
// that the slices holding them do not keep growing and copying mid-run.
func expectedPerWorker(cfg *Config) int {
	n := float64(cfg.N)
	if cfg.Rate > 0 && cfg.Duration > 0 {
		byTime := cfg.Rate * cfg.Duration.Seconds()
		if n == 0 || byTime < n {
			n = byTime
		}
	}
	if n == 0 {
		n = 1 << 16
	}
	return int(min(n/float64(cfg.Concurrency)+1, 1<<20))
}

// slots hands out request numbers to workers until a bound is reached.
// Closed loop: a worker takes the next number as soon as it is free. Open
// loop: number i is due at start + i/Rate whether or not the server kept up;
// the worker that takes it waits for that time if it is early, and measures
// from it if it is late. With every worker busy the due times pass unserved
// and show up as latency, exactly as with a separate scheduler feeding a
// queue, but without a goroutine hand-off per request.
type slots struct {
	cfg    *Config
	start  time.Time
	stopAt time.Time // zero: no time bound
	next   atomic.Int64
}

// take returns the next request number and its due time (zero in closed
// loop), waiting for the due time with timer. It returns false once the run
// is over: N reached, Duration passed, or ctx done.
func (s *slots) take(ctx context.Context, timer *time.Timer) (int, time.Time, bool) {
	if ctx.Err() != nil {
		return 0, time.Time{}, false
	}
	i := int(s.next.Add(1) - 1)
	if s.cfg.N > 0 && i >= s.cfg.N {
		return 0, time.Time{}, false
	}
	if s.cfg.Rate <= 0 {
		if !s.stopAt.IsZero() && !time.Now().Before(s.stopAt) {
			return 0, time.Time{}, false
		}
		return i, time.Time{}, true
	}
	due := s.start.Add(time.Duration(float64(i) / s.cfg.Rate * float64(time.Second)))
	if !s.stopAt.IsZero() && !due.Before(s.stopAt) {
		return 0, time.Time{}, false
	}
	if d := time.Until(due); d > 0 {
		timer.Reset(d)
		select {
		case <-ctx.Done():
			timer.Stop()
			return 0, time.Time{}, false
		case <-timer.C:
		}
	}
	return i, due, true
}

// work is one worker: it owns a request, a response and the buffers for
// bodies and signatures, and reuses them for every request it makes.
func work(ctx context.Context, client *fasthttp.HostClient, cfg *Config, s *slots, sids *sidSource, t *tally, rec *sidRecorder, win *windows) {
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(cfg.URL)
	req.URI().DisablePathNormalizing = true
	req.Header.SetMethod(fasthttp.MethodPost)
	req.Header.SetContentType("application/x-www-form-urlencoded")
	req.Header.SetUserAgent("hotline-load")

	enc := newEncoder(cfg.Token, cfg.PublicURL, cfg.Account, cfg.Senders)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var sid []byte
	for {
		i, due, ok := s.take(ctx, timer)
		if !ok {
			return
		}
		sid = sids.appendNext(sid[:0])
		body, sig := enc.encode(sid, i)
		req.SetBodyRaw(body)
		req.Header.SetBytesV("X-Twilio-Signature", sig)

		begin := due
		if begin.IsZero() {
			begin = time.Now()
		}
		t.sent++
		win.sentOne()
		// Do returns only once the whole answer is read: a status line
		// without its body is an error, not an acknowledgement.
		if err := client.DoTimeout(req, resp, cfg.Timeout); err != nil {
			t.fail(err)
			win.failedOne(false)
			continue
		}
		took := time.Since(begin)
		if code := resp.StatusCode(); code < 200 || code > 299 {
			t.nonOK[code]++
			win.failedOne(true)
			continue
		}
		t.acked++
		t.lat = append(t.lat, took)
		win.ackedOne(took)
		rec.record(sid)
	}
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
	mu   sync.Mutex
	w    io.Writer
	line []byte
	err  error
}

func (r *sidRecorder) record(sid []byte) {
	if r.w == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return
	}
	// One write per id, so a kill between writes never leaves half a line.
	r.line = append(append(r.line[:0], sid...), '\n')
	if _, err := r.w.Write(r.line); err != nil {
		r.err = fmt.Errorf("loadgen: recording MessageSids: %w", err)
		return
	}
	if f, ok := r.w.(interface{ Flush() error }); ok {
		if err := f.Flush(); err != nil {
			r.err = fmt.Errorf("loadgen: recording MessageSids: %w", err)
		}
	}
}
