package export

import (
	"database/sql"
	"testing"
)

// countAudit counts export events in the database file, read-only.
func countAudit(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM audit_events WHERE action = 'export.created' AND actor = 'ada' AND detail LIKE '%"profile":"police"%'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
