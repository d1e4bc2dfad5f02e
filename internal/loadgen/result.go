package loadgen

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"
)

// Result is the summary of a run. Latencies are over acknowledged requests
// only: a fast 403 or 500 says nothing about how quickly messages are made
// durable.
type Result struct {
	URL             string         `json:"url"`
	Sent            int            `json:"sent"`
	Acknowledged    int            `json:"acknowledged"`
	NonOK           map[int]int    `json:"non_2xx"` // HTTP status → count
	TransportErrors int            `json:"transport_errors"`
	FirstError      string         `json:"first_error,omitempty"`
	Elapsed         time.Duration  `json:"-"`
	ElapsedSeconds  float64        `json:"elapsed_s"`
	AckPerSecond    float64        `json:"acknowledged_per_s"`
	Latency         LatencySummary `json:"latency_ms"`
	Concurrency     int            `json:"concurrency"`
	Rate            float64        `json:"rate,omitempty"`
	// CPUMicrosPerRequest is this process's user+system CPU time over the
	// run divided by Sent: what the tool takes from a machine it shares with
	// the server it measures.
	CPUMicrosPerRequest float64 `json:"cpu_us_per_request"`
}

// LatencySummary holds exact percentiles (nearest rank) in milliseconds.
type LatencySummary struct {
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// Percentile returns the nearest-rank p-th percentile (0 < p <= 100) of
// sorted, or 0 when it is empty.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

func summarize(lat []time.Duration) LatencySummary {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }
	return LatencySummary{
		P50: ms(Percentile(lat, 50)),
		P90: ms(Percentile(lat, 90)),
		P99: ms(Percentile(lat, 99)),
		Max: ms(Percentile(lat, 100)),
	}
}

// WriteText prints the summary for a person.
func (r Result) WriteText(w io.Writer) {
	fmt.Fprintf(w, "target        %s\n", r.URL)
	mode := "closed loop (as fast as possible)"
	if r.Rate > 0 {
		mode = fmt.Sprintf("open loop at %.0f/s", r.Rate)
	}
	fmt.Fprintf(w, "load          %s, concurrency %d\n", mode, r.Concurrency)
	fmt.Fprintf(w, "sent          %d\n", r.Sent)
	fmt.Fprintf(w, "acknowledged  %d (2xx)\n", r.Acknowledged)
	if len(r.NonOK) > 0 {
		codes := make([]int, 0, len(r.NonOK))
		for c := range r.NonOK {
			codes = append(codes, c)
		}
		sort.Ints(codes)
		var parts []string
		for _, c := range codes {
			parts = append(parts, fmt.Sprintf("%d×%d", c, r.NonOK[c]))
		}
		fmt.Fprintf(w, "non-2xx       %s\n", strings.Join(parts, ", "))
	}
	if r.TransportErrors > 0 {
		fmt.Fprintf(w, "errors        %d (first: %s)\n", r.TransportErrors, r.FirstError)
	}
	fmt.Fprintf(w, "elapsed       %.3fs\n", r.ElapsedSeconds)
	fmt.Fprintf(w, "ack/s         %.1f\n", r.AckPerSecond)
	fmt.Fprintf(w, "latency (ms)  p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n",
		r.Latency.P50, r.Latency.P90, r.Latency.P99, r.Latency.Max)
	fmt.Fprintf(w, "tool cpu      %.1f µs/request (user+system)\n", r.CPUMicrosPerRequest)
}
