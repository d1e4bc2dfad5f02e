package store

import (
	"context"
	"fmt"
	"testing"

	"hotline"
)

// TestIntakeFactsLinkAsReindexDoes: intake links a message's entities from
// what it holds in hand (messageFacts), reindex from the stored message
// (messageContext). Both must make the same links, or a reindex would
// change the index for nothing: web forms with a person's name and a
// nationality, self-reports whose contact got its name now or earlier, and
// a message about someone else. (A contact named only by a later message
// is the one case where they differ, by design: reindex reads today's
// name; see TestSelfReportNamedLater.)
func TestIntakeFactsLinkAsReindexDoes(t *testing.T) {
	db, _ := openTest(t, Options{GroupCommit: true})
	ctx := context.Background()
	named := inbound(hotline.Telegram, "70000311", "facts-1", "ខ្ញុំត្រូវគេឃុំខ្លួននៅសៀមរាប សូមជួយខ្ញុំផង")
	named.Name = "សុខ ដារ៉ា"
	renamed := inbound(hotline.Telegram, "70000311", "facts-2", "I am locked in a building in Siem Reap, call 012 345 678")
	renamed.Name = "Another Name" // the contact keeps the name it has
	for _, in := range []hotline.Inbound{
		webForm("facts-form-1", "My son is held in a compound in Sihanoukville, his number is 010-1234-5678", "Lee Junho", "KR", "", hotline.ReporterFamily),
		webForm("facts-form-2", "내 동생이 바벳 단지에 갇혀 있어요 012 345 678", "", "other", "", hotline.ReporterFamily),
		named, renamed,
		inbound(hotline.SMS, "+85510000313", "facts-5", "my brother is locked in Bavet, his number is 097 000 1234"),
	} {
		recordTriaged(t, db, in)
	}
	links := func() string {
		rows, err := db.rdb.QueryContext(ctx, `
			SELECT e.kind, hex(e.value_hash), ec.case_id, ec.message_id, ec.state
			FROM entity_cases ec JOIN entities e ON e.id = ec.entity_id ORDER BY 1, 2, 3`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var s string
		for rows.Next() {
			var kind, hash, state string
			var caseID, msgID int64
			if err := rows.Scan(&kind, &hash, &caseID, &msgID, &state); err != nil {
				t.Fatal(err)
			}
			s += fmt.Sprintln(kind, hash, caseID, msgID, state)
		}
		return s
	}
	before := links()
	if n := count(t, db, `SELECT count(*) FROM entity_cases ec JOIN entities e ON e.id = ec.entity_id WHERE e.kind = ?`, KindPerson); n != 2 {
		t.Fatalf("%d person links, want the form's name and the Khmer self-report's:\n%s", n, before)
	}
	if _, err := db.ReindexEntities(ctx); err != nil {
		t.Fatal(err)
	}
	if after := links(); after != before {
		t.Errorf("reindex changed intake's links\nintake:\n%s\nreindex:\n%s", before, after)
	}
}

// TestSelfReportNamedLater: a self-report from a contact with no name links
// no person; the contact's next self-report, which brings the name, does.
func TestSelfReportNamedLater(t *testing.T) {
	db, _ := openTest(t, Options{GroupCommit: true})
	persons := func() int {
		return count(t, db, `SELECT count(*) FROM entity_cases ec JOIN entities e ON e.id = ec.entity_id WHERE e.kind = ?`, KindPerson)
	}
	recordTriaged(t, db, inbound(hotline.WhatsApp, "+85510000312", "late-1", "help me, they took my passport in Poipet"))
	if n := persons(); n != 0 {
		t.Fatalf("%d person links from a contact without a name", n)
	}
	named := inbound(hotline.WhatsApp, "+85510000312", "late-2", "I am still in Poipet, please help me")
	named.Name = "Kim Minji"
	recordTriaged(t, db, named)
	if n := persons(); n != 1 {
		t.Errorf("%d person links once the contact's self-report named them, want 1", n)
	}
	// A later self-report under another profile name keeps the stored one.
	renamed := inbound(hotline.WhatsApp, "+85510000312", "late-3", "please help me, I am in Poipet")
	renamed.Name = "Somebody Else"
	recordTriaged(t, db, renamed)
	if n := count(t, db, `SELECT count(DISTINCT ec.entity_id) FROM entity_cases ec JOIN entities e ON e.id = ec.entity_id WHERE e.kind = ?`, KindPerson); n != 1 {
		t.Errorf("%d person entities after a new profile name, want the stored name's only", n)
	}
}
