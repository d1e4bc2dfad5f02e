package hotline

import (
	"encoding/json"
	"testing"
)

// Urgencies are written and read by name in JSON: in the API, in stored
// triage and in audit details.
func TestUrgencyJSON(t *testing.T) {
	in := []Urgency{UrgencyUnknown, Low, Medium, High, Critical}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `["","low","medium","high","critical"]`; string(b) != want {
		t.Fatalf("encoded %s, want %s", b, want)
	}
	var out []Urgency
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	for i := range in {
		if out[i] != in[i] {
			t.Errorf("round trip: %v became %v", in[i], out[i])
		}
	}
	if err := json.Unmarshal([]byte(`["urgent"]`), &out); err == nil {
		t.Error("an unknown level was accepted")
	}
}
