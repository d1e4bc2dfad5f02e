package evidence

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Queue is the worker's view of the database (the SQLite store implements it).
type Queue interface {
	// QueueNewEvidence adds rows for the media of up to limit new
	// messages; done says there are no more to look at for now.
	QueueNewEvidence(ctx context.Context, limit int) (queued int, done bool, err error)
	DueEvidence(ctx context.Context, now time.Time, limit int) ([]Item, error)
	EvidenceStored(ctx context.Context, id int64, s Stored) error
	EvidenceFailed(ctx context.Context, id int64, f Failure) error
}

// Retry policy.
const (
	// NotFoundAttempts is how many "no such file" answers make a reference
	// unavailable: Twilio may 404 for a moment right after its webhook.
	NotFoundAttempts = 4
	// MaxAttempts gives up on any reference after this many failures.
	MaxAttempts = 12
	// unconfiguredWait is how long a reference waits when no fetcher takes
	// it (the channel's credentials are not set): it is not given up on,
	// as an administrator may still configure them.
	unconfiguredWait = time.Hour
)

// Worker fetches media references into the Store, one at a time (the
// files are small, the machine is shared with the intake).
type Worker struct {
	Queue    Queue
	Store    *Store
	Fetchers []Fetcher
	Log      *slog.Logger
	// Interval between rounds; 5 s when 0. An idle round is two indexed
	// queries.
	Interval time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Backoff is the wait after the n-th failure (n ≥ 1): 30 s doubling, at
// most an hour.
func Backoff(n int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Worker) log() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.Default()
}

const batch = 50

// RunOnce queues new media references and works through the due ones. It
// returns how many files it stored.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	for {
		_, done, err := w.Queue.QueueNewEvidence(ctx, 500)
		if err != nil {
			return 0, err
		}
		if done {
			break
		}
	}
	stored := 0
	for {
		items, err := w.Queue.DueEvidence(ctx, w.now(), batch)
		if err != nil {
			return stored, err
		}
		for _, it := range items {
			ok, err := w.fetchOne(ctx, it)
			if err != nil {
				return stored, err
			}
			if ok {
				stored++
			}
		}
		if len(items) < batch {
			return stored, nil
		}
	}
}

// fetchOne fetches and records one item; err is a failure to record, ok
// whether the file was stored.
func (w *Worker) fetchOne(ctx context.Context, it Item) (ok bool, err error) {
	var f Fetcher
	for _, c := range w.Fetchers {
		if it.Source.URL != "" && c.Handles(it.Source) {
			f = c
			break
		}
	}
	switch {
	case it.Source.URL == "":
		return false, w.failed(ctx, it, errors.New("the media reference is gone"), true)
	case f == nil:
		return false, w.Queue.EvidenceFailed(ctx, it.ID, Failure{
			Error: "no fetcher configured for this channel", Next: w.now().Add(unconfiguredWait)})
	}
	data, ctype, err := f.Fetch(ctx, it.Source)
	if err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		attempts := it.Attempts + 1
		giveUp := errors.Is(err, ErrTooLarge) || errors.Is(err, ErrRefused) || attempts >= MaxAttempts ||
			errors.Is(err, ErrNotFound) && attempts >= NotFoundAttempts
		w.log().Warn("evidence fetch failed", "evidence", it.ID, "case", it.CaseID, "channel", it.Channel,
			"attempt", attempts, "given_up", giveUp, "err", err)
		return false, w.failed(ctx, it, err, giveUp)
	}
	name, sum, err := w.Store.Put(data)
	if err != nil {
		return false, err
	}
	err = w.Queue.EvidenceStored(ctx, it.ID, Stored{
		File: name, ContentType: ctype, Size: int64(len(data)), SHA256: sum,
		SourceHash: w.Store.SourceHash(it.Source.URL), FetchedAt: w.now(),
	})
	if err != nil {
		return false, err
	}
	w.log().Info("evidence stored", "evidence", it.ID, "case", it.CaseID, "channel", it.Channel, "size", len(data))
	return true, nil
}

func (w *Worker) failed(ctx context.Context, it Item, cause error, giveUp bool) error {
	return w.Queue.EvidenceFailed(ctx, it.ID, Failure{
		Error: cause.Error(), GiveUp: giveUp, Next: w.now().Add(Backoff(it.Attempts + 1)),
	})
}

// Run works until ctx ends, a round every Interval. A round that fails
// (the database busy, a disk full) is logged and tried again.
func (w *Worker) Run(ctx context.Context) {
	every := w.Interval
	if every <= 0 {
		every = 5 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := w.RunOnce(ctx); err != nil && ctx.Err() == nil {
			w.log().Error("evidence round failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
