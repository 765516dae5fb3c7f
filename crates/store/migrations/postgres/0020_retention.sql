-- Retention (PostgreSQL): see the SQLite migration. A run is opened and finished inside
-- the transaction that replaces the data, so no other transaction ever sees it open.
CREATE TABLE retention_runs (
    id          BIGSERIAL PRIMARY KEY,
    program_id  BIGINT  NOT NULL REFERENCES programs (id),
    started_by  TEXT    NOT NULL,
    started_at  BIGINT  NOT NULL,
    finished_at BIGINT  NULL,
    students    BIGINT  NOT NULL DEFAULT 0,
    signatures  BIGINT  NOT NULL DEFAULT 0,
    documents   BIGINT  NOT NULL DEFAULT 0,
    personal    BIGINT  NOT NULL DEFAULT 0,
    CONSTRAINT retention_runs_program_key UNIQUE (program_id)
);

CREATE FUNCTION songmaytinh_refuse_unless_retention() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM retention_runs WHERE finished_at IS NULL) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
DROP TRIGGER handover_signatures_no_update ON handover_signatures;
CREATE TRIGGER handover_signatures_no_update BEFORE UPDATE ON handover_signatures
    FOR EACH ROW EXECUTE FUNCTION songmaytinh_refuse_unless_retention();

CREATE OR REPLACE FUNCTION songmaytinh_handover_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'sent' AND NOT EXISTS (SELECT 1 FROM retention_runs WHERE finished_at IS NULL) THEN
        RAISE EXCEPTION 'handovers: signed or cancelled minutes do not change';
    END IF;
    RETURN NEW;
END;
$$;
