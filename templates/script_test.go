package templates

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// scriptHarness runs form.js in Node against a minimal stand-in for the
// page's elements, and prints what the script did.
const scriptHarness = `
const fs = require("fs");
const listeners = {};
function el(id, attrs) {
  return Object.assign({ id, hidden: true, value: "", textContent: "", disabled: false, style: {},
    _l: {}, addEventListener(t, f) { this._l[t] = f; },
    getAttribute(n) { return (attrs || {})[n]; } }, attrs && attrs.props);
}
const els = {
  "quick-exit": el("quick-exit", { props: { href: "https://www.google.com/" } }),
  "geo": el("geo", { "data-waiting": "W", "data-ok": "OK", "data-failed": "F" }),
  "share-location": el("share-location"),
  "remove-location": el("remove-location"),
  "lat": el("lat"), "lon": el("lon"), "geo-status": el("geo-status"),
};
const replaced = [];
global.window = { location: { replace(u) { replaced.push(u); } } };
global.document = { body: { style: {} }, getElementById: (id) => els[id] || null,
  addEventListener(t, f) { listeners[t] = f; } };
const geoMode = process.argv[3];
global.navigator = geoMode === "none" ? {} : { geolocation: { getCurrentPosition(ok, fail) {
  if (geoMode === "fail") fail({ code: 1 }); else ok({ coords: { latitude: 11.074212345, longitude: 106.135312345 } });
} } };
eval(fs.readFileSync(process.argv[2], "utf8"));
const out = { geoHidden: els.geo.hidden };
let prevented = false;
els["quick-exit"]._l.click({ preventDefault() { prevented = true; } });
out.clickPrevented = prevented; out.afterClick = replaced.slice();
replaced.length = 0;
listeners.keydown({ key: "Escape" }); out.afterOneEsc = replaced.length;
listeners.keydown({ key: "Escape" }); out.afterTwoEsc = replaced.slice();
if (els["share-location"]._l.click) {
  els["share-location"]._l.click();
  out.lat = els.lat.value; out.lon = els.lon.value; out.status = els["geo-status"].textContent;
  out.removeHidden = els["remove-location"].hidden;
  els["remove-location"]._l.click();
  out.latAfterRemove = els.lat.value;
}
console.log(JSON.stringify(out));
`

func TestScriptBehaviour(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	dir := t.TempDir()
	js, _ := fs.ReadFile(Static(), "form.js")
	if err := os.WriteFile(filepath.Join(dir, "form.js"), js, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "h.js"), []byte(scriptHarness), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(mode string) string {
		out, err := exec.Command(node, filepath.Join(dir, "h.js"), filepath.Join(dir, "form.js"), mode).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", mode, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	want := map[string]string{
		"ok": `{"geoHidden":false,"clickPrevented":true,"afterClick":["https://www.google.com/"],"afterOneEsc":0,` +
			`"afterTwoEsc":["https://www.google.com/"],"lat":"11.07421","lon":"106.13531","status":"OK","removeHidden":false,"latAfterRemove":""}`,
		"fail": `{"geoHidden":false,"clickPrevented":true,"afterClick":["https://www.google.com/"],"afterOneEsc":0,` +
			`"afterTwoEsc":["https://www.google.com/"],"lat":"","lon":"","status":"F","removeHidden":true,"latAfterRemove":""}`,
		// Without geolocation the button stays hidden; quick exit still works.
		"none": `{"geoHidden":true,"clickPrevented":true,"afterClick":["https://www.google.com/"],"afterOneEsc":0,` +
			`"afterTwoEsc":["https://www.google.com/"]}`,
	}
	for mode, w := range want {
		if got := run(mode); got != w {
			t.Errorf("%s:\ngot  %s\nwant %s", mode, got, w)
		}
	}
}
