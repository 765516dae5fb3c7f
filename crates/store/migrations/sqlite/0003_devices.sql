-- Devices in: models, spec profiles (the national minimum, entered as data), and the
-- serial-level registry whose only allowed state changes are listed in device_transitions
-- (kept equal to domain::devices::DeviceState::can_become by a test) and enforced by a
-- trigger, so that not even a hand-written UPDATE can hand a rejected device to a student.

CREATE TABLE device_models (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('laptop', 'tablet', 'desktop')),
    brand           TEXT    NOT NULL,
    model           TEXT    NOT NULL,
    cpu             TEXT    NULL,
    cpu_cores       INTEGER  NULL,
    ram_mb          INTEGER  NULL,
    storage_gb      INTEGER  NULL,
    screen_tenths   INTEGER  NULL,
    battery_mah     INTEGER  NULL,
    front_camera_mp INTEGER  NULL,
    rear_camera_mp  INTEGER  NULL,
    os              TEXT    NULL,
    wifi            BOOLEAN NULL,
    lte             BOOLEAN NULL,
    warranty_months INTEGER  NULL,
    unit_price      INTEGER  NULL,
    created_at      INTEGER  NOT NULL,
    CONSTRAINT device_models_brand_model_key UNIQUE (brand, model)
);

CREATE TABLE spec_profiles (
    id                  INTEGER PRIMARY KEY,
    kind                TEXT    NOT NULL CHECK (kind IN ('laptop', 'tablet', 'desktop')),
    name                TEXT    NOT NULL,
    sample              BOOLEAN NOT NULL,
    min_cpu_cores       INTEGER  NULL,
    min_ram_mb          INTEGER  NULL,
    min_storage_gb      INTEGER  NULL,
    min_screen_tenths   INTEGER  NULL,
    min_battery_mah     INTEGER  NULL,
    min_front_camera_mp INTEGER  NULL,
    min_rear_camera_mp  INTEGER  NULL,
    -- Accepted operating systems, one per line; empty: any.
    os_any_of           TEXT    NOT NULL DEFAULT '',
    wifi_required       BOOLEAN NOT NULL,
    lte_required        BOOLEAN NOT NULL,
    min_warranty_months INTEGER  NULL,
    updated_at          INTEGER  NOT NULL,
    CONSTRAINT spec_profiles_kind_key UNIQUE (kind)
);

CREATE TABLE device_transitions (
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    PRIMARY KEY (from_state, to_state)
);
INSERT INTO device_transitions (from_state, to_state) VALUES
    ('received', 'appraised'),
    ('received', 'rejected'),
    ('appraised', 'in_stock'),
    ('in_stock', 'allocated'),
    ('in_stock', 'under_repair'),
    ('in_stock', 'defective'),
    ('in_stock', 'lost'),
    ('allocated', 'with_unit'),
    ('allocated', 'in_stock'),
    ('with_unit', 'with_school'),
    ('with_unit', 'returned'),
    ('with_unit', 'defective'),
    ('with_unit', 'lost'),
    ('with_school', 'with_student'),
    ('with_school', 'returned'),
    ('with_school', 'defective'),
    ('with_school', 'lost'),
    ('with_student', 'returned'),
    ('with_student', 'under_repair'),
    ('with_student', 'defective'),
    ('with_student', 'lost'),
    ('under_repair', 'with_student'),
    ('under_repair', 'returned'),
    ('under_repair', 'defective'),
    ('defective', 'under_repair'),
    ('lost', 'returned'),
    ('returned', 'in_stock');

CREATE TABLE devices (
    id               INTEGER PRIMARY KEY,
    serial           TEXT    NOT NULL,
    imei             TEXT    NULL,
    model_id         INTEGER  NOT NULL REFERENCES device_models (id),
    -- Where it came from: 'donation:<receipt no>' or 'contract:<contract no>' (later issues
    -- link these to their records).
    source           TEXT    NOT NULL,
    state            TEXT    NOT NULL CHECK (state IN ('received', 'appraised', 'rejected', 'in_stock', 'allocated', 'with_unit', 'with_school', 'with_student', 'under_repair', 'defective', 'lost', 'returned')),
    holder_kind      TEXT    NOT NULL CHECK (holder_kind IN ('board', 'unit', 'school', 'student', 'nobody')),
    holder_id        INTEGER  NULL,
    state_changed_at INTEGER  NOT NULL,
    created_at       INTEGER  NOT NULL,
    CONSTRAINT devices_serial_key UNIQUE (serial),
    CONSTRAINT devices_imei_key UNIQUE (imei),
    CONSTRAINT devices_holder_check CHECK ((holder_kind IN ('board', 'nobody')) = (holder_id IS NULL))
);
CREATE INDEX devices_state_idx ON devices (state, model_id);
CREATE INDEX devices_holder_idx ON devices (holder_kind, holder_id);

-- Every change of a device, dated and attributed; append-only.
CREATE TABLE device_events (
    id          INTEGER PRIMARY KEY,
    device_id   INTEGER  NOT NULL REFERENCES devices (id),
    from_state  TEXT    NULL,
    to_state    TEXT    NOT NULL,
    holder_kind TEXT    NOT NULL,
    holder_id   INTEGER  NULL,
    actor       TEXT    NOT NULL,
    note        TEXT    NULL,
    at          INTEGER  NOT NULL
);
CREATE INDEX device_events_device_idx ON device_events (device_id, id);

CREATE TRIGGER devices_enter_received BEFORE INSERT ON devices
WHEN NEW.state <> 'received'
BEGIN
    SELECT RAISE(ABORT, 'impossible_transition: a device enters the registry as received');
END;
CREATE TRIGGER devices_only_allowed_transitions BEFORE UPDATE OF state ON devices
WHEN NEW.state <> OLD.state
 AND NOT EXISTS (SELECT 1 FROM device_transitions WHERE from_state = OLD.state AND to_state = NEW.state)
BEGIN
    SELECT RAISE(ABORT, 'impossible_transition');
END;
CREATE TRIGGER device_events_no_update BEFORE UPDATE ON device_events
BEGIN
    SELECT RAISE(ABORT, 'device_events is append-only');
END;
CREATE TRIGGER device_events_no_delete BEFORE DELETE ON device_events
BEGIN
    SELECT RAISE(ABORT, 'device_events is append-only');
END;
