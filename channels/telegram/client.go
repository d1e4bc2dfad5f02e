package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"hotline"
)

// DefaultBaseURL is the Bot API server; tests and self-hosted Bot API
// servers use another.
const DefaultBaseURL = "https://api.telegram.org"

// Client calls the Bot API. It is a hotline.Sender for the telegram channel.
type Client struct {
	BaseURL string // DefaultBaseURL when empty
	Token   string
	HTTP    *http.Client // a client with a 30 s timeout when nil
}

var _ hotline.Sender = (*Client)(nil)

var defaultHTTP = &http.Client{Timeout: 30 * time.Second}

// apiResponse is the envelope of every Bot API answer.
type apiResponse struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  *struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// call posts params as JSON to method and decodes result into out (if not
// nil). Refusals come back as *hotline.SendError.
func (c *Client) call(ctx context.Context, method string, params, out any) error {
	if c.Token == "" {
		return hotline.ErrNotConfigured
	}
	body, err := json.Marshal(params)
	if err != nil {
		return err
	}
	base := strings.TrimRight(c.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/bot"+c.Token+"/"+method, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = defaultHTTP
	}
	resp, err := hc.Do(req)
	if err != nil {
		// The URL carries the token: keep it out of errors and logs.
		var ue interface{ Unwrap() error }
		if errors.As(err, &ue) {
			err = ue.Unwrap()
		}
		return &hotline.SendError{Retryable: true, Code: "network", Err: fmt.Errorf("telegram %s: %w", method, err)}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return &hotline.SendError{Retryable: true, Code: "network", Err: fmt.Errorf("telegram %s: %w", method, err)}
	}
	var r apiResponse
	if jerr := json.Unmarshal(raw, &r); jerr != nil {
		return &hotline.SendError{Retryable: resp.StatusCode >= 500 || resp.StatusCode == 429,
			Code: strconv.Itoa(resp.StatusCode), Err: fmt.Errorf("telegram %s: HTTP %d, not a Bot API answer", method, resp.StatusCode)}
	}
	if !r.OK {
		return refusal(method, resp.StatusCode, r)
	}
	if out != nil {
		if err := json.Unmarshal(r.Result, out); err != nil {
			return fmt.Errorf("telegram %s: result: %w", method, err)
		}
	}
	return nil
}

// refusal classifies a Bot API error: 429 waits for retry_after, 5xx may
// pass, a blocked bot or a vanished chat never will.
func refusal(method string, status int, r apiResponse) error {
	code := r.ErrorCode
	if code == 0 {
		code = status
	}
	se := &hotline.SendError{Code: strconv.Itoa(code), Err: fmt.Errorf("telegram %s: %s", method, r.Description)}
	desc := strings.ToLower(r.Description)
	switch {
	case code == 429:
		se.Retryable = true
		if r.Parameters != nil && r.Parameters.RetryAfter > 0 {
			se.RetryAfter = time.Duration(r.Parameters.RetryAfter) * time.Second
		}
	case code >= 500:
		se.Retryable = true
	case code == 403:
		// "bot was blocked by the user", "user is deactivated", "bot was
		// kicked": this chat is closed to us.
		se.Unreachable = true
	case code == 400 && (strings.Contains(desc, "chat not found") || strings.Contains(desc, "user not found")):
		se.Unreachable = true
	}
	return se
}

// SendMessage sends text to a chat and returns Telegram's message id.
func (c *Client) SendMessage(ctx context.Context, chatID, text string) (int64, error) {
	var msg struct {
		MessageID int64 `json:"message_id"`
	}
	err := c.call(ctx, "sendMessage", map[string]any{"chat_id": chatID, "text": text}, &msg)
	return msg.MessageID, err
}

// Send implements hotline.Sender: m.To is the chat id.
func (c *Client) Send(ctx context.Context, m hotline.Outbound) (string, error) {
	if m.Channel != hotline.Telegram {
		return "", fmt.Errorf("telegram: cannot send on channel %q", m.Channel)
	}
	if m.To == "" || m.Body == "" {
		return "", hotline.Errorf(hotline.EINVALID, "telegram: message without chat or text")
	}
	id, err := c.SendMessage(ctx, m.To, m.Body)
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(id, 10), nil
}

// SetWebhook registers url as the bot's webhook with the secret Telegram
// will send back in SecretHeader. Only the update kinds Hotline reads are
// asked for.
func (c *Client) SetWebhook(ctx context.Context, url, secret string) error {
	return c.call(ctx, "setWebhook", map[string]any{
		"url":             url,
		"secret_token":    secret,
		"allowed_updates": []string{"message", "edited_message", "my_chat_member"},
	}, nil)
}

// FileInfo is the Bot API's File object as getFile answers it.
type FileInfo struct {
	FileID   string `json:"file_id"`
	FileSize int64  `json:"file_size"`
	// FilePath is valid for at least an hour; FileURL makes it a URL.
	FilePath string `json:"file_path"`
}

// GetFile asks where the file fileID can be downloaded.
func (c *Client) GetFile(ctx context.Context, fileID string) (FileInfo, error) {
	var f FileInfo
	err := c.call(ctx, "getFile", map[string]any{"file_id": fileID}, &f)
	return f, err
}

// FileURL is the download URL of a file_path from GetFile. It carries the
// bot token: never log it, nor an error that quotes it.
func (c *Client) FileURL(filePath string) string {
	base := strings.TrimRight(c.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	return base + "/file/bot" + c.Token + "/" + strings.TrimLeft(filePath, "/")
}
