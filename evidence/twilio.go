package evidence

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"hotline"
)

// DefaultTwilioAPI is where Twilio's media and recording URLs point.
const DefaultTwilioAPI = "https://api.twilio.com"

// Twilio fetches MMS/WhatsApp media (MediaUrlN) and voice recordings.
// Twilio answers such a URL with a redirect to its storage host; the
// credentials go to the API host only, never to where it redirects.
type Twilio struct {
	AccountSID, AuthToken string
	// APIBase is the only scheme and host credentials are sent to;
	// DefaultTwilioAPI when empty (tests use a loopback server).
	APIBase string
	// HTTP is the client to use (a 60 s timeout when nil); its redirect
	// policy is replaced, as redirects are followed here.
	HTTP     *http.Client
	MaxBytes int64 // DefaultMaxBytes when 0
}

const maxRedirects = 5

func (t *Twilio) api() *url.URL {
	base := t.APIBase
	if base == "" {
		base = DefaultTwilioAPI
	}
	u, err := url.Parse(base)
	if err != nil {
		return &url.URL{}
	}
	return u
}

// Handles accepts URLs on the API host under this account only, so that a
// reference pointing elsewhere never receives the auth token.
func (t *Twilio) Handles(m hotline.Media) bool {
	if t.AccountSID == "" || t.AuthToken == "" {
		return false
	}
	u, err := url.Parse(m.URL)
	api := t.api()
	if err != nil || u.User != nil || !strings.EqualFold(u.Scheme, api.Scheme) || !strings.EqualFold(u.Host, api.Host) {
		return false
	}
	return strings.Contains(u.Path, "/Accounts/"+t.AccountSID+"/")
}

// Fetch gets the file with HTTP Basic auth and follows Twilio's redirect
// without it.
func (t *Twilio) Fetch(ctx context.Context, m hotline.Media) ([]byte, string, error) {
	if !t.Handles(m) {
		return nil, "", fmt.Errorf("%w: not a media URL of this Twilio account", ErrRefused)
	}
	hc := http.Client{Timeout: 60 * time.Second}
	if t.HTTP != nil {
		hc = *t.HTTP
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	max := t.MaxBytes
	if max <= 0 {
		max = DefaultMaxBytes
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.URL, nil)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrRefused, err)
	}
	req.SetBasicAuth(t.AccountSID, t.AuthToken)
	api := t.api()
	for hop := 0; ; hop++ {
		resp, err := hc.Do(req)
		if err != nil {
			return nil, "", cleanErr(err)
		}
		if resp.StatusCode >= 300 && resp.StatusCode < 400 && resp.Header.Get("Location") != "" {
			loc, err := resp.Location()
			resp.Body.Close()
			if err != nil {
				return nil, "", fmt.Errorf("evidence: bad redirect: %w", err)
			}
			if hop == maxRedirects {
				return nil, "", fmt.Errorf("evidence: more than %d redirects", maxRedirects)
			}
			// Storage is HTTPS; plain HTTP only where the API itself is
			// (a loopback test server).
			if loc.Scheme != "https" && loc.Scheme != api.Scheme {
				return nil, "", fmt.Errorf("%w: redirect to a %s URL", ErrRefused, loc.Scheme)
			}
			// A new request carries no Authorization: the storage URL is
			// pre-signed and needs none.
			if req, err = http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil); err != nil {
				return nil, "", err
			}
			continue
		}
		defer resp.Body.Close()
		return fileIn(resp, max, m)
	}
}
