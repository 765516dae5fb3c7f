-- no-transaction
-- The students' table again, with the same columns, rows and indexes, but:
-- - its references to rounds, units, tiers and imports checked when the transaction
--   commits (DEFERRABLE INITIALLY DEFERRED) instead of after each statement. A statement
--   that writes many rows and may fail a reference midway must be able to undo itself,
--   so SQLite keeps a copy of every page it changes (a statement journal); checked at
--   commit, a failed reference undoes the whole transaction and no statement needs one.
--   Importing a school's list of a million rows spends a fifth less time writing
--   (ADR 0014, docs/PERFORMANCE.md). A wrong reference still fails: at COMMIT.
-- - the review check written as comparisons: SQLite tested `IN (…)` by building a
--   small temporary index for every row written. The same four values pass.
--
-- SQLite cannot change a table's constraints in place. This is its documented way
-- (https://sqlite.org/lang_altertable.html#otheralter): references off, a new table,
-- the rows copied, the old table dropped, the new one renamed, the indexes made again,
-- in one transaction. Running it a second time (a crash before sqlx records it) makes
-- the same table again.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE students_new (
    id             INTEGER PRIMARY KEY,
    round_id       INTEGER NOT NULL REFERENCES rounds (id) DEFERRABLE INITIALLY DEFERRED,
    school_id      INTEGER NOT NULL REFERENCES units (id) DEFERRABLE INITIALLY DEFERRED,
    student_code   TEXT    NULL,
    full_name      TEXT    NOT NULL,
    name_key       TEXT    NOT NULL,
    dob            TEXT    NOT NULL,
    gender         TEXT    NULL,
    ethnicity      TEXT    NULL,
    class_name     TEXT    NULL,
    village        TEXT    NULL,
    commune        TEXT    NULL,
    commune_key    TEXT    NULL,
    parent_name    TEXT    NULL,
    parent_key     TEXT    NULL,
    tier_id        INTEGER NOT NULL REFERENCES tiers (id) DEFERRABLE INITIALLY DEFERRED,
    certificate_no TEXT    NULL,
    note           TEXT    NULL,
    review         TEXT    NOT NULL DEFAULT 'pending' CHECK (review = 'pending' OR review = 'returned' OR review = 'approved' OR review = 'withdrawn'),
    return_reason  TEXT    NULL,
    served         BOOLEAN NOT NULL DEFAULT FALSE,
    import_id      INTEGER NULL REFERENCES student_imports (id) DEFERRABLE INITIALLY DEFERRED,
    source_row     INTEGER NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    CONSTRAINT students_round_school_code_key UNIQUE (round_id, school_id, student_code)
);

INSERT INTO students_new (id, round_id, school_id, student_code, full_name, name_key, dob, gender, ethnicity, class_name, village, commune, commune_key, parent_name, parent_key, tier_id, certificate_no, note, review, return_reason, served, import_id, source_row, created_at, updated_at)
SELECT id, round_id, school_id, student_code, full_name, name_key, dob, gender, ethnicity, class_name, village, commune, commune_key, parent_name, parent_key, tier_id, certificate_no, note, review, return_reason, served, import_id, source_row, created_at, updated_at FROM students;

DROP TABLE students;
ALTER TABLE students_new RENAME TO students;

CREATE UNIQUE INDEX students_round_school_person_key ON students (round_id, school_id, name_key, dob) WHERE student_code IS NULL;
CREATE INDEX students_code_idx ON students (student_code);
CREATE INDEX students_school_round_idx ON students (school_id, round_id);
CREATE INDEX students_dob_idx ON students (dob, id);
CREATE INDEX students_served_code_idx ON students (student_code) WHERE served = TRUE;

COMMIT;
PRAGMA foreign_keys = ON;
