package store

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"hotline"
)

// TestChangedSinceReadsItsMillisecondAgain is the live queue's reading of
// changes: a change committed after a read but stamped with the read's
// last millisecond is still announced, a limit that cuts through one
// millisecond resumes where it stopped, and nothing is announced twice.
func TestChangedSinceReadsItsMillisecondAgain(t *testing.T) {
	db, _ := openTest(t, Options{})
	ctx := context.Background()
	var ids []int64
	for i := range 8 {
		r := record(t, db, inbound(hotline.SMS, fmt.Sprintf("+8551000%04d", i), fmt.Sprintf("SMchg%d", i), "help"), hotline.Triage{})
		ids = append(ids, r.CaseID)
	}
	const at = int64(1_900_000_000_000)
	stamp := func(ms int64, cases ...int64) {
		t.Helper()
		for _, id := range cases {
			if _, err := writeExec(db, `UPDATE cases SET updated_at = ? WHERE id = ?`, ms, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	read := func(mark hotline.ChangeMark, limit int) ([]int64, hotline.ChangeMark) {
		t.Helper()
		got, next, err := db.ChangedSince(ctx, mark, limit)
		if err != nil {
			t.Fatal(err)
		}
		return got, next
	}

	stamp(at-5, ids...)
	stamp(at, ids[3])
	mark, err := db.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if mark.At.UnixMilli() != at || !slices.Equal(mark.Seen, []int64{ids[3]}) {
		t.Fatalf("last change %v %v, want %d [%d]", mark.At.UnixMilli(), mark.Seen, at, ids[3])
	}
	if got, _ := read(mark, 200); len(got) != 0 {
		t.Fatalf("nothing changed, yet %v", got)
	}

	// A later commit with the same millisecond as the one already read.
	stamp(at, ids[1])
	got, mark := read(mark, 200)
	if !slices.Equal(got, []int64{ids[1]}) {
		t.Fatalf("late change in the same millisecond: %v, want [%d]", got, ids[1])
	}
	if got, _ := read(mark, 200); len(got) != 0 {
		t.Fatalf("announced twice: %v", got)
	}

	// Five changes in one millisecond, read two at a time.
	stamp(at+7, ids[0], ids[2], ids[4], ids[5], ids[6])
	var all []int64
	for range 4 {
		got, mark = read(mark, 2)
		all = append(all, got...)
	}
	if want := []int64{ids[0], ids[2], ids[4], ids[5], ids[6]}; !slices.Equal(all, want) {
		t.Fatalf("read two at a time: %v, want %v", all, want)
	}
	if mark.At.UnixMilli() != at+7 || len(mark.Seen) != 5 {
		t.Fatalf("mark %d %v", mark.At.UnixMilli(), mark.Seen)
	}

	// A new millisecond starts a new list of cases seen.
	stamp(at+8, ids[7])
	got, mark = read(mark, 200)
	if !slices.Equal(got, []int64{ids[7]}) || !slices.Equal(mark.Seen, []int64{ids[7]}) {
		t.Fatalf("next millisecond: %v, mark %v", got, mark.Seen)
	}
}
