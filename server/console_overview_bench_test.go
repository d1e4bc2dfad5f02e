package server_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// BenchmarkOverviewAt100k seeds 100,000 cases through the store
// (RecordInbound, many writers at once, as BenchmarkQueueAt100k does), all
// received within the overview's default period (the 30 days up to today),
// and times GET /console/overview over loopback, reporting p50 and p99 in
// ms. It checks that each page counts every case, so a fast page that
// missed them would not pass for a fast page.
//
//	go test -run '^$' -bench OverviewAt100k -benchtime 100x ./server
func BenchmarkOverviewAt100k(b *testing.B) {
	const n = 100_000
	// The console's default period ends at tomorrow 00:00 UTC; 25 s apart,
	// the cases fill its first 29 days, all in the past.
	now := time.Now().UTC()
	first := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -29).Add(time.Minute)
	site := newBenchSite(b, n, "SMoverview", func(i int) time.Time { return first.Add(time.Duration(i) * 25 * time.Second) })
	opened := fmt.Sprintf(`<strong>%d</strong>`, n)

	var lat []time.Duration
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodGet, site.base+"/console/overview", nil)
		req.AddCookie(&http.Cookie{Name: "hotline_session", Value: site.session})
		t0 := time.Now()
		resp, err := site.client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		lat = append(lat, time.Since(t0))
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("/console/overview: %d, %v", resp.StatusCode, err)
		}
		if !strings.Contains(string(body), opened) {
			b.Fatalf("/console/overview does not count the %d cases opened", n)
		}
	}
	reportLatency(b, lat)
}
