package server_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"hotline"
)

// TestConsoleCaseEventsStream reads the case page's event stream as a
// browser would: a message to another case says nothing, a message to this
// case says "case".
func TestConsoleCaseEventsStream(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("agnes", hotline.RoleAgent, "")
	c := h.newCase("SM00000000000000000000000000000e01", "+85510000401", "they took our passports in Bavet")
	cc := h.login("agnes")

	ctx, cancel := context.WithTimeout(t.Context(), 8*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/console/cases/%d/events", h.baseURL, c.ID), nil)
	res, err := cc.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	events := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if ev, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				events <- ev
			}
		}
		close(events)
	}()
	// The stream is open once the first poll has its starting point.
	time.Sleep(1200 * time.Millisecond)
	h.newCase("SM00000000000000000000000000000e02", "+85510000402", "is this the hotline?")
	select {
	case ev := <-events:
		t.Fatalf("event %q for a change to another case", ev)
	case <-time.After(2500 * time.Millisecond):
	}
	h.newCase("SM00000000000000000000000000000e03", "+85510000401", "we are on the third floor")
	select {
	case ev, ok := <-events:
		if !ok || ev != "case" {
			t.Fatalf("after a new message: %q (open %v), want case", ev, ok)
		}
	case <-ctx.Done():
		t.Fatal("no event after a new message on the case")
	}
}
