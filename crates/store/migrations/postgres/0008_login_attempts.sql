-- Failed logins by the name typed and the place they come from (ADR 0018): a wrong
-- guess makes that name wait at that place only, the same for a name no account has.
-- The name is kept as its SHA-256. The users' own counters go.
CREATE TABLE login_attempts (
    name_hash    TEXT    NOT NULL,
    source       TEXT    NOT NULL,
    failures     BIGINT  NOT NULL,
    locked_until BIGINT  NULL,
    last_at      BIGINT  NOT NULL,
    PRIMARY KEY (name_hash, source)
);
CREATE INDEX login_attempts_last_idx ON login_attempts (last_at);
ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;
