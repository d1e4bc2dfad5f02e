// Package templates holds the public pages: html/template files, the style
// sheet and the little JavaScript there is, embedded so that the form never
// needs anything but this binary. Texts are not here: pages call Page.T,
// which the server wires to the locales bundle.
package templates

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
)

//go:embed pages/*.html
var pageFiles embed.FS

//go:embed static
var staticFiles embed.FS

// QuickExitURL is where the quick-exit button goes: a page that looks like
// any ordinary browsing. It is navigation only; nothing is loaded from it.
const QuickExitURL = "https://www.google.com/"

// StaticPrefix is the path the server serves Static under.
const StaticPrefix = "/static/"

// Page is what every page template gets.
type Page struct {
	Lang   string                 // the page language, for <html lang>
	T      func(id string) string // translates a locales message id
	Langs  []Lang                 // the language switcher
	Notice *Notice                // a box above the content, e.g. "form expired"
	Form   *Form
	Done   *Done
}

// Lang is one link of the language switcher, labelled in its own script.
type Lang struct {
	Code, Name, URL string
	Current         bool
}

// Notice is an already translated message shown above the content.
type Notice struct {
	Title, Body string
}

// Form is the state of the form: what the person typed, and what is wrong.
type Form struct {
	Token         string
	Values        map[string]string // every value as entered, by field name
	Errors        map[string]string // translated problem, by field name
	ErrorList     []FieldError      // the same, in the order of the form
	Nationalities []string
}

// FieldError is one problem, linked from the summary to its field.
type FieldError struct {
	Field, Text string
}

// Done is the confirmation after a submission.
type Done struct {
	Ref string
	// Contact is true when the person left a way to reach them.
	Contact bool
	// Safe is the answer to "is it safe to contact you": yes, no, unsure or "".
	Safe string
}

var (
	assetVersion = map[string]string{}
	pages        = map[string]*template.Template{}
)

func init() {
	err := fs.WalkDir(staticFiles, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		assetVersion[path[len("static/"):]] = hex.EncodeToString(sum[:5])
		return nil
	})
	if err != nil {
		panic("templates: " + err.Error())
	}
	funcs := template.FuncMap{"asset": asset, "quickExit": func() string { return QuickExitURL }}
	names, _ := fs.Glob(pageFiles, "pages/*.html")
	for _, n := range names {
		name := n[len("pages/") : len(n)-len(".html")]
		if name == "layout" {
			continue
		}
		pages[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(pageFiles, "pages/layout.html", n))
	}
}

// asset names a static file with its content hash, so that the files can be
// cached for a year and still change with a new release.
func asset(name string) (string, error) {
	v, ok := assetVersion[name]
	if !ok {
		return "", fmt.Errorf("templates: no static file %q", name)
	}
	return StaticPrefix + name + "?v=" + v, nil
}

// Render writes the page name ("form", "done", "notice") with data, usually
// a Page. The page is rendered into memory first, so that an error never
// leaves half a page on the wire.
func Render(w io.Writer, name string, data any) error {
	t, ok := pages[name]
	if !ok {
		return fmt.Errorf("templates: no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return err
	}
	_, err := buf.WriteTo(w)
	return err
}

// Static returns the style sheet and script, to serve under StaticPrefix.
func Static() fs.FS {
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic(err) // the directory is embedded; this cannot happen
	}
	return sub
}
