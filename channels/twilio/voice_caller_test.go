package twilio

import (
	"net/url"
	"strings"
	"testing"
)

func TestCallStateKeepsTheCallerOutOfTheURL(t *testing.T) {
	cs := NewCallerSealer([]byte("fictional server secret"))
	st := CallState{Lang: "ko", Danger: true, From: "+821000001234"}
	q := st.Query(cs)
	if strings.Contains(q, "821000001234") || strings.Contains(q, "1234") && strings.Contains(q, "from=") {
		t.Fatalf("callback query shows the caller: %s", q)
	}
	v, err := url.ParseQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	if got := ParseCallState(v, cs); got != st {
		t.Fatalf("state read back as %+v, want %+v", got, st)
	}
	// The same secret (a restarted server) still reads it.
	if got := ParseCallState(v, NewCallerSealer([]byte("fictional server secret"))); got.From != st.From {
		t.Fatalf("caller after restart: %q", got.From)
	}
	// Another key or an altered value: no caller, the rest of the state kept.
	if got := ParseCallState(v, NewCallerSealer(nil)); got.From != "" || got.Lang != "ko" || !got.Danger {
		t.Fatalf("foreign key: %+v", got)
	}
	// Change one character of the sealed value to a different one: the
	// value is random, so a fixed replacement would sometimes be no change.
	sealed := []byte(v.Get("caller"))
	if sealed[10] == 'A' {
		sealed[10] = 'B'
	} else {
		sealed[10] = 'A'
	}
	v.Set("caller", string(sealed))
	if got := ParseCallState(v, cs); got.From != "" {
		t.Fatalf("altered caller opened as %q", got.From)
	}
}
