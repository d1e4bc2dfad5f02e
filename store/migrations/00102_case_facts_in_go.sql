-- The case facts kept by triggers on messages and audit_events (00051,
-- 00100) are kept by the store's own code from here on (store/case_facts.go
-- and intake), for speed: a table with an INSERT trigger makes SQLite treat
-- every single-row INSERT into it as a statement that may write several
-- rows, so each one opened a statement journal and copied every page it
-- touched first, and every message costs two inserts into messages and one
-- into audit_events. The triggers on cases (nationality, closed_at on a
-- status UPDATE) fire only for the rare statements that name those
-- columns, and stay.

-- +goose Up
DROP TRIGGER case_facts_in;
DROP TRIGGER case_facts_reply;
DROP TRIGGER case_waiting_answered;
DROP TRIGGER case_facts_status;

-- +goose Down
-- +goose StatementBegin
CREATE TRIGGER case_facts_in AFTER INSERT ON messages
WHEN NEW.direction = 'in'
BEGIN
    UPDATE cases SET first_in_at = NEW.created_at
    WHERE id = NEW.case_id AND (first_in_at IS NULL OR first_in_at > NEW.created_at);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER case_facts_reply AFTER INSERT ON messages
WHEN NEW.direction = 'out' AND NEW.status <> 'replied_inline'
BEGIN
    UPDATE cases SET first_reply_at = NEW.created_at
    WHERE id = NEW.case_id AND (first_reply_at IS NULL OR first_reply_at > NEW.created_at);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER case_waiting_answered AFTER INSERT ON messages
WHEN NEW.direction = 'out' AND NEW.status <> 'replied_inline'
BEGIN
    UPDATE cases SET waiting = 0, waiting_since = NEW.created_at WHERE id = NEW.case_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER case_facts_status AFTER INSERT ON audit_events
WHEN NEW.action = 'case.status' AND NEW.case_id IS NOT NULL
BEGIN
    UPDATE cases SET closed_at = CASE
        WHEN json_extract(NEW.detail, '$.to') IN ('resolved', 'closed') THEN NEW.at ELSE NULL END
    WHERE id = NEW.case_id;
END;
-- +goose StatementEnd
