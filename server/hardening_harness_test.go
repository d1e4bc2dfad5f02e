package server_test

import (
	"io"
	"net/http"
)

// do sends a request and returns status, headers and body.
func (h *harness) do(req *http.Request) (int, http.Header, string) {
	h.t.Helper()
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}
