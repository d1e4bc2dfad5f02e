package triage

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// RunCLI implements `hotline triage`: JSON lines on in, one JSON line per
// input on out. A line that cannot be read is reported on errOut by line
// number and problem only (never its text, which may identify a victim) and
// the rest goes on. It returns how many lines failed; err is an I/O failure.
func RunCLI(in io.Reader, out, errOut io.Writer) (failed int, err error) {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(trimSpace(b)) == 0 {
			continue
		}
		var inp Input
		if e := json.Unmarshal(b, &inp); e != nil {
			failed++
			fmt.Fprintf(errOut, "line %d: %s\n", line, describeJSONError(e))
			continue
		}
		if e := enc.Encode(Classify(inp)); e != nil {
			return failed, e
		}
	}
	if e := sc.Err(); e != nil {
		w.Flush()
		return failed, fmt.Errorf("reading input after line %d: %w", line, e)
	}
	return failed, w.Flush()
}

// describeJSONError names the problem without quoting input: json errors
// about values can echo the offending text.
func describeJSONError(err error) string {
	switch e := err.(type) {
	case *json.SyntaxError:
		return fmt.Sprintf("invalid JSON at byte %d", e.Offset)
	case *json.UnmarshalTypeError:
		return fmt.Sprintf("field %q has the wrong type (want %s)", e.Field, e.Type)
	}
	return "invalid JSON"
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
