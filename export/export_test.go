package export

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mmcloughlin/geohash"

	"hotline"
	"hotline/internal/seal"
	"hotline/store"
	"hotline/triage"
)

// Fictional people, numbers and places only.
const (
	wallet = "TVc8FakeWa77etHotpineTestXyz123456"
	handle = "recruiter_kim88"
)

type seedMsg struct {
	ch         hotline.Channel
	from, name string
	body       string
	lat, lon   float64
}

// seed is the task-force set in Korean, Khmer and English: one wallet, one
// recruiter handle and one building recur; the texts also carry what must
// never leave under the police profile (the writers' numbers, a family
// number, names, the writer's own handle, exact points, a map link).
var seed = []seedMsg{
	{hotline.SMS, "+821000001234", "김민수",
		"도와주세요. 제 이름은 김민수입니다. 여권을 빼앗겼어요. 누나 번호 +821000005678 로 연락해 주세요. 모집책 텔레그램 @Recruiter_Kim88 이 몸값을 " + wallet + " 로 보내래요. 위치 11.074213, 106.135317",
		11.074213, 106.135317},
	{hotline.Telegram, "700000123", "Sokha Chan",
		"ជួយខ្ញុំផង ខ្ញុំឈ្មោះ សុខា ចាន់ គេយកលិខិតឆ្លងដែនខ្ញុំ t.me/recruiter_kim88 កាបូប " + wallet + " ទូរស័ព្ទ +85510000321",
		11.074251, 106.135282},
	{hotline.WhatsApp, "+85510000456", "Dara Pich",
		"My brother Dara Pich is held in a compound. The recruiter is @RECRUITER_KIM88 and they want USDT to " + wallet +
			". My own telegram is @dara_family_77. Map: https://maps.example.com/?q=11.074190,106.135360",
		11.074190, 106.135360},
	{hotline.SMS, "+85510000789", "Lina Sok", "I am Lina Sok and I am safe now in Phnom Penh, thank you. 11.556312, 104.928209", 11.556312, 104.928209},
}

type fixture struct {
	db    *store.DB
	path  string
	cases []int64
	admin hotline.Staff
	org   hotline.Organisation
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hotline.db")
	opts := store.DefaultOptions()
	opts.Keys = seal.Generate()
	db, err := store.Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	f := &fixture{db: db, path: path}
	for i, m := range seed {
		lat, lon := m.lat, m.lon
		res := triage.Classify(triage.Input{Text: m.body, Channel: string(m.ch)})
		in := hotline.Inbound{Channel: m.ch, From: m.from, Name: m.name, ExternalID: "seed-" + string(rune('a'+i)),
			Body: m.body, Lat: &lat, Lon: &lon}
		r, err := db.RecordInbound(ctx, in, res.Triage(), nil)
		if err != nil {
			t.Fatal(err)
		}
		f.cases = append(f.cases, r.CaseID)
	}
	u, err := db.CreateUser(ctx, "ada", hotline.RoleAdmin, "x")
	if err != nil {
		t.Fatal(err)
	}
	f.admin = hotline.Staff{User: u}
	if f.org, err = db.CreateOrganisation(ctx, f.admin, "Bavet Police"); err != nil {
		t.Fatal(err)
	}
	// Case 0 handed with everything but contact, case 1 with location only;
	// case 3 resolved.
	if _, err := db.HandOff(ctx, f.admin, f.cases[0], f.org.ID, []string{"location", "reasons", "entities", "messages"}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.HandOff(ctx, f.admin, f.cases[1], f.org.ID, []string{"location"}, ""); err != nil {
		t.Fatal(err)
	}
	if err := db.SetStatus(ctx, f.admin, f.cases[3], hotline.StatusResolved, hotline.ResolvedSafe, "called back, Lina Sok is home"); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) export(t *testing.T, profile, partner string) (*Result, ed25519.PrivateKey) {
	t.Helper()
	key, err := LoadOrCreateKey(KeyPath(f.path))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	r, err := Make(context.Background(), f.db, key, Request{
		From: now.Add(-24 * time.Hour), To: now.Add(time.Hour), Partner: partner, Profile: profile, By: "ada",
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	return r, key
}

// forbidden lists what must never appear in a police export: every
// victim's number (by its last 7 digits, however it is written), contact
// address and name, and every fragment of every message text that is not
// an entity the police may have.
func forbidden() []string {
	out := []string{"700000123", "+821000005678", "1000005678", "0000321", "dara_family_77", "maps.example.com/?q",
		"called back", geohash.EncodeWithPrecision(11.074213, 106.135317, 7)}
	for _, m := range seed {
		d := regexp.MustCompile(`\D`).ReplaceAllString(m.from, "")
		out = append(out, d[len(d)-7:])
		out = append(out, m.name)
		out = append(out, strings.Fields(m.name)...)
	}
	out = append(out, "김민수", "សុខា", "Dara", "Lina")
	// The entities the police profile carries by design: the wallet, the
	// recurring handle, and the domain of a link (not the link).
	allowed := []string{wallet, "@Recruiter_Kim88", "t.me/recruiter_kim88", "@RECRUITER_KIM88", "maps.example.com"}
	for _, m := range seed {
		body := m.body
		for _, a := range allowed {
			body = strings.ReplaceAll(body, a, "\x00")
		}
		r := []rune(body)
		const win = 12
		for i := 0; i+win <= len(r); i++ {
			w := string(r[i : i+win])
			if !strings.Contains(w, "\x00") {
				out = append(out, w)
			}
		}
	}
	return out
}

// preciseCoord is a decimal number with more than two decimals.
var preciseCoord = regexp.MustCompile(`\d\.\d{3,}`)

func TestPoliceExportRedacts(t *testing.T) {
	f := newFixture(t)
	r, _ := f.export(t, "police", "KNP Anti-Trafficking")
	dir := filepath.Join(t.TempDir(), "out")
	if err := Write(dir, r.Files); err != nil {
		t.Fatal(err)
	}
	files, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 7 {
		t.Fatalf("%d files, want export.json, 4 CSVs, manifest and signature", len(files))
	}
	bad := forbidden()
	for _, file := range files {
		text := string(file.Data)
		for _, s := range bad {
			if strings.Contains(text, s) {
				t.Errorf("%s contains %q", file.Name, s)
			}
		}
		if m := preciseCoord.FindString(text); m != "" {
			t.Errorf("%s contains a coordinate with more than 2 decimals: %q", file.Name, m)
		}
	}
	// What the police are meant to get is there: the wallet, the recurring
	// handle, the building (rounded) with its three cases, the outcome.
	var d Document
	if err := json.Unmarshal(r.Files[0].Data, &d); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, e := range d.Entities {
		got[e.Kind+":"+e.Value] = e.Cases
	}
	for k, n := range map[string]int{"wallet_tron:" + wallet: 3, "telegram:" + handle: 3, "place:11.07,106.14": 3} {
		if got[k] != n {
			t.Errorf("entity %s in %d cases, want %d (entities %v)", k, got[k], n, got)
		}
	}
	if len(d.Cases) != 4 || d.CoordinateDecimals != 2 {
		t.Errorf("%d cases, %d decimals", len(d.Cases), d.CoordinateDecimals)
	}
	outcome := 0
	for _, c := range d.Summary {
		if c.Dimension == "outcome" && c.Key == "safe" {
			outcome = c.Cases
		}
	}
	if outcome != 1 {
		t.Errorf("summary outcome safe = %d, want 1", outcome)
	}
	if n := auditCount(t, f.path); n != 1 {
		t.Errorf("%d export audit events, want 1", n)
	}
}

func TestFullExportOnlyTheOrganisationsCases(t *testing.T) {
	f := newFixture(t)
	r, _ := f.export(t, "full", "Bavet Police")
	var d Document
	if err := json.Unmarshal(r.Files[0].Data, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Cases) != 2 {
		t.Fatalf("full export has %d cases, want the 2 handed to the organisation", len(d.Cases))
	}
	for _, c := range d.Cases {
		if c.Contact != "" || c.ContactName != "" {
			t.Errorf("case %s: contact exported though not shared", c.Ref)
		}
	}
	if len(d.Cases[0].Messages) != 1 || d.Cases[1].Messages != nil {
		t.Errorf("messages: %d and %d, want only the case that shares them", len(d.Cases[0].Messages), len(d.Cases[1].Messages))
	}
	for _, l := range d.Links {
		if l.CaseRef == d.Cases[1].Ref {
			t.Errorf("entity link of a case that does not share entities: %+v", l)
		}
	}
	if _, err := Make(context.Background(), f.db, mustKey(t, f.path), Request{From: time.Now().Add(-time.Hour), To: time.Now(),
		Partner: "Nobody Unit", Profile: "full", By: "ada"}, time.Now()); hotline.ErrorCode(err) != hotline.EINVALID {
		t.Errorf("full export for a partner that is no organisation: %v", err)
	}
}

func TestExportSignatureVerifies(t *testing.T) {
	f := newFixture(t)
	r, key := f.export(t, "police", "KNP")
	pub, err := ParsePublicKey(PublicKeyString(key))
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{filepath.Join(t.TempDir(), "x"), filepath.Join(t.TempDir(), "x.zip")} {
		if err := Write(out, r.Files); err != nil {
			t.Fatal(err)
		}
		files, err := Read(out)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Verify(files, pub); err != nil {
			t.Fatalf("%s: %v", out, err)
		}
	}
	// One byte changed anywhere, in any file, fails.
	for i := range r.Files {
		files := cloneFiles(r.Files)
		b := files[i].Data
		b[len(b)/2] ^= 0x01
		if _, err := Verify(files, pub); err == nil {
			t.Errorf("altered %s verified", files[i].Name)
		}
	}
	// An added file fails; another key fails.
	if _, err := Verify(append(cloneFiles(r.Files), File{Name: "extra.csv", Data: []byte("x")}), pub); err == nil {
		t.Error("an unlisted file verified")
	}
	other, _, _ := ed25519.GenerateKey(nil)
	if _, err := Verify(r.Files, other); err == nil {
		t.Error("verified with another key")
	}
	// The key is 0600 and loads again as the same key.
	st, err := os.Stat(KeyPath(f.path))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key mode %v, %v", st.Mode().Perm(), err)
	}
	if again := mustKey(t, f.path); !again.Equal(key) {
		t.Error("the key changed on second load")
	}
	os.Chmod(KeyPath(f.path), 0o644)
	if _, err := LoadOrCreateKey(KeyPath(f.path)); err == nil {
		t.Error("a world-readable key was accepted")
	}
}

func mustKey(t *testing.T, dbPath string) ed25519.PrivateKey {
	t.Helper()
	k, err := LoadOrCreateKey(KeyPath(dbPath))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func cloneFiles(in []File) []File {
	out := make([]File, len(in))
	for i, f := range in {
		out[i] = File{Name: f.Name, Data: append([]byte(nil), f.Data...)}
	}
	return out
}

func auditCount(t *testing.T, path string) int { return countAudit(t, path) }
