//! The audit trail as a verifiable log, on SQLite and PostgreSQL: the store's roots and
//! proofs equal the domain's over the leaves read back raw, every proof verifies with the
//! RFC's algorithms, checkpoints are kept once per size and checked against the entries,
//! and a rewritten history — even one whose chain was recomputed — fails the checkpoints
//! and the proofs made before it.

use crate::common::*;
use domain::audit::checkpoint::{Checkpoint, LogSigner};
use domain::audit::merkle::{self, Hash, audit_leaf};
use songmaytinh_store::storage_tests;
use songmaytinh_store::testing::TestDb;
use songmaytinh_store::testing::organisation;

storage_tests!(
    seed = Units;
    proofs_and_checkpoints_hold_until_history_is_rewritten,
    tiles_give_the_same_roots_and_proofs,
);

/// Over a few tiles (1,024 leaves each), roots come partly from the server's tile cache:
/// they equal the domain's over the leaves read back raw, at and around every tile edge,
/// and every proof verifies — growing the log between proofs too.
async fn tiles_give_the_same_roots_and_proofs(db: &TestDb) {
    let s = &db.store;
    songmaytinh_store::testing::audit_entries(s, 3_100).await;
    let all = leaves(db).await;
    let n = all.len() as u64;
    assert!(n > 3_000);
    let mut sizes = vec![1, 1023, 1024, 1025, 2047, 2048, 2049, 3072, n - 1, n];
    sizes.extend([1500, 2500, 3073]);
    for size in sizes.iter().copied().filter(|x| *x <= n) {
        assert_eq!(
            s.log_root(size).await.unwrap(),
            merkle::root_of(&all[..size as usize]),
            "size {size}"
        );
    }
    for (seq, size) in [
        (1, n),
        (1024, n),
        (1025, 2048),
        (2048, 2049),
        (3000, n),
        (777, 1025),
        (n as i64, n),
    ] {
        let p = s.log_inclusion(seq, Some(size)).await.unwrap();
        let path: Vec<Hash> = p.path.iter().map(|h| hash(h)).collect();
        let root = merkle::root_of(&all[..size as usize]);
        assert_eq!(hash(&p.root), root, "{seq} in {size}");
        assert!(
            merkle::verify_inclusion(seq as u64 - 1, size, &all[seq as usize - 1], &path, &root),
            "{seq} in {size}"
        );
    }
    for (old, new) in [(1024, n), (1000, 2049), (2048, 3072), (1, n), (3000, n)] {
        let p = s.log_consistency(old, new).await.unwrap();
        let proof: Vec<Hash> = p.proof.iter().map(|h| hash(h)).collect();
        assert!(
            merkle::verify_consistency(
                old,
                new,
                &merkle::root_of(&all[..old as usize]),
                &merkle::root_of(&all[..new as usize]),
                &proof
            ),
            "{old} → {new}"
        );
    }
    // The log grows past another tile edge: the cache extends, proofs still verify.
    songmaytinh_store::testing::audit_entries(s, 1_100).await;
    let all = leaves(db).await;
    let n = all.len() as u64;
    let p = s.log_inclusion(4_000, None).await.unwrap();
    let path: Vec<Hash> = p.path.iter().map(|h| hash(h)).collect();
    assert!(merkle::verify_inclusion(
        3_999,
        n,
        &all[3_999],
        &path,
        &merkle::root_of(&all)
    ));
}

fn hash(s: &str) -> Hash {
    hex::decode(s).unwrap().try_into().unwrap()
}

async fn leaves(db: &TestDb) -> Vec<Hash> {
    songmaytinh_store::testing::audit_hashes(&db.store)
        .await
        .iter()
        .map(|h| audit_leaf(h).unwrap())
        .collect()
}

/// `n` more audited changes: donors recorded.
async fn more_entries(db: &TestDb, n: usize) {
    for i in 0..n {
        db.store
            .save_donor(&system(), None, &organisation(&format!("Công ty thử {i}")))
            .await
            .unwrap();
    }
}

async fn proofs_and_checkpoints_hold_until_history_is_rewritten(db: &TestDb) {
    let s = &db.store;
    more_entries(db, 40).await;
    let signer = LogSigner::from_seed("songmaytinh.test/audit", [3; 32]).unwrap();
    let verifier = signer.verifier();
    let d = leaves(db).await;
    let n = d.len() as u64;
    assert_eq!(s.log_size().await.unwrap(), n);
    assert!(n > 40);
    // Roots of every size equal the domain's over the raw leaves.
    for size in [0, 1, 2, 3, 7, 8, 9, n / 2, n - 1, n] {
        assert_eq!(
            s.log_root(size).await.unwrap(),
            merkle::root_of(&d[..size as usize]),
            "{size}"
        );
    }
    let first = s.log_checkpoint(&signer).await.unwrap();
    assert_eq!(first.size, n);
    assert_eq!(
        s.log_checkpoint(&signer).await.unwrap(),
        first,
        "one per size"
    );
    let opened = Checkpoint::open(&first.note, &verifier).unwrap();
    assert_eq!(opened.root, merkle::root_of(&d));
    // Inclusion of entries spread over the log, in the whole tree and a smaller one.
    for seq in [1, 2, n as i64 / 3, n as i64 - 1, n as i64] {
        let p = s.log_inclusion(seq, None).await.unwrap();
        assert_eq!(p.leaf_index, seq as u64 - 1);
        assert_eq!(hash(&p.leaf_hash), d[seq as usize - 1]);
        let path: Vec<Hash> = p.path.iter().map(|h| hash(h)).collect();
        assert_eq!(path, merkle::inclusion_proof(&d, seq as u64 - 1));
        assert!(merkle::verify_inclusion(
            p.leaf_index,
            p.tree_size,
            &d[seq as usize - 1],
            &path,
            &opened.root
        ));
        let small = s.log_inclusion(seq.min(9), Some(9)).await.unwrap();
        let path: Vec<Hash> = small.path.iter().map(|h| hash(h)).collect();
        assert!(merkle::verify_inclusion(
            small.leaf_index,
            9,
            &hash(&small.leaf_hash),
            &path,
            &merkle::root_of(&d[..9])
        ));
    }
    assert!(s.log_inclusion(0, None).await.is_err());
    assert!(s.log_inclusion(n as i64 + 1, None).await.is_err());
    assert!(s.log_inclusion(1, Some(n + 1)).await.is_err());
    // The log grows: the old checkpoint is a prefix of the new one.
    more_entries(db, 13).await;
    let second = s.log_checkpoint(&signer).await.unwrap();
    assert_eq!(second.size, n + 13);
    let c = s.log_consistency(first.size, second.size).await.unwrap();
    let proof: Vec<Hash> = c.proof.iter().map(|h| hash(h)).collect();
    let new_root = Checkpoint::open(&second.note, &verifier).unwrap().root;
    assert!(merkle::verify_consistency(
        first.size,
        second.size,
        &opened.root,
        &new_root,
        &proof
    ));
    assert_eq!(c.old_root, first.root);
    assert!(s.log_consistency(5, n + 14).await.is_err());
    assert!(s.log_consistency(10, 9).await.is_err());
    let check = s.verify_checkpoints(&verifier).await.unwrap();
    assert_eq!((check.checked, check.failed.clone()), (2, vec![]));
    // Another key's view: every checkpoint fails.
    let stranger = LogSigner::from_seed("songmaytinh.test/audit", [4; 32]).unwrap();
    assert_eq!(
        s.verify_checkpoints(&stranger.verifier())
            .await
            .unwrap()
            .failed
            .len(),
        2
    );
    // Checkpoints are kept: the database refuses changing or deleting one.
    for sql in [
        "UPDATE log_checkpoints SET root = '00' WHERE size > 0",
        "DELETE FROM log_checkpoints",
    ] {
        assert!(raw_execute(&db.url, sql).await.is_err(), "{sql}");
    }

    // Someone with the database rewrites entry 5 and recomputes what follows (here: only
    // its stored hash, with the append-only trigger dropped).
    let drop = if db.url.starts_with("postgres") {
        "DROP TRIGGER audit_log_no_update ON audit_log"
    } else {
        "DROP TRIGGER audit_log_no_update"
    };
    raw_execute(&db.url, drop).await.unwrap();
    raw_execute(
        &db.url,
        &format!(
            "UPDATE audit_log SET hash = '{}' WHERE seq = 5",
            "ab".repeat(32)
        ),
    )
    .await
    .unwrap();
    let check = s.verify_checkpoints(&verifier).await.unwrap();
    assert_eq!(check.failed, vec![first.size, second.size]);
    // An entry's proof made now no longer verifies against the published root.
    let p = s.log_inclusion(20, Some(first.size)).await.unwrap();
    let path: Vec<Hash> = p.path.iter().map(|h| hash(h)).collect();
    assert!(!merkle::verify_inclusion(
        p.leaf_index,
        p.tree_size,
        &hash(&p.leaf_hash),
        &path,
        &opened.root
    ));
    let p = s.log_inclusion(5, Some(first.size)).await.unwrap();
    let path: Vec<Hash> = p.path.iter().map(|h| hash(h)).collect();
    assert!(!merkle::verify_inclusion(
        p.leaf_index,
        p.tree_size,
        &hash(&p.leaf_hash),
        &path,
        &opened.root
    ));
}
