package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"hotline/internal/seal"
)

// smallBatches makes a reseal page through every table several times.
func smallBatches(t *testing.T) {
	was := resealBatch
	resealBatch = 2
	t.Cleanup(func() { resealBatch = was })
}

// A rotation re-seals every stored value under the new data key; once the
// old key is dropped, everything still reads, and the key file from before
// the rotation no longer opens the database.
func TestRotateResealsEverythingUnderTheNewKey(t *testing.T) {
	ctx := context.Background()
	smallBatches(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "rotate.db")
	keyFile := filepath.Join(dir, "hotline.key")
	keys, _, err := seal.LoadOrCreate(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	opts := DefaultOptions()
	opts.Keys = keys
	db, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	ids := writeSealFixture(t, db)
	db.Close()
	before, err := seal.Load(keyFile)
	if err != nil {
		t.Fatal(err)
	}

	// What `hotline key rotate` does.
	if err := keys.Rotate(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := keys.Save(keyFile); err != nil {
		t.Fatal(err)
	}
	if n, err := db.Unsealed(ctx); err != nil || n < 10 {
		t.Fatalf("before re-sealing, %d values under the old key (%v); want the whole fixture", n, err)
	}
	n, err := db.Reseal(ctx)
	if err != nil || n < 10 {
		t.Fatalf("Reseal = %d, %v", n, err)
	}
	if left, err := db.Unsealed(ctx); err != nil || left != 0 {
		t.Fatalf("Unsealed after Reseal = %d, %v", left, err)
	}
	// Every value, read in Go, is sealed under the new key.
	for _, c := range sealedColumns {
		rows, err := db.rdb.Query(`SELECT ` + c.column + ` FROM ` + c.table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var v any
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			b, _ := storedBytes(v)
			if keys.NeedsReseal(b) && !isEmptyValue(string(b)) {
				t.Errorf("%s holds a value not sealed under key %d", c.aad(), keys.Active())
			}
		}
		rows.Close()
	}
	db.Close()
	keys.DropInactive()
	if err := keys.Save(keyFile); err != nil {
		t.Fatal(err)
	}

	after, err := seal.Load(keyFile)
	if err != nil || len(after.KeyIDs()) != 1 || after.Active() != 2 {
		t.Fatalf("key file after rotation: keys %v, %v", after.KeyIDs(), err)
	}
	opts.Keys = after
	db, err = Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	assertFixtureReadable(t, db, ids)
	db.Close()
	assertNoSecrets(t, path, "rotated")

	old := DefaultOptions()
	old.Keys = before
	if _, err := Open(path, old); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("the key file from before the rotation: %v; want ErrWrongKey", err)
	}
}
