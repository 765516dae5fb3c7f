-- Students who already received a device, by code: few, and read whenever a list is
-- imported or edited to flag the same child listed again.
CREATE INDEX students_served_code_idx ON students (student_code) WHERE served = TRUE;
