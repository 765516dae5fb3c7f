//! The device pages: the appraising department edits a spec profile (audited), and every
//! model is shown checked against it criterion by criterion.

use crate::common::TestApp;
use domain::devices::{DeviceKind, DeviceModel};
use reqwest::StatusCode;

web_tests!(spec_profiles_are_edited_by_the_appraisers_and_models_checked);

async fn spec_profiles_are_edited_by_the_appraisers_and_models_checked(app: &TestApp) {
    let store = &app.db.store;
    let sys = store::AuditActor::system("test");
    let tablet = |ram_mb| DeviceModel {
        kind: Some(DeviceKind::Tablet),
        brand: "Samsung".into(),
        model: format!("Tab {ram_mb}"),
        cpu_cores: Some(8),
        ram_mb: Some(ram_mb),
        storage_gb: Some(64),
        screen_tenths: Some(105),
        os: Some("Android 12".into()),
        wifi: Some(true),
        ..Default::default()
    };
    let small = store
        .create_device_model(&sys, &tablet(2048))
        .await
        .unwrap();
    let big = store
        .create_device_model(&sys, &tablet(4096))
        .await
        .unwrap();

    let tttt = app.session("so_tttt").await;
    let page = tttt.get("/devices/profiles").await.text().await.unwrap();
    assert!(
        page.contains("id=\"tablet-ram_gb\""),
        "the appraisers get a form"
    );
    // A number the form cannot read is refused next to its profile, nothing saved.
    let res = tttt
        .post(
            "/devices/profiles/tablet",
            &[("name", "Máy tính bảng"), ("ram_gb", "ba")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("Hãy nhập một số"));
    assert!(
        page.contains("name=\"ram_gb\" aria-invalid=\"true\" aria-describedby=\"tablet-error\""),
        "the field in error is marked and described"
    );
    assert!(
        page.contains("value=\"ba\""),
        "what was typed stays in the form"
    );
    assert!(store.spec_profiles().await.unwrap().is_empty());
    let fields = [
        ("name", "Máy tính bảng — Công văn 3693"),
        ("cpu_cores", "4"),
        ("ram_gb", "3"),
        ("storage_gb", "32"),
        ("screen_in", "8,0"),
        ("os", "Android\niPadOS"),
        ("wifi", "1"),
    ];
    let res = tttt.post("/devices/profiles/tablet", &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let saved = store.spec_profiles().await.unwrap();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].min_ram_mb, Some(3072));
    assert_eq!(saved[0].min_screen_tenths, Some(80));
    assert!(!saved[0].sample);
    let audit = store
        .audit_entries(None, 5, Some(domain::audit::Entity::SpecProfile))
        .await
        .unwrap();
    assert_eq!(audit.len(), 1, "the change is audited");

    // Everyone who follows devices sees the check; the board cannot edit.
    let board = app.session("ban_dieu_phoi").await;
    let page = board
        .get(&format!("/devices/models/{small}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Không đạt"), "{page}");
    assert!(page.contains("2 GB") && page.contains("≥ 3 GB"));
    assert!(
        !page.contains("theo hồ sơ mẫu"),
        "the official profile says nothing more"
    );
    let page = board
        .get(&format!("/devices/models/{big}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"verdict\">Đạt<"), "{page}");
    let list = board.get("/devices").await.text().await.unwrap();
    assert!(list.contains("Samsung Tab 2048") && list.contains("RAM"));
    assert!(
        !board
            .get("/devices/profiles")
            .await
            .text()
            .await
            .unwrap()
            .contains("<form method=\"post\" action=\"/devices/profiles/")
    );
    let res = board.post("/devices/profiles/tablet", &fields).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Against a sample profile, every "fails" says it is the sample's verdict.
    let mut sample = saved[0].clone();
    sample.sample = true;
    store.save_spec_profile(&sys, &sample).await.unwrap();
    let page = board
        .get(&format!("/devices/models/{small}"))
        .await
        .text()
        .await
        .unwrap();
    let fails = page.matches(">Không đạt</span>").count();
    assert!(fails >= 2, "the verdict and the RAM line: {page}");
    assert_eq!(
        page.matches("(theo hồ sơ mẫu, chưa phải cấu hình chính thức)")
            .count(),
        fails
    );
    let list = board.get("/devices").await.text().await.unwrap();
    assert!(list.contains("(theo hồ sơ mẫu, chưa phải cấu hình chính thức)"));
}
