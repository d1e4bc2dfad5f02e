//go:build unix

package loadgen

import (
	"syscall"
	"time"
)

// processCPU is the user plus system CPU time this process has used, so a
// run can report what each request cost the machine it shares with the
// server under test.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
