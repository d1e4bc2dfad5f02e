package server

import (
	"sync"
	"time"
)

// failureCounter counts failures per key in fixed windows. It is small on
// purpose: the limiter middleware counts every request, and what is
// counted here is only what the handler refused, after it ran.
type failureCounter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu   sync.Mutex
	keys map[string]*failureWindow
}

type failureWindow struct {
	start time.Time
	n     int
}

// maxFailureKeys bounds the memory a forger with many addresses can take.
// Past it, expired windows are dropped; if every window is still live the
// table starts over, which forgets some forgers for a minute rather than
// let memory grow without end.
const maxFailureKeys = 100_000

func newFailureCounter(max int, window time.Duration, now func() time.Time) *failureCounter {
	return &failureCounter{max: max, window: window, now: now, keys: map[string]*failureWindow{}}
}

// blocked reports whether key has used up its failures in the current
// window, and how long until the window ends.
func (fc *failureCounter) blocked(key string) (time.Duration, bool) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	w := fc.keys[key]
	if w == nil {
		return 0, false
	}
	left := fc.window - fc.now().Sub(w.start)
	if left <= 0 {
		delete(fc.keys, key)
		return 0, false
	}
	return left, w.n >= fc.max
}

// fail counts one failure of key.
func (fc *failureCounter) fail(key string) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	now := fc.now()
	w := fc.keys[key]
	if w == nil || now.Sub(w.start) >= fc.window {
		if w == nil && len(fc.keys) >= maxFailureKeys {
			fc.sweep(now)
		}
		w = &failureWindow{start: now}
		fc.keys[key] = w
	}
	w.n++
}

func (fc *failureCounter) sweep(now time.Time) {
	for k, w := range fc.keys {
		if now.Sub(w.start) >= fc.window {
			delete(fc.keys, k)
		}
	}
	if len(fc.keys) >= maxFailureKeys {
		clear(fc.keys)
	}
}
