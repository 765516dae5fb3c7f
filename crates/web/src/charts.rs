//! Charts drawn on the server as SVG: no script, no library from elsewhere, readable on a
//! phone (the drawing scales to its box). A label's width is reckoned in characters of its
//! NFC form, never in UTF-8 bytes: "Huyện Đắk R'Lấp" is 15 characters and 22 bytes.
//! Each bar may link to the list behind it.

use std::fmt::Write;

/// One bar: its label, value, the page that lists what it counts, and a CSS class for
/// its colour.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: i64,
    /// Shown instead of the number (a hidden small count: "*").
    pub shown: Option<String>,
    pub href: Option<String>,
    pub class: &'static str,
}

impl Bar {
    pub fn new(label: impl Into<String>, value: i64) -> Bar {
        Bar {
            label: label.into(),
            value,
            shown: None,
            href: None,
            class: "",
        }
    }

    pub fn link(mut self, href: impl Into<String>) -> Bar {
        self.href = Some(href.into());
        self
    }

    pub fn class(mut self, class: &'static str) -> Bar {
        self.class = class;
        self
    }
}

/// Characters as a reader counts them (NFC, so a decomposed "ắ" is one).
pub fn char_len(s: &str) -> usize {
    text::fold::nfc(s).chars().count()
}

/// At most `max` characters, with "…" when cut (never inside a character).
pub fn fit(s: &str, max: usize) -> String {
    let s = text::fold::nfc(s);
    if s.chars().count() <= max {
        return s;
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// Width of one character of the chart's 13-pixel sans-serif text, generously (DejaVu
/// Sans, the widest common fallback, averages under 8 pixels).
const CHAR_PX: f64 = 8.0;
const WIDTH: f64 = 360.0;
const ROW: f64 = 40.0;

/// How many characters of a label fit beside a number of `number_chars` characters.
pub fn label_room(number_chars: usize) -> usize {
    ((WIDTH - 10.0 - number_chars as f64 * CHAR_PX) / CHAR_PX).floor() as usize
}

/// Bars, one per row: the label and the number on a line, the bar under them, so that a
/// phone's narrow screen reads them at full size. `title` is read by screen readers.
pub fn bars(title: &str, bars: &[Bar]) -> String {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let height = ROW * bars.len() as f64 + 2.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = esc(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = ROW * i as f64;
        let w = if b.value > 0 {
            (b.value as f64 / max * WIDTH).max(2.0)
        } else {
            0.0
        };
        let number = b
            .shown
            .clone()
            .unwrap_or_else(|| crate::views::num(b.value));
        let label = fit(&b.label, label_room(char_len(&number)));
        let mut row = String::new();
        let _ = write!(
            row,
            r#"<text x="0" y="{ty}" class="label">{label}</text><text x="{WIDTH}" y="{ty}" text-anchor="end" class="value">{number}</text><rect x="0" y="{ry}" width="{w:.1}" height="14" rx="2" class="bar {class}"/>"#,
            ty = y + 14.0,
            label = esc(&label),
            ry = y + 20.0,
            class = b.class,
            number = esc(&number),
        );
        match &b.href {
            Some(h) => {
                let _ = write!(
                    s,
                    r#"<a href="{}"><title>{}: {}</title>{row}</a>"#,
                    esc(h),
                    esc(&b.label),
                    esc(&number)
                );
            }
            None => s.push_str(&row),
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_measured_in_characters() {
        let name = "Huyện Đắk Glong";
        assert_eq!(name.len(), 20);
        assert_eq!(char_len(name), 15);
        // Decomposed marks count with their letter.
        assert_eq!(char_len("Đa\u{306}\u{301}k"), 3);
        assert_eq!(
            fit("Trường Trung học phổ thông Nguyễn Bỉnh Khiêm", 20)
                .chars()
                .count(),
            20
        );
        assert!(fit("Trường Trung học phổ thông Nguyễn Bỉnh Khiêm", 20).ends_with('…'));
        // A label is cut by its characters: 15 characters (20 bytes) fit whole; a long
        // school name is cut to the room beside its number, never inside a letter.
        let svg = bars("x", &[Bar::new(name, 5)]);
        assert!(svg.contains(&format!(">{name}<")), "{svg}");
        let long = "Trường Phổ thông Dân tộc Nội trú Trung học cơ sở và Trung học phổ thông huyện Đắk Glong";
        let svg = bars("x", &[Bar::new(long, 1_234_567)]);
        let room = label_room("1.234.567".len());
        let shown = svg
            .split("class=\"label\">")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap();
        assert_eq!(shown.chars().count(), room, "{shown}");
        assert!(shown.ends_with('…'));
        assert!(room * 8 + 9 * 8 <= 360);
    }

    #[test]
    fn bars_link_and_escape() {
        let svg = bars(
            "Tiến độ <b>",
            &[
                Bar::new("Đã nhận <máy>", 40).link("/handover?a=1&b=2"),
                Bar::new("Chưa", 0),
            ],
        );
        assert!(svg.contains(r#"<a href="/handover?a=1&amp;b=2">"#));
        assert!(svg.contains("Đã nhận &lt;máy&gt;"));
        assert!(!svg.contains("<b>"));
        assert!(svg.contains(r#"width="0.0""#));
        assert!(svg.contains(">40<"));
    }
}
