package evidence

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"hotline"
	"hotline/channels/telegram"
)

// Telegram fetches files sent to the bot: getFile names the file's path,
// then the file is downloaded from the Bot API's file endpoint.
type Telegram struct {
	Client   *telegram.Client
	HTTP     *http.Client // for the download; a 60 s timeout when nil
	MaxBytes int64        // DefaultMaxBytes when 0
}

// Handles accepts the file_id references the Telegram channel stores.
func (t *Telegram) Handles(m hotline.Media) bool {
	return t.Client != nil && t.Client.Token != "" && strings.HasPrefix(m.URL, telegram.MediaScheme)
}

// Fetch resolves the file_id and downloads the file.
func (t *Telegram) Fetch(ctx context.Context, m hotline.Media) ([]byte, string, error) {
	id := strings.TrimPrefix(m.URL, telegram.MediaScheme)
	if !t.Handles(m) || id == "" {
		return nil, "", fmt.Errorf("%w: not a Telegram file reference", ErrRefused)
	}
	max := t.MaxBytes
	if max <= 0 {
		max = DefaultMaxBytes
	}
	f, err := t.Client.GetFile(ctx, id)
	if err != nil {
		return nil, "", getFileError(err)
	}
	if f.FileSize > max {
		return nil, "", fmt.Errorf("%w (%d bytes)", ErrTooLarge, f.FileSize)
	}
	if f.FilePath == "" {
		// The Bot API leaves file_path out of files it will not serve.
		return nil, "", fmt.Errorf("%w: getFile gave no file_path", ErrNotFound)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.Client.FileURL(f.FilePath), nil)
	if err != nil {
		return nil, "", fmt.Errorf("%w: bad file_path", ErrRefused)
	}
	hc := t.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, "", cleanErr(err) // the URL holds the bot token
	}
	defer resp.Body.Close()
	return fileIn(resp, max, m)
}

// getFileError classifies a getFile refusal: "file is too big" never
// passes, a 400 on the id (expired, wrong) is a missing file.
func getFileError(err error) error {
	var se *hotline.SendError
	if !errors.As(err, &se) {
		return err
	}
	switch {
	case se.Retryable:
		return err
	case strings.Contains(strings.ToLower(se.Error()), "too big"):
		return fmt.Errorf("%w: %v", ErrTooLarge, err)
	case se.Code == "400" || se.Code == "404":
		return fmt.Errorf("%w: %v", ErrNotFound, err)
	}
	return err
}
