package templates

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"strings"
)

//go:embed console/*.html
var consoleFiles embed.FS

var consolePages = map[string]*template.Template{}

func init() {
	funcs := template.FuncMap{
		"asset": asset,
		"has": func(list []string, v string) bool {
			for _, s := range list {
				if s == v {
					return true
				}
			}
			return false
		},
		"join": strings.Join,
		// orUnknown names the empty urgency or reporter, for message ids and classes.
		"orUnknown": func(s string) string {
			if s == "" {
				return "unknown"
			}
			return s
		},
	}
	names, _ := fs.Glob(consoleFiles, "console/*.html")
	for _, n := range names {
		name := n[len("console/") : len(n)-len(".html")]
		if name == "layout" {
			continue
		}
		consolePages[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(consoleFiles, "console/layout.html", n))
	}
}

// RenderConsole writes the console page name ("login", "queue", "case",
// "account", "error") with data, rendered into memory first so an error
// never leaves half a page on the wire.
func RenderConsole(w io.Writer, name string, data any) error {
	t, ok := consolePages[name]
	if !ok {
		return fmt.Errorf("templates: no console page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return err
	}
	_, err := buf.WriteTo(w)
	return err
}
