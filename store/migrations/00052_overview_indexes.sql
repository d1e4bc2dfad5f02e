-- The overview at 100,000 cases (issue 8). Each index answers one of its
-- counts in index order, so no query sorts the period's cases:
--   cases_open_created / cases_open_closed: the open series counts each
--     (urgency, step) as a range of one index (store/overview.go).
--   cases_groups: the province, nationality and channel counts read the
--     groups in order; it replaces cases_created_groups, which sorted.
--   cases_reply_waits / cases_ack_waits: the waits read only the cases that
--     reached the milestone, without a lookup of the case row each.

-- +goose Up
CREATE INDEX cases_open_created ON cases (urgency, created_at) WHERE merged_into IS NULL;
CREATE INDEX cases_open_closed ON cases (urgency, closed_at, created_at) WHERE closed_at IS NOT NULL AND merged_into IS NULL;
CREATE INDEX cases_groups ON cases (province, nationality, channel, created_at) WHERE merged_into IS NULL;
CREATE INDEX cases_reply_waits ON cases (created_at, first_in_at, first_reply_at) WHERE first_reply_at IS NOT NULL AND merged_into IS NULL;
CREATE INDEX cases_ack_waits ON cases (created_at, first_in_at, ack_at) WHERE ack_at IS NOT NULL AND merged_into IS NULL;
DROP INDEX cases_created_groups;

-- +goose Down
CREATE INDEX cases_created_groups ON cases (created_at, merged_into, province, nationality, channel);
DROP INDEX cases_ack_waits;
DROP INDEX cases_reply_waits;
DROP INDEX cases_groups;
DROP INDEX cases_open_closed;
DROP INDEX cases_open_created;
