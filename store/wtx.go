package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/mattn/go-sqlite3"
)

// writeTx is what a unit of work gets: the writer's own SQLite connection,
// inside the batch's transaction and the unit's savepoint.
//
// It talks to the driver directly instead of through database/sql. A
// *sql.Tx hands every query a cancellable context, so database/sql and the
// driver start a goroutine (or a context callback) per query to watch it, and
// the writer spent more time waking those than running SQL. Here every
// statement is prepared once, on first use, and kept (up to maxStmts) for the life of the
// connection; statements run with no context at all, which is also what a
// unit must do (see unit).
type writeTx struct {
	sl    sealer
	conn  *sqlite3.SQLiteConn
	stmts map[string]*sqlite3.SQLiteStmt
	args  []driver.NamedValue // scratch, reused by every statement
	vals  []driver.Value      // scratch for QueryRow's row
	row   writeRow            // QueryRow's answer, valid until the next statement
	memo  map[string]any      // see decodeList
	// trace, when set (by a test, from inside a unit), sees every
	// statement the writer runs.
	trace func(query string)
	// head is the audit chain's last event (insertAuditChained); saved is
	// what it was when the running unit's savepoint began, and
	// dataVersion tells whether another connection committed meanwhile.
	head, saved auditHead
	dataVersion int64
	caseUpdates map[uint16]string // see caseUpdateSQL
	// intake is what intake units keep of the people who wrote lately
	// (intake_cache.go); verifyIntake checks every use against the database.
	intake       intakeCache
	verifyIntake bool
}

func newWriteTx(conn *sqlite3.SQLiteConn, sl sealer) *writeTx {
	return &writeTx{sl: sl, conn: conn, stmts: make(map[string]*sqlite3.SQLiteStmt), memo: make(map[string]any)}
}

// maxMemo bounds the decoded lists the writer keeps.
const maxMemo = 1024

// remember keeps list as the decoding of text. list must not be changed
// afterwards; it is clipped so that appending to it copies.
func remember[T any](w *writeTx, text string, list []T) {
	if len(w.memo) >= maxMemo {
		clear(w.memo)
	}
	w.memo[text] = slices.Clip(list)
}

// decodeList decodes a JSON array column, remembering the result by its
// text: every message to a case reads the case's reasons back, and decoding
// them was the writer's largest cost once cases had a few messages. The text
// is the key, so a row changed elsewhere or a unit rolled back can only miss,
// never return another value. The result is shared: do not modify it.
func decodeList[T any](w *writeTx, text string) ([]T, error) {
	if text == "[]" || text == "" {
		return nil, nil
	}
	if v, ok := w.memo[text].([]T); ok {
		return v, nil
	}
	var list []T
	if err := json.Unmarshal([]byte(text), &list); err != nil {
		return nil, err
	}
	remember(w, text, list)
	return slices.Clip(list), nil
}

// maxStmts bounds the statements kept prepared. The writer's statements
// are a few dozen fixed strings; SQL built per call (an IN list of varying
// length) would otherwise pile up for the life of the process.
const maxStmts = 256

// stmt returns the prepared statement for query, preparing it the first time.
func (w *writeTx) stmt(query string) (*sqlite3.SQLiteStmt, error) {
	if w.trace != nil {
		w.trace(query)
	}
	if s, ok := w.stmts[query]; ok {
		return s, nil
	}
	if len(w.stmts) >= maxStmts {
		// No statement is running between two calls: start over, and the
		// ones in use are prepared again as they come.
		w.close()
	}
	ds, err := w.conn.Prepare(query)
	if err != nil {
		return nil, err
	}
	s := ds.(*sqlite3.SQLiteStmt)
	w.stmts[query] = s
	return s, nil
}

// close finalizes every prepared statement; the connection closes after.
func (w *writeTx) close() {
	for q, s := range w.stmts {
		s.Close()
		delete(w.stmts, q)
	}
}

// bind converts args the way database/sql would (driver.Valuer, any integer
// kind) into the scratch slice.
func (w *writeTx) bind(args []any) ([]driver.NamedValue, error) {
	w.args = w.args[:0]
	for i, a := range args {
		var v driver.Value
		switch a := a.(type) {
		case nil, string, int64, float64, bool, []byte:
			v = a
		case int:
			v = int64(a)
		default:
			var err error
			if v, err = driver.DefaultParameterConverter.ConvertValue(a); err != nil {
				return nil, fmt.Errorf("store: argument %d: %w", i+1, err)
			}
		}
		w.args = append(w.args, driver.NamedValue{Ordinal: i + 1, Value: v})
	}
	return w.args, nil
}

// Exec runs a statement that returns no rows.
func (w *writeTx) Exec(query string, args ...any) (driver.Result, error) {
	s, err := w.stmt(query)
	if err != nil {
		return nil, err
	}
	nv, err := w.bind(args)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(context.Background(), nv)
}

// QueryRow runs a statement and keeps its first row (or sql.ErrNoRows) for
// Scan. The statement is reset before QueryRow returns, so nothing stays
// open across statements, savepoints or the commit.
func (w *writeTx) QueryRow(query string, args ...any) *writeRow {
	s, err := w.stmt(query)
	if err != nil {
		return &writeRow{err: err}
	}
	nv, err := w.bind(args)
	if err != nil {
		return &writeRow{err: err}
	}
	rows, err := s.QueryContext(context.Background(), nv)
	if err != nil {
		return &writeRow{err: err}
	}
	// The row's values live in scratch space reused by the next QueryRow:
	// every caller scans at once (tx.QueryRow(...).Scan(...)).
	n := len(rows.Columns())
	if cap(w.vals) < n {
		w.vals = make([]driver.Value, n)
	}
	vals := w.vals[:n]
	clear(vals)
	err = rows.Next(vals)
	if cerr := rows.Close(); err == nil || errors.Is(err, io.EOF) {
		if cerr != nil {
			err = cerr
		}
	}
	if errors.Is(err, io.EOF) {
		err = sql.ErrNoRows
	}
	w.row = writeRow{vals: vals, err: err}
	return &w.row
}

// writeRow is the result of QueryRow, like *sql.Row.
type writeRow struct {
	vals []driver.Value
	err  error
}

// Scan copies the row's columns into dest; it accepts the destinations this
// package uses (pointers to string, int, int64, bool, float64, []byte, any,
// and sql.Scanner such as sql.NullFloat64).
func (r *writeRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	if len(dest) != len(r.vals) {
		return fmt.Errorf("store: scan: %d destinations for %d columns", len(dest), len(r.vals))
	}
	for i, d := range dest {
		if err := assign(d, r.vals[i]); err != nil {
			return fmt.Errorf("store: scan column %d: %w", i, err)
		}
	}
	return nil
}

// assign stores a driver value (int64, float64, bool, []byte, string, nil)
// in dest.
func assign(dest any, v driver.Value) error {
	switch d := dest.(type) {
	case *any:
		*d = v
		return nil
	case sql.Scanner:
		return d.Scan(v)
	case *string:
		switch v := v.(type) {
		case string:
			*d = v
		case []byte:
			*d = string(v)
		case int64:
			*d = strconv.FormatInt(v, 10)
		case float64:
			*d = strconv.FormatFloat(v, 'g', -1, 64)
		default:
			return fmt.Errorf("cannot store %T in *string", v)
		}
		return nil
	case *int64:
		n, err := toInt(v)
		*d = n
		return err
	case *int:
		n, err := toInt(v)
		*d = int(n)
		return err
	case *bool:
		switch v := v.(type) {
		case bool:
			*d = v
		case int64:
			*d = v != 0
		default:
			return fmt.Errorf("cannot store %T in *bool", v)
		}
		return nil
	case *float64:
		switch v := v.(type) {
		case float64:
			*d = v
		case int64:
			*d = float64(v)
		default:
			return fmt.Errorf("cannot store %T in *float64", v)
		}
		return nil
	case *[]byte:
		switch v := v.(type) {
		case []byte:
			*d = append([]byte(nil), v...)
		case string:
			*d = []byte(v)
		case nil:
			*d = nil
		default:
			return fmt.Errorf("cannot store %T in *[]byte", v)
		}
		return nil
	}
	return fmt.Errorf("unsupported destination %T", dest)
}

func toInt(v driver.Value) (int64, error) {
	switch v := v.(type) {
	case int64:
		return v, nil
	case bool:
		if v {
			return 1, nil
		}
		return 0, nil
	case string:
		return strconv.ParseInt(v, 10, 64)
	case []byte:
		return strconv.ParseInt(string(v), 10, 64)
	}
	return 0, fmt.Errorf("cannot store %T in an integer", v)
}
