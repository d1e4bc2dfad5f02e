package main

import (
	"crypto/rand"

	"golang.org/x/crypto/bcrypt"

	"hotline/internal/password"
)

// generatePassword is generatePasswordFor an account whose name does not
// matter (the first admin of a fresh install).
func generatePassword() string { return generatePasswordFor("") }

// generatePasswordFor returns 26 random base32 characters (130 bits): long
// enough that no composition rule is needed, easy to copy. It draws again
// in the rare case the text breaks a rule of the password policy for name
// (say, a short user name appears in it), so every generated password is
// one the console would accept.
func generatePasswordFor(name string) string {
	for {
		if pw := rand.Text(); password.Check(pw, name) == nil {
			return pw
		}
	}
}

func hashPassword(pw string) (string, error) {
	return password.Hash(pw, bcrypt.DefaultCost)
}
