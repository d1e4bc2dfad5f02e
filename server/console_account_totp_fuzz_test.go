package server

import (
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// FuzzTOTPStep: whatever is typed into the code field, totpStep accepts
// only the six-digit code of the secret for the step of now or one next to
// it, and returns that step, so a garbage code can never pass as a used
// or future one.
func FuzzTOTPStep(f *testing.F) {
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	now := time.Date(2026, 11, 27, 13, 0, 10, 0, time.UTC)
	right, err := totp.GenerateCodeCustom(secret, now, totpOpts)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{right, " " + right[:3] + " " + right[3:] + " ", right + "0", right[:5], "", "000000",
		"١٢٣٤٥٦", "１２３４５６", "១២៣៤៥៦", "12345\x00", "\t" + right + "\n", "-12345", "+12345", "1e5000",
		strings.Repeat(" ", 100) + right, "\xff\xfe\xfd\xfc\xfb\xfa", "ⅠⅡⅢⅣⅤⅥ"} {
		f.Add(s, int64(0))
	}
	f.Add(right, int64(30))
	f.Add(right, int64(-61))
	f.Fuzz(func(t *testing.T, code string, skew int64) {
		at := now.Add(time.Duration(skew%3600) * time.Second)
		step, ok := totpStep(secret, code, at)
		if !ok {
			if step != 0 {
				t.Fatalf("refused %q but returned step %d", code, step)
			}
			return
		}
		clean := strings.TrimSpace(strings.ReplaceAll(code, " ", ""))
		if len(clean) != 6 || strings.Trim(clean, "0123456789") != "" {
			t.Fatalf("accepted %q, not six ASCII digits", code)
		}
		if d := step - at.Unix()/totpPeriod; d < -1 || d > 1 {
			t.Fatalf("accepted %q at step %d, %d steps from now", code, step, d)
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totpOpts)
		if err != nil || want != clean {
			t.Fatalf("accepted %q for step %d, whose code is %q", code, step, want)
		}
	})
	// A disabled second factor has no secret: nothing passes.
	if _, ok := totpStep("", right, now); ok {
		f.Fatal("a code passed without a secret")
	}
}
