package export

import (
	"archive/zip"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Names of the signature files.
const (
	ManifestName  = "manifest.json"
	SignatureName = "manifest.sig"
)

// Manifest lists every file of an export with its digest; its signature
// covers the manifest's exact bytes.
type Manifest struct {
	Schema  string         `json:"schema"`
	Profile string         `json:"profile"`
	Partner string         `json:"partner"`
	Files   []ManifestFile `json:"files"`
	// PublicKey is the signer's key (base64), for matching against the
	// key the partner was given; it proves nothing by itself.
	PublicKey string `json:"public_key"`
}

// ManifestFile is one file's name, size and SHA-256 (hex).
type ManifestFile struct {
	Name   string `json:"name"`
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
}

// Sign adds manifest.json and manifest.sig (base64 Ed25519 over the
// manifest's bytes) to files and returns them with the manifest's digest.
func Sign(files []File, d *Document, key ed25519.PrivateKey) ([]File, string, error) {
	m := Manifest{Schema: Schema, Profile: d.Profile, Partner: d.Partner,
		PublicKey: base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))}
	for _, f := range files {
		sum := sha256.Sum256(f.Data)
		m.Files = append(m.Files, ManifestFile{Name: f.Name, Size: len(f.Data), SHA256: hex.EncodeToString(sum[:])})
	}
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, "", err
	}
	mb = append(mb, '\n')
	sig := ed25519.Sign(key, mb)
	out := append(append([]File(nil), files...),
		File{Name: ManifestName, Data: mb},
		File{Name: SignatureName, Data: []byte(base64.StdEncoding.EncodeToString(sig) + "\n")})
	sum := sha256.Sum256(mb)
	return out, hex.EncodeToString(sum[:]), nil
}

// Zip writes files as a zip archive to w.
func Zip(w io.Writer, files []File) error {
	zw := zip.NewWriter(w)
	for _, x := range files {
		fw, err := zw.Create(x.Name)
		if err == nil {
			_, err = fw.Write(x.Data)
		}
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	return zw.Close()
}

// Write stores files as a zip archive when out ends in ".zip", else in a
// new directory out (which must not exist yet, so nothing stale mixes in).
func Write(out string, files []File) error {
	if strings.HasSuffix(strings.ToLower(out), ".zip") {
		f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := Zip(f, files); err != nil {
			f.Close()
			return err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	if err := os.Mkdir(out, 0o700); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	for _, x := range files {
		if err := os.WriteFile(filepath.Join(out, x.Name), x.Data, 0o600); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	return nil
}

// Read loads an export from a directory or a zip archive.
func Read(path string) ([]File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	var files []File
	if st.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(path, e.Name()))
			if err != nil {
				return nil, err
			}
			files = append(files, File{Name: e.Name(), Data: b})
		}
		return files, nil
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(io.LimitReader(rc, 1<<30))
		rc.Close()
		if err != nil {
			return nil, err
		}
		files = append(files, File{Name: zf.Name, Data: b})
	}
	return files, nil
}

// ErrNotVerified is wrapped by every verification failure.
var ErrNotVerified = errors.New("export: not verified")

// Verify checks an export against the signer's public key: the manifest's
// signature, every listed file's size and digest, and that no file is
// missing or unlisted.
func Verify(files []File, pub ed25519.PublicKey) (*Manifest, error) {
	byName := map[string][]byte{}
	for _, f := range files {
		byName[f.Name] = f.Data
	}
	mb, sigText := byName[ManifestName], byName[SignatureName]
	if mb == nil || sigText == nil {
		return nil, fmt.Errorf("%w: manifest or signature missing", ErrNotVerified)
	}
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(sigText)))
	if err != nil || len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, mb, sig) {
		return nil, fmt.Errorf("%w: the signature does not match the manifest and key", ErrNotVerified)
	}
	var m Manifest
	if err := json.Unmarshal(mb, &m); err != nil {
		return nil, fmt.Errorf("%w: manifest: %v", ErrNotVerified, err)
	}
	listed := map[string]bool{ManifestName: true, SignatureName: true}
	for _, f := range m.Files {
		listed[f.Name] = true
		b, ok := byName[f.Name]
		if !ok {
			return nil, fmt.Errorf("%w: %s is missing", ErrNotVerified, f.Name)
		}
		sum := sha256.Sum256(b)
		if len(b) != f.Size || hex.EncodeToString(sum[:]) != f.SHA256 {
			return nil, fmt.Errorf("%w: %s was changed", ErrNotVerified, f.Name)
		}
	}
	var extra []string
	for name := range byName {
		if !listed[name] {
			extra = append(extra, name)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return nil, fmt.Errorf("%w: files not in the manifest: %s", ErrNotVerified, strings.Join(extra, ", "))
	}
	return &m, nil
}

// ParsePublicKey reads a key as printed by `hotline export pubkey`.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errors.New("export: a public key is 32 bytes in base64")
	}
	return ed25519.PublicKey(b), nil
}
