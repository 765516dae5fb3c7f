-- The archive (lưu trữ hồ sơ): printed documents as issued. Each PDF the program prints
-- from its records (receipt, handover and acceptance minutes, acknowledgements) is
-- recorded the first time its bytes are served, with its type, number, date and SHA-256;
-- a later print with the same bytes only counts, one with other bytes (minutes printed
-- again after signing) is a new row. Uploaded files stay in `documents`; the archive
-- page reads both.
CREATE TABLE archive_prints (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL CHECK (kind IN ('decision', 'plan', 'contract', 'invoice', 'minutes', 'acknowledgement', 'report', 'other')),
    number     TEXT    NULL,
    doc_date   TEXT    NULL,
    title      TEXT    NOT NULL,
    -- The page or file it was printed from, which prints it again.
    link       TEXT    NOT NULL,
    -- The units whose scope sees it (none: province-level papers).
    unit_id    INTEGER  NULL REFERENCES units (id),
    unit2_id   INTEGER  NULL REFERENCES units (id),
    file_name  TEXT    NOT NULL,
    size       INTEGER  NOT NULL CHECK (size > 0),
    sha256     TEXT    NOT NULL CHECK (length(sha256) = 64),
    prints     INTEGER  NOT NULL DEFAULT 1 CHECK (prints >= 1),
    first_by   TEXT    NOT NULL,
    first_at   INTEGER  NOT NULL,
    last_at    INTEGER  NOT NULL,
    CONSTRAINT archive_prints_key UNIQUE (link, sha256)
);
CREATE INDEX archive_prints_sha_idx ON archive_prints (sha256);
CREATE INDEX archive_prints_date_idx ON archive_prints (doc_date);
CREATE INDEX archive_prints_number_idx ON archive_prints (number);
CREATE INDEX documents_sha_idx ON documents (sha256);
