//! What every page shares: the layout (language, user, navigation, CSRF token, flash
//! message) and the small formatting helpers templates call.

use crate::gate::{Actor, CsrfToken, Flash, RequestId};
use crate::i18n::{Texts, Tr, tr};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use domain::Lang;

/// The request as a page sees it.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub actor: Option<Actor>,
    pub csrf: String,
    pub flash: Option<String>,
    pub path: String,
    pub path_and_query: String,
    pub request_id: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let e = &parts.extensions;
        Ok(Ctx {
            lang: e
                .get::<Lang>()
                .copied()
                .unwrap_or_else(|| crate::gate::lang_of(&parts.headers)),
            actor: e.get::<Actor>().cloned(),
            csrf: e
                .get::<CsrfToken>()
                .map(|c| c.0.clone())
                .unwrap_or_default(),
            flash: e.get::<Flash>().map(|f| f.0.clone()),
            path: parts.uri.path().to_string(),
            path_and_query: parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            request_id: e
                .get::<RequestId>()
                .map(|r| r.0.clone())
                .unwrap_or_default(),
        })
    }
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// Everything `base.html` needs; `tr` holds the page's area's texts (the shared ones
/// behind them).
pub struct Layout<T: Texts = Tr> {
    pub tr: &'static T,
    pub lang: Lang,
    pub title: String,
    pub csrf: String,
    pub user_label: Option<String>,
    pub nav: Vec<NavItem>,
    pub flash: Option<String>,
    /// `/lang/en?next=/units` — the other language, back to this page.
    pub lang_switch: String,
}

impl Ctx {
    pub fn tr(&self) -> &'static Tr {
        tr(self.lang)
    }

    pub fn layout<T: Texts>(&self, title: impl Into<String>) -> Layout<T> {
        let t = self.tr();
        let nav = match &self.actor {
            Some(a) => crate::areas::menu(a, &self.path, self.lang),
            None => Vec::new(),
        };
        let next: String =
            form_urlencoded::byte_serialize(self.path_and_query.as_bytes()).collect();
        Layout {
            tr: T::of(self.lang),
            lang: self.lang,
            title: title.into(),
            csrf: self.csrf.clone(),
            user_label: self
                .actor
                .as_ref()
                .map(|a| format!("{} · {}", a.user.full_name, a.user.role.label(self.lang))),
            nav,
            flash: self
                .flash
                .as_deref()
                .and_then(|code| crate::areas::flash(code, self.lang))
                .map(str::to_string),
            lang_switch: format!("/lang/{}?next={next}", t.other_language_code),
        }
    }
}

/// A form page's status: 200 shown fresh, 422 shown again with the problems found.
pub fn form_status(problems: &[String]) -> axum::http::StatusCode {
    if problems.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// A tab of an area's sub-navigation.
pub struct Tab {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The tabs `(href, label)`, the one at `current` marked.
pub fn tabs(entries: &[(&'static str, &'static str)], current: &str) -> Vec<Tab> {
    entries
        .iter()
        .map(|(href, label)| Tab {
            href,
            label,
            current: *href == current,
        })
        .collect()
}

/// An option of a `<select>` whose value or label is made at run time (an id, a name).
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The choices `(value, label)`, the one whose value is `chosen` selected.
pub fn choices<'a>(
    items: impl IntoIterator<Item = (&'a str, &'a str)>,
    chosen: &str,
) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(v, l)| Choice {
            value: v.to_string(),
            label: l.to_string(),
            selected: v == chosen,
        })
        .collect()
}

/// An option of a `<select>`.
pub struct Opt {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// The options of a select over `all`, the one whose code is `cur` selected.
pub fn opts<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
    cur: &str,
) -> Vec<Opt> {
    all.iter()
        .map(|x| Opt {
            value: code(*x),
            label: label(*x),
            selected: code(*x) == cur,
        })
        .collect()
}

/// Problems of a form, each for the field it sits next to.
#[derive(Debug, Clone, Default)]
pub struct FieldErrors(pub Vec<(&'static str, String)>);

impl FieldErrors {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Vec<(&'static str, String)>> for FieldErrors {
    fn from(v: Vec<(&'static str, String)>) -> Self {
        FieldErrors(v)
    }
}

/// A redirect after a successful form, with a one-time message for the next page.
pub fn redirect_with_flash(to: &str, code: &'static str, secure: bool) -> Response {
    let mut res = axum::response::Redirect::to(to).into_response();
    res.headers_mut().append(
        axum::http::header::SET_COOKIE,
        crate::cookies::set(crate::cookies::FLASH, code, Some(60), secure),
    );
    res
}

/// Renders a template to an HTML response.
pub fn render(t: impl askama::Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => crate::error::AppError::from(e).into_response(),
    }
}

/// A stored ISO date (`yyyy-mm-dd`) as officials write it, `dd/mm/yyyy`.
pub fn iso_to_vn(iso: &str) -> String {
    let p: Vec<&str> = iso.split('-').collect();
    if p.len() == 3 {
        format!("{}/{}/{}", p[2], p[1], p[0])
    } else {
        iso.to_string()
    }
}

/// `dd/mm/yyyy HH:MM`.
pub fn when(ms: impl AsI64) -> String {
    domain::dates::format_millis(ms.as_i64())
}

/// An `i64` behind any number of references (templates bind by reference).
pub trait AsI64 {
    fn as_i64(&self) -> i64;
}

impl AsI64 for i64 {
    fn as_i64(&self) -> i64 {
        *self
    }
}

impl<T: AsI64 + ?Sized> AsI64 for &T {
    fn as_i64(&self) -> i64 {
        (**self).as_i64()
    }
}

/// `1.234` — thousands grouped the Vietnamese way.
pub fn num(n: impl AsI64) -> String {
    let s = domain::money::Dong(n.as_i64()).to_string();
    s.trim_end_matches(" đ").to_string()
}

/// Links for a paged list: the query string of the current request with `page`
/// replaced.
pub fn page_href(path: &str, query: &[(&str, String)], page: i64) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in query {
        if !v.is_empty() && *k != "page" {
            ser.append_pair(k, v);
        }
    }
    if page > 1 {
        ser.append_pair("page", &page.to_string());
    }
    let q = ser.finish();
    if q.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{q}")
    }
}

/// A pager for list templates.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub fn new(path: &str, query: &[(&str, String)], page: i64, pages: i64, total: i64) -> Pager {
        Pager {
            page,
            pages,
            total,
            prev: (page > 1).then(|| page_href(path, query, page - 1)),
            next: (page < pages).then(|| page_href(path, query, page + 1)),
        }
    }
}

/// A local path to go back to after login or a language switch; anything else is `/`.
/// A path on this site only: it starts with one `/`, has no backslash (browsers read
/// `/\\host` as another site) and no control or white-space character (browsers drop
/// tabs and newlines, so `/\t/host` becomes `//host`; and a header cannot carry them).
/// Letters outside ASCII (a search in Vietnamese) are percent-encoded.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(n) = next else {
        return "/".to_string();
    };
    let local = n.starts_with('/')
        && !n.starts_with("//")
        && !n.contains('\\')
        && !n.chars().any(|c| c.is_control() || c.is_whitespace())
        && !n.starts_with("/login");
    if !local {
        return "/".to_string();
    }
    let mut out = String::with_capacity(n.len());
    for c in n.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_local_only() {
        assert_eq!(safe_next(Some("/units?page=2")), "/units?page=2");
        assert_eq!(safe_next(Some("/@evil.example")), "/@evil.example");
        assert_eq!(
            safe_next(Some("/schools?q=đắk mil")),
            "/",
            "white space is refused"
        );
        assert_eq!(
            safe_next(Some("/schools?q=đắk+mil")),
            "/schools?q=%C4%91%E1%BA%AFk+mil"
        );
        // Known open-redirect bypasses (OWASP, PortSwigger's cheat sheet).
        for evil in [
            "//evil.example",
            "///evil.example",
            "////evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\\/evil.example",
            "\\/evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\r\n/evil.example",
            "/\u{0}/evil.example",
            "/\u{b}/evil.example",
            "/\u{c}/evil.example",
            "/\u{7f}/evil.example",
            "/\u{a0}/evil.example",
            "/\u{3000}/evil.example",
            " /evil.example",
            "\t//evil.example",
            "https://evil.example",
            "http:evil.example",
            "https:/evil.example",
            "javascript:alert(1)",
            "data:text/html,x",
            "evil.example",
            ".evil.example",
            "",
            "/login?next=//evil.example",
        ] {
            assert_eq!(safe_next(Some(evil)), "/", "{evil:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn numbers_group_with_dots() {
        assert_eq!(num(18000), "18.000");
        assert_eq!(num(7), "7");
    }

    #[test]
    fn page_links_keep_filters() {
        let q = [
            ("q", "đắk mil".to_string()),
            ("page", "3".into()),
            ("level", String::new()),
        ];
        assert_eq!(
            page_href("/schools", &q, 2),
            "/schools?q=%C4%91%E1%BA%AFk+mil&page=2"
        );
        assert_eq!(
            page_href("/schools", &q, 1),
            "/schools?q=%C4%91%E1%BA%AFk+mil"
        );
    }
}

/// A person as a page names them: a user's full name is kept as it is; an action of the
/// command line (`system:demo:root`, `system:cli`) reads as the system, with what ran it.
/// The Board's name as its printed minutes write it.
pub const BOARD_NAME: &str = "Ban Tiếp nhận, điều phối máy tính";

/// The letterhead of the Board's printed minutes (receipts, stocktakes): the province's
/// Department above the Board, and the province's name before the date.
pub fn board_letterhead(province: &str) -> pdf::Letterhead {
    pdf::Letterhead {
        parent_body: format!("Sở Giáo dục và Đào tạo {province}"),
        issuing_body: BOARD_NAME.to_string(),
        place_name: province.to_string(),
    }
}

pub fn person(name: &str, lang: Lang) -> String {
    match name.strip_prefix("system:") {
        Some(rest) => {
            let what = rest.split(':').next().unwrap_or("");
            let label = match what {
                "demo" => lang.pick("dữ liệu mẫu", "demo data"),
                "cli" => lang.pick("dòng lệnh", "command line"),
                _ => lang.pick("tác vụ hệ thống", "system task"),
            };
            format!("{} ({label})", lang.pick("Hệ thống", "System"))
        }
        None => name.to_string(),
    }
}

#[cfg(test)]
mod person_tests {
    use super::*;

    #[test]
    fn system_actors_read_as_the_system() {
        assert_eq!(
            person("system:demo:root", Lang::Vi),
            "Hệ thống (dữ liệu mẫu)"
        );
        assert_eq!(person("system:cli", Lang::En), "System (command line)");
        assert_eq!(person("Nguyễn Thị Mai", Lang::Vi), "Nguyễn Thị Mai");
    }
}
