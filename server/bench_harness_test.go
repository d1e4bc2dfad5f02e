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

// benchSite is a real server over a database seeded with many cases, shared
// by the 100k-case benchmarks.
type benchSite struct {
	db      *store.DB
	base    string
	session string // an agent's console session cookie value
	token   string // the same agent's API token
	client  *http.Client
}

// newBenchSite seeds n cases through the store (RecordInbound, 64 writers at
// once so group commit carries them), the i-th received at receivedAt(i), and
// serves them on loopback. sidPrefix keeps the MessageSids of different
// benchmarks apart.
func newBenchSite(b *testing.B, n int, sidPrefix string, receivedAt func(i int) time.Time) *benchSite {
	b.Helper()
	db, err := store.Open(filepath.Join(b.TempDir(), "hotline.db"), keyed(store.DefaultOptions()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
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
					Channel: hotline.SMS, ExternalID: fmt.Sprintf("%s%08d", sidPrefix, i),
					From: fmt.Sprintf("+8551%08d", i), Body: "bench", ReceivedAt: receivedAt(i),
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
	b.Cleanup(func() { srv.Shutdown(ctx) })
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
	return &benchSite{db: db, base: base, session: session, token: token, client: client}
}

// reportLatency reports the p50 and p99 of lat in milliseconds.
func reportLatency(b *testing.B, lat []time.Duration) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds())/1000, "p99_ms")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
}
