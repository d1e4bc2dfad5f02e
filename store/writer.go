package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/mattn/go-sqlite3"
)

// unit is one piece of work for the writer. It runs inside a transaction it
// shares with other units and must not use a caller's context for its
// statements: cancelling one would interrupt the shared connection and roll
// back everyone's work.
type unit func(tx *sql.Tx) error

// job states: a job is taken by the writer or abandoned by its caller, never
// both, so a caller that gives up knows its unit will not run.
const (
	jobPending int32 = iota
	jobTaken
	jobAbandoned
)

type job struct {
	fn    unit
	state atomic.Int32
	done  chan error // buffered: the writer never waits for the caller
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
	j := &job{fn: fn, done: make(chan error, 1)}
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

// run is the writer goroutine. It blocks for one job, then takes whatever
// else is already waiting: while one batch is being fsync'd, the next one
// fills up by itself, so batches grow exactly when load does.
func (db *DB) run() {
	defer close(db.stopped)
	max := db.opts.MaxBatch
	if !db.opts.GroupCommit {
		max = 1
	}
	batch := make([]*job, 0, max)
	for {
		j, ok := <-db.jobs
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
		db.commit(batch)
	}
}

// commit runs a batch in one transaction, each unit inside its own
// savepoint so that a failing unit is undone alone, and answers every unit
// only after COMMIT.
func (db *DB) commit(batch []*job) {
	taken := batch[:0:0]
	for _, j := range batch {
		if j.state.CompareAndSwap(jobPending, jobTaken) {
			taken = append(taken, j)
		}
	}
	if len(taken) == 0 {
		return
	}
	errs := make([]error, len(taken))
	tx, err := db.wdb.Begin()
	if err != nil {
		answerAll(taken, fmt.Errorf("store: begin: %w", err))
		return
	}
	for i, j := range taken {
		if _, err := tx.Exec(`SAVEPOINT unit`); err != nil {
			errs[i] = fmt.Errorf("store: savepoint: %w", err)
			continue
		}
		db.jobsRun.Add(1)
		if err := runUnit(j.fn, tx); err != nil {
			errs[i] = err
			if _, rerr := tx.Exec(`ROLLBACK TO unit`); rerr != nil {
				// The transaction can no longer be trusted to hold only
				// the good units: fail the whole batch.
				tx.Rollback()
				answerAll(taken, fmt.Errorf("store: rollback to savepoint: %w", rerr))
				return
			}
		}
		if _, err := tx.Exec(`RELEASE unit`); err != nil {
			tx.Rollback()
			answerAll(taken, fmt.Errorf("store: release savepoint: %w", err))
			return
		}
	}
	if err := tx.Commit(); err != nil {
		answerAll(taken, fmt.Errorf("store: commit: %w", err))
		return
	}
	db.commits.Add(1)
	for i, j := range taken {
		j.done <- errs[i]
	}
}

// runUnit keeps a panicking unit from taking the writer (and every waiting
// webhook) down with it.
func runUnit(fn unit, tx *sql.Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("store: unit panicked: %v", r)
		}
	}()
	return fn(tx)
}

func answerAll(jobs []*job, err error) {
	for _, j := range jobs {
		j.done <- err
	}
}

// isUnique reports whether err is a UNIQUE constraint violation.
func isUnique(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique
}
