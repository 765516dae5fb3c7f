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

/// An `.ods` as LibreOffice writes it, with `rows` inside its one table.
fn ods(rows: &str) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    w.start_file("mimetype", stored).unwrap();
    w.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    w.start_file("META-INF/manifest.xml", stored).unwrap();
    w.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
    w.start_file("content.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    write!(
        w,
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="DS"><table:table-column table:number-columns-repeated="1024"/>{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    )
    .unwrap();
    w.finish().unwrap().into_inner()
}

const HEADER: &str = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>STT</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Họ và tên</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Ngày sinh</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Đối tượng</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1020"/></table:table-row>"#;

fn row(name: &str) -> String {
    format!(
        r#"<table:table-row><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>{name}</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>01/02/2010</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>HN</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1020"/></table:table-row>"#
    )
}

#[test]
fn an_ods_that_repeats_one_row_a_million_times_is_refused_in_little_memory() {
    let repeated = format!(
        r#"{HEADER}<table:table-row table:number-rows-repeated="1048000"><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#
    );
    let wide = format!(
        r#"{HEADER}<table:table-row table:number-rows-repeated="200"><table:table-cell table:number-columns-repeated="16000" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#
    );
    let gap = format!(
        r#"{HEADER}{}<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="4"/></table:table-row>{}"#,
        row("Nguyễn Văn An"),
        row("Lê Thị Bình")
    );
    for (what, content, code) in [
        ("a row repeated 1,048,000 times", repeated, "too_many_cells"),
        (
            "a cell repeated across 16,000 columns",
            wide,
            "too_many_cells",
        ),
        ("a million empty rows between two", gap, "too_many_cells"),
    ] {
        let bytes = ods(&content);
        assert!(bytes.len() < 4096, "{what}: {} bytes", bytes.len());
        let (e, peak) = crate::peak::peak_of(|| refusal(Cursor::new(bytes), &Limits::default()));
        assert_eq!(e.code, code, "{what}: {e:?}");
        assert!(e.message_vi.contains("lặp lại"), "{}", e.message_vi);
        // Unbounded, calamine held more than a gigabyte for the first of these.
        assert!(peak < 16 << 20, "{what}: {} MiB held", peak >> 20);
    }
}

#[test]
fn an_ods_as_libreoffice_writes_it_is_read() {
    // Styled columns repeated to the sheet's end, empty cells to the row's end and empty
    // rows after the list: nothing a person wrote, nothing expanded.
    let content = format!(
        r#"{HEADER}{}{}<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#,
        row("Nguyễn Văn An"),
        row("Lê Thị Bình")
    );
    let mut names = Vec::new();
    let (r, peak) = crate::peak::peak_of(|| {
        read_student_list(Cursor::new(ods(&content)), &Limits::default(), |_, r| {
            names.push(r.fields.name.clone());
            ControlFlow::Continue(())
        })
    });
    r.unwrap();
    assert_eq!(names, ["Nguyễn Văn An", "Lê Thị Bình"]);
    assert!(peak < 16 << 20, "{} MiB held", peak >> 20);
}
