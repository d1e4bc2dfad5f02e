package telegram

import "crypto/subtle"

// SecretHeader is where Telegram puts the secret_token given to setWebhook.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// CheckSecret reports whether got is the configured secret. It compares in
// constant time so the secret cannot be guessed byte by byte from timings,
// and an empty configured secret matches nothing, so a channel without one
// refuses traffic.
func CheckSecret(want, got string) bool {
	if want == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}
