-- Devices given in kind: donors, receipts by the Board (numbered minutes) with their lines,
-- documents kept with their SHA-256, and the appraisal of models and delivered batches by
-- the appraising department. A device remembers the receipt line it came in on.

CREATE TABLE donors (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('organisation', 'person')),
    name            TEXT    NOT NULL,
    contact_person  TEXT    NULL,
    phone           TEXT    NULL,
    email           TEXT    NULL,
    address         TEXT    NULL,
    tax_code        TEXT    NULL,
    publish_name    BOOLEAN NOT NULL,
    earmark_unit_id INTEGER NULL REFERENCES units (id),
    earmark_tier    INTEGER NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX donors_name_idx ON donors (name);

CREATE TABLE donations (
    id                 INTEGER PRIMARY KEY,
    donor_id           INTEGER NOT NULL REFERENCES donors (id),
    minutes_no         TEXT    NOT NULL,
    received_on        TEXT    NOT NULL,
    place              TEXT    NOT NULL,
    donor_rep_name     TEXT    NOT NULL,
    donor_rep_position TEXT    NULL,
    board_rep_name     TEXT    NOT NULL,
    board_rep_position TEXT    NULL,
    note               TEXT    NULL,
    total_value        INTEGER NOT NULL,
    recorded_by        TEXT    NOT NULL,
    created_at         INTEGER NOT NULL,
    CONSTRAINT donations_minutes_no_key UNIQUE (minutes_no)
);
CREATE INDEX donations_donor_idx ON donations (donor_id);

CREATE TABLE donation_items (
    id          INTEGER PRIMARY KEY,
    donation_id INTEGER NOT NULL REFERENCES donations (id),
    line_no     INTEGER NOT NULL,
    model_id    INTEGER NOT NULL REFERENCES device_models (id),
    quantity    INTEGER NOT NULL CHECK (quantity > 0),
    condition   TEXT    NOT NULL CHECK (condition IN ('new', 'used')),
    unit_value  INTEGER NOT NULL CHECK (unit_value >= 0),
    CONSTRAINT donation_items_line_key UNIQUE (donation_id, line_no)
);

ALTER TABLE devices ADD COLUMN donation_item_id INTEGER NULL REFERENCES donation_items (id);
CREATE INDEX devices_batch_idx ON devices (model_id, source, state);

-- Files kept with a record (a donation's deed of gift, an appraisal's report).
CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    owner_kind   TEXT    NOT NULL CHECK (owner_kind IN ('donation', 'appraisal')),
    owner_id     INTEGER NOT NULL,
    file_name    TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    data         BLOB    NOT NULL,
    uploaded_by  TEXT    NOT NULL,
    uploaded_at  INTEGER NOT NULL
);
CREATE INDEX documents_owner_idx ON documents (owner_kind, owner_id);

-- Appraisals: of a model (source NULL) or of one delivered batch of it; append-only, the
-- latest of a model or batch counts.
CREATE TABLE appraisals (
    id            INTEGER PRIMARY KEY,
    model_id      INTEGER NOT NULL REFERENCES device_models (id),
    source        TEXT    NULL,
    verdict       TEXT    NOT NULL CHECK (verdict IN ('pass', 'fail')),
    appraised_on  TEXT    NOT NULL,
    notes         TEXT    NULL,
    devices       INTEGER NOT NULL,
    appraised_by  TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX appraisals_model_idx ON appraisals (model_id, source, id);
