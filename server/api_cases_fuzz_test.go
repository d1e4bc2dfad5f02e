package server

import (
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"hotline"
)

// FuzzCaseFilterFrom: whatever query string the API is given, the filter
// parser does not panic, refuses with EINVALID only, and what it accepts
// is inside the documented bounds.
func FuzzCaseFilterFrom(f *testing.F) {
	for _, q := range []string{
		"", "status=open&urgency=critical&limit=500", "limit=0", "limit=501", "limit=-1", "limit=1e3",
		"urgency=CRITICAL", "urgency=", "status=any", "status=new&status=closed", "cursor=%00%ff",
		"province=Preah%20Sihanouk&lang=km", "%zz", "limit=99999999999999999999", "status=%E1%9E",
	} {
		f.Add(q)
	}
	app := fiber.New()
	f.Fuzz(func(t *testing.T, query string) {
		rc := &fasthttp.RequestCtx{}
		rc.Request.SetRequestURI("/api/v1/cases?" + query)
		c := app.AcquireCtx(rc)
		defer app.ReleaseCtx(c)
		fl, err := caseFilterFrom(c)
		if err != nil {
			if hotline.ErrorCode(err) != hotline.EINVALID {
				t.Fatalf("%q: code %s: %v", query, hotline.ErrorCode(err), err)
			}
			return
		}
		if fl.Limit < 0 || fl.Limit > 500 {
			t.Fatalf("%q: limit %d accepted", query, fl.Limit)
		}
		if fl.Urgency < hotline.UrgencyUnknown || fl.Urgency > hotline.Critical {
			t.Fatalf("%q: urgency %d accepted", query, fl.Urgency)
		}
	})
}
