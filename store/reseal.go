package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/pressly/goose/v3"

	"hotline/internal/seal"
)

// sealedColumn is one column whose values are sealed, with what a rewrite
// must keep in step with it (the lookup hash of an address or an entity).
type sealedColumn struct {
	table, column string
	// key orders and finds rows: "rowid", or the primary key of a table
	// WITHOUT ROWID.
	key []string
	// with are columns read alongside, handed to extra.
	with []string
	// since is the schema version that added the column; a sealing
	// migration older than that skips it (the column does not exist yet).
	since int64
	// keepPlain is SQL for values that stay plain: retention's
	// "redacted:<id>" placeholder addresses (store/retention.go).
	keepPlain string
	// extra sets the columns derived from the plain value, for rows
	// written before encryption (whose hash is still NULL).
	extra func(s sealer, plain string, with []any) (set string, args []any)
}

func (c sealedColumn) aad() string { return c.table + "." + c.column }

// sealedColumns lists every column that holds a victim's words or number,
// or a staff note about them. audit_events is not here: the hash chain
// covers its stored bytes, so its writers keep bodies and numbers out of
// it instead (sqlutil.go audit).
var sealedColumns = []sealedColumn{
	{table: "contacts", column: "address", with: []string{"address_hash IS NULL"},
		keepPlain: `CAST(address AS TEXT) LIKE 'redacted:%'`,
		extra: func(s sealer, plain string, with []any) (string, []any) {
			if n, _ := with[0].(int64); n == 0 {
				return "", nil
			}
			return "address_hash = ?, region = ?", []any{s.contactHash(plain), regionOf(plain)}
		}},
	{table: "contacts", column: "name"},
	{table: "messages", column: "body"},
	{table: "messages", column: "media"},
	{table: "messages", column: "meta"},
	{table: "messages", column: "triage"},
	{table: "outbox", column: "recipient"},
	{table: "outbox", column: "body"},
	{table: "outbox", column: "last_error"},
	{table: "notes", column: "body"},
	{table: "cases", column: "reasons"},
	{table: "cases", column: "entities"},
	{table: "cases", column: "place"},
	{table: "handoffs", column: "note"},
	{table: "guide_items", column: "answer", key: []string{"case_id", "item"}},
	{table: "users", column: "totp_secret", since: totpSealVersion},
	{table: "users", column: "totp_pending", since: totpSealVersion},
	{table: "entities", column: "value", with: []string{"kind", "value_hash IS NULL"},
		extra: func(s sealer, plain string, with []any) (string, []any) {
			if n, _ := with[1].(int64); n == 0 {
				return "", nil
			}
			kind, _ := with[0].(string)
			return "value_hash = ?", []any{s.entityHash(kind, plain)}
		}},
}

// pendingRow is a stored value that is plain or sealed under an older key.
type pendingRow struct {
	key    []any
	raw    any // as stored: TEXT (plain) or BLOB (sealed), compared as is
	stored []byte
	with   []any
}

type rowsQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (c sealedColumn) keyCols() []string {
	if len(c.key) == 0 {
		return []string{"rowid"}
	}
	return c.key
}

// notActiveSQL selects the values a rewrite still has to seal: not empty
// (isEmptyValue), and not beginning with the active key's prefix (plain text, or an older
// key). SQL compares the prefix, so a pass over a sealed table reads no
// value into Go.
func (c sealedColumn) notActiveSQL() string {
	q := c.column + ` NOT IN ('', '[]', '{}') AND substr(CAST(` + c.column + ` AS BLOB), 1, ?) <> ?`
	if c.keepPlain != "" {
		q += ` AND NOT (` + c.keepPlain + `)`
	}
	return q
}

// pending reads up to n rows after the key after (nil: from the start).
func (c sealedColumn) pending(ctx context.Context, q rowsQuerier, s sealer, after []any, n int) ([]pendingRow, error) {
	keys := c.keyCols()
	cols := append(append(append([]string{}, keys...), c.column), c.with...)
	query := `SELECT ` + strings.Join(cols, ", ") + ` FROM ` + c.table + ` WHERE ` + c.notActiveSQL()
	prefix := s.k.ActivePrefix()
	args := []any{len(prefix), prefix}
	if after != nil {
		query += ` AND (` + strings.Join(keys, ", ") + `) > (?` + strings.Repeat(", ?", len(keys)-1) + `)`
		args = append(args, after...)
	}
	query += ` ORDER BY ` + strings.Join(keys, ", ") + ` LIMIT ?`
	args = append(args, n)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: reseal %s: %w", c.aad(), err)
	}
	defer rows.Close()
	var out []pendingRow
	for rows.Next() {
		r := pendingRow{key: make([]any, len(keys)), with: make([]any, len(c.with))}
		dest := make([]any, 0, len(cols))
		for i := range r.key {
			dest = append(dest, &r.key[i])
		}
		var v any
		dest = append(dest, &v)
		for i := range r.with {
			dest = append(dest, &r.with[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		if r.stored, err = storedBytes(v); err != nil {
			return nil, fmt.Errorf("store: reseal %s: %w", c.aad(), err)
		}
		r.raw = v
		textKeys(r.key)
		textKeys(r.with)
		out = append(out, r)
	}
	return out, rows.Err()
}

// rewrite is the statement that seals r's value under the active key. It
// changes the row only if the value is still the one read, so that a pass
// reading outside the writer never overwrites a newer value.
func (c sealedColumn) rewrite(s sealer, r pendingRow) (string, []any, error) {
	plain, err := s.open(c.aad(), r.stored)
	if err != nil {
		return "", nil, fmt.Errorf("%w (row %v)", err, r.key)
	}
	set := c.column + ` = ?`
	args := []any{s.text(c.aad(), plain)}
	if c.extra != nil {
		if more, margs := c.extra(s, plain, r.with); more != "" {
			set += ", " + more
			args = append(args, margs...)
		}
	}
	keys := c.keyCols()
	where := strings.Join(keys, " = ? AND ") + ` = ? AND ` + c.column + ` = ?`
	args = append(append(args, r.key...), r.raw)
	return `UPDATE ` + c.table + ` SET ` + set + ` WHERE ` + where, args, nil
}

// resealBatch is how many values one unit of a reseal rewrites, so that
// intake never waits long behind a rotation. Tests make it small.
var resealBatch = 500

// sealMigrationVersion seals, once, the rows of a database written before
// encryption at rest (migration 00060 added what they need).
const sealMigrationVersion = 61

// sealMigration records k as the database's key (see keycheck.go) and seals
// every plain value in place, inside the migration's transaction: the
// database is wholly sealed, or the upgrade did not happen and runs again
// on the next Open. Sealed values cannot be unsealed on the way down
// without the key, so down does nothing.
func sealMigration(k *seal.Keyring) *goose.Migration {
	return goose.NewGoMigration(sealMigrationVersion,
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			if err := recordKey(ctx, tx, k); err != nil {
				return fmt.Errorf("store: record key: %w", err)
			}
			_, err := resealTx(ctx, tx, sealer{k}, sealMigrationVersion)
			return err
		}},
		&goose.GoFunc{Mode: goose.TransactionEnabled})
}

// totpSealVersion seals the second-factor secrets (added by 00082, before
// they were sealed) of databases that already passed sealMigrationVersion.
const totpSealVersion = 83

// totpSealMigration seals, once, the TOTP secrets stored in the clear.
func totpSealMigration(k *seal.Keyring) *goose.Migration {
	return goose.NewGoMigration(totpSealVersion,
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			_, err := resealTx(ctx, tx, sealer{k}, totpSealVersion, "users")
			return err
		}},
		&goose.GoFunc{Mode: goose.TransactionEnabled})
}

// resealTx seals every value of the sealed columns that exist at schema
// version (of tables, when named) under the active key within one
// transaction.
func resealTx(ctx context.Context, tx *sql.Tx, s sealer, version int64, tables ...string) (int, error) {
	total := 0
	for _, c := range sealedColumns {
		if c.since > version || len(tables) > 0 && !slices.Contains(tables, c.table) {
			continue
		}
		var after []any
		for {
			batch, err := c.pending(ctx, tx, s, after, resealBatch)
			if err != nil {
				return total, err
			}
			if len(batch) == 0 {
				break
			}
			for _, r := range batch {
				q, args, err := c.rewrite(s, r)
				if err != nil {
					return total, err
				}
				res, err := tx.ExecContext(ctx, q, args...)
				if err != nil {
					return total, fmt.Errorf("store: reseal %s: %w", c.aad(), err)
				}
				if n, _ := res.RowsAffected(); n != 1 {
					return total, fmt.Errorf("store: reseal %s: row %v not rewritten", c.aad(), r.key)
				}
			}
			total += len(batch)
			after = batch[len(batch)-1].key
		}
	}
	return total, nil
}

// Reseal rewrites every sealed value that is plain or sealed under an older
// data key so that it is sealed under the active one, in small units of
// work through the writer, and then the database's key check. It returns
// how many values it rewrote. Run it after Keyring.Rotate (with the old
// keys still in the ring) and drop the old keys only once Unsealed says 0.
//
// Every process that has the database open must hold the new key before
// this runs, or it cannot read what was re-sealed: `hotline key rotate`
// therefore runs with the server stopped.
func (db *DB) Reseal(ctx context.Context) (int, error) {
	total := 0
	for _, c := range sealedColumns {
		var after []any
		for {
			batch, err := c.pending(ctx, db.rdb, db.sl, after, resealBatch)
			if err != nil {
				return total, err
			}
			if len(batch) == 0 {
				break
			}
			err = db.write(ctx, func(tx *writeTx) error {
				for _, r := range batch {
					q, args, err := c.rewrite(db.sl, r)
					if err != nil {
						return err
					}
					if _, err := tx.Exec(q, args...); err != nil {
						return fmt.Errorf("store: reseal %s: %w", c.aad(), err)
					}
				}
				return nil
			})
			if err != nil {
				return total, err
			}
			total += len(batch)
			after = batch[len(batch)-1].key
		}
	}
	err := db.write(ctx, func(tx *writeTx) error {
		_, err := tx.Exec(`UPDATE seal_meta SET value = ? WHERE name = ?`, db.sl.k.SealString(dataCheckText, colDataCheck), metaDataCheck)
		return err
	})
	return total, err
}

// Unsealed counts the stored values that are plain or sealed under a key
// other than the active one: what must be 0 before old keys are dropped.
func (db *DB) Unsealed(ctx context.Context) (int, error) {
	total := 0
	prefix := db.sl.k.ActivePrefix()
	for _, c := range sealedColumns {
		var n int
		if err := db.rdb.QueryRowContext(ctx, `SELECT count(*) FROM `+c.table+` WHERE `+c.notActiveSQL(),
			len(prefix), prefix).Scan(&n); err != nil {
			return total, fmt.Errorf("store: count unsealed %s: %w", c.aad(), err)
		}
		total += n
	}
	var check []byte
	if err := db.rdb.QueryRowContext(ctx, `SELECT value FROM seal_meta WHERE name = ?`, metaDataCheck).Scan(&check); err != nil {
		return total, err
	}
	if db.sl.k.NeedsReseal(check) {
		total++
	}
	return total, nil
}

// textKeys turns the []byte a driver may return for TEXT into strings, so
// that they bind as TEXT again and compare equal to what they came from.
func textKeys(vals []any) {
	for i, v := range vals {
		if b, ok := v.([]byte); ok {
			vals[i] = string(b)
		}
	}
}

// InUse reports whether another process (a running server) has the
// database at path open. `hotline key rotate` refuses then: the server
// would hold a key ring without the new key and could not read what the
// rotation re-seals.
func InUse(path string) bool { return inUse(path) }
