package window

import (
	"testing"
	"time"
)

func TestCounterLimitsPerKeyPerWindow(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	c := New[string](2, time.Minute)
	if !c.Take("a", t0) || !c.Take("a", t0.Add(time.Second)) {
		t.Fatal("under the limit refused")
	}
	if c.Take("a", t0.Add(2*time.Second)) {
		t.Fatal("third in the window allowed")
	}
	if !c.Take("b", t0.Add(2*time.Second)) {
		t.Fatal("another key shares the limit")
	}
	if left, full := c.Full("a", t0.Add(20*time.Second)); !full || left != 40*time.Second {
		t.Fatalf("Full = %v, %v; want 40s, true", left, full)
	}
	if !c.Take("a", t0.Add(time.Minute)) {
		t.Fatal("a new window still refused")
	}
	if _, full := c.Full("c", t0); full {
		t.Fatal("an unseen key is full")
	}
	c.Add("c", t0)
	c.Add("c", t0)
	c.Add("c", t0)
	if _, full := c.Full("c", t0); !full {
		t.Fatal("Add past the limit does not fill the window")
	}
}

func TestCounterTableStaysBounded(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	c := New[int](1, time.Minute)
	for i := range MaxKeys + 10 {
		c.Add(i, t0)
	}
	if n := len(c.keys); n > MaxKeys {
		t.Fatalf("%d keys kept, bound is %d", n, MaxKeys)
	}
	// Once the windows have ended, new keys push the old ones out.
	for i := range 10 {
		c.Add(-i-1, t0.Add(2*time.Minute))
	}
	if n := len(c.keys); n > MaxKeys {
		t.Fatalf("%d keys kept after the windows ended", n)
	}
}
