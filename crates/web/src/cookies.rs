//! The few cookies the app sets: session, language, pre-login CSRF token, flash message.

use axum::http::{HeaderMap, HeaderValue, header};

pub const SESSION: &str = "smt_session";
pub const LANG: &str = "smt_lang";
pub const PRE_CSRF: &str = "smt_pre";
pub const FLASH: &str = "smt_flash";

pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

/// A `Set-Cookie` value. HttpOnly unless the page's script must read it (none do);
/// SameSite=Lax so that links from e-mail still open a logged-in page, while other
/// sites' forms never carry the cookie.
pub fn set(name: &str, value: &str, max_age_secs: Option<i64>, secure: bool) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age_secs {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static("invalid=1; Max-Age=0"))
}

pub fn clear(name: &str, secure: bool) -> HeaderValue {
    set(name, "", Some(0), secure)
}
