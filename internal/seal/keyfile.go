package seal

import (
	"bufio"
	"bytes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"

	"hotline/internal/atomicfile"
)

// Keyring is the set of keys from a key file: one lookup key for Hash, and
// numbered data keys of which the highest is active for sealing.
type Keyring struct {
	lookup [keyLen]byte
	data   map[byte][keyLen]byte
	aeads  map[byte]cipher.AEAD
	active byte
	// macs keeps keyed HMAC states for Hash, which runs several times per
	// message: hmac.New derives the key's pads and allocates every time.
	macs sync.Pool
}

const fileHeader = "hotline-keys v1"

// Generate makes a new keyring with a fresh lookup key and data key 1.
func Generate() *Keyring {
	k := &Keyring{data: map[byte][keyLen]byte{}, aeads: map[byte]cipher.AEAD{}}
	mustRandom(k.lookup[:])
	k.addDataKey(1, randomKey())
	return k
}

func randomKey() [keyLen]byte {
	var key [keyLen]byte
	mustRandom(key[:])
	return key
}

func mustRandom(b []byte) {
	if _, err := rand.Read(b); err != nil {
		panic("seal: no randomness: " + err.Error())
	}
}

func (k *Keyring) addDataKey(id byte, key [keyLen]byte) {
	aead, err := newAEAD(key[:])
	if err != nil {
		panic("seal: " + err.Error()) // a 32-byte key is always valid
	}
	k.data[id] = key
	k.aeads[id] = aead
	if id > k.active {
		k.active = id
	}
}

// Active is the number of the data key new values are sealed with.
func (k *Keyring) Active() int { return int(k.active) }

// KeyIDs lists the data keys in the ring, oldest first.
func (k *Keyring) KeyIDs() []int {
	ids := make([]int, 0, len(k.data))
	for id := range k.data {
		ids = append(ids, int(id))
	}
	sort.Ints(ids)
	return ids
}

// Rotate adds a new data key and makes it active. Old keys stay, so every
// stored value still opens; re-sealing the rows and then DropInactive
// retires them.
func (k *Keyring) Rotate() error {
	if k.active == 255 {
		return errors.New("seal: 255 data keys used; start a new key file")
	}
	k.addDataKey(k.active+1, randomKey())
	return nil
}

// DropInactive removes every data key but the active one. Call it only
// after every stored value has been re-sealed under the active key.
func (k *Keyring) DropInactive() {
	for id := range k.data {
		if id != k.active {
			delete(k.data, id)
			delete(k.aeads, id)
		}
	}
}

// MarshalText writes the key file's content.
func (k *Keyring) MarshalText() []byte {
	var b bytes.Buffer
	b.WriteString(fileHeader + "\n")
	b.WriteString("# Hotline's encryption keys. Without this file the personal data in the\n")
	b.WriteString("# database cannot be read by anyone, Hotline included: back it up, apart\n")
	b.WriteString("# from the database backups. The highest data key seals new values.\n")
	fmt.Fprintf(&b, "lookup %s\n", base64.StdEncoding.EncodeToString(k.lookup[:]))
	for _, id := range k.KeyIDs() {
		key := k.data[byte(id)]
		fmt.Fprintf(&b, "data %d %s\n", id, base64.StdEncoding.EncodeToString(key[:]))
	}
	return b.Bytes()
}

// Parse reads a key file's content.
func Parse(content []byte) (*Keyring, error) {
	k := &Keyring{data: map[byte][keyLen]byte{}, aeads: map[byte]cipher.AEAD{}}
	sc := bufio.NewScanner(bytes.NewReader(content))
	line, sawHeader, sawLookup := 0, false, false
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if !sawHeader {
			if text != fileHeader {
				return nil, fmt.Errorf("seal: not a Hotline key file (line %d should be %q)", line, fileHeader)
			}
			sawHeader = true
			continue
		}
		f := strings.Fields(text)
		switch {
		case len(f) == 2 && f[0] == "lookup":
			key, err := decodeKey(f[1])
			if err != nil {
				return nil, fmt.Errorf("seal: line %d: lookup key: %v", line, err)
			}
			k.lookup, sawLookup = key, true
		case len(f) == 3 && f[0] == "data":
			id, err := strconv.Atoi(f[1])
			if err != nil || id < 1 || id > 255 {
				return nil, fmt.Errorf("seal: line %d: data key number must be 1 to 255", line)
			}
			if _, dup := k.data[byte(id)]; dup {
				return nil, fmt.Errorf("seal: line %d: data key %d appears twice", line, id)
			}
			key, err := decodeKey(f[2])
			if err != nil {
				return nil, fmt.Errorf("seal: line %d: data key %d: %v", line, id, err)
			}
			k.addDataKey(byte(id), key)
		default:
			return nil, fmt.Errorf("seal: line %d: expected \"lookup KEY\" or \"data N KEY\"", line)
		}
	}
	switch {
	case !sawHeader:
		return nil, errors.New("seal: key file is empty")
	case !sawLookup:
		return nil, errors.New("seal: key file has no lookup key")
	case len(k.data) == 0:
		return nil, errors.New("seal: key file has no data key")
	}
	return k, nil
}

func decodeKey(s string) ([keyLen]byte, error) {
	var key [keyLen]byte
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != keyLen {
		return key, fmt.Errorf("want %d bytes in base64", keyLen)
	}
	copy(key[:], b)
	return key, nil
}

// Load reads the key file at path. A file that others can read is refused:
// a key beside the database that anyone on the machine can copy protects
// nothing.
func Load(path string) (*Keyring, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("seal: key file %s is readable by others (mode %v); run chmod 600 %s", path, st.Mode().Perm(), path)
	}
	content, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, err := Parse(content)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// LoadOrCreate loads the key file at path, or creates it with mode 0600 and
// fresh keys when there is none. created tells the caller to warn loudly
// that the file must be backed up.
func LoadOrCreate(path string) (k *Keyring, created bool, err error) {
	k, err = Load(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return k, false, err
	}
	k = Generate()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("seal: create key file: %w", err)
	}
	if _, err := f.Write(k.MarshalText()); err != nil {
		f.Close()
		os.Remove(path)
		return nil, false, fmt.Errorf("seal: write key file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return nil, false, fmt.Errorf("seal: write key file: %w", err)
	}
	return k, true, f.Close()
}

// Save replaces the key file at path atomically (write, fsync, rename), so
// a crash during a rotation leaves either the old file or the new one.
func (k *Keyring) Save(path string) error {
	return atomicfile.Write(path, k.MarshalText(), 0o600)
}
