//! Backup and restore. SQLite: `backup_sqlite` then `restore_sqlite` into a new file holds
//! the same rows in every table, the same audit head and checkpoint (the command line's
//! test runs the same through `songmaytinh backup` and `restore`). PostgreSQL: the
//! documented `pg_dump --format=custom` then `pg_restore` into an empty database, the same.

use domain::audit::checkpoint::LogSigner;
use songmaytinh_store::backup::{restore_sqlite, summary_of};
use songmaytinh_store::testing::{TestDb, executed_allocation, handed_to_students};
use songmaytinh_store::{OpenOptions, Store};
use std::process::Command;

async fn fill(store: &Store) {
    executed_allocation(store, 4, 8, 8).await;
    handed_to_students(store, "67663001", 2).await;
    let signer = LogSigner::from_seed("songmaytinh.test/audit", [5; 32]).unwrap();
    store.log_checkpoint(&signer).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_backup_restores_whole() {
    let db = TestDb::sqlite_seeded(songmaytinh_store::testing::Seed::Empty).await;
    fill(&db.store).await;
    let live = db.store.summary().await.unwrap();
    assert!(live.checkpoint.is_some() && live.tables["devices"] > 0);
    let dir = std::env::temp_dir().join(format!("smt-restore-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (backup, restored) = (dir.join("b.db"), dir.join("r.db"));
    let _ = (
        std::fs::remove_file(&backup),
        std::fs::remove_file(&restored),
    );
    db.store.backup_sqlite(&backup).await.unwrap();
    let before = std::fs::read(&backup).unwrap();
    assert_eq!(summary_of(&backup).await.unwrap(), live);
    assert_eq!(
        std::fs::read(&backup).unwrap(),
        before,
        "reading a backup changes nothing"
    );
    let back = restore_sqlite(&backup, &restored).await.unwrap();
    assert_eq!(back, live);
    // Restoring over it again is refused; a damaged file is refused, nothing left behind.
    assert!(restore_sqlite(&backup, &restored).await.is_err());
    // The schema's page overwritten past the file header: not a database any more.
    let mut damaged = before.clone();
    for b in &mut damaged[100..2000] {
        *b ^= 0x5a;
    }
    let bad = dir.join("bad.db");
    std::fs::write(&bad, &damaged).unwrap();
    let target = dir.join("never.db");
    assert!(restore_sqlite(&bad, &target).await.is_err());
    assert!(!target.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_dump_restores_whole() {
    let Some(db) = TestDb::postgres_seeded(songmaytinh_store::testing::Seed::Empty).await else {
        return;
    };
    let has = |tool: &str| Command::new(tool).arg("--version").output().is_ok();
    if !has("pg_dump") || !has("pg_restore") {
        assert!(
            std::env::var("SONGMAYTINH_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "pg_dump and pg_restore are needed (Debian's postgresql-client)"
        );
        return;
    }
    fill(&db.store).await;
    let live = db.store.summary().await.unwrap();
    let dump = std::env::temp_dir().join(format!("smt-{}.dump", std::process::id()));
    let o = Command::new("pg_dump")
        .args(["--format=custom", "--no-owner", "--file"])
        .arg(&dump)
        .arg(&db.url)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let admin = songmaytinh_store::testing::postgres_url().unwrap();
    let name = format!("smt_restored_{}", std::process::id());
    songmaytinh_store::testing::raw_execute(&admin, &format!("DROP DATABASE IF EXISTS \"{name}\""))
        .await
        .unwrap();
    songmaytinh_store::testing::raw_execute(&admin, &format!("CREATE DATABASE \"{name}\""))
        .await
        .unwrap();
    let url = songmaytinh_store::testing::with_database(&admin, &name);
    let o = Command::new("pg_restore")
        .args(["--no-owner", "--exit-on-error", "--dbname"])
        .arg(&url)
        .arg(&dump)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let restored = Store::open(
        &url,
        &OpenOptions {
            max_connections: 2,
            ..OpenOptions::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(restored.summary().await.unwrap(), live);
    assert!(restored.verify_audit(|_, _| {}).await.unwrap().ok());
    restored.close().await;
    let _ = std::fs::remove_file(&dump);
    songmaytinh_store::testing::raw_execute(&admin, &format!("DROP DATABASE \"{name}\""))
        .await
        .unwrap();
}
