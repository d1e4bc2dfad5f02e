package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"
)

// unit is one piece of work for the writer. It runs inside a transaction it
// shares with other units. Its statements take no context on purpose: a
// caller's cancellation would interrupt the shared connection and roll back
// everyone's work.
type unit func(tx *writeTx) error

// job states: a job is taken by the writer or abandoned by its caller, never
// both, so a caller that gives up knows its unit will not run.
const (
	jobPending int32 = iota
	jobTaken
	jobAbandoned
)

type job struct {
	fn unit
	// rerunnable: fn's only effects outside its transaction are its
	// results, so the writer may roll it back with its batch and run it
	// again (see commit).
	rerunnable bool
	// intake: fn is intake's, which keeps the writer's intake cache true
	// (intake_cache.go); after any other unit the cache is dropped.
	intake bool
	state  atomic.Int32
	done   chan error // buffered: the writer never waits for the caller
}

// write hands fn to the writer and waits until the transaction that ran it
// has committed (nil) or failed. fn's side effects on the caller's variables
// may be read only when write returns nil.
//
// A context cancelled before the writer took the unit returns ctx.Err() and
// the unit never runs; once taken, write waits for the batch's outcome, so a
// caller never believes in a commit that did not happen (or misses one that
// did).
func (db *DB) write(ctx context.Context, fn unit) error {
	return db.submit(ctx, &job{fn: fn, done: make(chan error, 1)})
}

// writeRerunnable is write for a unit that the writer may run more than
// once: its only effects outside the transaction are assignments of its
// results, and whatever it calls back is safe to call again (the last
// run's answers are the ones that stand). Batches of such units run
// without a savepoint per unit (see commit). Intake's units are written
// this way because they are nearly all the writer does.
func (db *DB) writeRerunnable(ctx context.Context, fn unit) error {
	return db.submit(ctx, &job{fn: fn, rerunnable: true, done: make(chan error, 1)})
}

// writeIntake is writeRerunnable for intake's unit, the one unit that may
// use and must keep up the writer's intake cache.
func (db *DB) writeIntake(ctx context.Context, fn unit) error {
	return db.submit(ctx, &job{fn: fn, rerunnable: true, intake: true, done: make(chan error, 1)})
}

func (db *DB) submit(ctx context.Context, j *job) error {
	db.mu.RLock()
	if db.closed {
		db.mu.RUnlock()
		return errClosed
	}
	select {
	case db.jobs <- j:
		db.mu.RUnlock()
	case <-ctx.Done():
		db.mu.RUnlock()
		return ctx.Err()
	}
	select {
	case err := <-j.done:
		return err
	case <-ctx.Done():
		if j.state.CompareAndSwap(jobPending, jobAbandoned) {
			return ctx.Err()
		}
		return <-j.done
	}
}

// run is the writer goroutine. It owns the write connection below
// database/sql for as long as the DB is open (see writeTx).
func (db *DB) run(conn *sql.Conn) {
	defer close(db.stopped)
	err := conn.Raw(func(dc any) error {
		sc, ok := dc.(*sqlite3.SQLiteConn)
		if !ok {
			return fmt.Errorf("store: write connection is a %T, not SQLite", dc)
		}
		w := newWriteTx(sc, db.sl)
		w.verifyIntake, w.intake.hits = db.opts.verifyIntakeCache, &db.hits
		defer w.close()
		db.loop(w)
		return nil
	})
	if err != nil {
		// The loop never ran: fail every unit until Close.
		for j := range db.jobs {
			if j.state.CompareAndSwap(jobPending, jobTaken) {
				j.done <- err
			}
		}
	}
	conn.Close()
}

// loop blocks for one job, then takes whatever else is already waiting:
// while one batch is being fsync'd, the next one fills up by itself, so
// batches grow exactly when load does. Under load it waits a little for
// more (lingerFor).
func (db *DB) loop(w *writeTx) {
	max := db.opts.MaxBatch
	if !db.opts.GroupCommit {
		max = 1
	}
	linger := cmp.Or(db.opts.lingerFor, lingerFor)
	batch := make([]*job, 0, max)
	errs := make([]error, 0, max)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		var j *job
		var ok bool
		select {
		case j, ok = <-db.jobs:
		case done := <-db.ckpt.pause:
			// Between two transactions: the checkpointer restarts the WAL.
			<-done
			continue
		}
		if !ok {
			return
		}
		batch = append(batch[:0], j)
	fill:
		for len(batch) < max {
			select {
			case j, ok := <-db.jobs:
				if !ok {
					break fill
				}
				batch = append(batch, j)
			default:
				break fill
			}
		}
		if len(batch) >= lingerFrom && len(batch) < max {
			batch = db.linger(batch, max, timer, linger)
		}
		db.commit(w, batch, errs)
		clear(batch) // let answered jobs be collected
	}
}

// A batch that already holds lingerFrom units waits up to lingerFor for
// more before it commits. Such a batch means webhooks arrive faster than
// the writer commits them, and every commit has a cost of its own that its
// units share (BEGIN and COMMIT, the pages every unit appends to, the
// fsync). In alternating load runs (60,000 webhooks, 128 in flight) the
// mean batch grew from 32-34 units to 35-37 and throughput from
// 11,300-11,400 to 13,000-13,300 a second. A lone message (real traffic,
// or 1,000 a second) never waits.
const (
	lingerFrom = 8
	lingerFor  = 300 * time.Microsecond
)

// linger adds to batch what arrives within d, up to max units.
func (db *DB) linger(batch []*job, max int, timer *time.Timer, d time.Duration) []*job {
	timer.Reset(d)
	defer timer.Stop()
	for len(batch) < max {
		select {
		case j, ok := <-db.jobs:
			if !ok {
				return batch
			}
			batch = append(batch, j)
		case <-timer.C:
			return batch
		}
	}
	return batch
}

// commit runs a batch in one transaction and answers every unit only after
// COMMIT. A unit that fails must be undone alone, without its batch.
//
// A batch of rerunnable units first runs straight through. Most batches
// have no failing unit, and a savepoint per unit is not free: SQLite copies
// every page a unit touches into the savepoint's journal before changing
// it. Only if a unit fails is the transaction rolled back and the batch run
// again carefully, each unit in its own savepoint (runCarefully). A batch
// of one needs no savepoint either: its transaction is its unit.
func (db *DB) commit(w *writeTx, batch []*job, errs []error) {
	taken := batch[:0]
	for _, j := range batch {
		if j.state.CompareAndSwap(jobPending, jobTaken) {
			taken = append(taken, j)
		}
	}
	if len(taken) == 0 {
		return
	}
	errs = errs[:len(taken)]
	clear(errs)
	began := time.Now()
	if err := w.begin(); err != nil {
		answerAll(taken, err)
		return
	}
	straight := len(taken) == 1 || !slices.ContainsFunc(taken, func(j *job) bool { return !j.rerunnable })
	if straight {
		failed := false
		for i, j := range taken {
			if errs[i] = runJob(j, w); errs[i] != nil {
				failed = true
				break
			}
		}
		switch {
		case failed && len(taken) == 1:
			w.rollback()
			answerAll(taken, errs[0])
			return
		case failed:
			db.reruns.Add(1)
			w.rollback()
			clear(errs)
			if err := w.begin(); err != nil {
				answerAll(taken, err)
				return
			}
			if !db.runCarefully(w, taken, errs) {
				return
			}
		}
	} else if !db.runCarefully(w, taken, errs) {
		return
	}
	if _, err := w.Exec(`COMMIT`); err != nil {
		// SQLite may leave the transaction open after a failed COMMIT.
		w.rollback()
		answerAll(taken, fmt.Errorf("store: commit: %w", err))
		return
	}
	db.commits.Add(1)
	db.jobsRun.Add(uint64(len(taken)))
	db.observeCommit(len(taken), time.Since(began))
	for i, j := range taken {
		j.done <- errs[i]
	}
	db.committed()
}

// begin opens the batch's transaction, or rolls back and says why not.
func (w *writeTx) begin() error {
	if _, err := w.Exec(`BEGIN IMMEDIATE`); err != nil {
		w.rollback()
		return fmt.Errorf("store: begin: %w", err)
	}
	if err := w.checkDataVersion(); err != nil {
		w.rollback()
		return err
	}
	return nil
}

// runCarefully runs each unit of an open transaction inside its own
// savepoint, so that a failing unit is undone alone and its error kept in
// errs. It reports false, having rolled back and answered everyone, when
// the transaction itself can no longer be trusted.
func (db *DB) runCarefully(w *writeTx, taken []*job, errs []error) bool {
	for i, j := range taken {
		if _, err := w.Exec(`SAVEPOINT unit`); err != nil {
			errs[i] = fmt.Errorf("store: savepoint: %w", err)
			continue
		}
		w.saved = w.head
		if err := runJob(j, w); err != nil {
			errs[i] = err
			w.head = w.saved // the unit's audit events are undone with it
			w.intake.forget()
			if _, rerr := w.Exec(`ROLLBACK TO unit`); rerr != nil {
				// The transaction can no longer be trusted to hold only
				// the good units: fail the whole batch.
				w.rollback()
				answerAll(taken, fmt.Errorf("store: rollback to savepoint: %w", rerr))
				return false
			}
		}
		if _, err := w.Exec(`RELEASE unit`); err != nil {
			w.rollback()
			answerAll(taken, fmt.Errorf("store: release savepoint: %w", err))
			return false
		}
	}
	return true
}

// checkDataVersion forgets what the writer keeps of the database (the
// audit chain's head, the intake cache) when another connection has
// committed since the writer last looked; it runs inside the batch's
// transaction, which holds the write lock, so nobody else can commit until
// it ends.
func (w *writeTx) checkDataVersion() error {
	var v int64
	if err := w.QueryRow(`PRAGMA data_version`).Scan(&v); err != nil {
		return fmt.Errorf("store: data version: %w", err)
	}
	if v != w.dataVersion {
		w.head = auditHead{}
		w.intake.forget()
		w.dataVersion = v
	}
	return nil
}

// rollback ends the transaction, if one is still open, after a failure.
// What the writer keeps of the database is forgotten with it.
func (w *writeTx) rollback() {
	w.head = auditHead{}
	w.intake.forget()
	if !w.conn.AutoCommit() {
		w.Exec(`ROLLBACK`)
	}
}

// runJob runs j's unit. A unit that is not intake's may have changed any
// contact or case, so the intake cache is dropped after it.
func runJob(j *job, w *writeTx) error {
	err := runUnit(j.fn, w)
	if !j.intake {
		w.intake.forget()
	}
	return err
}

// runUnit keeps a panicking unit from taking the writer (and every waiting
// webhook) down with it.
func runUnit(fn unit, w *writeTx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("store: unit panicked: %v", r)
		}
	}()
	return fn(w)
}

func answerAll(jobs []*job, err error) {
	for _, j := range jobs {
		j.done <- err
	}
}

// isUnique reports whether err is a UNIQUE constraint violation.
func isUnique(err error) bool {
	if err == nil {
		return false // (errors.As would allocate its target all the same)
	}
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique
}
