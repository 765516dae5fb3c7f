-- Fundraising campaigns (đợt vận động) of the Fatherland Front or the Department: a
-- target of exactly one kind (đồng or devices) and a period. Progress is not stored: it
-- is counted from the gifts received and receipts recorded within the period
-- (docs/adr/0025-campaigns.md). The store refuses a campaign whose period overlaps one
-- that would count the same gifts.
CREATE TABLE campaigns (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL CHECK (length(name) > 0),
    organiser    TEXT    NOT NULL CHECK (organiser IN ('mttq', 'so_gddt')),
    target_kind  TEXT    NOT NULL CHECK (target_kind IN ('money', 'devices')),
    target_value BIGINT  NOT NULL CHECK (target_value > 0),
    starts_on    TEXT    NOT NULL,
    ends_on      TEXT    NOT NULL,
    note         TEXT    NULL,
    created_by   TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    CONSTRAINT campaigns_period CHECK (starts_on <= ends_on)
);
CREATE INDEX campaigns_period_idx ON campaigns (target_kind, organiser, starts_on);
CREATE TRIGGER campaigns_no_delete BEFORE DELETE ON campaigns
BEGIN
    SELECT RAISE(ABORT, 'campaigns cannot be deleted');
END;
-- Progress reads gifts and receipts by their dates.
CREATE INDEX cash_gifts_channel_idx ON cash_gifts (channel, status, pledged_on);
CREATE INDEX donations_received_idx ON donations (received_on);
