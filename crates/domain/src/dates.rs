//! Dates and times as Vietnamese officials read them: day before month, Vietnam time (UTC+7).

use time::{
    Date, Month, OffsetDateTime, UtcOffset, format_description::BorrowedFormatItem,
    macros::format_description,
};

/// Vietnam has used UTC+7 without daylight saving since 1975.
pub const VIETNAM: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(o) => o,
    Err(_) => panic!("valid offset"),
};

const DATE: &[BorrowedFormatItem<'static>] = format_description!("[day]/[month]/[year]");
const DATE_TIME: &[BorrowedFormatItem<'static>] =
    format_description!("[day]/[month]/[year] [hour]:[minute]");

/// Milliseconds since the Unix epoch, the one timestamp form stored in the database.
pub type Millis = i64;

pub fn now_millis() -> Millis {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

pub fn from_millis(ms: Millis) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Today in Vietnam.
pub fn today() -> Date {
    local_date(now_millis())
}

/// The day an instant falls on in Vietnam.
pub fn local_date(ms: Millis) -> Date {
    from_millis(ms).to_offset(VIETNAM).date()
}
/// Day-first dates as officials type them: `d/m/yyyy`, `d-m-yyyy`, `dd.mm.yyyy`, and the
/// ISO `yyyy-mm-dd`. Never month first.
pub fn parse_date(s: &str) -> Option<Date> {
    let t = s.trim();
    let parts: Vec<&str> = t.split(['/', '-', '.']).map(str::trim).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let (d, m, y) = if parts[0].len() == 4 && t.contains('-') {
        (parts[2], parts[1], parts[0])
    } else if parts[2].len() == 4 {
        (parts[0], parts[1], parts[2])
    } else {
        return None;
    };
    if d.len() > 2 || m.len() > 2 {
        return None;
    }
    let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

/// `dd/mm/yyyy`.
pub fn format_date(d: Date) -> String {
    d.format(DATE).unwrap_or_default()
}

/// `dd/mm/yyyy HH:MM` in Vietnam time.
pub fn format_millis(ms: Millis) -> String {
    from_millis(ms)
        .to_offset(VIETNAM)
        .format(DATE_TIME)
        .unwrap_or_default()
}

/// RFC 3339 in UTC, for JSON.
pub fn rfc3339_millis(ms: Millis) -> String {
    from_millis(ms)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_are_day_first() {
        assert_eq!(parse_date("12-9-2011"), Some(date!(2011 - 09 - 12)));
        assert_eq!(parse_date("26.03.2011"), Some(date!(2011 - 03 - 26)));
        assert_eq!(parse_date("10/11/2009"), Some(date!(2009 - 11 - 10)));
        assert_eq!(parse_date("2010-02-22"), Some(date!(2010 - 02 - 22)));
        assert_eq!(parse_date("31/02/2011"), None);
        assert_eq!(parse_date("13/13/2011"), None);
        assert_eq!(parse_date("2011/02/03"), None);
        assert_eq!(parse_date("1/2/11"), None);
        assert_eq!(parse_date("hôm qua"), None);
    }

    #[test]
    fn day_comes_before_month() {
        assert_eq!(format_date(date!(2022 - 01 - 26)), "26/01/2022");
    }

    #[test]
    fn times_are_shown_in_vietnam_time() {
        // 2022-01-26T17:30:00Z is 00:30 on the 27th in Vietnam.
        let ms = 1_643_218_200_000;
        assert_eq!(format_millis(ms), "27/01/2022 00:30");
        assert_eq!(rfc3339_millis(ms), "2022-01-26T17:30:00Z");
    }
}
