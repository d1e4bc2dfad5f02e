package evidence_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hotline"
	"hotline/channels/telegram"
	"hotline/evidence"
	"hotline/internal/seal"
	"hotline/store"
)

// rig is a real store on a SQLite file, a real evidence directory and the
// worker with both fetchers pointed at loopback fakes.
type rig struct {
	t      *testing.T
	db     *store.DB
	files  *evidence.Store
	dir    string
	twilio *fakeTwilio
	bot    *fakeBotAPI
	w      *evidence.Worker
	now    time.Time
}

func newRig(t *testing.T) *rig {
	t.Helper()
	// One key file for the database and the evidence, as in serve.
	keys := seal.Generate()
	opts := store.DefaultOptions()
	opts.Keys = keys
	db, err := store.Open(filepath.Join(t.TempDir(), "hotline.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	dir := filepath.Join(t.TempDir(), "evidence")
	files, err := evidence.Open(dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, db: db, files: files, dir: dir, twilio: newFakeTwilio(t), bot: newFakeBotAPI(t), now: time.Now()}
	r.w = &evidence.Worker{
		Queue: db, Store: files,
		Fetchers: []evidence.Fetcher{
			&evidence.Twilio{AccountSID: tAccount, AuthToken: tAuthToken, APIBase: r.twilio.api.URL, MaxBytes: 4096},
			&evidence.Telegram{Client: &telegram.Client{BaseURL: r.bot.srv.URL, Token: tBotToken}, MaxBytes: 4096},
		},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return r.now },
	}
	return r
}

// inbound stores a message with media the way intake does.
func (r *rig) inbound(ch hotline.Channel, from, extID string, media ...hotline.Media) hotline.Receipt {
	r.t.Helper()
	rc, err := r.db.RecordInbound(context.Background(), hotline.Inbound{
		Channel: ch, From: from, To: "+85510000999", ExternalID: extID, Body: "see attached", Media: media,
	}, hotline.Triage{}, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	return rc
}

func (r *rig) round() int {
	r.t.Helper()
	n, err := r.w.RunOnce(context.Background())
	if err != nil {
		r.t.Fatal(err)
	}
	return n
}

func (r *rig) items(caseID int64) []evidence.Item {
	r.t.Helper()
	items, err := r.db.CaseEvidence(context.Background(), caseID)
	if err != nil {
		r.t.Fatal(err)
	}
	return items
}

func TestWorkerStoresTwilioAndTelegramMedia(t *testing.T) {
	r := newRig(t)
	photo := bytes.Repeat([]byte("fictional-mms-photo "), 40)
	voice := []byte("RIFF fictional wav recording")
	tgPhoto := bytes.Repeat([]byte("telegram-photo "), 30)
	u1 := r.twilio.add("ME00000000000000000000000000000001", photo, "image/jpeg")
	u2 := r.twilio.add("ME00000000000000000000000000000002", voice, "audio/wav")
	r.bot.add("AgACAgIAAxkBAAIBphoto", tgPhoto)

	sms := r.inbound(hotline.SMS, "+85510000123", "SM00000000000000000000000000000001",
		hotline.Media{URL: u1, ContentType: "image/jpeg"}, hotline.Media{URL: u2, ContentType: "audio/wav"})
	tg := r.inbound(hotline.Telegram, "700000001", "tg-update-1",
		hotline.Media{URL: telegram.MediaScheme + "AgACAgIAAxkBAAIBphoto", ContentType: "image/jpeg"})
	r.inbound(hotline.SMS, "+85510000124", "SM00000000000000000000000000000002") // no media

	if n := r.round(); n != 3 {
		t.Fatalf("stored %d files, want 3", n)
	}
	want := map[int64][][]byte{sms.CaseID: {photo, voice}, tg.CaseID: {tgPhoto}}
	types := map[int64][]string{sms.CaseID: {"image/jpeg", "audio/wav"}, tg.CaseID: {"image/jpeg"}}
	for caseID, files := range want {
		items := r.items(caseID)
		if len(items) != len(files) {
			t.Fatalf("case %d: %d evidence items, want %d", caseID, len(items), len(files))
		}
		for i, it := range items {
			sum := sha256.Sum256(files[i])
			if it.Status != evidence.StatusFetched || it.Index != i || it.Size != int64(len(files[i])) ||
				it.SHA256 != hex.EncodeToString(sum[:]) || it.ContentType != types[caseID][i] || it.Attempts != 1 {
				t.Errorf("case %d item %d: %+v", caseID, i, it)
			}
			if !it.FetchedAt.Equal(r.now.Truncate(time.Millisecond)) {
				t.Errorf("fetched at %v, want %v", it.FetchedAt, r.now)
			}
			raw, err := os.ReadFile(filepath.Join(r.dir, it.File))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(raw, files[i][:16]) {
				t.Errorf("case %d item %d is stored in the clear", caseID, i)
			}
			got, err := r.files.Read(it.File, it.SHA256)
			if err != nil || !bytes.Equal(got, files[i]) {
				t.Errorf("case %d item %d reads back %d bytes, %v", caseID, i, len(got), err)
			}
		}
	}
	// Nothing more to do: no request, no second copy.
	calls := r.twilio.calls()
	if n := r.round(); n != 0 || r.twilio.calls() != calls {
		t.Errorf("second round stored %d and called Twilio %d more times", n, r.twilio.calls()-calls)
	}
	entries, _ := os.ReadDir(r.dir)
	if len(entries) != 3 {
		t.Errorf("%d files in the evidence directory, want 3", len(entries))
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), "ME0000") || strings.Contains(e.Name(), ".jpg") {
			t.Errorf("file named after its source: %s", e.Name())
		}
	}
}

func TestWorkerRetriesAfterServerError(t *testing.T) {
	r := newRig(t)
	u := r.twilio.add("ME00000000000000000000000000000011", []byte("photo after a 500"), "image/png")
	rc := r.inbound(hotline.WhatsApp, "whatsapp:+821000001234", "SM00000000000000000000000000000011",
		hotline.Media{URL: u, ContentType: "image/png"})
	r.twilio.failNext(500)

	if n := r.round(); n != 0 {
		t.Fatalf("stored %d during a 500", n)
	}
	it := r.items(rc.CaseID)[0]
	if it.Status != evidence.StatusFailed || it.Attempts != 1 || !strings.Contains(it.LastError, "500") {
		t.Fatalf("after a 500: %+v", it)
	}
	// Not due before the backoff has passed.
	calls := r.twilio.calls()
	r.round()
	if r.twilio.calls() != calls {
		t.Fatal("retried before the backoff")
	}
	r.now = r.now.Add(evidence.Backoff(1) + time.Second)
	if n := r.round(); n != 1 {
		t.Fatalf("retry stored %d", n)
	}
	it = r.items(rc.CaseID)[0]
	if it.Status != evidence.StatusFetched || it.Attempts != 2 || it.LastError != "" || it.Size != int64(len("photo after a 500")) {
		t.Fatalf("after the retry: %+v", it)
	}
}

func TestWorkerGivesUpOnRepeatedNotFound(t *testing.T) {
	r := newRig(t)
	gone := r.twilio.api.URL + "/2010-04-01/Accounts/" + tAccount + "/Messages/MM1/Media/ME00000000000000000000000000000404"
	rc := r.inbound(hotline.SMS, "+85510000125", "SM00000000000000000000000000000404",
		hotline.Media{URL: gone, ContentType: "image/jpeg"})
	for i := 1; i <= evidence.NotFoundAttempts; i++ {
		r.round()
		it := r.items(rc.CaseID)[0]
		if it.Attempts != i {
			t.Fatalf("round %d: %d attempts", i, it.Attempts)
		}
		wantStatus := evidence.StatusFailed
		if i == evidence.NotFoundAttempts {
			wantStatus = evidence.StatusUnavailable
		}
		if it.Status != wantStatus || !strings.Contains(it.LastError, "404") {
			t.Fatalf("round %d: %+v", i, it)
		}
		r.now = r.now.Add(2 * time.Hour)
	}
	calls := r.twilio.calls()
	r.now = r.now.Add(48 * time.Hour)
	r.round()
	if r.twilio.calls() != calls {
		t.Fatal("an unavailable file was asked for again")
	}
}

func TestWorkerHonoursSizeCapAndUnconfiguredChannels(t *testing.T) {
	r := newRig(t)
	big := r.twilio.add("ME00000000000000000000000000000099", bytes.Repeat([]byte("v"), 5000), "video/mp4")
	rc := r.inbound(hotline.SMS, "+85510000126", "SM00000000000000000000000000000099",
		hotline.Media{URL: big, ContentType: "video/mp4"},
		hotline.Media{URL: "https://media.example.org/elsewhere.jpg", ContentType: "image/jpeg"})
	if n := r.round(); n != 0 {
		t.Fatalf("stored %d", n)
	}
	items := r.items(rc.CaseID)
	if items[0].Status != evidence.StatusUnavailable || items[0].Attempts != 1 || !strings.Contains(items[0].LastError, "size cap") {
		t.Errorf("over the cap: %+v", items[0])
	}
	// A reference no fetcher takes waits; it is not given up on.
	if items[1].Status != evidence.StatusFailed || !strings.Contains(items[1].LastError, "no fetcher") {
		t.Errorf("unknown host: %+v", items[1])
	}
	if entries, _ := os.ReadDir(r.dir); len(entries) != 0 {
		t.Errorf("%d files stored", len(entries))
	}
}
