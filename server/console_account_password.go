package server

import "hotline/internal/password"

// oneTimePasswordFor is a oneTimePassword that the password rules accept
// for the account called name: drawn again in the rare case a short user
// name happens to appear in it.
func oneTimePasswordFor(name string) string {
	for {
		if pw := oneTimePassword(); password.Check(pw, name) == nil {
			return pw
		}
	}
}
