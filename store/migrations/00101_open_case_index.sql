-- Every inbound message looks up its contact's newest open case
-- (store/intake.go openCaseSQL). Through cases_contact (contact_id, status)
-- SQLite had to sort the contact's open cases by id in a temporary b-tree
-- for each message; this partial index holds only open cases, in id order
-- within a contact, so the newest is read straight off its end.

-- +goose Up
CREATE INDEX cases_contact_open ON cases (contact_id) WHERE status NOT IN ('resolved', 'closed');

-- +goose Down
DROP INDEX cases_contact_open;
