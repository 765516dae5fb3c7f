//! Every route × every role: allowed, forbidden, or out of scope (shown as not found).
//! The expectations below are the permission policy written out by hand; the test fails
//! when the app has a route this table does not list, or the other way round.

use crate::common::{ACTORS, TestApp};
use reqwest::StatusCode;
use std::collections::{BTreeSet, HashMap};

/// Outcome letters, one per role in `ACTORS` order
/// (admin, so_gddt, ban_dieu_phoi, phong_gddt, truong, so_tttt, so_tai_chinh, mttq, ubnd_tinh):
/// `A` allowed, `F` forbidden (403), `N` out of scope (404).
/// The third column is the same route on a target outside a district office's and a
/// school's scope (another district's school, or a user there); empty when the route
/// has no target. The last column is for somebody not logged in: `A` or `L` (sent to
/// log in: 303 to /login for pages, 401 for the API).
const POLICY: &[(&str, &str, &str, &str, char)] = &[
    ("GET", "/login", "AAAAAAAAA", "", 'A'),
    ("POST", "/login", "AAAAAAAAA", "", 'A'),
    ("POST", "/logout", "AAAAAAAAA", "", 'L'),
    ("GET", "/lang/{code}", "AAAAAAAAA", "", 'A'),
    ("GET", "/healthz", "AAAAAAAAA", "", 'A'),
    ("GET", "/readyz", "AAAAAAAAA", "", 'A'),
    ("GET", "/static/{file}", "AAAAAAAAA", "", 'A'),
    // The public portal: figures, the statement, trace, open data; no login.
    ("GET", "/cong-khai", "AAAAAAAAA", "", 'A'),
    ("GET", "/cong-khai/tra-cuu", "AAAAAAAAA", "", 'A'),
    ("GET", "/cong-khai/sao-ke", "AAAAAAAAA", "", 'A'),
    ("GET", "/cong-khai/du-lieu", "AAAAAAAAA", "", 'A'),
    (
        "GET",
        "/cong-khai/du-lieu/tong-hop.json",
        "AAAAAAAAA",
        "",
        'A',
    ),
    (
        "GET",
        "/cong-khai/du-lieu/tong-hop.schema.json",
        "AAAAAAAAA",
        "",
        'A',
    ),
    (
        "GET",
        "/cong-khai/du-lieu/tong-hop.csv",
        "AAAAAAAAA",
        "",
        'A',
    ),
    ("GET", "/cong-khai/du-lieu/sao-ke.csv", "AAAAAAAAA", "", 'A'),
    (
        "GET",
        "/cong-khai/du-lieu/mua-sam.json",
        "AAAAAAAAA",
        "",
        'A',
    ),
    // The public log: open data, no login.
    ("GET", "/cong-khai/nhat-ky", "AAAAAAAAA", "", 'A'),
    ("GET", "/cong-khai/nhat-ky/checkpoint", "AAAAAAAAA", "", 'A'),
    (
        "GET",
        "/cong-khai/nhat-ky/checkpoints.json",
        "AAAAAAAAA",
        "",
        'A',
    ),
    ("GET", "/cong-khai/nhat-ky/key", "AAAAAAAAA", "", 'A'),
    (
        "GET",
        "/cong-khai/nhat-ky/inclusion.json",
        "AAAAAAAAA",
        "",
        'A',
    ),
    (
        "GET",
        "/cong-khai/nhat-ky/consistency.json",
        "AAAAAAAAA",
        "",
        'A',
    ),
    ("GET", "/", "AAAAAAAAA", "", 'L'),
    ("GET", "/units", "AAAAAAAAA", "", 'L'),
    ("GET", "/units/new", "AAFFFFFFF", "", 'L'),
    ("POST", "/units", "AAFFFFFFF", "", 'L'),
    ("GET", "/units/{code}", "AAAAAAAAA", "AAANNAAAA", 'L'),
    ("GET", "/units/{code}/edit", "AAFFFFFFF", "AAFFFFFFF", 'L'),
    ("POST", "/units/{code}", "AAFFFFFFF", "AAFFFFFFF", 'L'),
    ("GET", "/schools", "AAAAAAAAA", "", 'L'),
    ("GET", "/students", "AAAAAAAAA", "", 'L'),
    ("GET", "/students/board-approve", "FFAFFFFFF", "", 'L'),
    ("POST", "/students/board-approve", "FFAFFFFFF", "", 'L'),
    (
        "GET",
        "/students/school/{code}",
        "FAAAAFFFF",
        "FAANNFFFF",
        'L',
    ),
    (
        "POST",
        "/students/school/{code}",
        "FAAAAFFFF",
        "FAANNFFFF",
        'L',
    ),
    (
        "GET",
        "/students/school/{code}/confirm",
        "FAAAAFFFF",
        "FAANNFFFF",
        'L',
    ),
    (
        "POST",
        "/students/school/{code}/confirm",
        "FAAAAFFFF",
        "FAANNFFFF",
        'L',
    ),
    (
        "GET",
        "/students/school/{code}/import",
        "FAFAAFFFF",
        "FAFNNFFFF",
        'L',
    ),
    (
        "POST",
        "/students/school/{code}/import",
        "FAFAAFFFF",
        "FAFNNFFFF",
        'L',
    ),
    (
        "POST",
        "/students/school/{code}/uploads/{id}/confirm",
        "FAFAAFFFF",
        "FAFNNFFFF",
        'L',
    ),
    (
        "GET",
        "/students/school/{code}/new",
        "FAFAAFFFF",
        "FAFNNFFFF",
        'L',
    ),
    (
        "POST",
        "/students/school/{code}/new",
        "FAFAAFFFF",
        "FAFNNFFFF",
        'L',
    ),
    (
        "GET",
        "/students/school/{code}/export.xlsx",
        "FAAAAFFFF",
        "FAANNFFFF",
        'L',
    ),
    ("GET", "/students/export.xlsx", "FAAAAFFFF", "", 'L'),
    ("GET", "/students/{id}", "FAAAAFFFF", "FAANNFFFF", 'L'),
    ("GET", "/students/{id}/edit", "FAFAAFFFF", "FAFNNFFFF", 'L'),
    ("POST", "/students/{id}", "FAFAAFFFF", "FAFNNFFFF", 'L'),
    (
        "POST",
        "/students/{id}/withdraw",
        "FAFAAFFFF",
        "FAFNNFFFF",
        'L',
    ),
    (
        "POST",
        "/students/{id}/evidence",
        "FAFAAFFFF",
        "FAFNNFFFF",
        'L',
    ),
    (
        "POST",
        "/students/{id}/remove-evidence",
        "FAFAAFFFF",
        "FAFNNFFFF",
        'L',
    ),
    (
        "GET",
        "/students/{id}/evidence/{evidence}",
        "FAAAAFFFF",
        "FAANNFFFF",
        'L',
    ),
    (
        "POST",
        "/students/{id}/flags/{kind}/resolve",
        "FAAAFFFFF",
        "FAANFFFFF",
        'L',
    ),
    ("GET", "/allocation", "AAAAFFAAA", "", 'L'),
    ("POST", "/allocation", "FFAFFFFFF", "", 'L'),
    ("GET", "/allocation/{id}", "AAAAFFAAA", "", 'L'),
    ("POST", "/allocation/{id}/approve", "FFAFFFFFF", "", 'L'),
    ("POST", "/allocation/{id}/execute", "FFAFFFFFF", "", 'L'),
    ("POST", "/allocation/{id}/discard", "FFAFFFFFF", "", 'L'),
    ("GET", "/handover", "AAAAAFAAA", "", 'L'),
    ("POST", "/handover", "FFAAAFFFF", "", 'L'),
    ("GET", "/handover/new", "FFAAAFFFF", "", 'L'),
    ("GET", "/handover/check", "FFAAAFFFF", "", 'L'),
    // No minutes exist in this fixture: an allowed role finds none (the store test and
    // the flows test walk real minutes); a forbidden one is refused first.
    ("GET", "/handover/{id}", "NNNNNFNNN", "", 'L'),
    ("GET", "/handover/{id}/pdf", "NNNNNFNNN", "", 'L'),
    ("GET", "/handover/{id}/signature.png", "NNNNNFNNN", "", 'L'),
    ("GET", "/handover/{id}/signature.svg", "NNNNNFNNN", "", 'L'),
    ("GET", "/handover/{id}/scan", "NNNNNFNNN", "", 'L'),
    // A signed form is multipart: an empty body is refused as malformed (400).
    ("POST", "/handover/{id}/confirm", "FFAAAFFFF", "", 'L'),
    ("POST", "/handover/{id}/cancel", "FFNNNFFFF", "", 'L'),
    // The students' handover and CSDL ngành are a school's pages.
    ("GET", "/handover/students", "FFNNAFFFF", "", 'L'),
    (
        "GET",
        "/handover/students/{id}",
        "FFNNAFFFF",
        "FFNNNFFFF",
        'L',
    ),
    (
        "POST",
        "/handover/students/{id}",
        "FFAAAFFFF",
        "FFANNFFFF",
        'L',
    ),
    (
        "POST",
        "/handover/students/{id}/return",
        "FFAAAFFFF",
        "FFANNFFFF",
        'L',
    ),
    ("GET", "/handover/csdl", "FFNNAFFFF", "", 'L'),
    ("POST", "/handover/csdl", "FFNNAFFFF", "", 'L'),
    ("GET", "/handover/csdl.xlsx", "FFNNAFFFF", "", 'L'),
    ("POST", "/handover/csdl/upload", "FFAAAFFFF", "", 'L'),
    // The ledger: read by those who raise, spend, approve and oversee the money.
    ("GET", "/ledger", "FAAFFFAAA", "", 'L'),
    ("GET", "/ledger/entries", "FAAFFFAAA", "", 'L'),
    ("GET", "/ledger/entries/{id}", "FNNFFFNNN", "", 'L'),
    ("GET", "/ledger/entries.csv", "FAAFFFAAA", "", 'L'),
    ("GET", "/gifts.csv", "FAAFFFAAA", "", 'L'),
    ("GET", "/gifts.xlsx", "FAAFFFAAA", "", 'L'),
    ("GET", "/ledger/entries.xlsx", "FAAFFFAAA", "", 'L'),
    // The archive: every role that works with papers; offices and schools within their
    // scope (the store test checks the scope).
    ("GET", "/archive", "FAAAAAAAA", "", 'L'),
    // Reports: every role, of its own scope (a unit outside it is refused with 400; the
    // reports test checks it).
    ("GET", "/reports", "AAAAAAAAA", "", 'L'),
    ("GET", "/reports/progress.xlsx", "AAAAAAAAA", "", 'L'),
    ("GET", "/reports/progress.pdf", "AAAAAAAAA", "", 'L'),
    // Procurement: read by the province-level roles that buy, pay, oversee or appraise;
    // recorded by the Sở and the Board; payments approved by Finance alone.
    ("GET", "/procurement", "FAAFFAAAA", "", 'L'),
    ("GET", "/procurement/new", "FAAFFFFFF", "", 'L'),
    ("POST", "/procurement", "FAAFFFFFF", "", 'L'),
    ("GET", "/procurement/ocds.json", "FAAFFAAAA", "", 'L'),
    ("GET", "/procurement/spending.csv", "FAAFFAAAA", "", 'L'),
    ("GET", "/procurement/spending.xlsx", "FAAFFAAAA", "", 'L'),
    ("GET", "/procurement/thresholds", "FAAFFAAAA", "", 'L'),
    ("POST", "/procurement/thresholds", "FAAFFFFFF", "", 'L'),
    ("GET", "/procurement/payments", "FAAFFAAAA", "", 'L'),
    ("POST", "/procurement/payments/{id}", "FFFFFFAFF", "", 'L'),
    ("GET", "/procurement/{id}", "FNNFFNNNN", "", 'L'),
    (
        "GET",
        "/procurement/{id}/deliveries/{d}/bien-ban-nghiem-thu.pdf",
        "FNNFFNNNN",
        "",
        'L',
    ),
    (
        "GET",
        "/procurement/{id}/documents/{doc}",
        "FNNFFNNNN",
        "",
        'L',
    ),
    ("POST", "/procurement/{id}/selection", "FNNFFFFFF", "", 'L'),
    ("POST", "/procurement/{id}/bids", "FNNFFFFFF", "", 'L'),
    ("POST", "/procurement/{id}/award", "FNNFFFFFF", "", 'L'),
    ("POST", "/procurement/{id}/contract", "FNNFFFFFF", "", 'L'),
    ("POST", "/procurement/{id}/deliveries", "FNNFFFFFF", "", 'L'),
    (
        "POST",
        "/procurement/{id}/deliveries/{d}/acceptance",
        "FNNFFFFFF",
        "",
        'L',
    ),
    ("POST", "/procurement/{id}/invoices", "FNNFFFFFF", "", 'L'),
    ("POST", "/procurement/{id}/payments", "FNNFFFFFF", "", 'L'),
    ("POST", "/procurement/{id}/close", "FNNFFFFFF", "", 'L'),
    ("POST", "/procurement/{id}/cancel", "FNNFFFFFF", "", 'L'),
    ("POST", "/procurement/{id}/documents", "FAAFFFFFF", "", 'L'),
    // Cash gifts: the Department and the Front record them (each its own channels).
    // Campaigns: read with the money, set up by those who record gifts (each its own
    // organiser, which the ledger test checks).
    ("GET", "/campaigns", "FAAFFFAAA", "", 'L'),
    ("GET", "/campaigns/new", "FAAFFFFAF", "", 'L'),
    ("POST", "/campaigns", "FAAFFFFAF", "", 'L'),
    ("GET", "/campaigns/{id}", "FNNFFFNNN", "", 'L'),
    ("GET", "/gifts", "FAAFFFAAA", "", 'L'),
    ("GET", "/gifts/new", "FAAFFFFAF", "", 'L'),
    ("POST", "/gifts", "FAAFFFFAF", "", 'L'),
    // The transfers are the Front's own: the handler refuses the Department.
    ("POST", "/gifts/transfers", "FFFFFFFAF", "", 'L'),
    ("GET", "/gifts/{id}", "FNNFFFNNN", "", 'L'),
    ("POST", "/gifts/{id}/receive", "FNNFFFFNF", "", 'L'),
    ("GET", "/gifts/{id}/giay-xac-nhan.pdf", "FNNFFFNNN", "", 'L'),
    // Reconciliation: the Department imports its account's statements, the Front its own.
    ("GET", "/reconciliation", "FAAFFFAAA", "", 'L'),
    ("POST", "/reconciliation", "FAAFFFFAF", "", 'L'),
    ("GET", "/reconciliation/{id}", "FNNFFFNNN", "", 'L'),
    ("POST", "/reconciliation/lines/{id}", "FNNFFFFNF", "", 'L'),
    ("GET", "/dedup", "FAAAFFFFF", "", 'L'),
    ("POST", "/dedup/run", "FAAAFFFFF", "", 'L'),
    ("POST", "/dedup/{id}", "FAAAFFFFF", "", 'L'),
    ("GET", "/households", "FAAAFFFFF", "", 'L'),
    ("POST", "/households/import", "FAFAFFFFF", "", 'L'),
    (
        "POST",
        "/households/uploads/{id}/{year}/confirm",
        "FAFAFFFFF",
        "",
        'L',
    ),
    ("GET", "/devices", "AAAFFAAAA", "", 'L'),
    ("GET", "/devices/models/{id}", "AAAFFAAAA", "", 'L'),
    ("GET", "/devices/profiles", "AAAFFAAAA", "", 'L'),
    ("POST", "/devices/profiles/{kind}", "FFFFFAFFF", "", 'L'),
    ("GET", "/devices/batches", "AAAFFAAAA", "", 'L'),
    ("GET", "/devices/appraisals", "AAAFFAAAA", "", 'L'),
    ("GET", "/devices/stocktakes/{id}", "AAAFFAAAA", "", 'L'),
    (
        "GET",
        "/devices/stocktakes/{id}/bien-ban.pdf",
        "AAAFFAAAA",
        "",
        'L',
    ),
    ("POST", "/devices/appraisals", "FFFFFAFFF", "", 'L'),
    (
        "GET",
        "/devices/appraisals/{id}/documents/{doc}",
        "AAAFFAAAA",
        "",
        'L',
    ),
    ("POST", "/devices/batches/stock-in", "FFAFFFFFF", "", 'L'),
    ("GET", "/devices/intake", "FFAFFFFFF", "", 'L'),
    ("POST", "/devices/intake", "FFAFFFFFF", "", 'L'),
    ("POST", "/devices/intake/file", "FFAFFFFFF", "", 'L'),
    ("GET", "/devices/intake/check", "FFAFFFFFF", "", 'L'),
    ("GET", "/devices/stocktake", "AAAFFAAAA", "", 'L'),
    ("POST", "/devices/stocktake", "AAAFFAAAA", "", 'L'),
    ("GET", "/devices/find", "AAAFFAAAA", "", 'L'),
    ("GET", "/devices/serial/{serial}", "AAAFFAAAA", "", 'L'),
    ("GET", "/donors", "AAAFFAAAA", "", 'L'),
    ("GET", "/donors/new", "FFAFFFFFF", "", 'L'),
    ("POST", "/donors", "FFAFFFFFF", "", 'L'),
    ("GET", "/donors/{id}", "AAAFFAAAA", "", 'L'),
    ("POST", "/donors/{id}", "FFAFFFFFF", "", 'L'),
    ("GET", "/donations", "AAAFFAAAA", "", 'L'),
    ("GET", "/donations/new", "FFAFFFFFF", "", 'L'),
    ("POST", "/donations", "FFAFFFFFF", "", 'L'),
    ("GET", "/donations/{id}", "AAAFFAAAA", "", 'L'),
    ("GET", "/donations/{id}/bien-ban.pdf", "AAAFFAAAA", "", 'L'),
    ("POST", "/donations/{id}/documents", "FFAFFFFFF", "", 'L'),
    (
        "GET",
        "/donations/{id}/documents/{doc}",
        "AAAFFAAAA",
        "",
        'L',
    ),
    ("GET", "/account", "AAAAAAAAA", "", 'L'),
    ("GET", "/account/password", "AAAAAAAAA", "", 'L'),
    ("POST", "/account/password", "AAAAAAAAA", "", 'L'),
    ("POST", "/account/api-keys", "AAAAAAAAA", "", 'L'),
    (
        "POST",
        "/account/api-keys/{id}/revoke",
        "AAAAAAAAA",
        "",
        'L',
    ),
    ("GET", "/admin/users", "AFFFFFFFF", "", 'L'),
    ("GET", "/admin/users/new", "AFFFFFFFF", "", 'L'),
    ("POST", "/admin/users", "AFFFFFFFF", "", 'L'),
    ("GET", "/admin/users/{id}", "AFFFFFFFF", "AFFFFFFFF", 'L'),
    ("POST", "/admin/users/{id}", "AFFFFFFFF", "AFFFFFFFF", 'L'),
    (
        "POST",
        "/admin/users/{id}/reset-password",
        "AFFFFFFFF",
        "AFFFFFFFF",
        'L',
    ),
    (
        "POST",
        "/admin/users/{id}/unlock",
        "AFFFFFFFF",
        "AFFFFFFFF",
        'L',
    ),
    ("GET", "/admin/audit", "AFFFFFFFF", "", 'L'),
    ("GET", "/admin/audit/verify", "AFFFFFFFF", "", 'L'),
    // Signal: places and organisations, read by everyone signed in.
    ("GET", "/signal", "AAAAAAAAA", "", 'L'),
    (
        "GET",
        "/signal/truong-chua-co-internet.xlsx",
        "AAAAAAAAA",
        "",
        'L',
    ),
    (
        "GET",
        "/signal/schools/{code}",
        "AAAAAAAAA",
        "AAANNAAAA",
        'L',
    ),
    (
        "POST",
        "/signal/schools/{code}",
        "FAFAAFFFF",
        "FAFNNFFFF",
        'L',
    ),
    ("GET", "/signal/zones", "AAAAAAAAA", "", 'L'),
    ("GET", "/signal/zones/new", "FAFAAAFFF", "", 'L'),
    ("POST", "/signal/zones", "FAFAAAFFF", "", 'L'),
    (
        "GET",
        "/signal/zones/vung-lom-song.xlsx",
        "AAAAAAAAA",
        "",
        'L',
    ),
    ("GET", "/signal/zones/{id}", "NNNNNNNNN", "", 'L'),
    ("POST", "/signal/zones/{id}/steps", "FFFFFNFFF", "", 'L'),
    ("GET", "/signal/sims", "AAAAAAAAA", "", 'L'),
    ("POST", "/signal/sims", "FFFAAFFFF", "", 'L'),
    ("GET", "/signal/platforms", "AAAAAAAAA", "", 'L'),
    ("POST", "/signal/platforms", "FAFFFFFFF", "", 'L'),
    // After-care: sessions and tickets of one's scope; names only for the lists' roles.
    ("GET", "/aftercare", "AAAAAAAAA", "", 'L'),
    ("GET", "/aftercare/trainings/new", "FAFAAFFFF", "", 'L'),
    ("POST", "/aftercare/trainings", "FAFAAFFFF", "", 'L'),
    ("GET", "/aftercare/trainings/{id}", "NNNNNNNNN", "", 'L'),
    (
        "POST",
        "/aftercare/trainings/{id}/attendees",
        "FAFAAFFFF",
        "",
        'L',
    ),
    (
        "POST",
        "/aftercare/trainings/{id}/materials",
        "FAFAAFFFF",
        "",
        'L',
    ),
    (
        "GET",
        "/aftercare/trainings/{id}/materials/{doc}",
        "NNNNNNNNN",
        "",
        'L',
    ),
    ("GET", "/aftercare/repairs", "AAAAAAAAA", "", 'L'),
    ("POST", "/aftercare/repairs", "FFAAAFFFF", "", 'L'),
    ("GET", "/aftercare/repairs/{id}", "NNNNNNNNN", "", 'L'),
    (
        "POST",
        "/aftercare/repairs/{id}/steps",
        "FFNNNFFFF",
        "",
        'L',
    ),
    ("GET", "/aftercare/defects", "AAAAAAAAA", "", 'L'),
    ("GET", "/api/v1/openapi.json", "AAAAAAAAA", "", 'A'),
    ("GET", "/api/v1/me", "AAAAAAAAA", "", 'L'),
    ("GET", "/api/v1/units", "AAAAAAAAA", "", 'L'),
    ("GET", "/api/v1/units/{code}", "AAAAAAAAA", "AAANNAAAA", 'L'),
    ("GET", "/api/v1/users", "AFFFFFFFF", "", 'L'),
    ("POST", "/api/v1/users", "AFFFFFFFF", "", 'L'),
    ("GET", "/api/v1/users/{id}", "AFFFFFFFF", "AFFFFFFFF", 'L'),
    ("GET", "/api/v1/audit/verify", "AFFFFFFFF", "", 'L'),
    ("GET", "/api/v1/students", "FAAAAFFFF", "", 'L'),
    ("GET", "/api/v1/students/counts", "AAAAAAAAA", "", 'L'),
];

#[test]
fn the_policy_lists_every_route_and_only_routes() {
    let app: BTreeSet<(String, String)> = web::routes::table()
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    let policy: BTreeSet<(String, String)> = POLICY
        .iter()
        .map(|(m, p, ..)| (m.to_string(), p.to_string()))
        .collect();
    let missing: Vec<_> = app.difference(&policy).collect();
    let stale: Vec<_> = policy.difference(&app).collect();
    assert!(
        missing.is_empty(),
        "routes without an expectation in POLICY: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "POLICY lists routes the app does not have: {stale:?}"
    );
    assert_eq!(app.len(), POLICY.len(), "no route listed twice");
}

struct Targets {
    code_in: &'static str,
    code_out: &'static str,
    user_in: i64,
    user_out: i64,
    /// A student of `code_in` and one of `code_out`, each with an evidence file.
    student_in: (i64, i64),
    student_out: (i64, i64),
    /// Each actor's own API key id, for the revoke route.
    keys: HashMap<&'static str, i64>,
    /// A device model.
    model: i64,
    /// A donor, a receipt with a document, an appraisal with a document.
    donor: i64,
    donation: (i64, i64),
    appraisal: (i64, i64),
    /// A kept stocktake.
    stocktake: i64,
    /// A draft allocation run.
    run: i64,
}

fn concrete(path: &str, out: bool, actor: &str, t: &Targets) -> String {
    if path == "/lang/{code}" {
        return "/lang/en?next=/".into();
    }
    let code = if out { t.code_out } else { t.code_in };
    let user = if out { t.user_out } else { t.user_in };
    let key = t.keys.get(actor).copied().unwrap_or(0);
    if path.starts_with("/allocation/") {
        return path.replace("{id}", &t.run.to_string());
    }
    if path.starts_with("/handover/students/{id}") {
        let (student, _) = if out { t.student_out } else { t.student_in };
        return path.replace("{id}", &student.to_string());
    }
    if path.starts_with("/procurement/") {
        return path
            .replace("{id}", "987654")
            .replace("{d}", "987654")
            .replace("{doc}", "987654");
    }
    if path.starts_with("/signal/zones/{id}") || path.starts_with("/aftercare/") {
        return path.replace("{id}", "987654").replace("{doc}", "987654");
    }
    if path.starts_with("/handover/")
        || path.starts_with("/ledger/")
        || path.starts_with("/gifts/")
        || path.starts_with("/campaigns/")
    {
        return path.replace("{id}", "987654");
    }
    if path.starts_with("/devices/stocktakes/") {
        return path.replace("{id}", &t.stocktake.to_string());
    }
    if path.starts_with("/devices/appraisals/") {
        return path
            .replace("{id}", &t.appraisal.0.to_string())
            .replace("{doc}", &t.appraisal.1.to_string());
    }
    if path.starts_with("/donations/") {
        return path
            .replace("{id}", &t.donation.0.to_string())
            .replace("{doc}", &t.donation.1.to_string());
    }
    if path.starts_with("/donors/") {
        return path.replace("{id}", &t.donor.to_string());
    }
    if path.starts_with("/devices/") {
        return path
            .replace("{id}", &t.model.to_string())
            .replace("{serial}", "AUTHZ-0001")
            .replace("{kind}", "tablet");
    }
    if path.starts_with("/students/{id}") {
        let (student, evidence) = if out { t.student_out } else { t.student_in };
        return path
            .replace("{id}", &student.to_string())
            .replace("{evidence}", &evidence.to_string())
            .replace("{kind}", "duplicate_code");
    }
    path.replace("{file}", "app.css")
        .replace("{code}", code)
        .replace("{id}/revoke", &format!("{key}/revoke"))
        .replace("{id}", &user.to_string())
}

async fn outcome(
    app: &TestApp,
    method: &str,
    path: &str,
    actor: Option<&str>,
) -> (StatusCode, String) {
    let client = match actor {
        Some(a) => app.session(a).await,
        None => app.visitor().await,
    };
    let res = match (method, path.starts_with("/api/")) {
        ("GET", _) => client.get(path).await,
        ("POST", true) => client.post_json(path, &serde_json::json!({})).await,
        ("POST", false) => client.post(path, &[]).await,
        _ => unreachable!(),
    };
    // Every answer of every route, whoever asks, carries the security headers.
    let h = res.headers();
    for (name, want) in [
        ("x-content-type-options", Some("nosniff")),
        ("x-frame-options", Some("DENY")),
        ("referrer-policy", Some("same-origin")),
        ("content-security-policy", None),
    ] {
        let got = h.get(name).and_then(|v| v.to_str().ok());
        assert!(
            got.is_some() && want.is_none_or(|w| got == Some(w)),
            "{method} {path} as {actor:?}: {name} is {got:?}"
        );
    }
    if let Some(csp) = h
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
    {
        // Pages run only the site's scripts and are never framed; a kept file served
        // back is sandboxed and runs nothing at all.
        let page = csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'");
        let file = csp.starts_with("sandbox") && csp.contains("default-src 'none'");
        assert!(page || file, "{method} {path}: {csp}");
    }
    let location = h
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (res.status(), location)
}

fn check(expect: char, public: bool, status: StatusCode, location: &str) -> bool {
    let to_login = status == StatusCode::SEE_OTHER
        && location.starts_with("/login")
        && !location.contains("logged_out");
    match expect {
        'A' => {
            status != StatusCode::FORBIDDEN
                && status != StatusCode::NOT_FOUND
                && (public || (status != StatusCode::UNAUTHORIZED && !to_login))
                && !status.is_server_error()
        }
        'F' => status == StatusCode::FORBIDDEN,
        'N' => status == StatusCode::NOT_FOUND,
        'L' => to_login || status == StatusCode::UNAUTHORIZED,
        _ => false,
    }
}

async fn every_route_for_every_role(app: &TestApp) {
    let mut keys = HashMap::new();
    for (name, ..) in ACTORS {
        let u = app.user(name).await;
        let (k, _) = app
            .db
            .store
            .create_api_key(&u.audit_actor(), &u, "matrix")
            .await
            .unwrap();
        keys.insert(name, k.id);
    }
    let mut students = Vec::new();
    for (code, file) in [
        ("67663001", "h1_truong_a.xlsx"),
        ("67666002", "h2_truong_b_tcvn3.xlsx"),
    ] {
        let school = app.unit(code).await;
        let bytes = crate::common::sample(file);
        let req = web::students::imports::ImportRequest {
            school: &school,
            round_id: None,
            file_name: file,
            sha256: String::new(),
            dry_run: false,
            read_first: false,
            lang: domain::Lang::Vi,
        };
        let sys = store::AuditActor::system("test");
        web::students::imports::import_students(
            &app.db.store,
            &sys,
            &req,
            std::io::Cursor::new(bytes),
        )
        .await
        .unwrap();
        let first = app
            .db
            .store
            .list_students(&school.path, &Default::default(), 1, 1)
            .await
            .unwrap()
            .items[0]
            .id;
        let evidence = app
            .db
            .store
            .add_evidence(
                &sys,
                first,
                "gcn.pdf",
                "application/pdf",
                b"%PDF-1.4 x".to_vec(),
            )
            .await
            .unwrap();
        students.push((first, evidence));
    }
    let store = &app.db.store;
    let system = store::AuditActor::system("test");
    let model = store::testing::add_tablet(store).await;
    let donor = store
        .save_donor(&system, None, &store::testing::organisation("Công ty A"))
        .await
        .unwrap();
    let donation_id = store
        .record_donation(
            &system,
            &domain::donations::Donation {
                donor_id: donor,
                minutes_no: "1/BB".into(),
                received_on: time::macros::date!(2022 - 03 - 05),
                place: "Gia Nghĩa".into(),
                donor_rep: domain::donations::Signatory {
                    name: "A".into(),
                    position: None,
                },
                board_rep: domain::donations::Signatory {
                    name: "B".into(),
                    position: None,
                },
                note: None,
                items: vec![domain::donations::DonationItem {
                    model_id: model,
                    quantity: 1,
                    condition: domain::donations::Condition::New,
                    unit_value: domain::money::Dong(1),
                    serials: vec![domain::donations::ItemSerial {
                        serial: "AUTHZ-0001".into(),
                        imei: None,
                    }],
                }],
            },
            domain::Lang::Vi,
        )
        .await
        .unwrap()
        .id
        .unwrap();
    let pdf = b"%PDF-1.4 test".to_vec();
    let donation_doc = store
        .add_document(
            &system,
            store::documents::DocumentOwner::Donation(donation_id),
            "a.pdf",
            "application/pdf",
            pdf.clone(),
        )
        .await
        .unwrap();
    let appraisal_id = store
        .appraise(
            &system,
            &domain::devices::appraisals::Appraisal {
                model_id: model,
                source: None,
                verdict: domain::devices::appraisals::Verdict::Pass,
                appraised_on: time::macros::date!(2022 - 03 - 10),
                notes: None,
            },
        )
        .await
        .unwrap()
        .id;
    let appraisal_doc = store
        .add_document(
            &system,
            store::documents::DocumentOwner::Appraisal(appraisal_id),
            "b.pdf",
            "application/pdf",
            pdf,
        )
        .await
        .unwrap();
    let donation = (donation_id, donation_doc);
    let appraisal = (appraisal_id, appraisal_doc);
    let found = store
        .stocktake(store::devices::Place::Board, &[])
        .await
        .unwrap();
    let stocktake = store
        .save_stocktake(
            &system,
            store::devices::Place::Board,
            "Kho Ban điều phối",
            &found,
        )
        .await
        .unwrap();
    // A draft run, written as the store writes one (the matrix tests the gate, not the
    // engine: allocation's own tests draft real runs).
    let round = store.current_round().await.unwrap().unwrap();
    let policy = serde_json::to_string(&domain::allocation::Policy::default()).unwrap();
    let summary = r#"{"units":[],"tiers":[],"pools":[],"unassigned":[],"fairness":[]}"#;
    store::testing::raw_execute(
        &app.db.url,
        &format!(
            "INSERT INTO allocation_runs (round_id, status, policy, seed, seed_commitment, inputs_sha256, outcome_sha256, devices, served, waiting, summary, created_by, created_at)
             VALUES ({}, 'draft', '{policy}', '{s}', '{s}', '{s}', '{s}', 0, 0, 0, '{summary}', 'test', 0)",
            round.id,
            s = "0".repeat(64)
        ),
    )
    .await
    .unwrap();
    let run: i64 = store.allocation_runs(None).await.unwrap()[0].id;
    let t = Targets {
        run,
        student_in: students[0],
        student_out: students[1],
        code_in: "67663001",
        code_out: "67666002",
        user_in: app.user("truong_nd_2").await.id,
        user_out: app.user("truong_kd").await.id,
        keys,
        model,
        donor,
        donation,
        appraisal,
        stocktake,
    };
    // One sequence of requests per role (and one anonymous), run side by side.
    let role = |who: Option<usize>| {
        let t = &t;
        async move {
            let mut failures = Vec::new();
            for (method, path, in_scope, out_scope, anon) in POLICY {
                let public = *anon == 'A';
                let Some(i) = who else {
                    let p = concrete(path, false, "", t);
                    let (status, loc) = outcome(app, method, &p, None).await;
                    if !check(*anon, public, status, &loc) {
                        failures.push(format!(
                            "{method} {p} anonymous: expected {anon}, got {status} {loc}"
                        ));
                    }
                    continue;
                };
                let actor = ACTORS[i].0;
                for (outs, expected) in [(false, in_scope), (true, out_scope)] {
                    let Some(e) = expected.chars().nth(i) else {
                        continue;
                    };
                    let p = concrete(path, outs, actor, t);
                    let (status, loc) = outcome(app, method, &p, Some(actor)).await;
                    if !check(e, public, status, &loc) {
                        failures.push(format!(
                            "{method} {p} as {actor}: expected {e}, got {status} {loc}"
                        ));
                    }
                }
            }
            failures
        }
    };
    let everyone = (0..ACTORS.len()).map(Some).chain([None]).map(role);
    let failures: Vec<String> = futures_util::future::join_all(everyone)
        .await
        .into_iter()
        .flatten()
        .collect();
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

web_tests!(every_route_for_every_role);
