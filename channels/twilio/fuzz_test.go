package twilio

import (
	"net/url"
	"strings"
	"testing"

	"hotline"
)

// FuzzParseMessage feeds arbitrary form bodies: parsing must not panic,
// must fail only with EINVALID or EUNAUTHORIZED, must never put the body in
// an error, and a success must carry what the pipeline relies on.
func FuzzParseMessage(f *testing.F) {
	for _, tc := range messageCases {
		f.Add(tc.body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		params, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		in, err := ParseMessage(params, testAccount)
		if err != nil {
			if c := hotline.ErrorCode(err); c != hotline.EINVALID && c != hotline.EUNAUTHORIZED {
				t.Fatalf("code %s: %v", c, err)
			}
			if b := params.Get("Body"); len(b) > 8 && strings.Contains(err.Error(), b) {
				t.Fatalf("error leaks the body: %v", err)
			}
			return
		}
		if in.ExternalID == "" || in.From == "" || strings.HasPrefix(in.From, "whatsapp:") {
			t.Fatalf("accepted without id or sender: %+v", in)
		}
		if in.Body == "" && len(in.Media) == 0 && in.Lat == nil {
			t.Fatalf("accepted an empty message: %+v", in)
		}
		if (in.Lat == nil) != (in.Lon == nil) {
			t.Fatalf("half a point: %+v", in)
		}
	})
}
