//! Shared fixtures for the storage tests.

#![allow(dead_code)]

use domain::units::UnitDraft;
use domain::users::{Role, Username};
use songmaytinh_store::users::{NewUser, User};
use songmaytinh_store::{AuditActor, Store};
use std::sync::OnceLock;

pub const DAK_NONG: &[u8] = include_bytes!("../../../../data/dak-nong-units.csv");

pub fn drafts(csv: &[u8]) -> Vec<(usize, UnitDraft)> {
    sheets::units::read_units_csv(csv)
        .expect("csv reads")
        .drafts()
        .expect("drafts parse")
}

pub fn system() -> AuditActor {
    AuditActor::system("test")
}

/// The Đắk Nông tree, its departments and four schools: two in Đắk Mil (663), one in
/// Đắk R'Lấp (666), one directly under the Sở.
pub async fn seed(store: &Store) {
    store
        .import_units(
            &system(),
            drafts(DAK_NONG),
            songmaytinh_store::units::ImportOptions::default(),
        )
        .await
        .expect("import dak nong");
    let extra = "level,code,name,parent,kind,school_level,commune,internet,agency
department,67-SGDDT,Sở Giáo dục và Đào tạo,67,sở,,,,
department,67-STTTT,Sở Thông tin và Truyền thông,67,sở,,,,
department,67-STC,Sở Tài chính,67,sở,,,,
department,67-MTTQ,Ủy ban MTTQ Việt Nam tỉnh,67,,,,,mttq
department,67-UBND,Ủy ban nhân dân tỉnh,67,,,,,
school,67663001,Trường THCS Nguyễn Du,663,,THCS,Xã Đắk Gằn,có,
school,67663002,Trường Tiểu học Lê Lợi,663,,Tiểu học,Thị trấn Đắk Mil,không,
school,67666002,Trường Tiểu học Kim Đồng,666,,Tiểu học,Xã Nhân Cơ,yếu,
school,67000001,Trường THPT Đắk Mil,67-SGDDT,,THPT,Thị trấn Đắk Mil,có,
";
    store
        .import_units(
            &system(),
            drafts(extra.as_bytes()),
            songmaytinh_store::units::ImportOptions::default(),
        )
        .await
        .expect("import extra");
}

/// One Argon2 hash for every test user: hashing is the slow part of creating users.
pub fn test_hash() -> String {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| songmaytinh_store::passwords::hash_password_blocking(TEST_PASSWORD).unwrap())
        .clone()
}

pub const TEST_PASSWORD: &str = "mật khẩu thử 2022";

pub fn new_user(username: &str, role: Role, unit: &str) -> NewUser {
    NewUser {
        username: Username::parse(username).unwrap(),
        full_name: format!("Người dùng {username}"),
        role,
        unit_code: unit.to_string(),
        password_hash: test_hash(),
        must_change_password: false,
    }
}

pub async fn add_user(store: &Store, username: &str, role: Role, unit: &str) -> User {
    store
        .create_user(&system(), None, new_user(username, role, unit))
        .await
        .expect("create user")
}

/// A raw connection behind the store's back, for tampering tests.
pub async fn raw_execute(url: &str, sql: &str) -> Result<u64, sqlx::Error> {
    use sqlx::Connection;
    if url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(url).await?;
        let r = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&mut c)
            .await?;
        Ok(r.rows_affected())
    } else {
        let mut c = sqlx::SqliteConnection::connect(url).await?;
        let r = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&mut c)
            .await?;
        Ok(r.rows_affected())
    }
}
