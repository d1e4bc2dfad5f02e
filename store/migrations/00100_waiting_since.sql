-- How long a case has really been waiting, as the queue's "longest waiting"
-- key in place of last_inbound_at:
--   waiting_since  the oldest message from the person that nobody on our
--                  side has answered since; once answered, the time of the
--                  answer (so an answered case goes behind those still
--                  waiting). ms since epoch; every insert sets it.
--   waiting        1 while a message from the person is unanswered, 0 once
--                  a person on our side has replied (automatic replies,
--                  status 'replied_inline', do not answer: the same rule as
--                  first_reply_at in 00051).
-- A person who writes again does not move their case back in the queue,
-- and the writer no longer moves six index entries for every message:
-- last_inbound_at is kept (it is shown) but leaves the queue indexes.

-- +goose Up
ALTER TABLE cases ADD COLUMN waiting_since INTEGER;
ALTER TABLE cases ADD COLUMN waiting INTEGER NOT NULL DEFAULT 1;

-- The oldest message from the person after the last reply by a person on
-- our side; else that reply, answered; else, with no message, the case's
-- creation.
UPDATE cases SET waiting_since = (
    SELECT min(m.created_at) FROM messages m
    WHERE m.case_id = cases.id AND m.direction = 'in' AND m.created_at > COALESCE((
        SELECT max(r.created_at) FROM messages r
        WHERE r.case_id = cases.id AND r.direction = 'out' AND r.status <> 'replied_inline'), -1));
UPDATE cases SET waiting = 0, waiting_since = (
    SELECT max(r.created_at) FROM messages r
    WHERE r.case_id = cases.id AND r.direction = 'out' AND r.status <> 'replied_inline')
WHERE waiting_since IS NULL AND EXISTS (
    SELECT 1 FROM messages r
    WHERE r.case_id = cases.id AND r.direction = 'out' AND r.status <> 'replied_inline');
UPDATE cases SET waiting_since = created_at WHERE waiting_since IS NULL;

-- Queue order (urgency DESC, waiting_since, id), unfiltered and with each
-- filter first, as 00001 and 00005 had it with last_inbound_at.
DROP INDEX cases_queue;
DROP INDEX cases_status_queue;
DROP INDEX cases_province_queue;
DROP INDEX cases_lang_queue;
DROP INDEX cases_assignee_queue;
DROP INDEX cases_channel_queue;
CREATE INDEX cases_queue          ON cases (urgency DESC, waiting_since, id);
CREATE INDEX cases_status_queue   ON cases (status, urgency DESC, waiting_since, id);
CREATE INDEX cases_province_queue ON cases (province, urgency DESC, waiting_since, id);
CREATE INDEX cases_lang_queue     ON cases (lang, urgency DESC, waiting_since, id);
CREATE INDEX cases_assignee_queue ON cases (assignee_id, urgency DESC, waiting_since, id);
CREATE INDEX cases_channel_queue  ON cases (channel, urgency DESC, waiting_since, id);

-- A reply by a person on our side answers the case, whichever code path
-- writes it (the console's reply, the family's status message, …).
-- +goose StatementBegin
CREATE TRIGGER case_waiting_answered AFTER INSERT ON messages
WHEN NEW.direction = 'out' AND NEW.status <> 'replied_inline'
BEGIN
    UPDATE cases SET waiting = 0, waiting_since = NEW.created_at WHERE id = NEW.case_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER case_waiting_answered;
DROP INDEX cases_channel_queue;
DROP INDEX cases_assignee_queue;
DROP INDEX cases_lang_queue;
DROP INDEX cases_province_queue;
DROP INDEX cases_status_queue;
DROP INDEX cases_queue;
CREATE INDEX cases_queue          ON cases (urgency DESC, last_inbound_at, id);
CREATE INDEX cases_status_queue   ON cases (status, urgency DESC, last_inbound_at, id);
CREATE INDEX cases_province_queue ON cases (province, urgency DESC, last_inbound_at, id);
CREATE INDEX cases_lang_queue     ON cases (lang, urgency DESC, last_inbound_at, id);
CREATE INDEX cases_assignee_queue ON cases (assignee_id, urgency DESC, last_inbound_at, id);
CREATE INDEX cases_channel_queue  ON cases (channel, urgency DESC, last_inbound_at, id);
ALTER TABLE cases DROP COLUMN waiting;
ALTER TABLE cases DROP COLUMN waiting_since;
