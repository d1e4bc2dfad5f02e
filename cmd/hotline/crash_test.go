package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestAcknowledgedWebhooksSurviveSIGKILL is the first promise under fire:
// thousands of signed webhooks arrive concurrently, the server is killed
// with SIGKILL mid-stream, and after a restart every MessageSid that got a
// 2xx is in the database exactly once.
func TestAcknowledgedWebhooksSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test starts the real binary several times")
	}
	const (
		total       = 4000
		concurrency = 64
		killAfter   = 1500 // acknowledgements before the kill
	)
	dir := t.TempDir()
	p := startHotline(t, dir)

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency}, Timeout: 15 * time.Second}
	ctx := context.Background()
	var (
		mu     sync.Mutex
		acked  = map[string]bool{}
		nAcked atomic.Int64
		nFail  atomic.Int64
		killed = make(chan struct{})
		once   sync.Once
	)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				sid := fmt.Sprintf("SMcrash%025d", i)
				from := fmt.Sprintf("+8551000%04d", i%500)
				code, _, err := postTwilio(ctx, client, p.baseURL, twilioForm(sid, from, "We are locked in, please help"), testAuthToken)
				if err == nil && code >= 200 && code < 300 {
					mu.Lock()
					acked[sid] = true
					mu.Unlock()
					if nAcked.Add(1) == killAfter {
						once.Do(func() { p.kill(); close(killed) })
					}
				} else {
					nFail.Add(1)
				}
			}
		}()
	}
	for i := 0; i < total; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	select {
	case <-killed:
	default:
		t.Fatalf("only %d of %d webhooks were acknowledged before the stream ended; the kill never happened", nAcked.Load(), total)
	}
	t.Logf("acknowledged %d, failed (after the kill) %d of %d", len(acked), nFail.Load(), total)
	if nFail.Load() == 0 {
		t.Fatal("no request failed: the server was not killed mid-stream")
	}

	// Restart on the same database: recovery must not need anything but the file.
	p2 := startHotline(t, dir)
	db := openDBReadOnly(t, dir)
	rows, err := db.Query(`SELECT external_id, count(*) FROM messages WHERE external_id LIKE 'SMcrash%' GROUP BY external_id`)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]int{}
	for rows.Next() {
		var sid string
		var n int
		if err := rows.Scan(&sid, &n); err != nil {
			t.Fatal(err)
		}
		stored[sid] = n
	}
	rows.Close()
	lost := 0
	for sid := range acked {
		switch stored[sid] {
		case 1:
		case 0:
			lost++
		default:
			t.Errorf("%s stored %d times", sid, stored[sid])
		}
	}
	if lost > 0 {
		t.Fatalf("%d acknowledged webhooks were lost across SIGKILL", lost)
	}
	t.Logf("all %d acknowledged MessageSids are stored exactly once; %d stored in all (some committed without their 2xx reaching the client)", len(acked), len(stored))

	// Twilio's retry of an acknowledged message after the restart changes nothing.
	var n int
	i := 0
	for sid := range acked {
		if i++; i > 50 {
			break
		}
		code, _, err := postTwilio(ctx, client, p2.baseURL, twilioForm(sid, "+85510000001", "We are locked in, please help"), testAuthToken)
		if err != nil || code != http.StatusOK {
			t.Fatalf("retry of %s after restart: %d %v", sid, code, err)
		}
	}
	if err := db.QueryRow(`SELECT count(*) FROM messages WHERE external_id LIKE 'SMcrash%'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(stored) {
		t.Fatalf("retries after restart changed the message count: %d → %d", len(stored), n)
	}
}
