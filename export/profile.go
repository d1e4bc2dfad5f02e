// Package export writes signed, redacted exports of cases for partner
// agencies: a JSON document with a documented schema (SCHEMA.md) and one
// CSV per table, listed with their SHA-256 in a manifest that is signed
// with Ed25519, so that a partner holding the public key can tell that
// nothing was added, removed or changed on the way.
//
// What leaves is decided by a profile. "police" carries entities, places
// with coordinates rounded, counts and outcomes, and nothing that names or
// reaches a victim. "full" is for the organisation cases were handed to:
// only its cases, each with what its hand-offs share.
package export

import (
	"fmt"
	"strings"
)

// Profile is a redaction profile.
type Profile struct {
	Name string
	// Decimals is how many decimals a coordinate keeps; -1 keeps it exact.
	// Two decimals is about 1 km: a district, not a building.
	Decimals int
	// ForOrganisation: the partner must be an organisation, and only the
	// cases handed to it are exported, with what their hand-offs share.
	ForOrganisation bool
}

// Profiles known by name.
var Profiles = map[string]Profile{
	"police": {Name: "police", Decimals: 2},
	"full":   {Name: "full", Decimals: -1, ForOrganisation: true},
}

// ProfileNames lists the profiles in the order forms offer them.
var ProfileNames = []string{"police", "full"}

// LookupProfile finds a profile by name.
func LookupProfile(name string) (Profile, error) {
	p, ok := Profiles[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return Profile{}, fmt.Errorf("export: unknown profile %q (want police or full)", name)
	}
	return p, nil
}
