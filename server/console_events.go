package server

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline"
)

// Live queue: one poller per server asks the database once a second which
// cases changed and tells every open console. Polling the read pool costs
// the write path nothing, sees every writer (webhooks, other instances,
// the CLI), and stops when nobody is watching.
const (
	pollEvery = time.Second
	// streamFor ends each stream before the server's write timeout; the
	// browser's EventSource reconnects by itself.
	streamFor = 10 * time.Second
)

type changeSource interface {
	ChangedSince(ctx context.Context, mark hotline.ChangeMark, limit int) ([]int64, hotline.ChangeMark, error)
	LastChange(ctx context.Context) (hotline.ChangeMark, error)
}

type hub struct {
	db   changeSource
	log  *slog.Logger
	mu   sync.Mutex
	subs map[chan []int64]struct{}
	stop chan struct{}
}

func newHub(db changeSource, log *slog.Logger) *hub {
	return &hub{db: db, log: log, subs: map[chan []int64]struct{}{}}
}

func (hb *hub) subscribe() chan []int64 {
	ch := make(chan []int64, 4)
	hb.mu.Lock()
	defer hb.mu.Unlock()
	hb.subs[ch] = struct{}{}
	if hb.stop == nil {
		hb.stop = make(chan struct{})
		go hb.poll(hb.stop)
	}
	return ch
}

func (hb *hub) unsubscribe(ch chan []int64) {
	hb.mu.Lock()
	defer hb.mu.Unlock()
	delete(hb.subs, ch)
	if len(hb.subs) == 0 && hb.stop != nil {
		close(hb.stop)
		hb.stop = nil
	}
}

func (hb *hub) poll(stop chan struct{}) {
	ctx := context.Background()
	mark, err := hb.db.LastChange(ctx)
	if err != nil {
		hb.log.Error("live queue: last change", "err", err)
	}
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		ids, next, err := hb.db.ChangedSince(ctx, mark, 200)
		if err != nil {
			hb.log.Error("live queue: changes", "err", err)
			continue
		}
		if len(ids) == 0 {
			continue
		}
		mark = next
		hb.mu.Lock()
		for ch := range hb.subs {
			select {
			case ch <- ids:
			default: // a slow browser misses one nudge, not the queue
			}
		}
		hb.mu.Unlock()
	}
}

// events serves GET /console/events, a text/event-stream of "cases"
// events. Staff get the changed case ids; responders only a nudge, since
// ids of cases not handed to them are not theirs to see.
func (h *console) events(c *fiber.Ctx) error {
	s := session(c)
	withIDs := s.Staff.Role != hotline.RoleResponder
	return h.stream(c, func(ids []int64) string {
		data := ""
		if withIDs {
			parts := make([]string, len(ids))
			for i, id := range ids {
				parts[i] = strconv.FormatInt(id, 10)
			}
			data = strings.Join(parts, ",")
		}
		return fmt.Sprintf("event: cases\ndata: %s\n\n", data)
	})
}

// stream holds a text/event-stream open on the hub until streamFor has
// passed. event turns each batch of changed case ids into the SSE event
// to send, or "" to send nothing for that batch; the queue and the case
// page differ only in that.
func (h *console) stream(c *fiber.Ctx, event func(ids []int64) string) error {
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Accel-Buffering", "no")
	ch := h.hub.subscribe()
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer h.hub.unsubscribe(ch)
		fmt.Fprint(w, "retry: 1000\n\n")
		if w.Flush() != nil {
			return
		}
		end := time.NewTimer(streamFor)
		defer end.Stop()
		for {
			select {
			case ids := <-ch:
				e := event(ids)
				if e == "" {
					continue
				}
				fmt.Fprint(w, e)
				if w.Flush() != nil {
					return
				}
			case <-end.C:
				return
			}
		}
	})
	return nil
}
