package store

import (
	"cmp"
	"database/sql"
	"fmt"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"
)

// Checkpoint defaults. SQLite's own automatic checkpoint runs inside the
// COMMIT of whichever connection crosses the threshold, i.e. on the writer,
// while every webhook of the next batch waits; here the writer never
// checkpoints and a goroutine with its own connection does it instead.
const (
	// defaultCheckpointEvery is short on purpose. A checkpoint copies every
	// page changed since the last one into the database file and fsyncs it,
	// and the WAL's own fsync at every commit waits behind that flush. Random
	// keys (Twilio's MessageSids in their unique index) touch a different
	// page per message once the database is large, so a checkpoint a second
	// flushed megabytes at once: at 1,000 webhooks/s with 400,000 messages
	// stored, p99 was ~30 ms at one second, 12-34 ms at 200 ms and 7-9 ms at
	// 50 ms, with no loss of throughput at full load (README, Performance).
	// An idle checkpoint finds nothing to copy and costs a few microseconds.
	defaultCheckpointEvery = 50 * time.Millisecond
	// checkpointCommits wakes the checkpointer early after this many
	// commits, so that a burst does not wait for the tick.
	checkpointCommits = 512
	// defaultRestartFrames is the WAL length (frames of one page) past which
	// a passive checkpoint is followed by a RESTART one. An idle writer
	// starts again at the top of a fully checkpointed WAL by itself, but
	// under load some reader always holds a snapshot in the WAL and the
	// file would grow without end; RESTART waits for those readers (new
	// ones read the database file) and makes the writer start over.
	defaultRestartFrames = 8192
	// maxRestartWait bounds how long a RESTART checkpoint waits for
	// readers to leave the WAL while the writer is paused for it (at most a
	// tenth of the interval). SQLite's busy handler looks again after 1, 3,
	// 8 and 18 ms, so the usual pause is 1-3 ms; the bound is for a reader
	// that the Go scheduler left holding its snapshot.
	maxRestartWait = 20 * time.Millisecond
	// walSizeLimit caps the WAL file kept on disk after it restarts. It is
	// not truncated to zero: rewriting allocated blocks is cheaper for the
	// file system than growing the file again at every commit.
	walSizeLimit = 64 << 20
)

// checkpointer copies committed pages from the WAL into the database file,
// off the writer's path.
type checkpointer struct {
	db            *sql.DB
	every         time.Duration
	restartFrames int
	retry         *time.Timer // a failed RESTART is tried again soon, once
	retrying      bool
	kick          chan struct{}
	// pause hands the writer a channel to wait on until a RESTART is done;
	// see loop.
	pause     chan chan struct{}
	stop      chan struct{}
	stopped   chan struct{}
	runs      atomic.Uint64 // checkpoints attempted
	restarts  atomic.Uint64 // RESTART checkpoints attempted
	restarted atomic.Uint64 // RESTART checkpoints that got every reader off the WAL
	lastErr   atomic.Pointer[error]
}

func openCheckpointer(path string, opts Options) (*checkpointer, error) {
	every := cmp.Or(opts.checkpointEvery, defaultCheckpointEvery)
	wait := cmp.Or(opts.restartWait, min(maxRestartWait, every/10))
	cdb, err := sql.Open("sqlite3", dsn(path, url.Values{
		"_synchronous": {"FULL"},
		// Only RESTART uses the busy handler (PASSIVE never waits).
		"_busy_timeout": {strconv.FormatInt(wait.Milliseconds(), 10)},
	}))
	if err != nil {
		return nil, fmt.Errorf("store: open %s for checkpoints: %w", path, err)
	}
	cdb.SetMaxOpenConns(1)
	cdb.SetMaxIdleConns(1)
	cdb.SetConnMaxLifetime(0)
	cdb.SetConnMaxIdleTime(0)
	if err := cdb.Ping(); err != nil {
		cdb.Close()
		return nil, fmt.Errorf("store: open %s for checkpoints: %w", path, err)
	}
	c := &checkpointer{
		db:            cdb,
		every:         every,
		restartFrames: cmp.Or(opts.restartFrames, defaultRestartFrames),
		retry:         time.NewTimer(time.Hour),
		kick:          make(chan struct{}, 1),
		pause:         make(chan chan struct{}),
		stop:          make(chan struct{}),
		stopped:       make(chan struct{}),
	}
	go c.run()
	return c, nil
}

// nudge asks for a checkpoint soon; it never blocks the writer.
func (c *checkpointer) nudge() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer close(c.stopped)
	t := time.NewTicker(c.every)
	defer t.Stop()
	c.retry.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		case <-c.kick:
		case <-c.retry.C:
		}
		c.checkpoint()
	}
}

// checkpoint runs a PASSIVE checkpoint, which never waits for and never
// blocks the writer or readers, and a RESTART one when the WAL has grown
// past restartFrames anyway.
func (c *checkpointer) checkpoint() {
	c.runs.Add(1)
	var busy, log, copied int
	err := c.db.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &copied)
	if err != nil || log < c.restartFrames {
		c.retrying = false
		c.fail(err)
		return
	}
	c.restarts.Add(1)
	// RESTART needs the write lock, and a busy writer takes it again the
	// moment it lets go: without a pause it would almost never get it. The
	// writer waits between two batches (a few ms: the PASSIVE run above
	// left little to copy) instead of every webhook waiting behind a WAL
	// that grows without end.
	done := make(chan struct{})
	select {
	case c.pause <- done:
	case <-c.stop:
		return
	}
	err = c.db.QueryRow(`PRAGMA wal_checkpoint(RESTART)`).Scan(&busy, &log, &copied)
	close(done)
	switch {
	case err != nil:
		c.fail(err)
	case busy == 0:
		c.restarted.Add(1)
		c.retrying = false
	case !c.retrying:
		// A reader stayed longer than the wait: try again soon, once,
		// then at the usual pace.
		c.retrying = true
		c.retry.Reset(c.every / 5)
	default:
		c.retrying = false
	}
}

func (c *checkpointer) fail(err error) {
	if err != nil {
		c.lastErr.Store(&err)
	}
}

// close stops the goroutine and closes its connection.
func (c *checkpointer) close() error {
	close(c.stop)
	<-c.stopped
	return c.db.Close()
}
