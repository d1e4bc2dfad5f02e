-- Milestones of a case kept on its row, so that the overview counts with
-- index scans and GROUP BY instead of a subquery per case. Triggers keep
-- them, whichever code path writes the message, the acknowledgement or the
-- status change, in the same transaction.
--   first_in_at     first message from the person
--   first_reply_at  first message a person on our side sent (automatic
--                   replies, status 'replied_inline', do not count)
--   ack_at          first responder acknowledgement of a hand-off
--   closed_at       when the case was last resolved or closed; NULL while open
--   nationality     the routing guess (store/routing.go nationalitySQL): the
--                   number's country code, else the language

-- +goose Up
ALTER TABLE cases ADD COLUMN first_in_at INTEGER;
ALTER TABLE cases ADD COLUMN first_reply_at INTEGER;
ALTER TABLE cases ADD COLUMN ack_at INTEGER;
ALTER TABLE cases ADD COLUMN closed_at INTEGER;
ALTER TABLE cases ADD COLUMN nationality TEXT NOT NULL DEFAULT '';

UPDATE cases SET
    first_in_at = (SELECT min(m.created_at) FROM messages m WHERE m.case_id = cases.id AND m.direction = 'in'),
    first_reply_at = (SELECT min(m.created_at) FROM messages m WHERE m.case_id = cases.id AND m.direction = 'out' AND m.status <> 'replied_inline'),
    ack_at = (SELECT min(h.acknowledged_at) FROM handoffs h WHERE h.case_id = cases.id),
    closed_at = CASE WHEN status IN ('resolved', 'closed') THEN COALESCE(
        (SELECT max(a.at) FROM audit_events a WHERE a.case_id = cases.id AND a.action = 'case.status'
            AND json_extract(a.detail, '$.to') IN ('resolved', 'closed')), updated_at) END;
UPDATE cases SET nationality = (SELECT CASE
        WHEN k.address LIKE '+82%' OR k.address LIKE 'whatsapp:+82%' THEN 'KR'
        WHEN k.address LIKE '+855%' OR k.address LIKE 'whatsapp:+855%' THEN 'KH'
        WHEN c.lang = 'ko' THEN 'KR'
        WHEN c.lang = 'km' THEN 'KH'
        ELSE '' END FROM cases c JOIN contacts k ON k.id = c.contact_id WHERE c.id = cases.id);

-- The overview: cases by creation (with what the open series needs, so the
-- index alone answers it) and by closing.
CREATE INDEX cases_created_facts ON cases (created_at, urgency, closed_at, merged_into);
CREATE INDEX cases_closed ON cases (closed_at, urgency, merged_into, created_at, resolution) WHERE closed_at IS NOT NULL;
CREATE INDEX cases_created_groups ON cases (created_at, merged_into, province, nationality, channel);

-- +goose StatementBegin
CREATE TRIGGER case_facts_nationality_new AFTER INSERT ON cases
BEGIN
    UPDATE cases SET nationality = (SELECT CASE
        WHEN k.address LIKE '+82%' OR k.address LIKE 'whatsapp:+82%' THEN 'KR'
        WHEN k.address LIKE '+855%' OR k.address LIKE 'whatsapp:+855%' THEN 'KH'
        WHEN c.lang = 'ko' THEN 'KR'
        WHEN c.lang = 'km' THEN 'KH'
        ELSE '' END FROM cases c JOIN contacts k ON k.id = c.contact_id WHERE c.id = NEW.id) WHERE id = NEW.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER case_facts_nationality_lang AFTER UPDATE OF lang ON cases
WHEN OLD.lang <> NEW.lang
BEGIN
    UPDATE cases SET nationality = (SELECT CASE
        WHEN k.address LIKE '+82%' OR k.address LIKE 'whatsapp:+82%' THEN 'KR'
        WHEN k.address LIKE '+855%' OR k.address LIKE 'whatsapp:+855%' THEN 'KH'
        WHEN c.lang = 'ko' THEN 'KR'
        WHEN c.lang = 'km' THEN 'KH'
        ELSE '' END FROM cases c JOIN contacts k ON k.id = c.contact_id WHERE c.id = NEW.id) WHERE id = NEW.id;
END;
-- +goose StatementEnd

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
CREATE TRIGGER case_facts_ack AFTER UPDATE OF acknowledged_at ON handoffs
WHEN NEW.acknowledged_at IS NOT NULL
BEGIN
    UPDATE cases SET ack_at = NEW.acknowledged_at
    WHERE id = NEW.case_id AND (ack_at IS NULL OR ack_at > NEW.acknowledged_at);
END;
-- +goose StatementEnd

-- The status change is audited with the time the store's clock gave it;
-- that time is the closing time.
-- +goose StatementBegin
CREATE TRIGGER case_facts_status AFTER INSERT ON audit_events
WHEN NEW.action = 'case.status' AND NEW.case_id IS NOT NULL
BEGIN
    UPDATE cases SET closed_at = CASE
        WHEN json_extract(NEW.detail, '$.to') IN ('resolved', 'closed') THEN NEW.at ELSE NULL END
    WHERE id = NEW.case_id;
END;
-- +goose StatementEnd

-- Any other way a case closes or reopens (a responder's "rescued" update,
-- a merge): the latest audited event of the case is the best time known.
-- +goose StatementBegin
CREATE TRIGGER case_facts_closed AFTER UPDATE OF status ON cases
WHEN (NEW.status IN ('resolved', 'closed')) <> (OLD.status IN ('resolved', 'closed'))
BEGIN
    UPDATE cases SET closed_at = CASE WHEN NEW.status IN ('resolved', 'closed') THEN
        max(NEW.updated_at, COALESCE((SELECT max(a.at) FROM audit_events a WHERE a.case_id = NEW.id), 0)) ELSE NULL END
    WHERE id = NEW.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER case_facts_closed;
DROP TRIGGER case_facts_nationality_lang;
DROP TRIGGER case_facts_nationality_new;
DROP INDEX cases_created_groups;
DROP TRIGGER case_facts_status;
DROP TRIGGER case_facts_ack;
DROP TRIGGER case_facts_reply;
DROP TRIGGER case_facts_in;
DROP INDEX cases_closed;
DROP INDEX cases_created_facts;
ALTER TABLE cases DROP COLUMN nationality;
ALTER TABLE cases DROP COLUMN closed_at;
ALTER TABLE cases DROP COLUMN ack_at;
ALTER TABLE cases DROP COLUMN first_reply_at;
ALTER TABLE cases DROP COLUMN first_in_at;
