-- Bank statements (sao kê) and their lines, matched to pledges or waiting for a person.
-- A statement is known by its file's SHA-256 (importing it again changes nothing) and a
-- line by the hash of its account, date, reference, amounts and note (a line in two
-- overlapping statements is imported once).
CREATE TABLE bank_statements (
    id          INTEGER PRIMARY KEY,
    account     TEXT    NOT NULL REFERENCES ledger_accounts (code),
    file_name   TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,
    opening     BIGINT  NOT NULL,
    closing     BIGINT  NOT NULL,
    first_day   TEXT    NULL,
    last_day    TEXT    NULL,
    lines       BIGINT  NOT NULL,
    already_seen BIGINT NOT NULL,
    skipped     BIGINT  NOT NULL,
    imported_by TEXT    NOT NULL,
    imported_at BIGINT  NOT NULL,
    CONSTRAINT bank_statements_sha256_key UNIQUE (sha256)
);

CREATE TABLE statement_lines (
    id           INTEGER PRIMARY KEY,
    statement_id BIGINT  NOT NULL REFERENCES bank_statements (id),
    row_no       BIGINT  NOT NULL,
    line_date    TEXT    NOT NULL,
    reference    TEXT    NOT NULL,
    debit        BIGINT  NOT NULL CHECK (debit >= 0),
    credit       BIGINT  NOT NULL CHECK (credit >= 0),
    balance      BIGINT  NULL,
    description  TEXT    NOT NULL,
    line_key     TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('matched', 'proposed', 'unmatched', 'explained')),
    rule         TEXT    NULL CHECK (rule IN ('code', 'amount_date', 'manual')),
    reason       TEXT    NULL,
    gift_id      BIGINT  NULL REFERENCES cash_gifts (id),
    entry_id     BIGINT  NULL REFERENCES ledger_entries (id),
    explanation  TEXT    NULL,
    resolved_by  TEXT    NULL,
    resolved_at  BIGINT  NULL,
    CONSTRAINT statement_lines_key UNIQUE (line_key),
    CONSTRAINT statement_lines_one_side CHECK ((debit > 0) <> (credit > 0)),
    CONSTRAINT statement_lines_matched CHECK ((status = 'matched') = (entry_id IS NOT NULL))
);
CREATE INDEX statement_lines_statement_idx ON statement_lines (statement_id, row_no);
CREATE INDEX statement_lines_status_idx ON statement_lines (status);
CREATE UNIQUE INDEX statement_lines_one_per_gift ON statement_lines (gift_id) WHERE status IN ('matched', 'proposed');
