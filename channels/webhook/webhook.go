// Package webhook notifies responders whose systems take a signed HTTP
// callback: a JSON body, a timestamp header, and an HMAC-SHA256 signature
// over timestamp + "." + body with the responder's own secret, so that a
// receiver can check who sent it and refuse replays.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"hotline"
)

// Headers a receiver checks.
const (
	HeaderTimestamp = "X-Hotline-Timestamp"
	HeaderSignature = "X-Hotline-Signature"
)

// Sender posts notifications. Secret returns the signing secret of the
// message's responder.
type Sender struct {
	Client *http.Client
	Secret func(ctx context.Context, m hotline.Outbound) (string, error)
	Now    func() time.Time
}

// Sign is the signature header's value for a body sent at ts.
func Sign(secret string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "%d.", ts)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a received request's signature and that its timestamp is
// within tolerance of now: a captured request cannot be replayed later.
func Verify(secret, tsHeader, sigHeader string, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(tsHeader, 10, 64)
	if err != nil {
		return errors.New("webhook: bad timestamp")
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return errors.New("webhook: timestamp outside tolerance")
	}
	if !hmac.Equal([]byte(Sign(secret, ts, body)), []byte(sigHeader)) {
		return errors.New("webhook: signature does not verify")
	}
	return nil
}

// Send implements hotline.Sender; the body is the dispatcher's JSON.
func (s *Sender) Send(ctx context.Context, m hotline.Outbound) (string, error) {
	if s.Secret == nil {
		return "", hotline.ErrNotConfigured
	}
	secret, err := s.Secret(ctx, m)
	if err != nil {
		return "", &hotline.SendError{Retryable: true, Err: err}
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	ts := now().Unix()
	body := []byte(m.Body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.To, bytes.NewReader(body))
	if err != nil {
		return "", &hotline.SendError{Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(secret, ts, body))
	req.Header.Set("X-Hotline-Delivery", strconv.FormatInt(m.ID, 10))
	c := s.Client
	if c == nil {
		c = &http.Client{Timeout: 20 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", &hotline.SendError{Retryable: true, Code: "network", Err: err}
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return fmt.Sprintf("webhook-%d-%d", m.ID, ts), nil
	}
	se := &hotline.SendError{Code: strconv.Itoa(resp.StatusCode), Err: fmt.Errorf("webhook answered %s", resp.Status)}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		se.Retryable = true
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
			se.RetryAfter = time.Duration(s) * time.Second
		}
	}
	return "", se
}
