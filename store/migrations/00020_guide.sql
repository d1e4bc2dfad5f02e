-- Guided intake and contact safety: which questions a case was asked (each
-- at most once), the answers that fill case fields, and per-contact modes.

-- +goose Up
CREATE TABLE guide_items (
    case_id           INTEGER NOT NULL REFERENCES cases (id),
    item              TEXT    NOT NULL,
    asked_at          INTEGER NOT NULL,
    asked_message_id  INTEGER REFERENCES messages (id),
    answered_at       INTEGER,
    answer_message_id INTEGER REFERENCES messages (id),
    answer            TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, item)
) WITHOUT ROWID;

-- How many people are with the person (the guide's question); NULL unknown.
ALTER TABLE cases ADD COLUMN people_count INTEGER;
-- Discreet: automatic replies carry only the case reference.
ALTER TABLE contacts ADD COLUMN discreet INTEGER NOT NULL DEFAULT 0;
-- When the provider said this contact can no longer be reached (a Telegram
-- user who blocked the bot); cleared when they write again.
ALTER TABLE contacts ADD COLUMN unreachable_at INTEGER;

-- +goose Down
ALTER TABLE contacts DROP COLUMN unreachable_at;
ALTER TABLE contacts DROP COLUMN discreet;
ALTER TABLE cases DROP COLUMN people_count;
DROP TABLE guide_items;
