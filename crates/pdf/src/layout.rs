//! A small page layout for administrative documents: flowing paragraphs that wrap and
//! break pages, two-column blocks (letterhead, signatures) and ruled tables whose header
//! repeats on each page. Everything is laid out first into a display list, then drawn.

use krilla::Document;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::text::{Font, TextDirection};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

static REGULAR: &[u8] = include_bytes!("../fonts/Tinos-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/Tinos-Bold.ttf");
static ITALIC: &[u8] = include_bytes!("../fonts/Tinos-Italic.ttf");

/// Millimetres to points.
pub const fn mm(v: f32) -> f32 {
    v * 72.0 / 25.4
}

/// A4, portrait.
pub const PAGE_W: f32 = 595.276;
pub const PAGE_H: f32 = 841.89;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Regular,
    Bold,
    Italic,
}

impl Style {
    fn bytes(self) -> &'static [u8] {
        match self {
            Style::Regular => REGULAR,
            Style::Bold => BOLD,
            Style::Italic => ITALIC,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
    /// Stretched to both margins except the last line.
    Justify,
}

/// Widths of text in a style and size, from the bundled fonts' metrics.
pub fn text_width(text: &str, style: Style, size: f32) -> f32 {
    let font = FontRef::new(style.bytes()).expect("bundled font parses");
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
    text.chars()
        .map(|c| {
            charmap
                .map(c)
                .and_then(|g| metrics.advance_width(g))
                .unwrap_or(size * 0.5)
        })
        .sum()
}

/// Whether every letter of `text` has a glyph in the bundled fonts.
pub fn covered(text: &str) -> bool {
    [Style::Regular, Style::Bold, Style::Italic]
        .iter()
        .all(|s| {
            let font = FontRef::new(s.bytes()).expect("bundled font parses");
            let charmap = font.charmap();
            text.chars()
                .filter(|c| !c.is_whitespace())
                .all(|c| charmap.map(c).is_some_and(|g| g.to_u32() != 0))
        })
}

/// Breaks `text` into lines no wider than `width`; a word longer than a line is cut.
pub fn wrap(text: &str, style: Style, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if text_width(&candidate, style, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word alone: cut it when it does not fit a line.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if text_width(&piece, style, size) > width && piece.chars().count() > 1 {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            line = piece;
        }
        lines.push(line);
    }
    lines
}

#[derive(Debug, Clone)]
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        style: Style,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
    /// A pen stroke through points (a drawn signature), round caps and joins.
    Pen { points: Vec<(f32, f32)>, width: f32 },
}

/// One line of a centred block (letterhead, signatures).
#[derive(Debug, Clone)]
pub struct BlockLine {
    pub text: String,
    pub style: Style,
    pub size: f32,
    /// Underline the text (the motto), or draw a short rule under it (the issuing body).
    pub rule: Rule,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    None,
    /// A line the length of the text, under it.
    Underline,
    /// A short line, a third of the text's width, under it.
    Short,
}

impl BlockLine {
    pub fn new(text: impl Into<String>, style: Style, size: f32) -> BlockLine {
        BlockLine {
            text: text.into(),
            style,
            size,
            rule: Rule::None,
        }
    }

    pub fn rule(mut self, rule: Rule) -> BlockLine {
        self.rule = rule;
        self
    }
}

/// A table column: its share of the width, header and alignment of its cells.
#[derive(Debug, Clone)]
pub struct Column {
    pub width: f32,
    pub header: String,
    pub align: Align,
}

pub struct Layout {
    pages: Vec<Vec<Op>>,
    pub left: f32,
    pub right: f32,
    top: f32,
    bottom: f32,
    /// The baseline cursor: where the next line's top starts.
    pub y: f32,
    /// Numbers pages from the second one at the top, as Nghị định 30/2020 asks.
    number_pages: bool,
}

/// Space under a line of `size` points: Vietnamese letters stack marks above and below.
pub fn leading(size: f32) -> f32 {
    size * 1.25
}

impl Layout {
    /// An A4 page with the margins of Nghị định 30/2020 (top and bottom 20 mm, left
    /// 30 mm, right 15 mm).
    pub fn new() -> Layout {
        Layout {
            pages: vec![Vec::new()],
            left: mm(30.0),
            right: PAGE_W - mm(15.0),
            top: mm(20.0),
            bottom: PAGE_H - mm(20.0),
            y: mm(20.0),
            number_pages: true,
        }
    }

    pub fn width(&self) -> f32 {
        self.right - self.left
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page")
    }

    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.top + if self.number_pages { 22.0 } else { 0.0 };
    }

    /// Breaks the page unless `height` points still fit.
    pub fn ensure(&mut self, height: f32) {
        if self.y + height > self.bottom {
            self.new_page();
        }
    }

    pub fn space(&mut self, points: f32) {
        self.y += points;
        if self.y > self.bottom {
            self.new_page();
        }
    }

    fn text_at(&mut self, x: f32, baseline: f32, text: &str, style: Style, size: f32) {
        if text.is_empty() {
            return;
        }
        self.ops().push(Op::Text {
            x,
            y: baseline,
            size,
            style,
            text: text.to_string(),
        });
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        self.ops().push(Op::Line {
            x1,
            y1,
            x2,
            y2,
            width,
        });
    }

    /// Draws pen strokes (a signature drawn on a `w`×`h` pad) scaled to fit the box at
    /// (`x`, `y`) of `bw`×`bh` points, keeping their proportions, centred.
    #[allow(clippy::too_many_arguments)]
    pub fn drawing(
        &mut self,
        x: f32,
        y: f32,
        bw: f32,
        bh: f32,
        w: f32,
        h: f32,
        strokes: &[Vec<(f32, f32)>],
    ) {
        if w <= 0.0 || h <= 0.0 {
            return;
        }
        let scale = (bw / w).min(bh / h);
        let (ox, oy) = (x + (bw - w * scale) / 2.0, y + (bh - h * scale) / 2.0);
        for stroke in strokes {
            let points: Vec<(f32, f32)> = stroke
                .iter()
                .map(|(px, py)| (ox + px * scale, oy + py * scale))
                .collect();
            if !points.is_empty() {
                self.ops().push(Op::Pen {
                    points,
                    width: (2.5 * scale).clamp(0.6, 2.0),
                });
            }
        }
    }

    /// Places one line of text between `x0` and `x1` at the cursor's baseline.
    #[allow(clippy::too_many_arguments)]
    fn place(
        &mut self,
        x0: f32,
        x1: f32,
        baseline: f32,
        text: &str,
        style: Style,
        size: f32,
        align: Align,
    ) -> (f32, f32) {
        let w = text_width(text, style, size);
        let x = match align {
            Align::Left | Align::Justify => x0,
            Align::Center => x0 + ((x1 - x0) - w) / 2.0,
            Align::Right => x1 - w,
        };
        self.text_at(x, baseline, text, style, size);
        (x, w)
    }

    /// A paragraph wrapped to the margins, with a first-line indent.
    pub fn paragraph(&mut self, text: &str, style: Style, size: f32, align: Align, indent: f32) {
        let width = self.width();
        let lines = if align == Align::Center && indent == 0.0 {
            wrap_balanced(text, style, size, width)
        } else {
            wrap_indented(text, style, size, width, indent)
        };
        let n = lines.len();
        for (i, line) in lines.into_iter().enumerate() {
            self.ensure(leading(size));
            let baseline = self.y + size;
            let x0 = self.left + if i == 0 { indent } else { 0.0 };
            if align == Align::Justify && i + 1 < n {
                self.justified(x0, self.right, baseline, &line, style, size);
            } else {
                self.place(x0, self.right, baseline, &line, style, size, align);
            }
            self.y += leading(size);
        }
    }

    /// A paragraph that starts with a bold (or otherwise styled) lead-in, on one line
    /// when it fits: "Đại diện: Ông Trần Văn Bình".
    pub fn labelled(
        &mut self,
        label: &str,
        label_style: Style,
        value: &str,
        style: Style,
        size: f32,
        indent: f32,
    ) {
        let lw = text_width(label, label_style, size) + text_width(" ", style, size);
        // The value follows the label; what does not fit goes on at the left margin, as
        // a paragraph's next lines do (hung under the value, a last word stood alone in
        // the middle of the page).
        let head = (indent + lw).min(self.width() - 40.0);
        let lines = wrap_indented(value, style, size, self.width(), head);
        for (i, line) in lines.iter().enumerate() {
            self.ensure(leading(size));
            let baseline = self.y + size;
            if i == 0 {
                self.text_at(self.left + indent, baseline, label, label_style, size);
                self.text_at(self.left + head, baseline, line, style, size);
            } else {
                self.text_at(self.left, baseline, line, style, size);
            }
            self.y += leading(size);
        }
    }

    fn justified(&mut self, x0: f32, x1: f32, baseline: f32, line: &str, style: Style, size: f32) {
        let words: Vec<&str> = line.split(' ').filter(|w| !w.is_empty()).collect();
        if words.len() < 2 {
            self.place(x0, x1, baseline, line, style, size, Align::Left);
            return;
        }
        let total: f32 = words.iter().map(|w| text_width(w, style, size)).sum();
        let gap = ((x1 - x0) - total) / (words.len() - 1) as f32;
        let mut x = x0;
        for w in words {
            self.text_at(x, baseline, w, style, size);
            x += text_width(w, style, size) + gap;
        }
    }

    /// Two centred blocks side by side, the left one `left_share` of the width; the
    /// cursor moves below the taller. Lines are wrapped to their column.
    pub fn columns(
        &mut self,
        left: &[BlockLine],
        right: &[BlockLine],
        left_share: f32,
        x_from: f32,
        x_to: f32,
    ) {
        let split = x_from + (x_to - x_from) * left_share;
        let height = |block: &[BlockLine], w: f32| -> f32 {
            block
                .iter()
                .map(|l| {
                    wrap_balanced(&l.text, l.style, l.size, w).len() as f32 * leading(l.size)
                        + rule_gap(l)
                })
                .sum()
        };
        let h = height(left, split - x_from).max(height(right, x_to - split));
        self.ensure(h);
        let top = self.y;
        let mut bottom = top;
        for (block, x0, x1) in [(left, x_from, split), (right, split, x_to)] {
            let mut y = top;
            for l in block {
                let lines = wrap_balanced(&l.text, l.style, l.size, x1 - x0);
                let last = lines.len().saturating_sub(1);
                let mut widest = 0.0f32;
                for (k, text) in lines.iter().enumerate() {
                    let baseline = y + l.size;
                    let (x, w) = self.place(x0, x1, baseline, text, l.style, l.size, Align::Center);
                    widest = widest.max(w);
                    // A rule goes under the block's last line only: under a wrapped line
                    // it would run into the next.
                    if k == last {
                        match l.rule {
                            Rule::None => {}
                            Rule::Underline => {
                                self.line(x, baseline + 2.0, x + w, baseline + 2.0, 0.6)
                            }
                            Rule::Short => {
                                let c = x + w / 2.0;
                                let half = (widest / 6.0).max(20.0);
                                // Below the dots under letters (Ậ, Ộ): they reach about
                                // a quarter of the size under the baseline.
                                let y = baseline + (l.size * 0.45).max(5.0);
                                self.line(c - half, y, c + half, y, 0.6);
                            }
                        }
                    }
                    y += leading(l.size);
                }
                y += rule_gap(l);
            }
            bottom = bottom.max(y);
        }
        self.y = bottom;
    }

    /// A ruled table; the header row repeats on every page the table spans.
    pub fn table(&mut self, columns: &[Column], rows: &[Vec<String>], size: f32) {
        let pad = 3.5;
        let total: f32 = columns.iter().map(|c| c.width).sum();
        let widths: Vec<f32> = columns
            .iter()
            .map(|c| c.width / total * self.width())
            .collect();
        let header: Vec<String> = columns.iter().map(|c| c.header.clone()).collect();
        let lay = |cells: &[String], style: Style| -> Vec<Vec<String>> {
            cells
                .iter()
                .zip(&widths)
                .map(|(t, w)| wrap(t, style, size, w - 2.0 * pad))
                .collect()
        };
        let row_height = |cells: &Vec<Vec<String>>| -> f32 {
            cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * leading(size) + 2.0 * pad
        };
        let head = lay(&header, Style::Bold);
        let head_h = row_height(&head);
        let aligns_head = vec![Align::Center; columns.len()];
        let aligns: Vec<Align> = columns.iter().map(|c| c.align).collect();
        // The header and the first row stay together.
        let first_h = rows
            .first()
            .map(|r| row_height(&lay(r, Style::Regular)))
            .unwrap_or(0.0);
        self.ensure(head_h + first_h);
        self.table_row(&head, &widths, head_h, pad, size, Style::Bold, &aligns_head);
        for row in rows {
            let cells = lay(row, Style::Regular);
            let h = row_height(&cells);
            if self.y + h > self.bottom {
                self.new_page();
                self.table_row(&head, &widths, head_h, pad, size, Style::Bold, &aligns_head);
            }
            let style = if row.first().is_some_and(|c| c.is_empty()) {
                Style::Bold
            } else {
                Style::Regular
            };
            self.table_row(&cells, &widths, h, pad, size, style, &aligns);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn table_row(
        &mut self,
        cells: &[Vec<String>],
        widths: &[f32],
        h: f32,
        pad: f32,
        size: f32,
        style: Style,
        aligns: &[Align],
    ) {
        let top = self.y;
        let mut x = self.left;
        self.line(self.left, top, self.right, top, 0.6);
        self.line(self.left, top + h, self.right, top + h, 0.6);
        self.line(x, top, x, top + h, 0.6);
        for ((lines, w), align) in cells.iter().zip(widths).zip(aligns) {
            let mut y = top + pad;
            for l in lines {
                self.place(x + pad, x + w - pad, y + size, l, style, size, *align);
                y += leading(size);
            }
            x += w;
            self.line(x, top, x, top + h, 0.6);
        }
        self.y = top + h;
    }

    /// Draws the document. Deterministic: no creation date, so the same content gives
    /// the same bytes.
    pub fn finish(self, title: &str) -> Vec<u8> {
        let fonts = [Style::Regular, Style::Bold, Style::Italic]
            .map(|s| Font::new(s.bytes().into(), 0).expect("bundled font loads"));
        let font = |s: Style| match s {
            Style::Regular => fonts[0].clone(),
            Style::Bold => fonts[1].clone(),
            Style::Italic => fonts[2].clone(),
        };
        let mut doc = Document::new();
        doc.set_metadata(
            Metadata::new()
                .title(title.to_string())
                .language("vi".to_string())
                .creator("songmaytinh".to_string()),
        );
        let count = self.pages.len();
        for (n, ops) in self.pages.into_iter().enumerate() {
            let mut page = doc.start_page_with(PageSettings::from_wh(PAGE_W, PAGE_H).expect("A4"));
            let mut surface = page.surface();
            if self.number_pages && count > 1 && n > 0 {
                let label = (n + 1).to_string();
                let w = text_width(&label, Style::Regular, 13.0);
                surface.draw_text(
                    Point::from_xy((self.left + self.right - w) / 2.0, self.top + 13.0),
                    font(Style::Regular),
                    13.0,
                    &label,
                    false,
                    TextDirection::Auto,
                );
            }
            for op in ops {
                match op {
                    Op::Text {
                        x,
                        y,
                        size,
                        style,
                        text,
                    } => {
                        surface.set_stroke(None);
                        surface.draw_text(
                            Point::from_xy(x, y),
                            font(style),
                            size,
                            &text,
                            false,
                            TextDirection::LeftToRight,
                        );
                    }
                    Op::Line {
                        x1,
                        y1,
                        x2,
                        y2,
                        width,
                    } => {
                        let mut pb = PathBuilder::new();
                        pb.move_to(x1, y1);
                        pb.line_to(x2, y2);
                        if let Some(path) = pb.finish() {
                            surface.set_fill(None);
                            surface.set_stroke(Some(Stroke {
                                width,
                                ..Stroke::default()
                            }));
                            surface.draw_path(&path);
                            surface.set_stroke(None);
                            surface.set_fill(Some(Default::default()));
                        }
                    }
                    Op::Pen { points, width } => {
                        let mut pb = PathBuilder::new();
                        let (x0, y0) = points[0];
                        pb.move_to(x0, y0);
                        if points.len() == 1 {
                            pb.line_to(x0 + 0.01, y0);
                        }
                        for &(x, y) in &points[1..] {
                            pb.line_to(x, y);
                        }
                        if let Some(path) = pb.finish() {
                            surface.set_fill(None);
                            surface.set_stroke(Some(Stroke {
                                width,
                                line_cap: krilla::paint::LineCap::Round,
                                line_join: krilla::paint::LineJoin::Round,
                                ..Stroke::default()
                            }));
                            surface.draw_path(&path);
                            surface.set_stroke(None);
                            surface.set_fill(Some(Default::default()));
                        }
                    }
                }
            }
            surface.finish();
            page.finish();
        }
        doc.finish().expect("the document serialises")
    }
}

impl Default for Layout {
    fn default() -> Self {
        Layout::new()
    }
}

/// Wraps centred text into as few lines as `wrap` would, of even lengths: a long name
/// keeps no lone last word on a centred line of its own.
pub(crate) fn wrap_balanced(text: &str, style: Style, size: f32, width: f32) -> Vec<String> {
    let greedy = wrap(text, style, size, width);
    let n = greedy.len();
    if n < 2 {
        return greedy;
    }
    // The narrowest width that still needs no more lines than the full width.
    let (mut lo, mut hi) = (width / n as f32, width);
    for _ in 0..16 {
        let mid = (lo + hi) / 2.0;
        if wrap(text, style, size, mid).len() <= n {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    wrap(text, style, size, hi)
}

fn rule_gap(l: &BlockLine) -> f32 {
    match l.rule {
        Rule::None => 0.0,
        Rule::Underline => 2.0,
        Rule::Short => 8.0,
    }
}

/// Wraps with the first line shorter by `indent`.
fn wrap_indented(text: &str, style: Style, size: f32, width: f32, indent: f32) -> Vec<String> {
    if indent <= 0.0 {
        return wrap(text, style, size, width);
    }
    let first = wrap(text, style, size, width - indent);
    let Some(head) = first.first().cloned() else {
        return first;
    };
    let rest = text
        .trim_start()
        .strip_prefix(head.as_str())
        .unwrap_or("")
        .trim_start();
    let mut lines = vec![head];
    if !rest.is_empty() {
        lines.extend(wrap(rest, style, size, width));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A long party name centred in a column: where the greedy wrap leaves its last
    /// word alone on a line, the balanced one keeps as many lines, none of a lone word.
    #[test]
    fn a_centred_name_leaves_no_lone_last_word() {
        let name = "CÔNG TY CỔ PHẦN VIỄN THÔNG HƯNG THỊNH ĐẮK NÔNG";
        let width = (100..400)
            .map(|w| w as f32)
            .find(|w| {
                let g = wrap(name, Style::Bold, 12.0, *w);
                g.len() == 2 && !g[1].contains(' ')
            })
            .expect("a width where the greedy wrap leaves one word");
        let balanced = wrap_balanced(name, Style::Bold, 12.0, width);
        assert_eq!(balanced.len(), 2, "{balanced:?}");
        assert!(balanced[1].contains(' '), "{balanced:?}");
        assert_eq!(balanced.join(" "), name);
        for l in &balanced {
            assert!(text_width(l, Style::Bold, 12.0) <= width, "{l}");
        }
    }

    /// The rule under a wrapped heading is drawn once, under its last line.
    #[test]
    fn a_wrapped_heading_has_one_rule_under_its_last_line() {
        let mut l = Layout::new();
        let (x0, x1) = (l.left, l.left + 150.0);
        let before = l.pages.last().map(|p| p.len()).unwrap_or(0);
        l.columns(
            &[BlockLine::new(
                "BAN TIẾP NHẬN, ĐIỀU PHỐI MÁY TÍNH CHO HỌC SINH",
                Style::Bold,
                12.0,
            )
            .rule(Rule::Short)],
            &[],
            1.0,
            x0,
            x1,
        );
        let ops = &l.pages.last().unwrap()[before..];
        let rules = ops.iter().filter(|o| matches!(o, Op::Line { .. })).count();
        assert_eq!(rules, 1, "{ops:?}");
    }

    #[test]
    fn wraps_within_width_and_keeps_every_word() {
        let text = "Biên bản được lập thành 02 bản có giá trị pháp lý như nhau, mỗi bên giữ 01 bản để theo dõi và thực hiện.";
        let lines = wrap(text, Style::Regular, 13.0, 200.0);
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(text_width(l, Style::Regular, 13.0) <= 200.0, "{l}");
        }
        assert_eq!(lines.join(" "), text);
        let long = wrap(
            "R9ATB0XK2LMNOPQRSTUVWXYZ0123456789",
            Style::Regular,
            13.0,
            60.0,
        );
        assert!(long.len() > 1);
        assert_eq!(long.concat(), "R9ATB0XK2LMNOPQRSTUVWXYZ0123456789");
    }

    #[test]
    fn the_fonts_have_every_vietnamese_letter() {
        assert!(covered(crate::VIETNAMESE_LETTERS));
        assert!(!covered("漢"));
    }
}
