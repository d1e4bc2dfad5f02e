package server

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hotline"
)

// samePersonStore proposes cases that are likely the same person. The
// SQLite store implements it; the console finds it on its store, so that
// Deps stays as it is.
type samePersonStore interface {
	SamePersonCases(ctx context.Context, caseID int64, sc hotline.Scope) ([]hotline.CaseEntity, error)
}

// samePersonView is the case page's "possibly the same person" section:
// one row per other case, with what it shares. It only proposes; staff
// merge with the merge form, which a row's button fills in.
type samePersonView struct {
	CaseID int64
	Items  []samePersonItem
	Staff  bool
	// MergeWith is a proposed case the merge form is filled in with,
	// because staff chose it from this section.
	MergeWith int64
}

type samePersonItem struct {
	Case   hotline.EntityCase
	Shared []samePersonDetail
}

type samePersonDetail struct{ Kind, Label string }

// samePerson builds the section; nil hides it. A responder sees it under
// the same rule as the entity links: only when the hand-off shares the
// case's entities, and only cases handed to their organisation likewise.
func (h *console) samePerson(c *fiber.Ctx, s *hotline.Session, v *caseView) *samePersonView {
	ss, ok := h.db.(samePersonStore)
	if !ok || v.Responder && !v.Share[hotline.ShareEntities] {
		return nil
	}
	sc, ok := scopeOf(s)
	if !ok {
		return nil
	}
	list, err := ss.SamePersonCases(c.UserContext(), v.ID, sc)
	if err != nil {
		h.s.log.Error("same person", "case", v.ID, "err", err)
		return nil
	}
	out := &samePersonView{CaseID: v.ID, Staff: !v.Responder}
	at := map[int64]int{}
	for _, e := range list {
		for _, o := range e.Others {
			i, seen := at[o.CaseID]
			if !seen {
				i = len(out.Items)
				at[o.CaseID] = i
				out.Items = append(out.Items, samePersonItem{Case: o})
			}
			out.Items[i].Shared = append(out.Items[i].Shared, samePersonDetail{Kind: e.Kind, Label: e.Label})
		}
	}
	if m, err := strconv.ParseInt(c.Query("merge"), 10, 64); err == nil && out.Staff {
		if _, proposed := at[m]; proposed {
			out.MergeWith = m
		}
	}
	return out
}
