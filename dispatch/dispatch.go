// Package dispatch sends what the outbox holds: replies to the people who
// wrote and notifications to responders. It commits a row as sending before
// it calls a provider, records the provider's id or the error, retries with
// backoff what may succeed later, escalates unacknowledged critical
// hand-offs, and at start-up settles what a crash left in flight.
package dispatch

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"hotline"
	"hotline/handoff"
)

// CodeNoAnswer is the SendError code a Sender uses when the request may
// have reached the provider but no answer came back (a timeout, a reset).
// A notification is retried; a reply to a victim is marked uncertain.
const CodeNoAnswer = "no_answer"

// Config tunes a Dispatcher; zero fields take the defaults.
type Config struct {
	// Senders by channel. A channel without one is not configured: its
	// rows are marked so, visibly, never dropped.
	Senders map[hotline.Channel]hotline.Sender
	// PublicURL is where status callbacks and acknowledgement links point.
	PublicURL string
	// AckKey signs acknowledgement links; AckTTL is how long they work.
	AckKey []byte
	AckTTL time.Duration // default 24h
	// EscalateAfter is how long a critical hand-off may go unacknowledged
	// before it is sent again and widened (default 10 min).
	EscalateAfter time.Duration
	Poll          time.Duration // default 500 ms
	Workers       int           // sends in parallel, default 4
	Backoff       Backoff
	SendTimeout   time.Duration // default 30 s
	Log           *slog.Logger
}

// Store is what the dispatcher needs from storage; *store.DB implements it.
// Only the interface is named here, so the dispatcher works against any
// storage engine that keeps an outbox.
type Store = hotline.OutboxStore

// Dispatcher works the outbox of one store.
type Dispatcher struct {
	db   Store
	cfg  Config
	log  *slog.Logger
	ack  handoff.AckSigner
	kick chan struct{}
}

// New makes a Dispatcher; Run starts it.
func New(db Store, cfg Config) *Dispatcher {
	if cfg.AckTTL <= 0 {
		cfg.AckTTL = 24 * time.Hour
	}
	if cfg.EscalateAfter <= 0 {
		cfg.EscalateAfter = 10 * time.Minute
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 500 * time.Millisecond
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.SendTimeout <= 0 {
		cfg.SendTimeout = 30 * time.Second
	}
	cfg.Backoff = cfg.Backoff.withDefaults()
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Dispatcher{db: db, cfg: cfg, log: cfg.Log, ack: handoff.AckSigner{Key: cfg.AckKey}, kick: make(chan struct{}, 1)}
}

// Kick wakes the dispatcher before its next poll.
func (d *Dispatcher) Kick() {
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// Run settles rows a crash left in flight, then works the outbox until ctx
// ends: one loop queues and escalates hand-off notifications, Workers
// loops each claim and send one row at a time, so a slow provider holds
// only its own rows. Sends already under way are finished (and recorded)
// before Run returns: stopping must not create the very uncertainty a
// crash does.
func (d *Dispatcher) Run(ctx context.Context) error {
	unc, req, err := d.db.RecoverSending(context.WithoutCancel(ctx))
	if err != nil {
		return err
	}
	if unc+req > 0 {
		d.log.Warn("dispatch: rows interrupted by a crash", "replies_uncertain", unc, "notifications_resent", req)
	}
	var wg sync.WaitGroup
	wake := make(chan struct{})
	var mu sync.Mutex
	broadcast := func() {
		mu.Lock()
		close(wake)
		wake = make(chan struct{})
		mu.Unlock()
	}
	waitCh := func() chan struct{} {
		mu.Lock()
		defer mu.Unlock()
		return wake
	}
	for i := 0; i < d.cfg.Workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.worker(ctx, waitCh)
		}()
	}
	t := time.NewTicker(d.cfg.Poll)
	defer t.Stop()
	for {
		if err := d.sweep(context.WithoutCancel(ctx)); err != nil {
			d.log.Error("dispatch sweep failed", "err", err)
		}
		broadcast()
		select {
		case <-ctx.Done():
			wg.Wait()
			return nil
		case <-t.C:
		case <-d.kick:
		}
	}
}

// worker claims and sends one row at a time until ctx ends.
func (d *Dispatcher) worker(ctx context.Context, wake func() chan struct{}) {
	bg := context.WithoutCancel(ctx)
	for ctx.Err() == nil {
		w := wake()
		rows, err := d.db.ClaimOutbox(bg, 1)
		if err != nil {
			d.log.Error("dispatch: claim failed", "err", err)
		}
		if len(rows) == 1 {
			d.send(bg, rows[0])
			continue
		}
		select {
		case <-ctx.Done():
		case <-w:
		}
	}
}

// sweep queues notifications for new hand-offs and escalates overdue ones.
func (d *Dispatcher) sweep(ctx context.Context) error {
	if _, err := d.db.NotifyHandoffs(ctx); err != nil {
		return err
	}
	n, err := d.db.EscalateDue(ctx, d.cfg.EscalateAfter)
	if n > 0 {
		d.log.Warn("dispatch: critical hand-offs escalated", "count", n)
	}
	return err
}

// Round does one pass synchronously (tests and tools): sweep, then claim
// up to Workers due rows and send them, waiting for every send.
func (d *Dispatcher) Round(ctx context.Context) error {
	bg := context.WithoutCancel(ctx)
	if err := d.sweep(bg); err != nil {
		return err
	}
	rows, err := d.db.ClaimOutbox(bg, d.cfg.Workers)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	for _, r := range rows {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.send(bg, r)
		}()
	}
	wg.Wait()
	return nil
}

// send delivers one claimed row and records the outcome. It runs on a
// context that ignores shutdown, bounded by SendTimeout.
func (d *Dispatcher) send(ctx context.Context, r hotline.OutboxRow) {
	ctx, cancel := context.WithTimeout(ctx, d.cfg.SendTimeout)
	defer cancel()
	if r.Channel == hotline.SMS || r.Channel == hotline.WhatsApp {
		r.StatusCallback = d.cfg.PublicURL + "/webhooks/twilio/status"
	}
	if r.Kind == hotline.OutboundNotification {
		if err := d.compose(ctx, &r); err != nil {
			d.retry(ctx, r, err)
			return
		}
	}
	s := d.cfg.Senders[r.Channel]
	if s == nil {
		d.record(ctx, "not configured", d.db.MarkFailed(ctx, r, hotline.OutboxNotConfigured, hotline.ErrNotConfigured.Error(), false))
		return
	}
	if r.DNCOverride != "" {
		// Ids only: the reason is in the audit trail, not in logs.
		d.log.Warn("dispatch: reply to a do-not-contact contact under a staff override", "outbox", r.ID, "case", r.CaseID)
	}
	id, err := s.Send(ctx, r.Outbound)
	switch {
	case err == nil:
		d.record(ctx, "sent", d.db.MarkSent(ctx, r, id))
	case errors.Is(err, hotline.ErrNotConfigured):
		d.record(ctx, "not configured", d.db.MarkFailed(ctx, r, hotline.OutboxNotConfigured, err.Error(), false))
	default:
		var se *hotline.SendError
		if errors.As(err, &se) && se.Unreachable {
			d.record(ctx, "unreachable", d.db.MarkFailed(ctx, r, hotline.OutboxFailed, err.Error(), true))
			return
		}
		if r.Kind == hotline.OutboundReply && se != nil && se.Code == CodeNoAnswer {
			// The provider may have the message: a victim is not texted twice.
			d.record(ctx, "uncertain", d.db.MarkFailed(ctx, r, hotline.OutboxUncertain, err.Error(), false))
			return
		}
		if hotline.IsRetryable(err) {
			d.retry(ctx, r, err)
			return
		}
		d.record(ctx, "failed", d.db.MarkFailed(ctx, r, hotline.OutboxFailed, err.Error(), false))
	}
}

// retry schedules another attempt, or gives up visibly after the last.
func (d *Dispatcher) retry(ctx context.Context, r hotline.OutboxRow, err error) {
	var hint time.Duration
	var se *hotline.SendError
	if errors.As(err, &se) {
		hint = se.RetryAfter
	}
	next, ok := d.cfg.Backoff.Next(r.Attempts, hint)
	if !ok {
		d.record(ctx, "failed after retries", d.db.MarkFailed(ctx, r, hotline.OutboxFailed, err.Error(), false))
		return
	}
	d.record(ctx, "retry", d.db.MarkRetry(ctx, r, err.Error(), time.Now().Add(next)))
}

// record logs the outcome; only ids, never bodies or addresses.
func (d *Dispatcher) record(_ context.Context, what string, err error) {
	if err != nil {
		d.log.Error("dispatch: recording an outcome failed", "outcome", what, "err", err)
	}
}
