//! Every reader of an office's file on the same bytes: the students' lists, the poor and
//! near-poor registers, serial lists, bank statements, attendance sheets and the units'
//! CSV. Each must answer rows or named problems — never panic, never hang — within the
//! small limits below.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::Cursor;
use std::ops::ControlFlow;

fuzz_target!(|data: &[u8]| {
    let limits = sheets::reader::Limits {
        max_rows: 2_000,
        max_columns: 60,
        max_cell_chars: 2_000,
        max_part_bytes: 4 << 20,
        max_unzipped_bytes: 8 << 20,
        max_shared_strings_bytes: 2 << 20,
        max_ods_cells: 20_000,
    };
    let _ = sheets::students::read_student_list(Cursor::new(data), &limits, |_, _| {
        ControlFlow::Continue(())
    });
    let _ = sheets::households::read_register(Cursor::new(data), &limits);
    let _ = sheets::devices::read_serials(Cursor::new(data), &limits);
    let _ = sheets::statements::read_statement(Cursor::new(data), &limits);
    let _ = sheets::attendees::read_attendees(Cursor::new(data), &limits);
    let _ = sheets::units::read_units_csv(Cursor::new(data));
});
