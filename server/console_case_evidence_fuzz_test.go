package server

import (
	"strings"
	"testing"
)

// FuzzSafeType: the content type of a download comes from the provider
// (or whoever sent the media); whatever it says, the console serves either
// bytes or a type a browser only displays: never HTML, SVG or script, never
// a header value with parameters or line breaks, and the file name's
// extension is one of the known ones.
func FuzzSafeType(f *testing.F) {
	for _, s := range []string{"image/jpeg", "IMAGE/PNG", " image/gif ", "image/svg+xml", "Image/SVG+XML", "text/html",
		"image/jpeg; charset=utf-8", "image/jpeg\r\nSet-Cookie: x=1", "image/png,text/html", `image/"x"`, "application/pdf",
		"audio/ogg", "video/mp4", "image/", "image", "", "\x00", "text/html\x00image/png", "image/svg+xml\t", "imagе/png",
		"application/xhtml+xml", "application/javascript", "video/mp4 ", "multipart/x-mixed-replace; boundary=x",
		"image/svg", "image/x+xml", "image/vnd.example+XML", "video/x+xml"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := safeType(in)
		if out == "application/octet-stream" {
			return
		}
		if strings.ContainsAny(out, ";, \"\r\n\t\x00") || out != strings.ToLower(out) {
			t.Fatalf("safeType(%q) = %q", in, out)
		}
		// An XML MIME type (WHATWG MIME Sniffing: a subtype ending in
		// "+xml", SVG among them) is rendered as a document, scripts and all.
		if strings.HasSuffix(out, "+xml") || strings.Contains(out, "html") || strings.Contains(out, "script") {
			t.Fatalf("safeType(%q) = %q: a browser would run it", in, out)
		}
		if !(strings.HasPrefix(out, "image/") || strings.HasPrefix(out, "audio/") || strings.HasPrefix(out, "video/") || out == "application/pdf") {
			t.Fatalf("safeType(%q) = %q", in, out)
		}
		ext := extension(in)
		if ext != ".bin" && extensions[out] != ext {
			t.Fatalf("extension(%q) = %q for type %q", in, ext, out)
		}
	})
}
