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
	"strings"
	"sync"
	"testing"
	"time"

	"hotline"
	"hotline/intake"
	"hotline/server"
	"hotline/store"
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
	db, err := store.Open(filepath.Join(b.TempDir(), "hotline.db"), store.DefaultOptions())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	// The console's default period ends at tomorrow 00:00 UTC; 25 s apart,
	// the cases fill its first 29 days, all in the past.
	now := time.Now().UTC()
	first := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -29).Add(time.Minute)
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
					Channel: hotline.SMS, ExternalID: fmt.Sprintf("SMoverview%08d", i),
					From: fmt.Sprintf("+8551%08d", i), Body: "bench", ReceivedAt: first.Add(time.Duration(i) * 25 * time.Second),
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
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	opened := fmt.Sprintf(`<strong>%d</strong>`, n)

	var lat []time.Duration
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodGet, base+"/console/overview", nil)
		req.AddCookie(&http.Cookie{Name: "hotline_session", Value: session})
		t0 := time.Now()
		resp, err := client.Do(req)
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
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds())/1000, "p99_ms")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
}
