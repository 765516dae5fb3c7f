-- Foundation: units, users, sessions, API keys and the audit chain (SQLite).
-- Timestamps are milliseconds since the Unix epoch (BIGINT), the same on both engines.
-- Keep this file parallel to migrations/postgres/0001_foundation.sql: a test compares them.

CREATE TABLE units (
    id            INTEGER PRIMARY KEY,
    code          TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    search_key    TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('country', 'province', 'department', 'district', 'commune', 'school')),
    agency        TEXT    NULL,
    admin_type    TEXT    NULL,
    parent_id     INTEGER NULL REFERENCES units (id),
    path          TEXT    NOT NULL,
    depth         INTEGER NOT NULL,
    school_level  TEXT    NULL,
    commune_id    INTEGER NULL REFERENCES units (id),
    internet      TEXT    NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    CONSTRAINT units_code_key UNIQUE (code),
    CONSTRAINT units_path_key UNIQUE (path)
);
CREATE INDEX units_parent_idx ON units (parent_id);
CREATE INDEX units_kind_path_idx ON units (kind, path);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    username             TEXT    NOT NULL,
    full_name            TEXT    NOT NULL,
    search_key           TEXT    NOT NULL,
    role                 TEXT    NOT NULL,
    unit_id              INTEGER NOT NULL REFERENCES units (id),
    password_hash        TEXT    NOT NULL,
    active               BOOLEAN NOT NULL DEFAULT TRUE,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         INTEGER NULL,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    password_changed_at  INTEGER NOT NULL,
    CONSTRAINT users_username_key UNIQUE (username)
);
CREATE INDEX users_unit_idx ON users (unit_id);

-- A session is known by the SHA-256 of its cookie token; the token itself is never stored.
CREATE TABLE sessions (
    id_hash      TEXT    NOT NULL PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    csrf_token   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    ip           TEXT    NULL,
    user_agent   TEXT    NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    name         TEXT    NOT NULL,
    prefix       TEXT    NOT NULL,
    key_hash     TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NULL,
    revoked_at   INTEGER NULL,
    CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash)
);
CREATE INDEX api_keys_user_idx ON api_keys (user_id);

-- The audit chain. Rows are only ever inserted, by store::audit::append, inside the
-- transaction of the change they record; triggers refuse UPDATE and DELETE.
CREATE TABLE audit_log (
    seq           INTEGER NOT NULL PRIMARY KEY,
    at            INTEGER NOT NULL,
    actor         TEXT    NOT NULL,
    actor_user_id INTEGER NULL,
    actor_role    TEXT    NULL,
    unit_id       INTEGER NULL,
    entity        TEXT    NOT NULL,
    entity_id     TEXT    NULL,
    action        TEXT    NOT NULL,
    summary       TEXT    NOT NULL,
    changes       TEXT    NULL,
    personal_hash TEXT    NULL,
    prev_hash     TEXT    NOT NULL,
    hash          TEXT    NOT NULL
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
CREATE INDEX audit_log_unit_idx ON audit_log (unit_id);

-- Personal details of an entry, outside the chain (only their salted hash is chained),
-- so that they can be erased when a program's retention period ends.
CREATE TABLE audit_personal (
    seq  INTEGER NOT NULL PRIMARY KEY REFERENCES audit_log (seq),
    salt TEXT    NOT NULL,
    data TEXT    NOT NULL
);

-- The last sequence number and hash: appenders serialise on this one row.
CREATE TABLE audit_head (
    id   INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT    NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN
    SELECT RAISE(ABORT, 'audit_head cannot be deleted');
END;
