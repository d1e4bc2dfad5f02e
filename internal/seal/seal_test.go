package seal

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestSealOpenRoundTripAndBinding(t *testing.T) {
	k := Generate()
	plain := []byte("ជួយខ្ញុំផង 도와주세요 help +85510000123")
	sealed := k.Seal(plain, []byte("messages.body"))
	if !IsSealed(sealed) || bytes.Contains(sealed, []byte("+85510000123")) {
		t.Fatalf("sealed value is not sealed or leaks the plain text: %q", sealed)
	}
	got, err := k.Open(sealed, []byte("messages.body"))
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Open = %q, %v; want the plain text", got, err)
	}
	if _, err := k.Open(sealed, []byte("contacts.address")); !errors.Is(err, ErrOpen) {
		t.Fatalf("value opened under another column's binding: %v", err)
	}
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	if _, err := k.Open(tampered, []byte("messages.body")); !errors.Is(err, ErrOpen) {
		t.Fatalf("altered value opened: %v", err)
	}
	if _, err := Generate().Open(sealed, []byte("messages.body")); !errors.Is(err, ErrOpen) {
		t.Fatalf("value opened with another key file: %v", err)
	}
	if s := k.Seal(nil, nil); s != nil {
		t.Fatalf("empty value sealed to %q; want empty", s)
	}
	if got, err := k.Open([]byte("written before encryption"), nil); err != nil || string(got) != "written before encryption" {
		t.Fatalf("plain legacy value: %q, %v", got, err)
	}
	if bytes.Equal(k.Seal(plain, nil), k.Seal(plain, nil)) {
		t.Fatal("two seals of one value are equal: nonces repeat")
	}
}

func TestHashIsKeyedAndDomainSeparated(t *testing.T) {
	k := Generate()
	a := k.HashString("contact", "+85510000123")
	if !bytes.Equal(a, k.HashString("contact", "+85510000123")) || len(a) != HashLen {
		t.Fatal("hash is not deterministic or has the wrong length")
	}
	if bytes.Equal(a, k.HashString("entity:phone", "+85510000123")) {
		t.Fatal("domains share hashes")
	}
	if bytes.Equal(a, Generate().HashString("contact", "+85510000123")) {
		t.Fatal("hash does not depend on the key")
	}
}

func TestRotateKeepsOldValuesOpenUntilDropped(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hotline.key")
	k, created, err := LoadOrCreate(path)
	if err != nil || !created {
		t.Fatalf("LoadOrCreate: created=%v err=%v", created, err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", st.Mode().Perm())
	}
	old := k.SealString("fictional name Sokha", "contacts.name")
	if err := k.Rotate(); err != nil {
		t.Fatal(err)
	}
	if err := k.Save(path); err != nil {
		t.Fatal(err)
	}
	k2, created, err := LoadOrCreate(path)
	if err != nil || created {
		t.Fatalf("reload: created=%v err=%v", created, err)
	}
	if k2.Active() != 2 || !k2.NeedsReseal(old) {
		t.Fatalf("after rotation active=%d, old value needs reseal=%v", k2.Active(), k2.NeedsReseal(old))
	}
	if s, err := k2.OpenString(old, "contacts.name"); err != nil || s != "fictional name Sokha" {
		t.Fatalf("old value after rotation: %q, %v", s, err)
	}
	fresh := k2.SealString("fictional name Sokha", "contacts.name")
	if k2.NeedsReseal(fresh) {
		t.Fatal("a fresh value needs resealing")
	}
	if !bytes.Equal(k.HashString("contact", "x"), k2.HashString("contact", "x")) {
		t.Fatal("rotation changed lookup hashes")
	}
	k2.DropInactive()
	if _, err := k2.OpenString(old, "contacts.name"); !errors.Is(err, ErrOpen) {
		t.Fatalf("value under a dropped key opened: %v", err)
	}
}

func TestLoadRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	open := filepath.Join(dir, "open.key")
	os.WriteFile(open, Generate().MarshalText(), 0o644)
	if _, err := Load(open); err == nil {
		t.Fatal("a world-readable key file was accepted")
	}
	for name, content := range map[string]string{
		"empty":     "",
		"no header": "lookup AAAA\n",
		"short key": fileHeader + "\nlookup AAAA\ndata 1 AAAA\n",
		"no data":   fileHeader + "\nlookup " + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" + "\n",
	} {
		p := filepath.Join(dir, "bad.key")
		os.WriteFile(p, []byte(content), 0o600)
		if _, err := Load(p); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestDeriveKeyIsStablePerPurposeAndKeyFile(t *testing.T) {
	k := Generate()
	a := k.DeriveKey("voice-caller")
	if len(a) != 32 || !bytes.Equal(a, k.DeriveKey("voice-caller")) {
		t.Fatal("derived key is not 32 stable bytes")
	}
	if bytes.Equal(a, k.DeriveKey("other")) || bytes.Equal(a, Generate().DeriveKey("voice-caller")) {
		t.Fatal("derived keys are shared across purposes or key files")
	}
	if bytes.Equal(a, k.Hash("voice-caller", nil)) {
		t.Fatal("a derived key equals a lookup hash")
	}
}

// TestHashIsHMACOfDomainAndValue pins Hash to its definition (HMAC-SHA256
// under the lookup key of domain, a zero byte and the value, cut to
// HashLen), however its keyed states are reused, from many goroutines.
func TestHashIsHMACOfDomainAndValue(t *testing.T) {
	k := Generate()
	want := func(domain, value string) []byte {
		m := hmac.New(sha256.New, k.lookup[:])
		m.Write([]byte(domain + "\x00" + value))
		return m.Sum(nil)[:HashLen]
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				d, v := fmt.Sprint("domain", i%3), fmt.Sprint("+8551000", g, i)
				if got := k.HashString(d, v); !bytes.Equal(got, want(d, v)) {
					t.Errorf("Hash(%q, %q) = %x, want %x", d, v, got, want(d, v))
					return
				}
			}
		}()
	}
	wg.Wait()
}
