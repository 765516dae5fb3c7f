-- Procurement under the Law on Bidding (docs/adr/0023-procurement.md): dated thresholds,
-- tender packages, bids, the award, the contract and its running totals, deliveries whose
-- serials enter the registry, acceptances, invoices and payments. The contract's CHECKs
-- keep the domain's money rules again: nothing paid past the value, advances within the
-- contract's and recovered from what is accepted, nothing paid that was not accepted.

CREATE TABLE procurement_thresholds (
    id          INTEGER PRIMARY KEY,
    method      TEXT    NOT NULL CHECK (method IN ('dau_thau_rong_rai', 'dau_thau_han_che', 'chi_dinh_thau', 'chao_hang_canh_tranh', 'mua_sam_truc_tiep', 'tu_thuc_hien')),
    max_value   BIGINT  NOT NULL CHECK (max_value > 0),
    valid_from  TEXT    NOT NULL,
    legal_basis TEXT    NOT NULL,
    updated_by  TEXT    NOT NULL,
    updated_at  BIGINT  NOT NULL,
    CONSTRAINT procurement_thresholds_key UNIQUE (method, valid_from)
);
INSERT INTO procurement_thresholds (method, max_value, valid_from, legal_basis, updated_by, updated_at) VALUES
    ('chi_dinh_thau', 100000000, '2014-08-15', 'Nghị định 63/2014/NĐ-CP', 'system', 0),
    ('chao_hang_canh_tranh', 5000000000, '2014-08-15', 'Nghị định 63/2014/NĐ-CP', 'system', 0),
    ('chi_dinh_thau', 300000000, '2024-02-27', 'Nghị định 24/2024/NĐ-CP', 'system', 0),
    ('chao_hang_canh_tranh', 10000000000, '2024-02-27', 'Nghị định 24/2024/NĐ-CP', 'system', 0);

CREATE TABLE procurement_packages (
    id            INTEGER PRIMARY KEY,
    code          TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    method        TEXT    NOT NULL CHECK (method IN ('dau_thau_rong_rai', 'dau_thau_han_che', 'chi_dinh_thau', 'chao_hang_canh_tranh', 'mua_sam_truc_tiep', 'tu_thuc_hien')),
    estimate      BIGINT  NOT NULL CHECK (estimate > 0),
    funding       TEXT    NOT NULL CHECK (funding IN ('budget', 'donations', 'mixed')),
    quantity      BIGINT  NOT NULL CHECK (quantity > 0),
    model_id      BIGINT  NULL REFERENCES device_models (id),
    plan_no       TEXT    NULL,
    plan_decision TEXT    NULL,
    plan_date     TEXT    NOT NULL,
    schedule      TEXT    NOT NULL,
    notice_no     TEXT    NULL,
    notice_date   TEXT    NULL,
    bid_closing   TEXT    NULL,
    award_no      TEXT    NULL,
    award_date    TEXT    NULL,
    award_bid_id  BIGINT  NULL,
    award_value   BIGINT  NULL CHECK (award_value > 0),
    stage         TEXT    NOT NULL CHECK (stage IN ('planned', 'tendering', 'awarded', 'contracted', 'delivered', 'completed', 'cancelled')),
    cancel_reason TEXT    NULL,
    created_by    TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL,
    CONSTRAINT procurement_packages_code_key UNIQUE (code),
    CONSTRAINT procurement_packages_plan_key UNIQUE (plan_no),
    CONSTRAINT procurement_packages_notice_key UNIQUE (notice_no),
    CONSTRAINT procurement_packages_award CHECK ((award_no IS NULL) = (award_date IS NULL) AND (award_no IS NULL) = (award_value IS NULL))
);

CREATE TABLE procurement_bids (
    id           INTEGER PRIMARY KEY,
    package_id   BIGINT  NOT NULL REFERENCES procurement_packages (id),
    bidder       TEXT    NOT NULL,
    tax_code     TEXT    NOT NULL,
    price        BIGINT  NOT NULL CHECK (price > 0),
    submitted_on TEXT    NOT NULL,
    valid        BOOLEAN NOT NULL,
    reason       TEXT    NULL,
    created_by   TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    CONSTRAINT procurement_bids_bidder_key UNIQUE (package_id, tax_code),
    CONSTRAINT procurement_bids_reason CHECK (valid OR reason IS NOT NULL)
);

CREATE TABLE procurement_contracts (
    id                INTEGER PRIMARY KEY,
    package_id        BIGINT  NOT NULL REFERENCES procurement_packages (id),
    number            TEXT    NOT NULL,
    supplier          TEXT    NOT NULL,
    tax_code          TEXT    NOT NULL,
    model_id          BIGINT  NOT NULL REFERENCES device_models (id),
    quantity          BIGINT  NOT NULL CHECK (quantity > 0),
    unit_price        BIGINT  NOT NULL CHECK (unit_price > 0),
    value             BIGINT  NOT NULL,
    signed_on         TEXT    NOT NULL,
    delivery_deadline TEXT    NOT NULL,
    warranty_months   BIGINT  NOT NULL CHECK (warranty_months BETWEEN 0 AND 120),
    advance_limit     BIGINT  NOT NULL CHECK (advance_limit >= 0),
    delivered_qty     BIGINT  NOT NULL DEFAULT 0,
    accepted_qty      BIGINT  NOT NULL DEFAULT 0,
    accepted          BIGINT  NOT NULL DEFAULT 0,
    advanced          BIGINT  NOT NULL DEFAULT 0,
    recovered         BIGINT  NOT NULL DEFAULT 0,
    paid              BIGINT  NOT NULL DEFAULT 0,
    pending_entry     BIGINT  NOT NULL REFERENCES ledger_entries (id),
    release_entry     BIGINT  NULL REFERENCES ledger_entries (id),
    created_by        TEXT    NOT NULL,
    created_at        BIGINT  NOT NULL,
    CONSTRAINT procurement_contracts_package_key UNIQUE (package_id),
    CONSTRAINT procurement_contracts_number_key UNIQUE (number),
    CONSTRAINT procurement_contracts_value CHECK (value = quantity * unit_price),
    CONSTRAINT procurement_contracts_advance CHECK (advance_limit <= value),
    CONSTRAINT procurement_contracts_quantities CHECK (accepted_qty >= 0 AND accepted_qty <= delivered_qty AND delivered_qty <= quantity),
    CONSTRAINT procurement_contracts_accepted CHECK (accepted = accepted_qty * unit_price),
    CONSTRAINT procurement_contracts_money CHECK (
        advanced >= 0 AND advanced <= advance_limit
        AND recovered >= 0 AND recovered <= advanced
        AND paid >= 0 AND paid + recovered <= accepted
        AND advanced + paid <= value)
);

CREATE TABLE procurement_deliveries (
    id           INTEGER PRIMARY KEY,
    contract_id  BIGINT  NOT NULL REFERENCES procurement_contracts (id),
    delivery_no  TEXT    NOT NULL,
    delivered_on TEXT    NOT NULL,
    quantity     BIGINT  NOT NULL CHECK (quantity > 0),
    note         TEXT    NOT NULL,
    created_by   TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    CONSTRAINT procurement_deliveries_no_key UNIQUE (contract_id, delivery_no)
);

-- A device that came in a delivery knows it.
ALTER TABLE devices ADD COLUMN delivery_id BIGINT NULL REFERENCES procurement_deliveries (id);
CREATE INDEX devices_delivery_idx ON devices (delivery_id) WHERE delivery_id IS NOT NULL;

CREATE TABLE procurement_acceptances (
    id            INTEGER PRIMARY KEY,
    contract_id   BIGINT  NOT NULL REFERENCES procurement_contracts (id),
    delivery_id   BIGINT  NOT NULL REFERENCES procurement_deliveries (id),
    minutes_no    TEXT    NOT NULL,
    accepted_on   TEXT    NOT NULL,
    quantity      BIGINT  NOT NULL CHECK (quantity > 0),
    amount        BIGINT  NOT NULL CHECK (amount > 0),
    recovery      BIGINT  NOT NULL CHECK (recovery >= 0),
    members       TEXT    NOT NULL,
    entry_id      BIGINT  NOT NULL REFERENCES ledger_entries (id),
    recovery_entry BIGINT NULL REFERENCES ledger_entries (id),
    created_by    TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    CONSTRAINT procurement_acceptances_delivery_key UNIQUE (delivery_id),
    CONSTRAINT procurement_acceptances_minutes_key UNIQUE (contract_id, minutes_no),
    CONSTRAINT procurement_acceptances_recovery CHECK ((recovery > 0) = (recovery_entry IS NOT NULL))
);

CREATE TABLE procurement_invoices (
    id           INTEGER PRIMARY KEY,
    contract_id  BIGINT  NOT NULL REFERENCES procurement_contracts (id),
    tax_code     TEXT    NOT NULL,
    number       TEXT    NOT NULL,
    invoice_date TEXT    NOT NULL,
    before_vat   BIGINT  NOT NULL CHECK (before_vat > 0),
    vat_rate     BIGINT  NOT NULL CHECK (vat_rate IN (0, 5, 8, 10)),
    vat          BIGINT  NOT NULL CHECK (vat >= 0),
    total        BIGINT  NOT NULL,
    paid         BIGINT  NOT NULL DEFAULT 0,
    created_by   TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    CONSTRAINT procurement_invoices_supplier_key UNIQUE (tax_code, number),
    CONSTRAINT procurement_invoices_total CHECK (total = before_vat + vat),
    CONSTRAINT procurement_invoices_paid CHECK (paid >= 0 AND paid <= total)
);

CREATE TABLE procurement_payments (
    id           INTEGER PRIMARY KEY,
    contract_id  BIGINT  NOT NULL REFERENCES procurement_contracts (id),
    kind         TEXT    NOT NULL CHECK (kind IN ('advance', 'payment')),
    amount       BIGINT  NOT NULL CHECK (amount > 0),
    account      TEXT    NOT NULL REFERENCES ledger_accounts (code),
    invoice_id   BIGINT  NULL REFERENCES procurement_invoices (id),
    requested_on TEXT    NOT NULL,
    note         TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('requested', 'approved', 'rejected')),
    requested_by TEXT    NOT NULL,
    requested_at BIGINT  NOT NULL,
    decided_by   TEXT    NULL,
    decided_at   BIGINT  NULL,
    decided_on   TEXT    NULL,
    reason       TEXT    NULL,
    entry_id     BIGINT  NULL REFERENCES ledger_entries (id),
    CONSTRAINT procurement_payments_invoice CHECK ((kind = 'payment') = (invoice_id IS NOT NULL)),
    CONSTRAINT procurement_payments_entry CHECK ((status = 'approved') = (entry_id IS NOT NULL)),
    CONSTRAINT procurement_payments_reason CHECK (status <> 'rejected' OR reason IS NOT NULL)
);
-- One request waits at a time per contract: what may be paid is then what the totals say.
CREATE UNIQUE INDEX procurement_payments_one_waiting ON procurement_payments (contract_id) WHERE status = 'requested';

-- The document of each step, kept in `documents` under the package.
CREATE TABLE procurement_documents (
    document_id BIGINT NOT NULL PRIMARY KEY,
    package_id  BIGINT NOT NULL REFERENCES procurement_packages (id),
    step        TEXT   NOT NULL CHECK (step IN ('plan', 'notice', 'bid_opening', 'evaluation', 'award', 'contract', 'delivery', 'acceptance', 'invoice', 'payment', 'other')),
    number      TEXT   NULL,
    doc_date    TEXT   NULL
);
CREATE INDEX procurement_documents_package_idx ON procurement_documents (package_id, step);

-- Kept files may now belong to a package. SQLite cannot change a CHECK in place: the
-- table is made again (nothing refers to it), as migration 0007 did.
CREATE TABLE documents_new (
    id           INTEGER PRIMARY KEY,
    owner_kind   TEXT    NOT NULL CHECK (owner_kind IN ('student', 'donation', 'appraisal', 'procurement')),
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
