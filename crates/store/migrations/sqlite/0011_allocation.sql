-- Allocation runs (SQLite). A run freezes its inputs (the approved students waiting, the
-- devices free to allocate, the units sharing them) beside what it decided, so anyone can
-- recompute it (`songmaytinh allocation verify`). A draft records the SHA-256 of its seed;
-- the seed is shown once the run is approved. `student_id` references the nomination
-- (see ADR 0017).
CREATE TABLE allocation_runs (
    id               INTEGER PRIMARY KEY,
    round_id         INTEGER NOT NULL REFERENCES rounds (id),
    previous_id      INTEGER NULL REFERENCES allocation_runs (id),
    status           TEXT    NOT NULL CHECK (status IN ('draft', 'approved', 'executed', 'discarded')),
    policy           TEXT    NOT NULL,
    seed             TEXT    NOT NULL,
    seed_commitment  TEXT    NOT NULL,
    inputs_sha256    TEXT    NOT NULL,
    outcome_sha256   TEXT    NOT NULL,
    devices          INTEGER NOT NULL,
    served           INTEGER NOT NULL,
    waiting          INTEGER NOT NULL,
    summary          TEXT    NOT NULL,
    decision_no      TEXT    NULL,
    decision_date    TEXT    NULL,
    created_by       TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    approved_by      TEXT    NULL,
    approved_at      INTEGER NULL,
    executed_by      TEXT    NULL,
    executed_at      INTEGER NULL,
    CONSTRAINT allocation_runs_decision_no_key UNIQUE (decision_no)
);
CREATE INDEX allocation_runs_round_idx ON allocation_runs (round_id, id);

-- The units of a run and their codes (the codes order equal remainders).
CREATE TABLE allocation_units (
    run_id   INTEGER NOT NULL REFERENCES allocation_runs (id),
    unit_id  INTEGER NOT NULL REFERENCES units (id),
    code     TEXT    NOT NULL,
    PRIMARY KEY (run_id, unit_id)
);

-- One student of a run: the inputs the engine read, then what it decided.
CREATE TABLE allocation_lines (
    run_id            INTEGER NOT NULL REFERENCES allocation_runs (id),
    student_id        INTEGER NOT NULL REFERENCES students (id),
    pseudonym         TEXT    NOT NULL,
    tier              INTEGER NOT NULL,
    school_id         INTEGER NOT NULL REFERENCES units (id),
    unit_id           INTEGER NOT NULL REFERENCES units (id),
    school_level      TEXT    NOT NULL,
    approved_at       INTEGER NOT NULL,
    evidence_verified BOOLEAN NOT NULL,
    device_id         INTEGER NULL REFERENCES devices (id),
    rule              TEXT    NOT NULL CHECK (rule IN ('earmark', 'whole_tier', 'quota', 'waiting')),
    earmark_unit      INTEGER NULL,
    earmark_tier      INTEGER NULL,
    other_kind        BOOLEAN NOT NULL,
    queue_position    INTEGER NULL,
    devices_short     INTEGER NULL,
    PRIMARY KEY (run_id, student_id)
);
CREATE INDEX allocation_lines_student_idx ON allocation_lines (student_id);
CREATE INDEX allocation_lines_device_idx ON allocation_lines (device_id);

-- One device of a run, as the engine read it.
CREATE TABLE allocation_devices (
    run_id        INTEGER NOT NULL REFERENCES allocation_runs (id),
    device_id     INTEGER NOT NULL REFERENCES devices (id),
    kind          TEXT    NOT NULL,
    earmark_unit  INTEGER NULL,
    earmark_tier  INTEGER NULL,
    PRIMARY KEY (run_id, device_id)
);
