package server

import "hotline"

// systemAccount is the users row the store records automatic hand-offs
// under (store/critical.go, systemUser): hand-offs must name a user, but
// nobody logs in as it. It is no person, so staff lists leave it out; the
// hand-offs it made still name it.
const systemAccount = "(hotline)"

// realAccounts drops the accounts that are not people from a staff list, for
// the admin page and the assignee picker.
func realAccounts(all []hotline.Staff) []hotline.Staff {
	out := all[:0:0]
	for _, st := range all {
		if st.Name != systemAccount {
			out = append(out, st)
		}
	}
	return out
}
