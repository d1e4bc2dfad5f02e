package dispatch

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"hotline"
	"hotline/internal/seal"
	"hotline/store"
)

// fakeSender counts what reaches the provider and fails as told.
type fakeSender struct {
	mu    sync.Mutex
	fails []error // returned by the first calls, in order
	got   []hotline.Outbound
	calls int
}

func (f *fakeSender) Send(_ context.Context, m hotline.Outbound) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if len(f.fails) > 0 {
		err := f.fails[0]
		f.fails = f.fails[1:]
		return "", err
	}
	f.got = append(f.got, m)
	return "SM" + strings.Repeat("0", 30) + string(rune('a'+len(f.got))), nil
}

func (f *fakeSender) sent() []hotline.Outbound {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]hotline.Outbound(nil), f.got...)
}

func openDB(t *testing.T) *store.DB {
	t.Helper()
	opts := store.DefaultOptions()
	opts.Keys = seal.Generate()
	db, err := store.Open(filepath.Join(t.TempDir(), "hotline.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var agent = hotline.Staff{User: hotline.User{ID: 1, Name: "agent-test", Role: hotline.RoleAgent}}

// inbound records a message from a (fictional) number with the given urgency.
func inbound(t *testing.T, db *store.DB, sid, from, lang string, u hotline.Urgency) hotline.Receipt {
	t.Helper()
	tr := hotline.Triage{Lang: lang, Urgency: u, Reporter: hotline.ReporterSelf,
		Location: hotline.Location{Country: "KH", Province: "Preah Sihanouk", Place: "Otres"}}
	if u == hotline.Critical {
		tr.Reasons = []hotline.Reason{{Signal: "violence", Match: "beaten", Urgency: hotline.Critical}}
	}
	r, err := db.RecordInbound(context.Background(), hotline.Inbound{Channel: hotline.SMS, ExternalID: sid, From: from,
		To: "+85510999000", Body: "help us", ReceivedAt: time.Now()}, tr, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func fastConfig(senders map[hotline.Channel]hotline.Sender) Config {
	return Config{Senders: senders, PublicURL: "https://hotline.test", AckKey: []byte("k-0123456789abcdef0123456789abcd"),
		Backoff: Backoff{Base: time.Millisecond, Max: 5 * time.Millisecond, MaxAttempts: 5}, Poll: 5 * time.Millisecond}
}

// rounds runs rounds until cond holds or a second passes.
func rounds(t *testing.T, d *Dispatcher, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		if err := d.Round(context.Background()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func outboxOf(t *testing.T, db *store.DB, caseID int64) []store.OutboxEntry {
	t.Helper()
	rows, err := db.Outbox(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestFailingProviderIsRetriedThenSucceedsExactlyOnce(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	r := inbound(t, db, "SMretry1", "+85510000123", "km", hotline.High)
	if _, err := db.QueueReply(ctx, agent, hotline.ReplyRequest{CaseID: r.CaseID, Body: "ok"}); err != nil {
		t.Fatal(err)
	}
	fs := &fakeSender{fails: []error{
		&hotline.SendError{Retryable: true, Code: "500", Err: errors.New("server error")},
		&hotline.SendError{Retryable: true, Code: "429", Err: errors.New("too many requests")},
	}}
	d := New(db, fastConfig(map[hotline.Channel]hotline.Sender{hotline.SMS: fs}))
	rounds(t, d, func() bool { return len(fs.sent()) > 0 })
	// More rounds must not send it again.
	for i := 0; i < 5; i++ {
		d.Round(ctx)
	}
	if fs.calls != 3 || len(fs.sent()) != 1 {
		t.Fatalf("provider called %d times, accepted %d; want 3 and 1", fs.calls, len(fs.sent()))
	}
	rows := outboxOf(t, db, r.CaseID)
	if len(rows) != 1 || rows[0].Status != store.OutboxSent || rows[0].Attempts != 3 || rows[0].ProviderID == "" {
		t.Fatalf("outbox %+v", rows)
	}
	// The provider id lands where delivery callbacks look for it.
	if err := db.RecordDeliveryStatus(ctx, hotline.SMS, rows[0].ProviderID, "delivered", ""); err != nil {
		t.Fatalf("delivery status for the sent reply: %v", err)
	}
}

func TestFinalErrorsAndUnconfiguredChannelsAreVisible(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	r1 := inbound(t, db, "SMfinal1", "+85510000124", "en", hotline.Medium)
	r2 := inbound(t, db, "SMfinal2", "+85510000125", "en", hotline.Medium)
	db.QueueReply(ctx, agent, hotline.ReplyRequest{CaseID: r1.CaseID, Body: "ok"})
	db.QueueReply(ctx, agent, hotline.ReplyRequest{CaseID: r2.CaseID, Body: "ok"})
	fs := &fakeSender{fails: []error{&hotline.SendError{Code: "21211", Err: errors.New("invalid number")}}}
	d := New(db, fastConfig(map[hotline.Channel]hotline.Sender{hotline.SMS: fs}))
	d.Round(ctx)
	// One row failed for good, the other was sent: each visible.
	st := map[string]int{}
	for _, id := range []int64{r1.CaseID, r2.CaseID} {
		for _, e := range outboxOf(t, db, id) {
			st[e.Status]++
		}
	}
	if st[store.OutboxFailed] != 1 || st[store.OutboxSent] != 1 {
		t.Fatalf("statuses %v", st)
	}

	r3 := inbound(t, db, "SMnocfg", "+85510000126", "en", hotline.Medium)
	db.QueueReply(ctx, agent, hotline.ReplyRequest{CaseID: r3.CaseID, Body: "ok"})
	New(db, fastConfig(nil)).Round(ctx)
	if e := outboxOf(t, db, r3.CaseID); e[0].Status != store.OutboxNotConfigured {
		t.Fatalf("without a sender: %+v", e)
	}
	c, _ := db.GetCase(ctx, r3.CaseID)
	if last := c.Messages[len(c.Messages)-1]; last.Status != store.OutboxNotConfigured {
		t.Fatalf("the reply shows %q", last.Status)
	}
}

func TestDoNotContactIsCheckedAtSendTime(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	r := inbound(t, db, "SMdnc1", "+85510000127", "km", hotline.High)
	if _, err := db.QueueReply(ctx, agent, hotline.ReplyRequest{CaseID: r.CaseID, Body: "ok"}); err != nil {
		t.Fatal(err)
	}
	// STOP arrives after the reply was queued.
	if err := db.SetDoNotContact(ctx, hotline.SMS, "+85510000127", true); err != nil {
		t.Fatal(err)
	}
	fs := &fakeSender{}
	New(db, fastConfig(map[hotline.Channel]hotline.Sender{hotline.SMS: fs})).Round(ctx)
	if fs.calls != 0 {
		t.Fatalf("a do-not-contact reply reached the provider")
	}
	if e := outboxOf(t, db, r.CaseID); e[0].Status != store.OutboxDoNotContact {
		t.Fatalf("outbox %+v", e)
	}
}

// setupRouting routes Korean-speaking cases to the embassy, then the task
// force; each has one on-duty SMS contact.
func setupRouting(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	for i, org := range []string{"Embassy consular desk", "Joint task force"} {
		if _, err := db.AddRoute(ctx, "admin", org, store.RoutingRule{Position: i, Nationality: "KR", MinUrgency: hotline.High}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddResponder(ctx, "admin", org, store.Responder{Name: "duty " + org, Channel: hotline.SMS,
			Address: "+8210000000" + string(rune('1'+i)), Lang: "ko", OnDuty: true}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCriticalCaseNotifiesOnDutyResponderAndEscalates(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	setupRouting(t, db)
	r := inbound(t, db, "SMcrit1", "+821000001234", "ko", hotline.Critical)
	// The notification was committed with the message.
	rows := outboxOf(t, db, r.CaseID)
	if len(rows) != 1 || rows[0].Kind != hotline.OutboundNotification {
		t.Fatalf("outbox after a critical message: %+v", rows)
	}
	fs := &fakeSender{}
	cfg := fastConfig(map[hotline.Channel]hotline.Sender{hotline.SMS: fs})
	cfg.EscalateAfter = 150 * time.Millisecond
	d := New(db, cfg)
	rounds(t, d, func() bool { return len(fs.sent()) == 1 })
	m := fs.sent()[0]
	if m.To != "+82100000001" || !strings.Contains(m.Body, "https://hotline.test/ack/") || !strings.Contains(m.Body, r.CaseRef) {
		t.Fatalf("notification %+v", m)
	}
	if strings.Contains(m.Body, "+821000001234") {
		t.Fatal("the reporter's number went out without consent")
	}
	// Nobody acknowledges: the hand-off is sent again and widened to the
	// next organisation.
	rounds(t, d, func() bool { return len(fs.sent()) >= 3 })
	to := map[string]int{}
	for _, m := range fs.sent() {
		to[m.To]++
	}
	if to["+82100000001"] != 2 || to["+82100000002"] != 1 {
		t.Fatalf("after escalation: %v", to)
	}
	hs, _ := db.Handoffs(ctx, r.CaseID)
	if len(hs) != 2 {
		t.Fatalf("hand-offs %+v", hs)
	}
	// Acknowledging stops the timers.
	for _, h := range hs {
		tok, hash := d.ack.Mint(h.ID, 0, time.Now().Add(time.Hour))
		_ = tok
		db.SaveAckToken(ctx, hash, h.ID, 0, time.Now().Add(time.Hour))
		if _, err := db.UseAckLink(ctx, hash); err != nil {
			t.Fatal(err)
		}
	}
	n := len(fs.sent())
	time.Sleep(200 * time.Millisecond)
	for i := 0; i < 5; i++ {
		d.Round(ctx)
	}
	if len(fs.sent()) != n {
		t.Fatalf("acknowledged hand-offs kept escalating: %d → %d", n, len(fs.sent()))
	}
}

func TestCrashInFlightReplyIsUncertainNotificationIsResent(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	setupRouting(t, db)
	r := inbound(t, db, "SMcrash1", "+821000001235", "ko", hotline.Critical)
	if _, err := db.QueueReply(ctx, agent, hotline.ReplyRequest{CaseID: r.CaseID, Body: "ok"}); err != nil {
		t.Fatal(err)
	}
	// A dispatcher claims both rows and dies before recording anything.
	claimed, err := db.ClaimOutbox(ctx, 10)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("claimed %d, %v", len(claimed), err)
	}
	fs := &fakeSender{}
	d := New(db, fastConfig(map[hotline.Channel]hotline.Sender{hotline.SMS: fs}))
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.Run(runCtx) }()
	deadline := time.Now().Add(3 * time.Second)
	for len(fs.sent()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var replies, notes int
	for _, m := range fs.sent() {
		if m.Kind == hotline.OutboundReply {
			replies++
		} else {
			notes++
		}
	}
	if replies != 0 || notes != 1 {
		t.Fatalf("after the crash: %d replies and %d notifications sent; want 0 and 1", replies, notes)
	}
	c, _ := db.GetCase(ctx, r.CaseID)
	if last := c.Messages[len(c.Messages)-1]; last.Status != store.OutboxUncertain {
		t.Fatalf("the interrupted reply shows %q", last.Status)
	}
}

func TestBackoffGrowsIsCappedAndEnds(t *testing.T) {
	b := Backoff{Base: time.Second, Max: 8 * time.Second, MaxAttempts: 6}
	prevMax := time.Duration(0)
	for a := 1; a < 6; a++ {
		d, ok := b.Next(a, 0)
		if !ok || d > 8*time.Second || d < time.Second/2 {
			t.Fatalf("attempt %d: %v %v", a, d, ok)
		}
		prevMax = max(prevMax, d)
	}
	if prevMax < 4*time.Second {
		t.Fatalf("backoff did not grow: max %v", prevMax)
	}
	if _, ok := b.Next(6, 0); ok {
		t.Fatal("no end to retries")
	}
	if d, _ := b.Next(1, time.Minute); d != time.Minute {
		t.Fatalf("provider hint ignored: %v", d)
	}
}

func TestReplyWithoutAnswerIsUncertainNotRetried(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	r := inbound(t, db, "SMnoans", "+85510000128", "km", hotline.High)
	db.QueueReply(ctx, agent, hotline.ReplyRequest{CaseID: r.CaseID, Body: "ok"})
	fs := &fakeSender{fails: []error{&hotline.SendError{Retryable: true, Code: CodeNoAnswer, Err: errors.New("timeout")}}}
	d := New(db, fastConfig(map[hotline.Channel]hotline.Sender{hotline.SMS: fs}))
	for i := 0; i < 5; i++ {
		d.Round(ctx)
		time.Sleep(5 * time.Millisecond)
	}
	if fs.calls != 1 {
		t.Fatalf("provider called %d times for a reply that may have gone out", fs.calls)
	}
	if e := outboxOf(t, db, r.CaseID); e[0].Status != store.OutboxUncertain {
		t.Fatalf("%+v", e)
	}
}
