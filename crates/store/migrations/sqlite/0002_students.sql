-- Beneficiaries: programs with their tiers and rounds, schools' lists of students
-- (nominations), flags for review, de-duplication decisions, evidence files and the
-- communes' poor / near-poor household registers (SQLite).
-- Dates are TEXT 'yyyy-mm-dd' on both engines; timestamps BIGINT milliseconds.

CREATE TABLE programs (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    starts_on   TEXT    NOT NULL,
    ends_on     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    CONSTRAINT programs_code_key UNIQUE (code)
);

CREATE TABLE tiers (
    id              INTEGER PRIMARY KEY,
    program_id      INTEGER NOT NULL REFERENCES programs (id),
    rank            INTEGER NOT NULL,
    code            TEXT    NOT NULL,
    label           TEXT    NOT NULL,
    evidence        TEXT    NOT NULL,
    needs_household TEXT    NULL,
    aliases         TEXT    NOT NULL,
    CONSTRAINT tiers_program_rank_key UNIQUE (program_id, rank),
    CONSTRAINT tiers_program_code_key UNIQUE (program_id, code)
);

CREATE TABLE rounds (
    id          INTEGER PRIMARY KEY,
    program_id  INTEGER NOT NULL REFERENCES programs (id),
    name        TEXT    NOT NULL,
    opens_on    TEXT    NOT NULL,
    closes_on   TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('open', 'closed')),
    created_at  INTEGER NOT NULL
);
CREATE INDEX rounds_program_idx ON rounds (program_id);

-- One file imported into one school's list.
CREATE TABLE student_imports (
    id          INTEGER PRIMARY KEY,
    round_id    INTEGER NOT NULL REFERENCES rounds (id),
    school_id   INTEGER NOT NULL REFERENCES units (id),
    file_name   TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,
    header_row  INTEGER NOT NULL,
    data_rows   INTEGER NOT NULL,
    imported    INTEGER NOT NULL,
    rejected    INTEGER NOT NULL,
    skipped     INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);

-- A school's list in a round, and where it stands in the approval chain.
CREATE TABLE nomination_lists (
    id            INTEGER PRIMARY KEY,
    round_id      INTEGER NOT NULL REFERENCES rounds (id),
    school_id     INTEGER NOT NULL REFERENCES units (id),
    status        TEXT    NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'approved', 'board_approved')),
    submitted_at  INTEGER NULL,
    submitted_by  TEXT    NULL,
    decided_at    INTEGER NULL,
    decided_by    TEXT    NULL,
    board_at      INTEGER NULL,
    board_by      TEXT    NULL,
    note          TEXT    NULL,
    updated_at    INTEGER NOT NULL,
    CONSTRAINT nomination_lists_round_school_key UNIQUE (round_id, school_id)
);

-- A student on a school's list in a round (a nomination). Personal data of a child:
-- read only through the roles that need it.
CREATE TABLE students (
    id             INTEGER PRIMARY KEY,
    round_id       INTEGER NOT NULL REFERENCES rounds (id),
    school_id      INTEGER NOT NULL REFERENCES units (id),
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
    tier_id        INTEGER NOT NULL REFERENCES tiers (id),
    certificate_no TEXT    NULL,
    note           TEXT    NULL,
    review         TEXT    NOT NULL DEFAULT 'pending' CHECK (review IN ('pending', 'returned', 'approved', 'withdrawn')),
    return_reason  TEXT    NULL,
    served         BOOLEAN NOT NULL DEFAULT FALSE,
    import_id      INTEGER NULL REFERENCES student_imports (id),
    source_row     INTEGER NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    CONSTRAINT students_round_school_code_key UNIQUE (round_id, school_id, student_code)
);
CREATE UNIQUE INDEX students_round_school_person_key ON students (round_id, school_id, name_key, dob) WHERE student_code IS NULL;
CREATE INDEX students_code_idx ON students (student_code);
CREATE INDEX students_school_round_idx ON students (school_id, round_id);
CREATE INDEX students_dob_idx ON students (dob, id);

-- Reasons to look twice at a nomination; resolving one is explicit and audited.
CREATE TABLE student_flags (
    id           INTEGER PRIMARY KEY,
    student_id   INTEGER NOT NULL REFERENCES students (id),
    kind         TEXT    NOT NULL,
    detail       TEXT    NULL,
    created_at   INTEGER NOT NULL,
    resolved_at  INTEGER NULL,
    resolved_by  TEXT    NULL,
    resolution   TEXT    NULL,
    CONSTRAINT student_flags_student_kind_key UNIQUE (student_id, kind)
);
CREATE INDEX student_flags_kind_idx ON student_flags (kind);

-- A person's decision on a pair of possible duplicates (student_a < student_b).
CREATE TABLE dedup_decisions (
    id          INTEGER PRIMARY KEY,
    student_a   INTEGER NOT NULL REFERENCES students (id),
    student_b   INTEGER NOT NULL REFERENCES students (id),
    decision    TEXT    NOT NULL CHECK (decision IN ('same', 'different')),
    decided_by  TEXT    NOT NULL,
    decided_at  INTEGER NOT NULL,
    CONSTRAINT dedup_decisions_pair_key UNIQUE (student_a, student_b)
);

-- Candidate groups found by the last de-duplication run of a round, waiting for a
-- person's decision. Replaced by each run; a decided group is deleted.
CREATE TABLE dedup_groups (
    id          INTEGER PRIMARY KEY,
    round_id    INTEGER NOT NULL REFERENCES rounds (id),
    reason      TEXT    NOT NULL CHECK (reason IN ('same_code', 'same_person')),
    score_pct   INTEGER NOT NULL,
    members     TEXT    NOT NULL,
    found_at    INTEGER NOT NULL,
    CONSTRAINT dedup_groups_round_members_key UNIQUE (round_id, members)
);
CREATE TABLE dedup_group_members (
    group_id    INTEGER NOT NULL REFERENCES dedup_groups (id),
    student_id  INTEGER NOT NULL REFERENCES students (id),
    PRIMARY KEY (group_id, student_id)
);
CREATE INDEX dedup_group_members_student_idx ON dedup_group_members (student_id);

-- Evidence of a tier (certificate photo, death record), checked by content.
CREATE TABLE evidence_files (
    id            INTEGER PRIMARY KEY,
    student_id    INTEGER NOT NULL REFERENCES students (id),
    file_name     TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT    NOT NULL,
    data          BLOB    NOT NULL,
    uploaded_by   TEXT    NOT NULL,
    uploaded_at   INTEGER NOT NULL
);
CREATE INDEX evidence_files_student_idx ON evidence_files (student_id);

-- The communes' approved registers of poor and near-poor households.
CREATE TABLE households (
    id              INTEGER PRIMARY KEY,
    year            INTEGER NOT NULL,
    commune_id      INTEGER NULL REFERENCES units (id),
    commune         TEXT    NOT NULL,
    commune_key     TEXT    NOT NULL,
    village         TEXT    NOT NULL DEFAULT '',
    head_name       TEXT    NOT NULL,
    head_key        TEXT    NOT NULL,
    members         TEXT    NULL,
    members_key     TEXT    NULL,
    category        TEXT    NOT NULL CHECK (category IN ('ngheo', 'can_ngheo')),
    certificate_no  TEXT    NULL,
    created_at      INTEGER NOT NULL,
    CONSTRAINT households_year_commune_head_key UNIQUE (year, commune_key, head_key, village)
);
CREATE INDEX households_commune_idx ON households (commune_key, year);

-- Files uploaded in the web and waiting for the official to confirm the import.
CREATE TABLE pending_uploads (
    id          TEXT    NOT NULL PRIMARY KEY,
    kind        TEXT    NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    target      TEXT    NOT NULL,
    file_name   TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,
    data        BLOB    NOT NULL,
    created_at  INTEGER NOT NULL
);
