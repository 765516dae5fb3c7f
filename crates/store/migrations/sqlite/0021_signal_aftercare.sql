-- Signal and after-care (SQLite): schools' Internet connections with their history, dead
-- zones (vùng lõm sóng) with their dated steps towards coverage, students' data SIMs,
-- online-learning platforms, training sessions (tập huấn) with their attendees, and
-- repair tickets whose device goes through the registry's transitions.

-- A school's connection as recorded, newest last; the current one is also kept in
-- units.internet (coarse) so the units' lists filter by it.
CREATE TABLE school_connectivity (
    id          INTEGER PRIMARY KEY,
    school_id   INTEGER NOT NULL REFERENCES units (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('none', 'fixed', 'mobile')),
    speed_mbps  INTEGER NULL CHECK (speed_mbps IS NULL OR speed_mbps BETWEEN 0 AND 10000),
    provider    TEXT    NULL,
    note        TEXT    NULL,
    noted_on    TEXT    NOT NULL,
    recorded_by TEXT    NOT NULL,
    recorded_at INTEGER NOT NULL
);
CREATE INDEX school_connectivity_school_idx ON school_connectivity (school_id, id);

-- A dead zone: a village or commune of a district, the carriers asked (codes, one per
-- line), the signal observed; the students affected are counted from the students'
-- villages when the zone is reported and at each step, never listed.
CREATE TABLE dead_zones (
    id           INTEGER PRIMARY KEY,
    district_id  INTEGER NOT NULL REFERENCES units (id),
    commune      TEXT    NOT NULL,
    commune_key  TEXT    NOT NULL,
    village      TEXT    NULL,
    village_key  TEXT    NULL,
    latitude_e6  INTEGER NULL,
    longitude_e6 INTEGER NULL,
    carriers     TEXT    NOT NULL,
    signal       TEXT    NOT NULL CHECK (signal IN ('none', 'voice', 'weak')),
    students     INTEGER NOT NULL CHECK (students >= 0),
    status       TEXT    NOT NULL CHECK (status IN ('open', 'sent', 'answered', 'covered')),
    status_on    TEXT    NOT NULL,
    note         TEXT    NULL,
    created_by   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    CONSTRAINT dead_zones_point CHECK ((latitude_e6 IS NULL) = (longitude_e6 IS NULL))
);
CREATE INDEX dead_zones_district_idx ON dead_zones (district_id, status);

CREATE TABLE dead_zone_steps (
    zone_id INTEGER NOT NULL REFERENCES dead_zones (id),
    status  TEXT    NOT NULL CHECK (status IN ('open', 'sent', 'answered', 'covered')),
    day     TEXT    NOT NULL,
    note    TEXT    NULL,
    actor   TEXT    NOT NULL,
    at      INTEGER NOT NULL,
    PRIMARY KEY (zone_id, status)
);

-- A student's data SIM: it goes with the device the student holds.
CREATE TABLE student_sims (
    id          INTEGER PRIMARY KEY,
    student_id  INTEGER NOT NULL REFERENCES students (id),
    school_id   INTEGER NOT NULL REFERENCES units (id),
    device_id   INTEGER NOT NULL REFERENCES devices (id),
    handover_id INTEGER NULL REFERENCES handovers (id),
    carrier     TEXT    NOT NULL,
    package     TEXT    NOT NULL,
    phone       TEXT    NOT NULL,
    starts_on   TEXT    NOT NULL,
    ends_on     TEXT    NULL,
    created_by  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    CONSTRAINT student_sims_phone_key UNIQUE (phone)
);
CREATE INDEX student_sims_school_idx ON student_sims (school_id);
CREATE INDEX student_sims_student_idx ON student_sims (student_id);

CREATE TABLE learning_platforms (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL,
    url           TEXT    NOT NULL,
    provider      TEXT    NOT NULL,
    purpose       TEXT    NOT NULL,
    recommended   BOOLEAN NOT NULL,
    decision_no   TEXT    NULL,
    decision_date TEXT    NULL,
    updated_by    TEXT    NOT NULL,
    updated_at    INTEGER NOT NULL,
    CONSTRAINT learning_platforms_url_key UNIQUE (url),
    CONSTRAINT learning_platforms_decision CHECK (NOT recommended OR (decision_no IS NOT NULL AND decision_date IS NOT NULL))
);

CREATE TABLE trainings (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES units (id),
    held_on    TEXT    NOT NULL,
    topic      TEXT    NOT NULL CHECK (topic IN ('use', 'care', 'warranty', 'software')),
    trainer    TEXT    NOT NULL,
    place      TEXT    NULL,
    teachers   INTEGER NOT NULL CHECK (teachers >= 0),
    parents    INTEGER NOT NULL CHECK (parents >= 0),
    students   INTEGER NOT NULL CHECK (students >= 0),
    note       TEXT    NULL,
    created_by TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX trainings_unit_idx ON trainings (unit_id, held_on);

-- Attendees named on a sheet; their counts replace the session's when a sheet is read.
CREATE TABLE training_attendees (
    training_id INTEGER NOT NULL REFERENCES trainings (id),
    row_no      INTEGER NOT NULL,
    full_name   TEXT    NOT NULL,
    role        TEXT    NOT NULL CHECK (role IN ('teacher', 'parent', 'student')),
    class_name  TEXT    NULL,
    phone       TEXT    NULL,
    PRIMARY KEY (training_id, row_no)
);

-- A repair ticket: the device taken from its student goes under repair, and back to the
-- same student (repaired) or to defective (not repairable). One open ticket per device.
CREATE TABLE repair_tickets (
    id            INTEGER PRIMARY KEY,
    device_id     INTEGER NOT NULL REFERENCES devices (id),
    student_id    INTEGER NOT NULL REFERENCES students (id),
    school_id     INTEGER NOT NULL REFERENCES units (id),
    fault         TEXT    NOT NULL,
    reported_by   TEXT    NOT NULL,
    reported_on   TEXT    NOT NULL,
    warranty_end  TEXT    NULL,
    vendor        TEXT    NULL,
    status        TEXT    NOT NULL CHECK (status IN ('open', 'at_vendor', 'repaired', 'unrepairable')),
    status_on     TEXT    NOT NULL,
    resolution    TEXT    NULL,
    created_by    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX repair_tickets_one_open ON repair_tickets (device_id) WHERE status IN ('open', 'at_vendor');
CREATE INDEX repair_tickets_school_idx ON repair_tickets (school_id, status);

-- Training materials are kept files.
CREATE TABLE documents_new (
    id           INTEGER PRIMARY KEY,
    owner_kind   TEXT    NOT NULL CHECK (owner_kind IN ('student', 'donation', 'appraisal', 'procurement', 'training')),
    owner_id     INTEGER NOT NULL,
    file_name    TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    data         BLOB    NOT NULL,
    uploaded_by  TEXT    NOT NULL,
    uploaded_at  INTEGER NOT NULL
);
INSERT INTO documents_new (id, owner_kind, owner_id, file_name, content_type, size, sha256, data, uploaded_by, uploaded_at)
    SELECT id, owner_kind, owner_id, file_name, content_type, size, sha256, data, uploaded_by, uploaded_at
      FROM documents ORDER BY id;
DROP TABLE documents;
ALTER TABLE documents_new RENAME TO documents;
CREATE INDEX documents_owner_idx ON documents (owner_kind, owner_id);
CREATE INDEX documents_sha_idx ON documents (sha256);
