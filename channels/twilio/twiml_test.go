package twilio

import (
	"encoding/xml"
	"strings"
	"testing"
)

// response mirrors the TwiML we send, to read it back with a real XML parser.
type response struct {
	XMLName  xml.Name `xml:"Response"`
	Messages []string `xml:"Message"`
}

func TestMessageTwiML(t *testing.T) {
	tests := []struct {
		label string
		body  string
		want  []string
	}{
		{"empty answer", "", nil},
		{"english", "Received. Ref K7Q-4D2", []string{"Received. Ref K7Q-4D2"}},
		{"khmer", "បានទទួល។ លេខយោង K7Q-4D2", []string{"បានទទួល។ លេខយោង K7Q-4D2"}},
		{"korean", "접수되었습니다. 번호 K7Q-4D2", []string{"접수되었습니다. 번호 K7Q-4D2"}},
		{"markup is escaped", `<Redirect>http://x</Redirect> & "q" > 'a'`, []string{`<Redirect>http://x</Redirect> & "q" > 'a'`}},
	}
	for _, tc := range tests {
		t.Run(tc.label, func(t *testing.T) {
			out, err := MessageTwiML(tc.body)
			if err != nil {
				t.Fatal(err)
			}
			var r response
			if err := xml.Unmarshal(out, &r); err != nil {
				t.Fatalf("not XML: %v\n%s", err, out)
			}
			if len(r.Messages) != len(tc.want) {
				t.Fatalf("messages = %q, want %q\n%s", r.Messages, tc.want, out)
			}
			for i := range tc.want {
				if r.Messages[i] != tc.want[i] {
					t.Fatalf("message = %q, want %q", r.Messages[i], tc.want[i])
				}
			}
			if strings.Contains(string(out), "<Redirect") {
				t.Fatalf("markup in the body became TwiML: %s", out)
			}
		})
	}
}
