//! The ledger's pages: the trial balance's totals equal the store's and balance, at a date
//! and now, with what the contract reserves; the journal filtered by account and dates;
//! an entry with its postings and its reversal; a bad date said in words; the dashboard's
//! money figures for the roles that read them, and none for a school.

use crate::common::TestApp;
use domain::ledger::{BANK, DONATIONS, NewEntry, PAYABLE, Posting, Request, SPENDING};
use domain::money::Dong;
use reqwest::StatusCode;
use time::macros::date;

web_tests!(the_books_read_the_same_on_every_page);

fn pair(d: &str, c: &str, n: i64) -> Vec<Posting> {
    vec![Posting::debit(d, Dong(n)), Posting::credit(c, Dong(n))]
}

async fn the_books_read_the_same_on_every_page(app: &TestApp) {
    let store = &app.db.store;
    let actor = store::testing::system();
    let gift = |key: &str, day, n| {
        Request::Post(NewEntry {
            key: key.into(),
            date: day,
            memo: format!("Ủng hộ <b>{key}</b>"),
            postings: pair(BANK, DONATIONS, n),
            source: None,
        })
    };
    let a = store
        .ledger_post(&actor, &gift("g1", date!(2026 - 09 - 01), 12_500_000))
        .await
        .unwrap()
        .entry;
    store
        .ledger_post(&actor, &gift("g2", date!(2026 - 10 - 01), 7_000_000))
        .await
        .unwrap();
    let reversal = store
        .ledger_post(
            &actor,
            &Request::Reverse {
                key: "r1".into(),
                date: date!(2026 - 10 - 02),
                reason: "Ghi nhầm".into(),
                entry: a,
            },
        )
        .await
        .unwrap()
        .entry;
    store
        .ledger_post(
            &actor,
            &Request::Reserve(NewEntry {
                key: "c1".into(),
                date: date!(2026 - 10 - 05),
                memo: "Hợp đồng 01/2026/HĐ-MS".into(),
                postings: pair(SPENDING, PAYABLE, 40_000_000),
                source: None,
            }),
        )
        .await
        .unwrap();

    for who in ["so_tai_chinh", "mttq", "ubnd_tinh", "ban_dieu_phoi"] {
        let s = app.session(who).await;
        let page = s.get("/ledger").await.text().await.unwrap();
        assert!(page.contains("id=\"balanced\""), "{who}: {page}");
        // 12.5 M + 7 M debited to the bank, 12.5 M credited back by the reversal.
        assert!(
            page.contains("<strong id=\"total-debits\">32.000.000 đ</strong>"),
            "{who}: {page}"
        );
        assert!(
            page.contains("<strong id=\"total-credits\">32.000.000 đ</strong>"),
            "{who}"
        );
        assert!(page.contains("Hợp đồng 01/2026/HĐ-MS"), "{who}");
        assert!(page.contains("40.000.000 đ"), "{who}: the reservation");
    }
    let s = app.session("so_tai_chinh").await;
    let tb = store.trial_balance(None, domain::Lang::Vi).await.unwrap();
    assert_eq!(tb.total_debits, Dong(32_000_000));
    let past = s.get("/ledger?at=15/09/2026").await.text().await.unwrap();
    assert!(
        past.contains("<strong id=\"total-debits\">12.500.000 đ</strong>"),
        "{past}"
    );
    let bad = s.get("/ledger?at=31/02/2026").await.text().await.unwrap();
    assert!(bad.contains("Ngày không hợp lệ (dd/mm/yyyy)."), "{bad}");

    let journal = s.get("/ledger/entries").await.text().await.unwrap();
    assert!(journal.contains("/ledger/entries/4\">Số 4<"), "{journal}");
    assert!(
        journal.contains("g1") && !journal.contains("<b>g1</b>"),
        "text escaped: {journal}"
    );
    let october = s
        .get("/ledger/entries?from=01/10/2026&to=31/10/2026&account=1121")
        .await
        .text()
        .await
        .unwrap();
    assert!(october.contains("/ledger/entries/2\">Số 2<"), "{october}");
    assert!(october.contains("/ledger/entries/3\">Số 3<"), "{october}");
    assert!(!october.contains("/ledger/entries/1\">Số 1<"), "{october}");
    assert!(
        !october.contains("/ledger/entries/4\">Số 4<"),
        "the reservation does not touch the bank"
    );

    let entry = s
        .get(&format!("/ledger/entries/{a}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        entry.contains(&format!("/ledger/entries/{reversal}")),
        "{entry}"
    );
    assert!(entry.contains("Tiền gửi ngân hàng"), "{entry}");
    let rev = s
        .get(&format!("/ledger/entries/{reversal}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(rev.contains("Ghi nhầm"), "{rev}");
    assert_eq!(
        s.get("/ledger/entries/999999").await.status(),
        StatusCode::NOT_FOUND
    );

    let dash = s.get("/").await.text().await.unwrap();
    assert!(
        dash.contains("Đã huy động: tiền ủng hộ và ngân sách (đồng)"),
        "{dash}"
    );
    assert!(dash.contains("7.000.000"), "raised: {dash}");
    assert!(dash.contains("40.000.000"), "committed");
    let school = app.session("truong_67663001").await;
    assert_eq!(school.get("/ledger").await.status(), StatusCode::FORBIDDEN);
    let dash = school.get("/").await.text().await.unwrap();
    assert!(
        !dash.contains("Đã huy động"),
        "no money figures for a school"
    );
}
