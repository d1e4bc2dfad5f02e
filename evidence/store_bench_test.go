package evidence_test

import (
	"bytes"
	"testing"
)

// BenchmarkPut1MB is the cost of keeping one phone photo: SHA-256, sealing
// and an fsync'd atomic write.
func BenchmarkPut1MB(b *testing.B) {
	s, _ := openStore(b)
	data := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := s.Put(data); err != nil {
			b.Fatal(err)
		}
	}
}
