package seal

import (
	"bytes"
	"testing"
)

func TestActivePrefixMatchesWhatNeedsNoReseal(t *testing.T) {
	k := Generate()
	old := k.SealString("+85510000123", "contacts.address")
	if !bytes.HasPrefix(old, k.ActivePrefix()) || k.NeedsReseal(old) {
		t.Fatalf("a value sealed under the active key should start with ActivePrefix and need no reseal")
	}
	if err := k.Rotate(); err != nil {
		t.Fatal(err)
	}
	if bytes.HasPrefix(old, k.ActivePrefix()) || !k.NeedsReseal(old) {
		t.Fatalf("after Rotate, a value under the old key must not match ActivePrefix")
	}
	if bytes.HasPrefix([]byte("plain"), k.ActivePrefix()) {
		t.Fatal("plain text matches ActivePrefix")
	}
	if !bytes.HasPrefix(k.SealString("x", "a"), k.ActivePrefix()) {
		t.Fatal("a new value does not start with ActivePrefix")
	}
}
