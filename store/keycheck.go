package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"

	"hotline/internal/seal"
)

// ErrWrongKey is Open's answer when the key file is not the one the
// database was sealed with. Opening anyway would seal new rows under a key
// that cannot read the old ones, so a lost key file must never silently
// become a new one.
var ErrWrongKey = errors.New("store: this key file does not belong to this database")

// Rows of seal_meta: a keyed hash that identifies the lookup key, and a
// value sealed under the current data key that proves the data keys open
// this database's values.
const (
	metaLookupCheck = "lookup_check"
	metaDataCheck   = "data_check"
	colDataCheck    = "seal_meta.data_check"
	dataCheckText   = "hotline"
)

func lookupCheck(k *seal.Keyring) []byte { return k.HashString("keycheck", dataCheckText) }

// checkKey compares k with the key recorded in the database. found is false
// when no key was recorded yet (a new database, or one from before
// encryption).
func checkKey(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, k *seal.Keyring) (found bool, err error) {
	var lookup, data []byte
	err = q.QueryRowContext(ctx, `SELECT
		(SELECT value FROM seal_meta WHERE name = ?), (SELECT value FROM seal_meta WHERE name = ?)`,
		metaLookupCheck, metaDataCheck).Scan(&lookup, &data)
	if err != nil && strings.Contains(err.Error(), "no such table") {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: key check: %w", err)
	}
	if lookup == nil {
		return false, nil
	}
	if !bytes.Equal(lookup, lookupCheck(k)) {
		return true, ErrWrongKey
	}
	if v, err := k.OpenString(data, colDataCheck); err != nil || v != dataCheckText {
		return true, fmt.Errorf("%w (its data key %s)", ErrWrongKey, "is missing: was a key dropped before the rows were re-sealed?")
	}
	return true, nil
}

// recordKey writes k's check values, the first time only.
func recordKey(ctx context.Context, tx *sql.Tx, k *seal.Keyring) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO seal_meta (name, value) VALUES (?, ?), (?, ?) ON CONFLICT (name) DO NOTHING`,
		metaLookupCheck, lookupCheck(k), metaDataCheck, k.SealString(dataCheckText, colDataCheck))
	return err
}

// HasSealedData reports whether the database file at path exists and
// records a key file, i.e. whether creating a new key file for it would
// make its data unreadable. It opens the file read-only and changes
// nothing.
func HasSealedData(path string) (bool, error) {
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		if errors.Is(err, os.ErrNotExist) {
			return false, nil
		}
		return false, err
	}
	db, err := sql.Open("sqlite3", dsn(path, map[string][]string{"mode": {"ro"}, "_busy_timeout": {"10000"}}))
	if err != nil {
		return false, err
	}
	defer db.Close()
	var n int
	err = db.QueryRow(`SELECT count(*) FROM seal_meta WHERE name = ?`, metaLookupCheck).Scan(&n)
	if err != nil && strings.Contains(err.Error(), "no such table") {
		return false, nil
	}
	return n > 0, err
}
