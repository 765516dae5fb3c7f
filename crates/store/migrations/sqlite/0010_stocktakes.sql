-- A stocktake (kiểm kê) kept as it was found, to print and to look back on: the place,
-- the counts, the serials missing and those found where the registry did not expect them.
CREATE TABLE stocktakes (
    id          INTEGER PRIMARY KEY,
    place_kind  TEXT    NOT NULL CHECK (place_kind IN ('board', 'unit', 'school')),
    place_id    INTEGER    NULL,
    place_name  TEXT    NOT NULL,
    expected    INTEGER    NOT NULL,
    scanned     INTEGER    NOT NULL,
    matched     INTEGER    NOT NULL,
    missing     TEXT    NOT NULL,
    unexpected  TEXT    NOT NULL,
    taken_by    TEXT    NOT NULL,
    taken_at    INTEGER    NOT NULL
);
CREATE INDEX stocktakes_taken_idx ON stocktakes (taken_at);
