-- Signed checkpoints of the audit log as a Merkle tree (docs/adr/0026-verifiable-log.md):
-- each the C2SP signed note stating that the tree of `size` entries has root `root` (hex).
-- Kept for ever: a checkpoint once published is what later proofs are checked against.
CREATE TABLE log_checkpoints (
    size       BIGINT  NOT NULL PRIMARY KEY CHECK (size >= 0),
    root       TEXT    NOT NULL CHECK (length(root) = 64),
    note       TEXT    NOT NULL,
    signed_on  TEXT    NOT NULL,
    created_at BIGINT  NOT NULL
);
CREATE INDEX log_checkpoints_day_idx ON log_checkpoints (signed_on);
CREATE TRIGGER log_checkpoints_no_update BEFORE UPDATE ON log_checkpoints
    FOR EACH ROW EXECUTE FUNCTION songmaytinh_refuse_change();
CREATE TRIGGER log_checkpoints_no_delete BEFORE DELETE ON log_checkpoints
    FOR EACH ROW EXECUTE FUNCTION songmaytinh_refuse_change();
