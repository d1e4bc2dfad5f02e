package server_test

import (
	"io"
	"net/http"
	"testing"
	"time"
)

// BenchmarkQueueAt100k seeds 100,000 cases through the store (RecordInbound,
// many writers at once so group commit carries them) and times the console
// queue page and GET /api/v1/cases over loopback, reporting p99 in ms.
//
//	go test -run '^$' -bench QueueAt100k -benchtime 200x ./server
func BenchmarkQueueAt100k(b *testing.B) {
	site := newBenchSite(b, 100_000, "SMbench", func(i int) time.Time { return time.UnixMilli(1_700_000_000_000 + int64(i)*1000) })
	session, token := site.session, site.token
	for _, tc := range []struct {
		name, path string
		auth       func(*http.Request)
	}{
		{"console", "/console", func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "hotline_session", Value: session}) }},
		{"console-filtered", "/console?province=Svay+Rieng&lang=km&unassigned=1", func(r *http.Request) {
			r.AddCookie(&http.Cookie{Name: "hotline_session", Value: session})
		}},
		{"api", "/api/v1/cases", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var lat []time.Duration
			for b.Loop() {
				req, _ := http.NewRequest(http.MethodGet, site.base+tc.path, nil)
				tc.auth(req)
				t0 := time.Now()
				resp, err := site.client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat = append(lat, time.Since(t0))
				if resp.StatusCode != 200 {
					b.Fatalf("%s: %d", tc.path, resp.StatusCode)
				}
			}
			reportLatency(b, lat)
		})
	}
}
