//! The demo's accounts: a user for every role, one per district office and school of the
//! samples, all with the printed demo password.

use super::DEMO_PASSWORD;
use anyhow::Result;
use domain::users::{Role, Username};
use store::users::NewUser;
use store::{AuditActor, Store};

/// The demo users: (username, full name, role, unit code).
pub fn users() -> Vec<(String, &'static str, Role, String)> {
    let mut u = vec![
        (
            "admin".to_string(),
            "Nguyễn Văn Quản",
            Role::Admin,
            "67".to_string(),
        ),
        (
            "so_gddt".into(),
            "Trần Thị Thu Hà",
            Role::SoGddt,
            "67-SGDDT".into(),
        ),
        (
            "ban_dieu_phoi".into(),
            "Lê Minh Tuấn",
            Role::BanDieuPhoi,
            "67-SGDDT".into(),
        ),
        (
            "so_tttt".into(),
            "Phạm Quốc Bảo",
            Role::SoTttt,
            "67-STTTT".into(),
        ),
        (
            "so_tai_chinh".into(),
            "Hoàng Thị Lan",
            Role::SoTaiChinh,
            "67-STC".into(),
        ),
        ("mttq".into(), "Y Bhin Niê", Role::Mttq, "67-MTTQ".into()),
        (
            "ubnd_tinh".into(),
            "Đỗ Văn Thành",
            Role::UbndTinh,
            "67-UBND".into(),
        ),
        (
            "truong_67663001".into(),
            "Nguyễn Thị Mai",
            Role::Truong,
            "67663001".into(),
        ),
        (
            "truong_67666002".into(),
            "Điểu K'Lưu",
            Role::Truong,
            "67666002".into(),
        ),
        (
            "truong_67000001".into(),
            "Vũ Đức Long",
            Role::Truong,
            "67000001".into(),
        ),
        // A school of the finished pilot round, with devices handed to its students.
        (
            "truong_67661005".into(),
            "Nông Thị Thu",
            Role::Truong,
            "67661005".into(),
        ),
    ];
    let heads = [
        "Bùi Văn Hải",
        "H'Nga Ênuôl",
        "Lường Văn Sơn",
        "Nguyễn Hữu Phước",
        "Trịnh Thị Hoa",
        "Võ Thanh Tùng",
        "Mai Xuân Đức",
        "Lý Thị Hằng",
    ];
    for (i, d) in ["660", "661", "662", "663", "664", "665", "666", "667"]
        .iter()
        .enumerate()
    {
        u.push((
            format!("phong_{d}"),
            heads[i],
            Role::PhongGddt,
            d.to_string(),
        ));
    }
    u
}

pub async fn seed(store: &Store, actor: &AuditActor) -> Result<()> {
    // One hash for all demo accounts: they share the printed demo password.
    let hash = store::passwords::hash_password(DEMO_PASSWORD).await?;
    for (username, full_name, role, unit) in users() {
        store
            .create_user(
                actor,
                None,
                NewUser {
                    username: Username::parse(&username)?,
                    full_name: full_name.to_string(),
                    role,
                    unit_code: unit,
                    password_hash: hash.clone(),
                    must_change_password: false,
                },
            )
            .await?;
    }
    Ok(())
}
