package store

import (
	"database/sql"
	"fmt"
	"net/url"
	"sync/atomic"
	"time"
)

// Checkpoint defaults. SQLite's own automatic checkpoint runs inside the
// COMMIT of whichever connection crosses the threshold, i.e. on the writer,
// while every webhook of the next batch waits; here the writer never
// checkpoints and a goroutine with its own connection does it instead.
const (
	defaultCheckpointEvery = time.Second
	// checkpointCommits wakes the checkpointer early after this many
	// commits, so that a burst does not wait for the tick.
	checkpointCommits = 512
	// defaultRestartFrames is the WAL length (frames of one page) past which
	// a passive checkpoint is followed by a RESTART one: normally the writer
	// starts again at the top of a fully checkpointed WAL by itself, but a
	// reader that always holds an old snapshot can prevent that.
	defaultRestartFrames = 16384
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
	kick          chan struct{}
	stop          chan struct{}
	stopped       chan struct{}
	runs          atomic.Uint64 // checkpoints attempted
	restarts      atomic.Uint64 // RESTART checkpoints attempted
	lastErr       atomic.Pointer[error]
}

func openCheckpointer(path string, every time.Duration, restartFrames int) (*checkpointer, error) {
	if every <= 0 {
		every = defaultCheckpointEvery
	}
	if restartFrames <= 0 {
		restartFrames = defaultRestartFrames
	}
	cdb, err := sql.Open("sqlite3", dsn(path, url.Values{
		"_synchronous": {"FULL"},
		// No busy handler: a RESTART checkpoint would wait for readers
		// while holding the write lock, and a reader that stays long (or
		// one after the other) would starve the writer. It gives up at
		// once and tries again at the next tick instead.
		"_busy_timeout": {"0"},
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
		restartFrames: restartFrames,
		kick:          make(chan struct{}, 1),
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
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		case <-c.kick:
		}
		c.checkpoint()
	}
}

// checkpoint runs a PASSIVE checkpoint, which never waits for and never
// blocks the writer or readers, and a RESTART one when the WAL has grown
// past restartFrames anyway.
func (c *checkpointer) checkpoint() {
	c.runs.Add(1)
	var busy, log, done int
	err := c.db.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &done)
	if err == nil && log >= c.restartFrames {
		c.restarts.Add(1)
		// SQLITE_BUSY here (busy=1) only means "try again next time".
		err = c.db.QueryRow(`PRAGMA wal_checkpoint(RESTART)`).Scan(&busy, &log, &done)
	}
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
