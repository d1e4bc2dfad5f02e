package store

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// auditContent must write exactly what encoding/json writes: the hashes of
// events chained before it existed were computed from that.
func TestAuditContentMatchesJSON(t *testing.T) {
	check := func(id, at int64, actor, action string, cid sql.NullInt64, detail string) {
		t.Helper()
		got := auditContent(id, at, actor, action, cid, detail)
		want := auditContentJSON(id, at, actor, action, cid, detail)
		if !bytes.Equal(got, want) {
			t.Fatalf("auditContent(%q, %q, %q)\n got %s\nwant %s", actor, action, detail, got, want)
		}
	}
	details := []string{"", "{}", `{"channel":"sms","message_id":42,"urgency":"high"}`,
		`{"note":"a \"quoted\" <b>&amp;</b> back\\slash"}`, "tab\there", "line\nbreak", "\x7f", "\x00",
		"ឈ្មោះ", "도와주세요", "\u2028\u2029", "\xff\xfe invalid utf-8", "</script>"}
	for _, d := range details {
		check(1, 1700000000000, "intake", "message.received", sql.NullInt64{Int64: 7, Valid: true}, d)
		check(-3, 0, d, "case.created", sql.NullInt64{}, "{}")
		check(9, 1, "staff:1", d, sql.NullInt64{Int64: -1, Valid: true}, d)
	}
	for c := range 256 {
		check(2, 3, "a", "b", sql.NullInt64{}, "x"+string([]byte{byte(c)})+"y")
	}
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("az09 \"\\<>&{}:,\t\n\x01\x7f\x80\xe1\x9e\x88")
	for range 20000 {
		b := make([]byte, r.IntN(24))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		check(r.Int64(), r.Int64(), string(b[:len(b)/2]), "x", sql.NullInt64{Int64: r.Int64(), Valid: r.IntN(2) == 0}, string(b))
	}
	if !json.Valid(auditContent(1, 2, "a", "b", sql.NullInt64{}, `{"k":"<v>"}`)) {
		t.Fatal("not JSON")
	}
}

func FuzzAuditContent(f *testing.F) {
	f.Add(int64(1), int64(2), "intake", "message.received", int64(3), true, `{"channel":"sms"}`)
	f.Add(int64(0), int64(0), "", "", int64(0), false, "\x00<&>\u2028")
	f.Fuzz(func(t *testing.T, id, at int64, actor, action string, cid int64, valid bool, detail string) {
		n := sql.NullInt64{Int64: cid, Valid: valid}
		got := auditContent(id, at, actor, action, n, detail)
		if want := auditContentJSON(id, at, actor, action, n, detail); !bytes.Equal(got, want) {
			t.Fatalf("got %s, want %s", got, want)
		}
	})
}
