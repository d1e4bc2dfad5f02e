package store

import (
	"context"
	"testing"
)

func TestPragmasApplyToWriteConnection(t *testing.T) {
	db, _ := openTest(t, DefaultOptions())
	var mode string
	var sync, fk int
	err := db.write(context.Background(), func(tx *writeTx) error {
		if err := tx.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
			return err
		}
		if err := tx.QueryRow(`PRAGMA synchronous`).Scan(&sync); err != nil {
			return err
		}
		return tx.QueryRow(`PRAGMA foreign_keys`).Scan(&fk)
	})
	if err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || sync != 2 || fk != 1 {
		t.Errorf("journal_mode=%q synchronous=%d foreign_keys=%d, want wal 2 1", mode, sync, fk)
	}
}

func TestReadPoolIsQueryOnly(t *testing.T) {
	db, _ := openTest(t, DefaultOptions())
	if _, err := db.rdb.Exec(`INSERT INTO users (name, role, created_at) VALUES ('x', 'admin', 0)`); err == nil {
		t.Fatal("insert through the read pool succeeded")
	}
	var fk int
	if err := db.rdb.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("read pool foreign_keys=%d err=%v", fk, err)
	}
	if err := db.Ping(context.Background()); err != nil {
		t.Errorf("Ping: %v", err)
	}
}
