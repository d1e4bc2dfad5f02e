//go:build !unix

package loadgen

import "time"

// processCPU is not measured here; cpu_us_per_request then reads 0.
func processCPU() time.Duration { return 0 }
