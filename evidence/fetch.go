package evidence

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"

	"hotline"
)

// DefaultMaxBytes caps a fetched file. Twilio's MMS limit is 5 MB and the
// Bot API serves files up to 20 MB; anything larger is not a phone's photo
// or voice note and is not held in memory.
const DefaultMaxBytes = 20 << 20

// Fetcher gets a media reference's file from its provider.
type Fetcher interface {
	// Handles reports whether the reference is this fetcher's to fetch. A
	// fetcher must refuse references to hosts it holds no credentials for.
	Handles(m hotline.Media) bool
	// Fetch returns the file and its content type.
	Fetch(ctx context.Context, m hotline.Media) (data []byte, contentType string, err error)
}

// Errors the worker treats apart from a passing failure.
var (
	// ErrNotFound means the provider answered that the file does not exist
	// (404, 410). Twilio answers 404 for a moment after a webhook and for
	// good once the media is deleted: retried a few times, then given up.
	ErrNotFound = errors.New("evidence: the provider has no such file")
	// ErrTooLarge means the file is over the size cap; never retried.
	ErrTooLarge = errors.New("evidence: file is over the size cap")
	// ErrRefused means the reference can never be fetched (a URL outside
	// the provider's host, a malformed id); never retried.
	ErrRefused = errors.New("evidence: reference refused")
)

// httpStatusError is a provider's non-2xx answer other than not-found.
type httpStatusError struct{ status int }

func (e *httpStatusError) Error() string { return fmt.Sprintf("provider answered HTTP %d", e.status) }

// statusError classifies a provider's HTTP status.
func statusError(status int) error {
	if status == http.StatusNotFound || status == http.StatusGone {
		return fmt.Errorf("%w (HTTP %d)", ErrNotFound, status)
	}
	return &httpStatusError{status}
}

// readCapped reads a body of at most max bytes.
// fileIn reads a provider's answer to a file download: the file and its
// type, or the error its status means.
func fileIn(resp *http.Response, max int64, m hotline.Media) ([]byte, string, error) {
	if resp.StatusCode != http.StatusOK {
		return nil, "", statusError(resp.StatusCode)
	}
	data, err := readCapped(resp, max)
	if err != nil {
		return nil, "", err
	}
	return data, contentType(resp.Header.Get("Content-Type"), m), nil
}

func readCapped(resp *http.Response, max int64) ([]byte, error) {
	if resp.ContentLength > max {
		return nil, fmt.Errorf("%w (%d bytes announced)", ErrTooLarge, resp.ContentLength)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("evidence: reading the file: %w", err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%w (over %d bytes)", ErrTooLarge, max)
	}
	return data, nil
}

// contentType is the response's type, or the one the reference carried
// when the provider says only "some bytes".
func contentType(header string, m hotline.Media) string {
	if t, _, err := mime.ParseMediaType(header); err == nil && t != "application/octet-stream" {
		return t
	}
	if t, _, err := mime.ParseMediaType(m.ContentType); err == nil {
		return t
	}
	return "application/octet-stream"
}

// cleanErr drops the URL from a transport error: Telegram's file URLs hold
// the bot token, and no URL belongs in a recorded error or a log.
func cleanErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("evidence: %s: %w", ue.Op, ue.Err)
	}
	return err
}
