-- Every guided message reads its case's latest unanswered question
-- (store/guide_intake.go guideCaseColumns). Through the primary key
-- (case_id, item) SQLite sorted the case's items by time in a temporary
-- b-tree each time; this partial index keeps the unanswered ones in that
-- order.

-- +goose Up
CREATE INDEX guide_items_pending ON guide_items (case_id, asked_at DESC, item DESC) WHERE answered_at IS NULL;

-- +goose Down
DROP INDEX guide_items_pending;
