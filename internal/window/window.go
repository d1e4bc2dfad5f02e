// Package window counts events per key in fixed time windows, in a table
// of bounded size: the per-contact limit on automatic replies and the
// per-address limit on failed webhook signatures share it. Fixed windows
// are enough for both (a burst at a window's edge gets at most twice the
// limit), and a bounded table means a flood of new keys costs forgotten
// counts, never unbounded memory.
package window

import (
	"sync"
	"time"
)

// MaxKeys bounds the table. Past it, expired windows are dropped; if every
// window is still live the table starts over, which forgets some counts
// for one window rather than let memory grow without end.
const MaxKeys = 100_000

// Counter counts per key, at most Max per Window.
type Counter[K comparable] struct {
	max    int
	window time.Duration

	mu   sync.Mutex
	keys map[K]*slot
}

type slot struct {
	start time.Time
	n     int
}

// New counts up to max events per key per window.
func New[K comparable](max int, window time.Duration) *Counter[K] {
	return &Counter[K]{max: max, window: window, keys: map[K]*slot{}}
}

// current is key's window at now, a fresh one if it had none or it ended.
// The caller holds mu.
func (c *Counter[K]) current(key K, now time.Time) *slot {
	w := c.keys[key]
	if w == nil || now.Sub(w.start) >= c.window {
		if w == nil && len(c.keys) >= MaxKeys {
			c.sweep(now)
		}
		w = &slot{start: now}
		c.keys[key] = w
	}
	return w
}

func (c *Counter[K]) sweep(now time.Time) {
	for k, w := range c.keys {
		if now.Sub(w.start) >= c.window {
			delete(c.keys, k)
		}
	}
	if len(c.keys) >= MaxKeys {
		clear(c.keys)
	}
}

// Take counts one event of key if it is under the limit, and reports
// whether it was.
func (c *Counter[K]) Take(key K, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	w := c.current(key, now)
	if w.n >= c.max {
		return false
	}
	w.n++
	return true
}

// Add counts one event of key, over the limit or not.
func (c *Counter[K]) Add(key K, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.current(key, now).n++
}

// Full reports whether key has used up its window at now, and how long
// until that window ends.
func (c *Counter[K]) Full(key K, now time.Time) (time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	w := c.keys[key]
	if w == nil {
		return 0, false
	}
	left := c.window - now.Sub(w.start)
	if left <= 0 {
		delete(c.keys, key)
		return 0, false
	}
	return left, w.n >= c.max
}
