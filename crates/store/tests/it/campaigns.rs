//! Fundraising campaigns on SQLite and PostgreSQL: progress counted from the gifts
//! received through the organiser's channel within the period (a reversed entry left
//! out, another channel or a day outside left out), pledges waiting, receipts in kind;
//! clashing periods refused with nothing written, also when two clients race; bad
//! campaigns refused; the table kept.

use crate::common::*;
use crate::donations::{donor, item, model, receipt};
use domain::Lang;
use domain::ledger::Request;
use domain::ledger::campaigns::{NewCampaign, Organiser, Progress, Target};
use domain::ledger::gifts::{Channel, NewGift};
use domain::money::Dong;
use songmaytinh_store::testing::TestDb;
use songmaytinh_store::{StoreError, storage_tests};
use time::Date;
use time::macros::date;

storage_tests!(
    progress_is_counted_from_the_books,
    clashing_periods_are_refused,
    two_clients_racing_for_one_period,
);

fn code_of(e: StoreError) -> String {
    match e {
        StoreError::Domain(d) => d.code().to_string(),
        other => format!("{other:?}"),
    }
}

fn campaign(org: Organiser, target: Target, from: Date, to: Date) -> NewCampaign {
    NewCampaign {
        name: format!("Đợt vận động {}", from),
        organiser: org,
        target,
        starts_on: from,
        ends_on: to,
        note: None,
    }
}

async fn gift(
    db: &TestDb,
    donor: i64,
    amount: i64,
    channel: Channel,
    day: Date,
    received: bool,
) -> i64 {
    let g = NewGift {
        donor_id: donor,
        amount: Dong(amount),
        channel,
        date: day,
        publish_name: true,
        earmark: Default::default(),
        note: None,
    };
    db.store
        .record_gift(&system(), &g, received.then_some((day, None)))
        .await
        .unwrap()
}

async fn progress_is_counted_from_the_books(db: &TestDb) {
    let s = &db.store;
    let actor = system();
    let a = s
        .save_donor(&actor, None, &donor("Công ty A"))
        .await
        .unwrap();
    let b = s.save_donor(&actor, None, &donor("Hội B")).await.unwrap();
    let c = s.save_donor(&actor, None, &donor("Ông C")).await.unwrap();
    let front = s
        .create_campaign(
            &actor,
            &campaign(
                Organiser::Mttq,
                Target::Money(Dong(100_000_000)),
                date!(2026 - 08 - 01),
                date!(2026 - 08 - 31),
            ),
        )
        .await
        .unwrap();
    let dept = s
        .create_campaign(
            &actor,
            &campaign(
                Organiser::SoGddt,
                Target::Money(Dong(200_000_000)),
                date!(2026 - 08 - 01),
                date!(2026 - 08 - 31),
            ),
        )
        .await
        .unwrap();
    // Through the Front, within August: counted.
    gift(
        db,
        a,
        30_000_000,
        Channel::Mttq,
        date!(2026 - 08 - 05),
        true,
    )
    .await;
    gift(
        db,
        b,
        20_000_000,
        Channel::Mttq,
        date!(2026 - 08 - 31),
        true,
    )
    .await;
    // Pledged in July, received on 2 August: the ledger's date counts.
    let late = gift(
        db,
        c,
        1_000_000,
        Channel::Mttq,
        date!(2026 - 07 - 31),
        false,
    )
    .await;
    s.receive_gift(&actor, late, date!(2026 - 08 - 02), None)
        .await
        .unwrap();
    // The day after the period; another channel; a pledge still waiting; a pledge made
    // before the period and never paid.
    gift(db, a, 7_000_000, Channel::Mttq, date!(2026 - 09 - 01), true).await;
    gift(
        db,
        c,
        50_000_000,
        Channel::Direct,
        date!(2026 - 08 - 10),
        true,
    )
    .await;
    gift(
        db,
        c,
        9_000_000,
        Channel::Mttq,
        date!(2026 - 08 - 15),
        false,
    )
    .await;
    gift(
        db,
        b,
        3_000_000,
        Channel::Mttq,
        date!(2026 - 07 - 20),
        false,
    )
    .await;
    // Entered by mistake and reversed: not counted.
    let wrong = gift(db, b, 4_000_000, Channel::Mttq, date!(2026 - 08 - 20), true).await;
    let entry = s.gift(wrong).await.unwrap().unwrap().entry_id.unwrap();
    s.ledger_post(
        &actor,
        &Request::Reverse {
            key: "reverse-wrong".into(),
            date: date!(2026 - 08 - 21),
            reason: "Ghi nhầm".into(),
            entry,
        },
    )
    .await
    .unwrap();

    let f = s.campaign(front).await.unwrap().unwrap();
    let g = f.gathered;
    assert_eq!(
        (g.received, g.gifts_received, g.pledged, g.pledges, g.donors),
        (Dong(51_000_000), 3, Dong(9_000_000), 1, 3)
    );
    let p = Progress::of(f.campaign.target, &g);
    assert_eq!((p.per_mille, p.missing), (510, 49_000_000));
    let listed: Vec<(i64, bool)> = s
        .campaign_gifts(&f.campaign, 10)
        .await
        .unwrap()
        .iter()
        .map(|g| (g.amount.0, g.received))
        .collect();
    assert_eq!(
        listed,
        vec![
            (30_000_000, true),
            (20_000_000, true),
            (1_000_000, true),
            (9_000_000, false)
        ]
    );
    assert_eq!(s.campaign_gifts(&f.campaign, 2).await.unwrap().len(), 2);
    let d = s.campaign(dept).await.unwrap().unwrap();
    assert_eq!(
        (
            d.gathered.received,
            d.gathered.gifts_received,
            d.gathered.donors
        ),
        (Dong(50_000_000), 1, 1)
    );
    assert_eq!(Progress::of(d.campaign.target, &d.gathered).per_mille, 250);

    // Devices: the receipts of March 2022, not the one of April.
    let m = s
        .create_device_model(&actor, &model("Samsung", "Tab A8"))
        .await
        .unwrap();
    s.record_donation(
        &actor,
        &receipt(
            a,
            "01/BB",
            vec![item(m, &["S-1", "S-2"]), item(m, &["S-3"])],
        ),
        Lang::Vi,
    )
    .await
    .unwrap();
    let mut april = receipt(b, "02/BB", vec![item(m, &["S-4"])]);
    april.received_on = date!(2022 - 04 - 02);
    s.record_donation(&actor, &april, Lang::Vi).await.unwrap();
    let dev = s
        .create_campaign(
            &actor,
            &campaign(
                Organiser::SoGddt,
                Target::Devices(10),
                date!(2022 - 03 - 01),
                date!(2022 - 03 - 31),
            ),
        )
        .await
        .unwrap();
    let r = s.campaign(dev).await.unwrap().unwrap();
    assert_eq!(
        (r.gathered.devices, r.gathered.receipts, r.gathered.donors),
        (3, 1, 1)
    );
    assert_eq!(Progress::of(r.campaign.target, &r.gathered).per_mille, 300);
    let receipts = s.campaign_receipts(&r.campaign, 10).await.unwrap();
    assert_eq!(
        receipts
            .iter()
            .map(|r| (r.minutes_no.as_str(), r.devices, r.value.0))
            .collect::<Vec<_>>(),
        vec![("01/BB", 3, 3 * 4_990_000)]
    );
    // The list, the latest period first.
    let all: Vec<i64> = s.campaigns().await.unwrap().iter().map(|c| c.id).collect();
    assert_eq!(all, vec![dept, front, dev]);
    assert!(s.campaign(9_999).await.unwrap().is_none());
    assert!(s.verify_audit(|_, _| {}).await.unwrap().ok());
    assert!(
        raw_execute(&db.url, "DELETE FROM campaigns").await.is_err(),
        "campaigns are kept"
    );
}

async fn clashing_periods_are_refused(db: &TestDb) {
    let s = &db.store;
    let actor = system();
    let money = |org, from, to| campaign(org, Target::Money(Dong(1_000_000)), from, to);
    let devices = |org, from, to| campaign(org, Target::Devices(100), from, to);
    s.create_campaign(
        &actor,
        &money(
            Organiser::Mttq,
            date!(2026 - 08 - 01),
            date!(2026 - 08 - 31),
        ),
    )
    .await
    .unwrap();
    s.create_campaign(
        &actor,
        &devices(
            Organiser::SoGddt,
            date!(2026 - 08 - 01),
            date!(2026 - 08 - 31),
        ),
    )
    .await
    .unwrap();
    let head = s.audit_head().await.unwrap();
    for refused in [
        // The Front's money, sharing the last day of August.
        money(
            Organiser::Mttq,
            date!(2026 - 08 - 31),
            date!(2026 - 09 - 30),
        ),
        // Devices, whoever calls for them.
        devices(
            Organiser::Mttq,
            date!(2026 - 07 - 01),
            date!(2026 - 08 - 01),
        ),
    ] {
        let e = s.create_campaign(&actor, &refused).await.unwrap_err();
        let StoreError::Domain(d) = &e else {
            panic!("{e:?}")
        };
        assert!(
            d.message(Lang::Vi).contains("01/08/2026 – 31/08/2026"),
            "{}",
            d.message(Lang::Vi)
        );
        assert_eq!(code_of(e), "campaign_clash");
    }
    for bad in [
        money(
            Organiser::Mttq,
            date!(2026 - 10 - 02),
            date!(2026 - 10 - 01),
        ),
        campaign(
            Organiser::Mttq,
            Target::Money(Dong(0)),
            date!(2026 - 10 - 01),
            date!(2026 - 10 - 02),
        ),
        NewCampaign {
            name: "   ".into(),
            ..money(
                Organiser::Mttq,
                date!(2026 - 10 - 01),
                date!(2026 - 10 - 02),
            )
        },
    ] {
        assert_eq!(
            code_of(s.create_campaign(&actor, &bad).await.unwrap_err()),
            "invalid_campaign"
        );
    }
    assert_eq!(s.campaigns().await.unwrap().len(), 2, "nothing written");
    assert_eq!(s.audit_head().await.unwrap(), head, "nothing audited");
    // The Department's money beside the Front's, and the Front's next month: fine.
    s.create_campaign(
        &actor,
        &money(
            Organiser::SoGddt,
            date!(2026 - 08 - 01),
            date!(2026 - 08 - 31),
        ),
    )
    .await
    .unwrap();
    s.create_campaign(
        &actor,
        &money(
            Organiser::Mttq,
            date!(2026 - 09 - 01),
            date!(2026 - 09 - 30),
        ),
    )
    .await
    .unwrap();
    assert_eq!(s.campaigns().await.unwrap().len(), 4);
}

/// Eight clients set up overlapping drives of the Front at once: exactly one is set up,
/// every other is told which one it clashes with.
async fn two_clients_racing_for_one_period(db: &TestDb) {
    let s = &db.store;
    let mut tasks = Vec::new();
    for i in 0..24i64 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let c = campaign(
                Organiser::Mttq,
                Target::Money(Dong(1_000_000 + i)),
                date!(2026 - 08 - 01) + time::Duration::days(i % 8),
                date!(2026 - 08 - 20) + time::Duration::days(i % 8),
            );
            s.create_campaign(&system(), &c).await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => assert_eq!(code_of(e), "campaign_clash"),
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(s.campaigns().await.unwrap().len(), 1);
    assert!(s.verify_audit(|_, _| {}).await.unwrap().ok());
}
