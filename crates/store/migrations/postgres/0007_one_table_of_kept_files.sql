-- One table for every kept file: a student's evidence joins the documents of donations
-- and appraisals (ADR 0015). The evidence keeps its bytes, digest, name, type, uploader
-- and time; it gets a new id in `documents` (audit entries written before this name the
-- old one, and carry the same SHA-256).
ALTER TABLE documents DROP CONSTRAINT documents_owner_kind_check;
ALTER TABLE documents ADD CONSTRAINT documents_owner_kind_check
    CHECK (owner_kind IN ('student', 'donation', 'appraisal'));
INSERT INTO documents (owner_kind, owner_id, file_name, content_type, size, sha256, data, uploaded_by, uploaded_at)
    SELECT 'student', student_id, file_name, content_type, size, sha256, data, uploaded_by, uploaded_at
      FROM evidence_files ORDER BY id;
DROP TABLE evidence_files;
