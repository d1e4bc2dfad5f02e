// Command stub is the cheapest webhook endpoint we can write: it answers
// every request 200 with a fixed TwiML body as soon as the request is read.
// It runs as its own process so that measuring hotline-load against it
// counts only the load tool's CPU, not a server sharing its runtime.
//
//	go run ./internal/loadgen/testdata/stub   # prints "stub listening on 127.0.0.1:PORT"
//
// With -verify it also checks each signature and parses the form the way the
// real webhook does, answering 403 or 400 otherwise, to show that what the
// tool sends is accepted; that costs the stub CPU, so leave it off when
// measuring the tool.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/url"
	"os"
	"sync/atomic"

	"github.com/valyala/fasthttp"

	"hotline/channels/twilio"
)

const twiml = `<?xml version="1.0" encoding="UTF-8"?><Response></Response>`

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on (port 0: any free port, printed)")
	verify := flag.Bool("verify", false, "verify signatures and parse forms (costs the stub CPU)")
	publicURL := flag.String("public-url", "", "URL signatures are checked against (with -verify; default http://<addr>/webhooks/twilio/messages)")
	flag.Parse()
	token := os.Getenv("TWILIO_AUTH_TOKEN")
	account := os.Getenv("TWILIO_ACCOUNT_SID")
	if *verify && token == "" {
		log.Fatal("stub: -verify needs TWILIO_AUTH_TOKEN")
	}
	verifier := twilio.NewVerifier(token)

	var rejected atomic.Int64
	handler := func(ctx *fasthttp.RequestCtx) {
		if *verify {
			form, err := url.ParseQuery(string(ctx.PostBody()))
			if err != nil {
				ctx.SetStatusCode(fasthttp.StatusBadRequest)
				return
			}
			if !verifier.Verify(*publicURL, form, string(ctx.Request.Header.Peek("X-Twilio-Signature"))) {
				if rejected.Add(1) == 1 {
					log.Print("stub: first forged request")
				}
				ctx.SetStatusCode(fasthttp.StatusForbidden)
				return
			}
			if _, err := twilio.ParseMessage(form, account); err != nil {
				ctx.SetStatusCode(fasthttp.StatusBadRequest)
				return
			}
		}
		ctx.SetContentType("text/xml")
		ctx.SetBodyString(twiml)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	if *publicURL == "" {
		*publicURL = "http://" + ln.Addr().String() + "/webhooks/twilio/messages"
	}
	fmt.Println("stub listening on", ln.Addr())
	srv := &fasthttp.Server{Handler: handler, Name: "stub"}
	log.Fatal(srv.Serve(ln))
}
