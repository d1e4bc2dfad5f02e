package main

import (
	"fmt"
	"io"

	"hotline/triage"
)

// cmdTriage runs the triage engine over JSON lines; a bad line is reported
// and skipped, and makes the exit status 1.
func cmdTriage(stdin io.Reader, stdout, stderr io.Writer) int {
	failed, err := triage.RunCLI(stdin, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "hotline triage: %v\n", err)
		return 1
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "hotline triage: %d line(s) failed\n", failed)
		return 1
	}
	return 0
}
