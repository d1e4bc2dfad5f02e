package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestCPUProfileIsWritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.prof")
	stop, err := startCPUProfile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 1e6; i++ {
		_ = filepath.Join("a", "b")
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// A pprof profile is a gzipped protocol buffer.
	if !bytes.HasPrefix(b, []byte{0x1f, 0x8b}) || len(b) < 64 {
		t.Errorf("profile of %d bytes is not a gzipped pprof profile", len(b))
	}
	stop, err = startCPUProfile("")
	if err != nil || stop() != nil {
		t.Errorf("an empty path must profile nothing: %v", err)
	}
}
