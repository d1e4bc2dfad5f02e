package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"hotline"
	"hotline/intake"
	"hotline/server"
	"hotline/store"
)

// BenchmarkQueueAt100k seeds 100,000 cases through the store (RecordInbound,
// many writers at once so group commit carries them) and times the console
// queue page and GET /api/v1/cases over loopback, reporting p99 in ms.
//
//	go test -run '^$' -bench QueueAt100k -benchtime 200x ./server
func BenchmarkQueueAt100k(b *testing.B) {
	const n = 100_000
	dir := b.TempDir()
	db, err := store.Open(filepath.Join(dir, "hotline.db"), store.DefaultOptions())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	start := time.Now()
	var wg sync.WaitGroup
	const writers = 64
	provinces := []string{"Preah Sihanouk", "Svay Rieng", "Banteay Meanchey", "Phnom Penh", "Oddar Meanchey"}
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += writers {
				_, err := db.RecordInbound(ctx, hotline.Inbound{
					Channel: hotline.SMS, ExternalID: fmt.Sprintf("SMbench%08d", i),
					From: fmt.Sprintf("+8551%08d", i), Body: "bench", ReceivedAt: time.UnixMilli(1_700_000_000_000 + int64(i)*1000),
				}, hotline.Triage{
					Lang: []string{"km", "ko", "en"}[i%3], Urgency: hotline.Urgency(1 + i%4),
					Location: hotline.Location{Country: "KH", Province: provinces[i%len(provinces)]},
				}, nil)
				if err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.Logf("seeded %d cases through RecordInbound in %v", n, time.Since(start).Round(time.Millisecond))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	srv, err := server.New(server.Config{PublicURL: base}, server.Deps{
		Intake: intake.New(db, intake.Options{Texts: harnessTexts{}}), Cases: db, Users: db, DB: db,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		b.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Shutdown(ctx)
	u, err := db.CreateUser(ctx, "bench", hotline.RoleAgent, "x")
	if err != nil {
		b.Fatal(err)
	}
	session, err := db.CreateSession(ctx, u.ID)
	if err != nil {
		b.Fatal(err)
	}
	token, err := db.CreateToken(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

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
				req, _ := http.NewRequest(http.MethodGet, base+tc.path, nil)
				tc.auth(req)
				t0 := time.Now()
				resp, err := client.Do(req)
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
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			p99 := lat[min(len(lat)-1, len(lat)*99/100)]
			b.ReportMetric(float64(p99.Microseconds())/1000, "p99_ms")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
		})
	}
}
