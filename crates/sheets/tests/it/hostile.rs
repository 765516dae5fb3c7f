//! Files that must be refused, clearly and cheaply: a password, a zip bomb, ten million
//! rows, ten megabytes in one cell. Fixtures are made by `fixtures/make.py`.

use sheets::reader::Limits;
use sheets::students::read_student_list;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::ops::ControlFlow;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn refusal(input: impl Read + Seek, limits: &Limits) -> sheets::SheetError {
    let mut rows = 0;
    let r = read_student_list(input, limits, |_, _| {
        rows += 1;
        ControlFlow::Continue(())
    });
    match r {
        Err(e) => e,
        Ok(s) => panic!("accepted: {s:?} ({rows} rows)"),
    }
}

#[test]
fn a_password_protected_workbook_is_refused_with_the_reason() {
    let e = refusal(Cursor::new(fixture("password.xlsx")), &Limits::default());
    assert_eq!(e.code, "password_protected");
    assert!(e.message_vi.contains("mật khẩu"));
}

#[test]
fn a_zip_bomb_is_refused_before_unpacking() {
    // 1 MB on disk, 1 GiB unpacked: refused from the sizes the archive declares.
    let e = refusal(Cursor::new(fixture("zip_bomb.xlsx")), &Limits::default());
    assert_eq!(e.code, "zip_bomb");
}

#[test]
fn a_sheet_declaring_ten_million_rows_is_refused_at_once() {
    let e = refusal(
        Cursor::new(fixture("ten_million_rows.xlsx")),
        &Limits::default(),
    );
    assert_eq!(e.code, "too_many_rows");
    assert!(e.message_vi.contains("2000000") || e.message_vi.contains("2.000.000"));
}

#[test]
fn ten_megabytes_in_one_cell_is_refused_naming_the_cell() {
    let e = refusal(
        Cursor::new(fixture("ten_megabyte_cell.xlsx")),
        &Limits::default(),
    );
    assert_eq!(e.code, "cell_too_long");
    assert_eq!((e.row, e.column.as_deref()), (2, Some("B")));
}

/// A CSV of `rows` student rows made on the fly, counting the bytes read from it.
struct EndlessCsv {
    rows: u64,
    pos: u64,
    served: u64,
    line: Vec<u8>,
}

impl EndlessCsv {
    const HEADER: &'static [u8] = b"STT,H\xe1\xbb\x8d v\xc3\xa0 t\xc3\xaan,Ng\xc3\xa0y sinh,\xc4\x90\xe1\xbb\x91i t\xc6\xb0\xe1\xbb\xa3ng\n";
    fn new(rows: u64) -> Self {
        EndlessCsv {
            rows,
            pos: 0,
            served: 0,
            line: b"1,Nguyen Van An,01/02/2010,HN\n".to_vec(),
        }
    }
    fn len(&self) -> u64 {
        Self::HEADER.len() as u64 + self.rows * self.line.len() as u64
    }
    fn byte(&self, at: u64) -> u8 {
        let h = Self::HEADER.len() as u64;
        if at < h {
            Self::HEADER[at as usize]
        } else {
            self.line[((at - h) % self.line.len() as u64) as usize]
        }
    }
}

impl Read for EndlessCsv {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = (self.len() - self.pos).min(buf.len() as u64) as usize;
        for (i, b) in buf[..n].iter_mut().enumerate() {
            *b = self.byte(self.pos + i as u64);
        }
        self.pos += n as u64;
        self.served += n as u64;
        Ok(n)
    }
}

impl Seek for EndlessCsv {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.pos = match to {
            SeekFrom::Start(p) => p,
            SeekFrom::End(d) => (self.len() as i64 + d) as u64,
            SeekFrom::Current(d) => (self.pos as i64 + d) as u64,
        };
        Ok(self.pos)
    }
}

#[test]
fn ten_million_csv_rows_stop_at_the_limit_without_reading_the_rest() {
    let mut csv = EndlessCsv::new(10_000_000);
    let total = csv.len();
    let limits = Limits {
        max_rows: 20_000,
        ..Limits::default()
    };
    let e = refusal(&mut csv, &limits);
    assert_eq!(e.code, "too_many_rows");
    assert!(
        csv.served < total / 100,
        "read {} of {total} bytes: the reader stops at the limit",
        csv.served
    );
}
