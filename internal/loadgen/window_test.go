package loadgen

import (
	"context"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"
)

// TestReportWindows runs an open-loop load against a loopback stub that
// fails every tenth call, with windows of 250 ms and this process as the
// "server" whose RSS is read: the windows cover the run without gaps, add
// up to the summary, carry their own percentiles, and report a real RSS.
func TestReportWindows(t *testing.T) {
	stub := &hotlineStub{failEach: 10}
	srv := httptest.NewServer(stub)
	defer srv.Close()
	cfg := baseConfig(srv.URL)
	cfg.Rate = 400
	cfg.Duration = time.Second
	cfg.Concurrency = 16
	cfg.ReportEvery = 250 * time.Millisecond
	cfg.ServerPID = os.Getpid()
	var mu sync.Mutex
	var got []Window
	cfg.Report = func(w Window) {
		mu.Lock()
		got = append(got, w)
		mu.Unlock()
	}
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) < 4 || len(got) > 5 {
		t.Fatalf("%d windows for 1 s at 250 ms: %+v", len(got), got)
	}
	var sent, acked, errs, nonOK int
	for i, w := range got {
		if w.Index != i || w.OffsetS != float64(i)*0.25 {
			t.Errorf("window %d: index %d offset %v", i, w.Index, w.OffsetS)
		}
		if i > 0 && w.Start.Sub(got[i-1].Start) != cfg.ReportEvery {
			t.Errorf("window %d starts %v after the previous", i, w.Start.Sub(got[i-1].Start))
		}
		if w.ServerRSSKB <= 0 {
			t.Errorf("window %d: rss %d", i, w.ServerRSSKB)
		}
		if w.Acknowledged > 0 && (w.P50 <= 0 || w.P99 < w.P50) {
			t.Errorf("window %d: p50 %v p99 %v", i, w.P50, w.P99)
		}
		sent += w.Sent
		acked += w.Acknowledged
		errs += w.Errors
		nonOK += w.NonOK
	}
	// The first full window of a 400/s run sends about 100.
	if got[0].Sent < 80 || got[0].Sent > 120 {
		t.Errorf("first window sent %d, want about 100", got[0].Sent)
	}
	if sent != res.Sent || acked != res.Acknowledged || nonOK != res.NonOK[503] || errs != nonOK+res.TransportErrors {
		t.Errorf("windows add up to sent %d acked %d errors %d (non-2xx %d); summary %+v", sent, acked, errs, nonOK, res)
	}
	if res.Sent != 400 || nonOK != 40 {
		t.Errorf("sent %d with %d refused, want 400 and 40", res.Sent, nonOK)
	}
}

func TestReadRSS(t *testing.T) {
	kb, err := ReadRSS(os.Getpid())
	if err != nil {
		t.Skip("no /proc here:", err)
	}
	if kb < 1024 {
		t.Errorf("own RSS %d KiB", kb)
	}
	if _, err := ReadRSS(1 << 30); err == nil {
		t.Error("RSS of a process that does not exist")
	}
}
