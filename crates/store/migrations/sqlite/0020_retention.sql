-- Retention (SQLite): when a program is closed its students' and guardians' personal data
-- is replaced with placeholders (`songmaytinh anonymise --program ID`), once. A run is a
-- row here, opened and finished inside the one transaction that replaces the data; while
-- a run is open — only inside that transaction — the frozen handover records let their
-- personal columns be rewritten. Nothing else changes for them.
CREATE TABLE retention_runs (
    id          INTEGER PRIMARY KEY,
    program_id  INTEGER NOT NULL REFERENCES programs (id),
    started_by  TEXT    NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER NULL,
    students    INTEGER NOT NULL DEFAULT 0,
    signatures  INTEGER NOT NULL DEFAULT 0,
    documents   INTEGER NOT NULL DEFAULT 0,
    personal    INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT retention_runs_program_key UNIQUE (program_id)
);

DROP TRIGGER handover_signatures_no_update;
CREATE TRIGGER handover_signatures_no_update BEFORE UPDATE ON handover_signatures
WHEN NOT EXISTS (SELECT 1 FROM retention_runs WHERE finished_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'handover_signatures is append-only');
END;
DROP TRIGGER handovers_signed_are_frozen;
CREATE TRIGGER handovers_signed_are_frozen BEFORE UPDATE ON handovers
WHEN OLD.status <> 'sent' AND NOT EXISTS (SELECT 1 FROM retention_runs WHERE finished_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'handovers: signed or cancelled minutes do not change');
END;
