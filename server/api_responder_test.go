package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"hotline"
)

// TestCaseAPIResponderFields checks, field by field, that a responder's JSON
// carries only what the hand-offs to their organisation share.
func TestCaseAPIResponderFields(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("agnes", hotline.RoleAgent, "")
	const body = "they took our passports in Bavet, call my brother +85510000999"
	c := h.newCase("SM00000000000000000000000000000c01", "+85510000123", body)
	police := h.orgID("Police Unit")
	tok := h.token("kosal-api", hotline.RoleResponder)
	if err := h.db.SetUserOrganisation(t.Context(), "kosal-api", "Police Unit"); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/api/v1/cases/%d", c.ID)

	// Before any hand-off the case is not theirs, and the list is empty.
	if r, _ := h.get(path, tok); r.StatusCode != 403 {
		t.Fatalf("before the hand-off: %d, want 403", r.StatusCode)
	}
	if _, list := h.get("/api/v1/cases", tok); !strings.Contains(list, `"cases":[]`) {
		t.Errorf("list before the hand-off: %s", list)
	}

	agnes := mustStaffFull(t, h, "agnes")
	if _, err := h.db.HandOff(t.Context(), agnes, c.ID, police, []string{hotline.ShareLocation}, ""); err != nil {
		t.Fatal(err)
	}
	keys := func(raw string) map[string]any {
		t.Helper()
		var m map[string]any
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			t.Fatalf("%v: %s", err, raw)
		}
		return m
	}
	r, one := h.get(path, tok)
	if r.StatusCode != 200 {
		t.Fatalf("after the hand-off: %d %s", r.StatusCode, one)
	}
	got := keys(one)
	for _, k := range []string{"id", "ref", "status", "urgency", "location"} {
		if _, ok := got[k]; !ok {
			t.Errorf("location shared: no %q in %s", k, one)
		}
	}
	for _, k := range []string{"contact", "messages", "reasons", "entities", "lang", "reporter", "assignee"} {
		if _, ok := got[k]; ok {
			t.Errorf("location shared: %q is there: %s", k, one)
		}
	}
	if got["ref"] != c.Ref || got["urgency"] != c.Urgency.String() {
		t.Errorf("ref/urgency: %v/%v, want %s/%s", got["ref"], got["urgency"], c.Ref, c.Urgency)
	}
	if loc, _ := got["location"].(map[string]any); loc["province"] != "Svay Rieng" {
		t.Errorf("location: %v, want Svay Rieng", got["location"])
	}
	for _, secret := range []string{"passports", "10000123", "10000999"} {
		if strings.Contains(one, secret) {
			t.Errorf("location shared: %q leaks: %s", secret, one)
		}
	}
	_, list := h.get("/api/v1/cases", tok)
	var page struct {
		Cases []map[string]any `json:"cases"`
	}
	if err := json.Unmarshal([]byte(list), &page); err != nil || len(page.Cases) != 1 {
		t.Fatalf("list: %v %s", err, list)
	}
	if _, ok := page.Cases[0]["contact"]; ok || strings.Contains(list, "passports") {
		t.Errorf("list shows what was not shared: %s", list)
	}

	// A second hand-off that shares messages and contact opens them, and
	// nothing of a message's own triage comes along with reasons unshared.
	if _, err := h.db.HandOff(t.Context(), agnes, c.ID, police, []string{hotline.ShareMessages, hotline.ShareContact}, ""); err != nil {
		t.Fatal(err)
	}
	_, one = h.get(path, tok)
	got = keys(one)
	if got["contact"] != "+85510000123" {
		t.Errorf("contact shared: %v", got["contact"])
	}
	msgs, _ := got["messages"].([]any)
	if len(msgs) == 0 || !strings.Contains(one, "passports") {
		t.Errorf("messages shared but missing: %s", one)
	}
	for _, m := range msgs {
		if _, ok := m.(map[string]any)["triage"]; ok {
			t.Errorf("a message carries its triage: %v", m)
		}
	}
	if _, ok := got["reasons"]; ok {
		t.Errorf("reasons not shared but present: %s", one)
	}

	// Another organisation's responder sees none of it.
	other := h.token("vanna-api", hotline.RoleResponder)
	if err := h.db.SetUserOrganisation(t.Context(), "vanna-api", "Other Unit"); err != nil {
		t.Fatal(err)
	}
	if r, b := h.get(path, other); r.StatusCode != 403 || strings.Contains(b, c.Ref) {
		t.Errorf("other organisation: %d %s", r.StatusCode, b)
	}
}
