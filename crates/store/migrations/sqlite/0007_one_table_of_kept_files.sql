-- One table for every kept file: a student's evidence joins the documents of donations
-- and appraisals (ADR 0015). The evidence keeps its bytes, digest, name, type, uploader
-- and time; it gets a new id in `documents` (audit entries written before this name the
-- old one, and carry the same SHA-256). SQLite cannot change a CHECK in place: the table
-- is made again (nothing refers to it).
CREATE TABLE documents_new (
    id           INTEGER PRIMARY KEY,
    owner_kind   TEXT    NOT NULL CHECK (owner_kind IN ('student', 'donation', 'appraisal')),
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
INSERT INTO documents_new (owner_kind, owner_id, file_name, content_type, size, sha256, data, uploaded_by, uploaded_at)
    SELECT 'student', student_id, file_name, content_type, size, sha256, data, uploaded_by, uploaded_at
      FROM evidence_files ORDER BY id;
DROP TABLE documents;
ALTER TABLE documents_new RENAME TO documents;
CREATE INDEX documents_owner_idx ON documents (owner_kind, owner_id);
DROP TABLE evidence_files;
