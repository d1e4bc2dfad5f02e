package dispatch

import (
	"math/rand/v2"
	"time"
)

// Backoff spaces retries: exponential from Base, capped at Max, with
// jitter so that many rows failing together do not retry together.
type Backoff struct {
	Base        time.Duration // default 2 s
	Max         time.Duration // default 10 min
	MaxAttempts int           // default 8
}

func (b Backoff) withDefaults() Backoff {
	if b.Base <= 0 {
		b.Base = 2 * time.Second
	}
	if b.Max <= 0 {
		b.Max = 10 * time.Minute
	}
	if b.MaxAttempts <= 0 {
		b.MaxAttempts = 8
	}
	return b
}

// Next is the wait after attempt number attempts failed, and false once
// the attempts are used up. A provider's own hint (429 Retry-After) is a
// floor.
func (b Backoff) Next(attempts int, hint time.Duration) (time.Duration, bool) {
	b = b.withDefaults()
	if attempts >= b.MaxAttempts {
		return 0, false
	}
	d := b.Base
	for i := 1; i < attempts && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	// Equal jitter: between half and all of d.
	d = d/2 + rand.N(d/2+1)
	return max(d, hint), true
}
