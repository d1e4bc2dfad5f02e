package evidence_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

const (
	tAccount   = "AC00000000000000000000000000000042"
	tAuthToken = "fake-twilio-auth-token-0123456789"
	tBotToken  = "123456:FAKE-bot-token_0123456789"
)

// fakeTwilio is Twilio's media endpoint as documented: GET
// /2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media/{Sid} with
// HTTP Basic auth (AccountSid:AuthToken) answers a 307 to a pre-signed URL
// on a storage host, which serves the file without any auth.
type fakeTwilio struct {
	api, storage *httptest.Server

	mu          sync.Mutex
	files       map[string][]byte // by the media URL's path
	types       map[string]string
	status      []int // answers to give before the file (500, 404, …)
	apiCalls    int
	badAuth     int
	storageAuth []string // Authorization headers the storage host received
	storageHits int
}

func newFakeTwilio(t *testing.T) *fakeTwilio {
	f := &fakeTwilio{files: map[string][]byte{}, types: map[string]string{}}
	f.storage = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.storageHits++
		f.storageAuth = append(f.storageAuth, r.Header.Get("Authorization"))
		p := strings.TrimPrefix(r.URL.Path, "/s3")
		data, ok := f.files[p]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", f.types[p])
		w.Write(data)
	}))
	f.api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.apiCalls++
		user, pass, ok := r.BasicAuth()
		if !ok || user != tAccount || pass != tAuthToken {
			f.badAuth++
			w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if len(f.status) > 0 {
			code := f.status[0]
			f.status = f.status[1:]
			w.WriteHeader(code)
			return
		}
		if _, ok := f.files[r.URL.Path]; !ok {
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"code": 20404, "message": "The requested resource was not found", "status": 404}`))
			return
		}
		http.Redirect(w, r, f.storage.URL+"/s3"+r.URL.Path+"?X-Amz-Signature=fake", http.StatusTemporaryRedirect)
	}))
	t.Cleanup(f.api.Close)
	t.Cleanup(f.storage.Close)
	return f
}

// add makes a file available and returns its media URL.
func (f *fakeTwilio) add(media string, data []byte, ctype string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := "/2010-04-01/Accounts/" + tAccount + "/Messages/MM00000000000000000000000000000001/Media/" + media
	f.files[p] = data
	f.types[p] = ctype
	return f.api.URL + p
}

func (f *fakeTwilio) failNext(codes ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status = append(f.status, codes...)
}

func (f *fakeTwilio) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.apiCalls
}

// fakeBotAPI is the Bot API's getFile (POST /bot{token}/getFile answering
// {"ok":true,"result":{file_id, file_unique_id, file_size, file_path}}) and
// its file endpoint (GET /file/bot{token}/{file_path}).
type fakeBotAPI struct {
	srv *httptest.Server

	mu        sync.Mutex
	files     map[string][]byte // by file_id
	getFiles  int
	downloads int
}

func newFakeBotAPI(t *testing.T) *fakeBotAPI {
	f := &fakeBotAPI{files: map[string][]byte{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/bot"+tBotToken+"/getFile":
			f.getFiles++
			var p struct {
				FileID string `json:"file_id"`
			}
			json.NewDecoder(r.Body).Decode(&p)
			data, ok := f.files[p.FileID]
			w.Header().Set("Content-Type", "application/json")
			if !ok {
				w.WriteHeader(http.StatusBadRequest)
				w.Write([]byte(`{"ok":false,"error_code":400,"description":"Bad Request: invalid file_id"}`))
				return
			}
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": map[string]any{
				"file_id": p.FileID, "file_unique_id": "AQAD" + p.FileID[:4], "file_size": len(data),
				"file_path": "photos/file_" + p.FileID[:4] + ".jpg",
			}})
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/file/bot"+tBotToken+"/photos/file_"):
			f.downloads++
			key := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/file/bot"+tBotToken+"/photos/file_"), ".jpg")
			for id, data := range f.files {
				if id[:4] == key {
					w.Header().Set("Content-Type", "application/octet-stream")
					w.Write(data)
					return
				}
			}
			http.NotFound(w, r)
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"ok":false,"error_code":404,"description":"Not Found"}`))
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeBotAPI) add(fileID string, data []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files[fileID] = data
}
