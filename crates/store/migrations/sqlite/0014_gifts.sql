-- Cash gifts and pledges (khoản ủng hộ tiền): each with its donor, amount, channel, the
-- donor's consent to be named, an earmark, the pledge code a transfer note carries and
-- the verification code printed on its acknowledgement. A received gift points to the
-- ledger entry that posted it; the amount never changes once received.
CREATE TABLE cash_gifts (
    id                INTEGER PRIMARY KEY,
    donor_id          BIGINT  NOT NULL REFERENCES donors (id),
    amount            BIGINT  NOT NULL CHECK (amount > 0),
    channel           TEXT    NOT NULL CHECK (channel IN ('direct', 'mttq', 'budget')),
    pledge_code       TEXT    NOT NULL,
    verification_code TEXT    NOT NULL,
    pledged_on        TEXT    NOT NULL,
    publish_name      BOOLEAN NOT NULL,
    earmark_unit_id   BIGINT  NULL REFERENCES units (id),
    earmark_tier      BIGINT  NULL,
    note              TEXT    NULL,
    status            TEXT    NOT NULL CHECK (status IN ('pledged', 'received', 'cancelled')),
    received_on       TEXT    NULL,
    bank_ref          TEXT    NULL,
    entry_id          BIGINT  NULL REFERENCES ledger_entries (id),
    created_by        TEXT    NOT NULL,
    created_at        BIGINT  NOT NULL,
    CONSTRAINT cash_gifts_pledge_code_key UNIQUE (pledge_code),
    CONSTRAINT cash_gifts_verification_code_key UNIQUE (verification_code),
    CONSTRAINT cash_gifts_received CHECK ((status = 'received') = (entry_id IS NOT NULL AND received_on IS NOT NULL))
);
CREATE INDEX cash_gifts_donor_idx ON cash_gifts (donor_id);
CREATE INDEX cash_gifts_status_idx ON cash_gifts (status, pledged_on);
CREATE INDEX cash_gifts_bank_ref_idx ON cash_gifts (bank_ref);

CREATE TRIGGER cash_gifts_received_is_final BEFORE UPDATE ON cash_gifts
WHEN OLD.status = 'received' AND (NEW.status <> 'received' OR NEW.amount <> OLD.amount OR NEW.entry_id IS NOT OLD.entry_id
     OR NEW.donor_id <> OLD.donor_id OR NEW.channel <> OLD.channel)
BEGIN
    SELECT RAISE(ABORT, 'a received gift does not change');
END;
CREATE TRIGGER cash_gifts_no_delete BEFORE DELETE ON cash_gifts
BEGIN
    SELECT RAISE(ABORT, 'cash_gifts cannot be deleted');
END;
