// Package store is the SQLite implementation of Hotline's service interfaces
// (hotline.IntakeStore, hotline.CaseStore, hotline.UserStore).
//
// Every write goes through one writer goroutine that owns the only write
// connection and commits many units of work in one transaction (group
// commit), so that concurrent webhooks share one fsync while each of them
// still answers only after its own message is durable. Reads use a separate
// pool of query-only connections and never wait for the writer.
package store

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
	"github.com/pressly/goose/v3"

	"hotline"
	"hotline/internal/seal"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Options tune a DB. The zero value is not useful; start from DefaultOptions.
type Options struct {
	// GroupCommit lets one transaction carry many units of work. Off, every
	// unit gets its own transaction and fsync: the baseline the load test
	// compares against.
	GroupCommit bool
	// MaxBatch caps the units in one transaction, so that one slow batch
	// cannot hold every waiting webhook.
	MaxBatch int
	// Now is the clock used for timestamps; tests replace it.
	Now func() time.Time
	// Keys seal personal data at rest (store/sealed.go). Required: a
	// database is bound to its key file on first open and refuses others.
	Keys *seal.Keyring

	// Checkpointer tuning for tests; zero means the defaults in checkpoint.go.
	checkpointEvery   time.Duration
	checkpointCommits uint64
	restartFrames     int
	restartWait       time.Duration
	walSizeLimit      int64
	lingerFor         time.Duration // see writer.go; tests lengthen it
	// verifyIntakeCache makes the writer check every use of its intake
	// cache against the database (intake_cache.go); the store's tests set it.
	verifyIntakeCache bool
}

// DefaultOptions returns group commit on, batches of up to 256, the wall clock.
func DefaultOptions() Options {
	return Options{GroupCommit: true, MaxBatch: 256, Now: time.Now}
}

// Stats counts the writer's work since Open. Jobs/Commits is the average
// batch size.
type Stats struct {
	Commits uint64 // transactions committed
	Jobs    uint64 // units of work committed in them (failed ones included)
	// Reruns counts batches whose straight run met a failing unit and
	// that ran again, each unit in its own savepoint.
	Reruns uint64
	// IntakeCacheHits counts messages whose contact and open case came
	// from the writer's intake cache instead of two reads (intake_cache.go).
	IntakeCacheHits uint64
}

// DB is a Hotline database in one SQLite file.
type DB struct {
	opts Options
	sl   sealer
	wdb  *sql.DB // the write connection, held by the writer goroutine
	rdb  *sql.DB // read pool
	ckpt *checkpointer
	// recent decides whether intake looks for a stored copy of a message
	// before writing it (recent_ids.go).
	recent *recentIDs

	mu      sync.RWMutex // guards closed against sends on jobs
	closed  bool
	jobs    chan *job
	stopped chan struct{}

	commits atomic.Uint64
	jobsRun atomic.Uint64
	reruns  atomic.Uint64 // batches run again carefully (writer.go commit)
	hits    atomic.Uint64 // intake cache hits (intake_cache.go)
	metrics commitMetrics // metrics.go
}

var (
	_ hotline.IntakeStore = (*DB)(nil)
	_ hotline.CaseStore   = (*DB)(nil)
	_ hotline.UserStore   = (*DB)(nil)
)

// errClosed is returned for work handed to a DB after Close.
var errClosed = errors.New("store: database is closed")

// readPoolSize is small: SQLite readers are cheap, and the machine is too.
const readPoolSize = 4

// Open opens (creating if needed) the database at path, brings its schema up
// to date and starts the writer.
func Open(path string, opts Options) (*DB, error) {
	if opts.Keys == nil {
		return nil, errors.New("store: no key file: Options.Keys is required (personal data is sealed at rest)")
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = DefaultOptions().MaxBatch
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	wdb, err := sql.Open("sqlite3", dsn(path, url.Values{
		"_journal_mode": {"WAL"},
		"_synchronous":  {"FULL"},
		"_foreign_keys": {"on"},
		"_busy_timeout": {"10000"},
		// Freed space is zeroed: a redacted or re-sealed value must not
		// live on in a free page of the file.
		"_secure_delete": {"on"},
		// Migrations run through database/sql; the writer prepares its
		// own statements (writeTx).
		"_stmt_cache_size": {"16"},
		// Only the writer goroutine uses this connection (migrations
		// before it, one at a time), so SQLite's per-connection mutex,
		// taken on every API call, guards nothing.
		"_mutex": {"no"},
	}))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	// One connection, never recycled: the pragmas above are per connection,
	// and the writer must be the only one that writes.
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	wdb.SetConnMaxIdleTime(0)
	if err := migrate(wdb, opts.Keys); err != nil {
		wdb.Close()
		return nil, err
	}
	// The sealing migration rewrote plain rows of an older database; their
	// old page images must not stay behind in the WAL.
	if _, err := wdb.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		wdb.Close()
		return nil, fmt.Errorf("store: checkpoint after migrating: %w", err)
	}
	// The writer takes the one connection for good. It never checkpoints
	// (the checkpointer does, off the commit path) and keeps a WAL file of
	// bounded size once the WAL restarts.
	wconn, err := wdb.Conn(context.Background())
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	for _, pragma := range []string{
		// Each unit's savepoint journals the pages it touches; on disk that
		// was a write() per page per unit. The journal only ever undoes a
		// unit inside a live transaction, so memory loses nothing a crash
		// would not lose anyway (the uncommitted transaction).
		`PRAGMA temp_store = MEMORY`,
		`PRAGMA wal_autocheckpoint = 0`,
		fmt.Sprintf(`PRAGMA journal_size_limit = %d`, cmp.Or(opts.walSizeLimit, walSizeLimit)),
	} {
		if _, err := wconn.ExecContext(context.Background(), pragma); err != nil {
			wconn.Close()
			wdb.Close()
			return nil, fmt.Errorf("store: %s: %w", pragma, err)
		}
	}
	rdb, err := sql.Open("sqlite3", dsn(path, url.Values{
		"_foreign_keys":    {"on"},
		"_busy_timeout":    {"10000"},
		"_query_only":      {"true"},
		"_stmt_cache_size": {"64"},
	}))
	if err != nil {
		wconn.Close()
		wdb.Close()
		return nil, fmt.Errorf("store: open %s for reading: %w", path, err)
	}
	rdb.SetMaxOpenConns(readPoolSize)
	rdb.SetMaxIdleConns(readPoolSize)
	if err := rdb.Ping(); err != nil {
		wconn.Close()
		wdb.Close()
		rdb.Close()
		return nil, fmt.Errorf("store: open %s for reading: %w", path, err)
	}
	recent := newRecentIDs(recentIDsPerGeneration, recentIDsGeneration, opts.Now)
	if err := seedRecentIDs(context.Background(), rdb, recent, opts.Now().Add(-recentIDsSeedWindow)); err != nil {
		wconn.Close()
		wdb.Close()
		rdb.Close()
		return nil, fmt.Errorf("store: recent message ids: %w", err)
	}
	ckpt, err := openCheckpointer(path, opts)
	if err != nil {
		wconn.Close()
		wdb.Close()
		rdb.Close()
		return nil, err
	}
	db := &DB{
		opts:    opts,
		sl:      sealer{opts.Keys},
		wdb:     wdb,
		rdb:     rdb,
		ckpt:    ckpt,
		recent:  recent,
		jobs:    make(chan *job, opts.MaxBatch),
		stopped: make(chan struct{}),
	}
	go db.run(wconn)
	return db, nil
}

// dsn builds a file: URI so that paths with '?' or '#' survive and the
// driver applies the underscore parameters on every new connection.
func dsn(path string, params url.Values) string {
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath(), RawQuery: params.Encode()}
	return u.String()
}

func migrate(db *sql.DB, keys *seal.Keyring) error {
	// A database already bound to another key file is refused before any
	// migration touches it; one that is not bound yet is bound by the
	// sealing migration (00061).
	ctx := context.Background()
	if _, err := checkKey(ctx, db, keys); err != nil {
		return err
	}
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	// Migrations are numbered in ranges that features claim as they are
	// written, so a database may meet a lower-numbered migration after a
	// higher one; each migration stands alone, so applying it late is safe.
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys,
		goose.WithGoMigrations(auditChainMigration(), entitiesBackfillMigration(keys), sealMigration(keys)), goose.WithAllowOutofOrder(true))
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	if found, err := checkKey(ctx, db, keys); err != nil || !found {
		return cmp.Or(err, errors.New("store: the database records no key file after migrating"))
	}
	return nil
}

// Close stops accepting work, lets the writer commit what it already holds,
// and closes both connections.
func (db *DB) Close() error {
	db.mu.Lock()
	if db.closed {
		db.mu.Unlock()
		return nil
	}
	db.closed = true
	close(db.jobs)
	db.mu.Unlock()
	<-db.stopped
	// Readers and checkpointer first: the last connection to close
	// checkpoints the WAL and removes it, and that should be the writer's.
	cerr := db.ckpt.close()
	rerr := db.rdb.Close()
	werr := db.wdb.Close()
	return errors.Join(cerr, rerr, werr)
}

// committed is called by the writer after each commit.
func (db *DB) committed() {
	if db.commits.Load()%cmp.Or(db.opts.checkpointCommits, checkpointCommits) == 0 {
		db.ckpt.nudge()
	}
}

// Ping runs a real query on the read pool, for /healthz.
func (db *DB) Ping(ctx context.Context) error {
	var n int
	return db.rdb.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
}

// Stats reports the writer's counters.
func (db *DB) Stats() Stats {
	return Stats{Commits: db.commits.Load(), Jobs: db.jobsRun.Load(), Reruns: db.reruns.Load(), IntakeCacheHits: db.hits.Load()}
}

func (db *DB) now() time.Time { return db.opts.Now() }
