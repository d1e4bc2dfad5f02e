// Command hotline runs the Hotline service and its administration commands.
//
//	hotline serve                      run the service (no configuration needed)
//	hotline triage < in.jsonl          triage JSON lines, one result per line
//	hotline user add NAME --role R     create a staff account
//	hotline token create NAME          issue an API token (printed alone)
//
// Every command reads its configuration from the environment (HOTLINE_DB,
// HOTLINE_ADDR, …); flags, where given, win.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: hotline <command> [arguments]

commands:
  serve                       run the service
  triage                      read JSON lines on stdin, write triage results on stdout
  user add NAME --role ROLE   create a staff account (admin, agent or responder)
  token create NAME           issue an API token for a user
  responder add|list|duty|remove   responder contacts of organisations
  route add|list|remove            routing rules: which cases go to which organisation
  telegram set-webhook        register HOTLINE_PUBLIC_URL/webhooks/telegram with the secret
  audit verify                check the audit log's hash chain, name the first broken link
  backup PATH                 write a consistent copy of the database, also while serving
  restore PATH                replace the (stopped) database with a checked backup
  export --from --to --partner --profile --out   signed partner export; export pubkey|verify
  entities reindex            fill the entity index from every stored message
  retention run [--dry-run]   redact closed cases older than HOTLINE_RETENTION_DAYS (0 = keep forever)
  key rotate                  new data key for the key file, re-seal every value, drop the old key (server stopped)

environment: HOTLINE_ADDR, HOTLINE_DB, HOTLINE_KEY_FILE, HOTLINE_PUBLIC_URL, HOTLINE_ACK,
  TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM,
  TELEGRAM_BOT_TOKEN, TELEGRAM_SECRET_TOKEN
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run dispatches to a command and returns the process exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = cmdServe(ctx, args[1:], stdout, stderr)
	case "triage":
		return cmdTriage(stdin, stdout, stderr)
	case "user":
		err = cmdUser(ctx, args[1:], stdin, stdout)
	case "token":
		err = cmdToken(ctx, args[1:], stdout)
	case "responder":
		err = cmdResponder(ctx, args[1:], stdout)
	case "route":
		err = cmdRoute(ctx, args[1:], stdout)
	case "telegram":
		err = cmdTelegram(ctx, args[1:], stdout)
	case "audit":
		err = cmdAudit(ctx, args[1:], stdout)
	case "backup":
		err = cmdBackup(ctx, args[1:], stdout)
	case "export":
		err = cmdExport(ctx, args[1:], stdout)
	case "entities":
		err = cmdEntities(ctx, args[1:], stdout)
	case "restore":
		err = cmdRestore(ctx, args[1:], stdout)
	case "retention":
		err = cmdRetention(ctx, args[1:], stdout)
	case "key":
		err = cmdKey(ctx, args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "hotline: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "hotline %s: %v\n", args[0], err)
		if _, ok := err.(usageError); ok {
			return 2
		}
		return 1
	}
	return 0
}

// usageError marks mistakes in how a command was called (exit status 2).
type usageError string

func (e usageError) Error() string { return string(e) }
