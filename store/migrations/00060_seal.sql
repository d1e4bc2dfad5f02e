-- Encryption at rest (store/sealed.go). Personal columns hold AES-GCM
-- sealed values from now on; what SQL still has to look at gets a column of
-- its own that reveals nothing:
--   seal_meta              which key file this database belongs to
--   contacts.address_hash  keyed hash of (channel, address), for lookups
--   contacts.region        the country of the number's calling code, for
--                          routing and the overview (was read from the
--                          address prefix in SQL)
--   entities.value_hash    keyed hash of (kind, value), for lookups
-- The old UNIQUE (channel, address) and UNIQUE (kind, value) constraints
-- stay (dropping them means rebuilding tables others reference); with
-- random nonces they never conflict, and the hash indexes take their place.
-- Migration 00061 (Go) seals the rows of a database from before this.

-- +goose Up
CREATE TABLE seal_meta (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;

ALTER TABLE contacts ADD COLUMN address_hash BLOB;
ALTER TABLE contacts ADD COLUMN region TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX contacts_address_hash ON contacts (channel, address_hash);

ALTER TABLE entities ADD COLUMN value_hash BLOB;
CREATE UNIQUE INDEX entities_value_hash ON entities (kind, value_hash);

DROP TRIGGER case_facts_nationality_new;
DROP TRIGGER case_facts_nationality_lang;

-- +goose StatementBegin
CREATE TRIGGER case_facts_nationality_new AFTER INSERT ON cases
BEGIN
    UPDATE cases SET nationality = (SELECT CASE
        WHEN k.region <> '' THEN k.region
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
        WHEN k.region <> '' THEN k.region
        WHEN c.lang = 'ko' THEN 'KR'
        WHEN c.lang = 'km' THEN 'KH'
        ELSE '' END FROM cases c JOIN contacts k ON k.id = c.contact_id WHERE c.id = NEW.id) WHERE id = NEW.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER case_facts_nationality_lang;
DROP TRIGGER case_facts_nationality_new;

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

DROP INDEX entities_value_hash;
ALTER TABLE entities DROP COLUMN value_hash;
DROP INDEX contacts_address_hash;
ALTER TABLE contacts DROP COLUMN region;
ALTER TABLE contacts DROP COLUMN address_hash;
DROP TABLE seal_meta;
