-- Handover (SQLite): devices down the chain the executed allocation decided, the Board → a
-- district office or a direct unit → a school → a student, each step one set of minutes
-- (biên bản bàn giao) for the whole batch, signed once by the receiving side; returns the
-- same way. A signed set is frozen: its text and template version, the signature drawn by
-- the server from the pad's strokes (SVG and PNG) or the signed scan, and their SHA-256,
-- in a table nothing may change or delete.
CREATE TABLE handovers (
    id               INTEGER PRIMARY KEY,
    year             INTEGER NOT NULL,
    number           TEXT    NOT NULL,
    step             TEXT    NOT NULL CHECK (step IN ('to_unit', 'to_school', 'to_student', 'return')),
    status           TEXT    NOT NULL CHECK (status IN ('sent', 'confirmed', 'cancelled')),
    giver_kind       TEXT    NOT NULL CHECK (giver_kind IN ('board', 'unit', 'school', 'student')),
    giver_id         INTEGER NULL,
    receiver_kind    TEXT    NOT NULL CHECK (receiver_kind IN ('board', 'unit', 'school', 'student')),
    receiver_id      INTEGER NULL,
    -- The units whose scope sees the minutes: the giving unit (none for the Board) and the
    -- receiving unit (for a student, their school).
    giver_unit_id    INTEGER NULL REFERENCES units (id),
    receiver_unit_id INTEGER NOT NULL REFERENCES units (id),
    student_id       INTEGER NULL REFERENCES students (id),
    devices          INTEGER NOT NULL,
    received         INTEGER NULL,
    missing          INTEGER NULL,
    -- Serials scanned on arrival that the minutes do not list, one per line.
    extra            TEXT    NULL,
    sim_carrier      TEXT    NULL,
    sim_number       TEXT    NULL,
    reason           TEXT    NULL,
    created_by       TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    confirmed_by     TEXT    NULL,
    confirmed_at     INTEGER NULL,
    cancelled_by     TEXT    NULL,
    cancelled_at     INTEGER NULL,
    CONSTRAINT handovers_number_key UNIQUE (year, number),
    CONSTRAINT handovers_giver_check CHECK ((giver_kind = 'board') = (giver_id IS NULL))
);
CREATE INDEX handovers_receiver_idx ON handovers (receiver_unit_id, status);
CREATE INDEX handovers_giver_idx ON handovers (giver_unit_id, status);
CREATE INDEX handovers_student_idx ON handovers (student_id);

CREATE TABLE handover_items (
    handover_id INTEGER NOT NULL REFERENCES handovers (id),
    device_id   INTEGER NOT NULL REFERENCES devices (id),
    status      TEXT    NOT NULL CHECK (status IN ('sent', 'received', 'missing', 'cancelled')),
    PRIMARY KEY (handover_id, device_id)
);
-- A device is on at most one set of minutes waiting for confirmation: two officers listing
-- the same device at the same moment, one of them is refused.
CREATE UNIQUE INDEX handover_items_one_open ON handover_items (device_id) WHERE status = 'sent';
CREATE INDEX handover_items_device_idx ON handover_items (device_id);

CREATE TABLE handover_signatures (
    handover_id      INTEGER PRIMARY KEY REFERENCES handovers (id),
    how              TEXT    NOT NULL CHECK (how IN ('drawn', 'scan')),
    signer_name      TEXT    NOT NULL,
    signer_position  TEXT    NULL,
    relation         TEXT    NULL,
    id_number        TEXT    NULL,
    strokes          TEXT    NULL,
    svg              TEXT    NULL,
    svg_sha256       TEXT    NULL,
    png              BLOB    NULL,
    png_sha256       TEXT    NULL,
    scan             BLOB    NULL,
    scan_type        TEXT    NULL,
    scan_sha256      TEXT    NULL,
    minutes_text     TEXT    NOT NULL,
    minutes_sha256   TEXT    NOT NULL,
    template_version TEXT    NOT NULL,
    signed_by        TEXT    NOT NULL,
    signed_at        INTEGER NOT NULL,
    CONSTRAINT handover_signatures_drawn_or_scan CHECK ((how = 'drawn') = (svg IS NOT NULL AND png IS NOT NULL)
                                                AND (how = 'scan') = (scan IS NOT NULL))
);
CREATE TRIGGER handover_signatures_no_update BEFORE UPDATE ON handover_signatures
BEGIN
    SELECT RAISE(ABORT, 'handover_signatures is append-only');
END;
CREATE TRIGGER handover_signatures_no_delete BEFORE DELETE ON handover_signatures
BEGIN
    SELECT RAISE(ABORT, 'handover_signatures is append-only');
END;
-- Signed minutes do not change.
CREATE TRIGGER handovers_signed_are_frozen BEFORE UPDATE ON handovers
WHEN OLD.status <> 'sent'
BEGIN
    SELECT RAISE(ABORT, 'handovers: signed or cancelled minutes do not change');
END;

-- The devices a school has entered in the education sector database (CSDL ngành).
CREATE TABLE csdl_entries (
    device_id   INTEGER PRIMARY KEY REFERENCES devices (id),
    school_id   INTEGER NOT NULL REFERENCES units (id),
    how         TEXT    NOT NULL CHECK (how IN ('tick', 'upload')),
    entered_by  TEXT    NOT NULL,
    entered_at  INTEGER NOT NULL
);
CREATE INDEX csdl_entries_school_idx ON csdl_entries (school_id);
