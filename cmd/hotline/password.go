package main

import (
	"crypto/rand"

	"golang.org/x/crypto/bcrypt"
)

// generatePassword returns 26 random base32 characters (130 bits): long
// enough that no composition rule is needed, easy to copy.
func generatePassword() string { return rand.Text() }

func hashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	return string(h), err
}
