package loadgen

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Window is what happened in one reporting interval of a run (Config.
// ReportEvery): requests sent, and requests that completed, in it. A soak
// run compares its first windows with its last: the same p99 and the same
// server RSS at the end as at the start is the claim; growth is the bug.
type Window struct {
	Index        int       `json:"window"`
	Start        time.Time `json:"start"`
	OffsetS      float64   `json:"offset_s"` // seconds from the start of the run
	Sent         int       `json:"sent"`
	Acknowledged int       `json:"acknowledged"`
	// Errors is completions that were not acknowledged: transport errors
	// and non-2xx answers (NonOK of them).
	Errors int `json:"errors"`
	NonOK  int `json:"non_2xx"`
	// Latency percentiles of the requests acknowledged in the window, in
	// milliseconds (measured from the scheduled time in open loop).
	P50 float64 `json:"p50_ms"`
	P99 float64 `json:"p99_ms"`
	// ServerRSSKB is Config.ServerPID's resident set size at the end of the
	// window, from /proc; 0 when not asked for or not readable.
	ServerRSSKB int64 `json:"server_rss_kb,omitempty"`
}

// WriteText prints the window as one line for a person.
func (w Window) WriteText(out io.Writer) {
	rss := "-"
	if w.ServerRSSKB > 0 {
		rss = fmt.Sprintf("%.1f MB", float64(w.ServerRSSKB)/1024)
	}
	fmt.Fprintf(out, "window %3d  +%6.0fs  %s  sent %6d  acked %6d  errors %4d  p50 %7.2f ms  p99 %7.2f ms  server rss %s\n",
		w.Index, w.OffsetS, w.Start.UTC().Format("15:04:05"), w.Sent, w.Acknowledged, w.Errors, w.P50, w.P99, rss)
}

// ReadRSS returns the resident set size of process pid in KiB, read from
// /proc/PID/status (Linux).
func ReadRSS(pid int) (int64, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("loadgen: rss of %d: %w", pid, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		v, ok := strings.CutPrefix(sc.Text(), "VmRSS:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("loadgen: rss of %d: %q: %w", pid, v, err)
		}
		return kb, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("loadgen: rss of %d: %w", pid, err)
	}
	return 0, fmt.Errorf("loadgen: rss of %d: no VmRSS line", pid)
}

// windows accumulates the current window's counts. Workers record into it
// under one mutex: at the rates a soak runs (thousands per second) that is
// far below what would contend, and it is only used when windows are asked
// for.
type windows struct {
	every  time.Duration
	pid    int
	report func(Window)
	start  time.Time

	mu                       sync.Mutex
	sent, acked, errs, nonOK int
	lat                      []time.Duration

	index int
	stop  chan struct{}
	done  chan struct{}
}

func newWindows(cfg *Config, start time.Time) *windows {
	if cfg.ReportEvery <= 0 || cfg.Report == nil {
		return nil
	}
	return &windows{every: cfg.ReportEvery, pid: cfg.ServerPID, report: cfg.Report, start: start,
		stop: make(chan struct{}), done: make(chan struct{})}
}

func (w *windows) sentOne() {
	if w == nil {
		return
	}
	w.mu.Lock()
	w.sent++
	w.mu.Unlock()
}

func (w *windows) ackedOne(d time.Duration) {
	if w == nil {
		return
	}
	w.mu.Lock()
	w.acked++
	w.lat = append(w.lat, d)
	w.mu.Unlock()
}

func (w *windows) failedOne(nonOK bool) {
	if w == nil {
		return
	}
	w.mu.Lock()
	w.errs++
	if nonOK {
		w.nonOK++
	}
	w.mu.Unlock()
}

// run emits a window every interval until finish; the last, possibly
// shorter, window is emitted by finish.
func (w *windows) run() {
	if w == nil {
		return
	}
	go func() {
		defer close(w.done)
		t := time.NewTicker(w.every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				w.emit()
			case <-w.stop:
				return
			}
		}
	}()
}

// finish stops the ticker and emits what the last window holds, if anything.
func (w *windows) finish() {
	if w == nil {
		return
	}
	close(w.stop)
	<-w.done
	w.mu.Lock()
	empty := w.sent == 0 && w.acked == 0 && w.errs == 0
	w.mu.Unlock()
	if !empty {
		w.emit()
	}
}

func (w *windows) emit() {
	w.mu.Lock()
	win := Window{Index: w.index, Sent: w.sent, Acknowledged: w.acked, Errors: w.errs, NonOK: w.nonOK}
	lat := w.lat
	w.sent, w.acked, w.errs, w.nonOK = 0, 0, 0, 0
	w.lat = make([]time.Duration, 0, cap(lat))
	w.mu.Unlock()

	win.Start = w.start.Add(time.Duration(w.index) * w.every)
	win.OffsetS = float64(w.index) * w.every.Seconds()
	w.index++
	s := summarize(lat)
	win.P50, win.P99 = s.P50, s.P99
	if w.pid > 0 {
		if kb, err := ReadRSS(w.pid); err == nil {
			win.ServerRSSKB = kb
		}
	}
	w.report(win)
}
