-- The ledger (SQLite): double entry in whole đồng (docs/adr/0022-ledger.md). Entries and
-- their postings are append-only; an entry is inserted after its postings, and the
-- database refuses one whose postings do not balance or that has fewer than two. Accounts
-- keep running totals, posted and reserved, and a guarded account's CHECK refuses any
-- change that takes it below zero counting what is reserved against it.
CREATE TABLE ledger_accounts (
    code            TEXT    PRIMARY KEY,
    name_vi         TEXT    NOT NULL,
    name_en         TEXT    NOT NULL,
    normal          TEXT    NOT NULL CHECK (normal IN ('debit', 'credit')),
    guarded         BOOLEAN NOT NULL,
    debits_posted   BIGINT  NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
    credits_posted  BIGINT  NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
    debits_pending  BIGINT  NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
    credits_pending BIGINT  NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
    CONSTRAINT ledger_accounts_not_negative CHECK (
        NOT guarded
        OR (normal = 'debit' AND credits_posted + credits_pending <= debits_posted)
        OR (normal = 'credit' AND debits_posted + debits_pending <= credits_posted))
);
INSERT INTO ledger_accounts (code, name_vi, name_en, normal, guarded) VALUES
    ('1121', 'Tiền gửi ngân hàng – tài khoản tiếp nhận ủng hộ của Sở', 'Bank – the Department''s donations account', 'debit', TRUE),
    ('1122', 'Tiền gửi Kho bạc – kinh phí ngân sách', 'State Treasury – budget funds', 'debit', TRUE),
    ('1388', 'Tiền ủng hộ do Ủy ban MTTQ tỉnh tiếp nhận, chưa chuyển về Sở', 'Donations held by the Fatherland Front, not yet transferred', 'debit', TRUE),
    ('3311', 'Phải trả nhà cung cấp', 'Payable to suppliers', 'credit', TRUE),
    ('3312', 'Tạm ứng cho nhà cung cấp', 'Advances to suppliers', 'debit', TRUE),
    ('4311', 'Tiền ủng hộ đã nhận', 'Cash donations received', 'credit', FALSE),
    ('4612', 'Kinh phí ngân sách được giao', 'Budget allocated', 'credit', FALSE),
    ('6111', 'Chi mua sắm máy tính, thiết bị', 'Spending on computers and devices', 'debit', FALSE);

-- The next entry number: writers take it under the same lock as the audit head.
CREATE TABLE ledger_head (
    id         BIGINT NOT NULL PRIMARY KEY CHECK (id = 1),
    last_entry BIGINT NOT NULL
);
INSERT INTO ledger_head (id, last_entry) VALUES (1, 0);

CREATE TABLE ledger_entries (
    id          BIGINT  NOT NULL PRIMARY KEY,
    idem_key    TEXT    NOT NULL,
    body_sha256 TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('posted', 'pending', 'post_pending', 'release', 'reversal')),
    entry_date  TEXT    NOT NULL,
    memo        TEXT    NOT NULL,
    amount      BIGINT  NOT NULL CHECK (amount > 0),
    pending_id  BIGINT  NULL REFERENCES ledger_entries (id),
    reverses_id BIGINT  NULL REFERENCES ledger_entries (id),
    source_kind TEXT    NULL,
    source_id   TEXT    NULL,
    audit_seq   BIGINT  NOT NULL,
    created_by  TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    CONSTRAINT ledger_entries_key UNIQUE (idem_key),
    CONSTRAINT ledger_entries_pending_ref CHECK ((kind IN ('post_pending', 'release')) = (pending_id IS NOT NULL)),
    CONSTRAINT ledger_entries_reversal_ref CHECK ((kind = 'reversal') = (reverses_id IS NOT NULL))
);
-- A pending amount is released once; an entry is reversed once.
CREATE UNIQUE INDEX ledger_entries_one_release ON ledger_entries (pending_id) WHERE kind = 'release';
CREATE UNIQUE INDEX ledger_entries_one_reversal ON ledger_entries (reverses_id) WHERE kind = 'reversal';
CREATE INDEX ledger_entries_date_idx ON ledger_entries (entry_date, id);
CREATE INDEX ledger_entries_source_idx ON ledger_entries (source_kind, source_id);

CREATE TABLE ledger_postings (
    entry_id   BIGINT  NOT NULL REFERENCES ledger_entries (id) DEFERRABLE INITIALLY DEFERRED,
    line_no    BIGINT  NOT NULL,
    account    TEXT    NOT NULL REFERENCES ledger_accounts (code),
    side       TEXT    NOT NULL CHECK (side IN ('debit', 'credit')),
    amount     BIGINT  NOT NULL CHECK (amount > 0),
    -- Whether the posting moves the posted balances (not a reservation or a release).
    counts     BOOLEAN NOT NULL,
    entry_date TEXT    NOT NULL,
    PRIMARY KEY (entry_id, line_no)
);
-- Balances at a date read only this index.
CREATE INDEX ledger_postings_balance_idx ON ledger_postings (account, entry_date, side, amount) WHERE counts;

-- What became of each pending entry: posted and released only grow, never past its amount.
CREATE TABLE ledger_pending (
    entry_id BIGINT NOT NULL PRIMARY KEY REFERENCES ledger_entries (id) DEFERRABLE INITIALLY DEFERRED,
    amount   BIGINT NOT NULL CHECK (amount > 0),
    posted   BIGINT NOT NULL DEFAULT 0 CHECK (posted >= 0),
    released BIGINT NOT NULL DEFAULT 0 CHECK (released >= 0),
    CONSTRAINT ledger_pending_within CHECK (posted + released <= amount)
);

CREATE TRIGGER ledger_entries_balanced BEFORE INSERT ON ledger_entries
WHEN (SELECT COUNT(*) FROM ledger_postings WHERE entry_id = NEW.id) < 2
  OR (SELECT SUM(CASE side WHEN 'debit' THEN amount ELSE -amount END) FROM ledger_postings WHERE entry_id = NEW.id) <> 0
  OR (SELECT SUM(amount) FROM ledger_postings WHERE entry_id = NEW.id AND side = 'debit') <> NEW.amount
BEGIN
    SELECT RAISE(ABORT, 'ledger entry does not balance');
END;
CREATE TRIGGER ledger_postings_before_entry BEFORE INSERT ON ledger_postings
WHEN EXISTS (SELECT 1 FROM ledger_entries WHERE id = NEW.entry_id)
BEGIN
    SELECT RAISE(ABORT, 'ledger_postings of a posted entry cannot be added');
END;
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger_entries is append-only');
END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger_entries is append-only');
END;
CREATE TRIGGER ledger_postings_no_update BEFORE UPDATE ON ledger_postings
BEGIN
    SELECT RAISE(ABORT, 'ledger_postings is append-only');
END;
CREATE TRIGGER ledger_postings_no_delete BEFORE DELETE ON ledger_postings
BEGIN
    SELECT RAISE(ABORT, 'ledger_postings is append-only');
END;
CREATE TRIGGER ledger_pending_only_grows BEFORE UPDATE ON ledger_pending
WHEN NEW.amount <> OLD.amount OR NEW.posted < OLD.posted OR NEW.released < OLD.released
  OR NEW.entry_id <> OLD.entry_id OR (OLD.released > 0 AND NEW.released <> OLD.released)
BEGIN
    SELECT RAISE(ABORT, 'ledger_pending only grows');
END;
CREATE TRIGGER ledger_pending_no_delete BEFORE DELETE ON ledger_pending
BEGIN
    SELECT RAISE(ABORT, 'ledger_pending is append-only');
END;
CREATE TRIGGER ledger_accounts_no_delete BEFORE DELETE ON ledger_accounts
BEGIN
    SELECT RAISE(ABORT, 'ledger_accounts cannot be deleted');
END;
