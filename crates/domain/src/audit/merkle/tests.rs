use super::*;
use proptest::prelude::*;

/// RFC 6962 §2.1 written again straight from its recursive definitions, over slices: the
/// second implementation the streaming one is checked against.
mod reference {
    use super::super::{Hash, empty_root, node_hash};

    fn k_of(n: usize) -> usize {
        let mut k = 1;
        while k * 2 < n {
            k *= 2;
        }
        k
    }

    pub fn mth(d: &[Hash]) -> Hash {
        match d.len() {
            0 => empty_root(),
            1 => d[0],
            n => {
                let k = k_of(n);
                node_hash(&mth(&d[..k]), &mth(&d[k..]))
            }
        }
    }

    pub fn path(m: usize, d: &[Hash]) -> Vec<Hash> {
        let n = d.len();
        if n <= 1 {
            return Vec::new();
        }
        let k = k_of(n);
        if m < k {
            let mut p = path(m, &d[..k]);
            p.push(mth(&d[k..]));
            p
        } else {
            let mut p = path(m - k, &d[k..]);
            p.push(mth(&d[..k]));
            p
        }
    }

    fn subproof(m: usize, d: &[Hash], b: bool) -> Vec<Hash> {
        let n = d.len();
        if m == n {
            return if b { Vec::new() } else { vec![mth(d)] };
        }
        let k = k_of(n);
        if m <= k {
            let mut p = subproof(m, &d[..k], b);
            p.push(mth(&d[k..]));
            p
        } else {
            let mut p = subproof(m - k, &d[k..], false);
            p.push(mth(&d[..k]));
            p
        }
    }

    pub fn proof(m: usize, d: &[Hash]) -> Vec<Hash> {
        if m == 0 || m >= d.len() {
            return Vec::new();
        }
        subproof(m, d, true)
    }
}

fn leaves(n: usize) -> Vec<Hash> {
    (0..n as u32).map(|i| leaf_hash(&i.to_be_bytes())).collect()
}

#[test]
fn the_streaming_tree_equals_the_recursive_definition() {
    let all = leaves(70);
    for n in 0..=70usize {
        let d = &all[..n];
        assert_eq!(root_of(d), reference::mth(d), "root of {n}");
        for m in 0..n {
            assert_eq!(
                inclusion_proof(d, m as u64),
                reference::path(m, d),
                "path {m} of {n}"
            );
            assert!(verify_inclusion(
                m as u64,
                n as u64,
                &d[m],
                &inclusion_proof(d, m as u64),
                &root_of(d)
            ));
        }
        for m in 0..=n {
            assert_eq!(
                consistency_proof(d, m as u64),
                reference::proof(m, d),
                "consistency {m} → {n}"
            );
        }
    }
}

#[test]
fn the_empty_tree_and_bad_input() {
    assert_eq!(
        hex::encode(empty_root()),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert!(inclusion_ranges(3, 3).is_empty());
    assert!(!verify_inclusion(3, 3, &[0; 32], &[], &[0; 32]));
    assert!(!verify_consistency(4, 3, &[0; 32], &[0; 32], &[]));
    assert!(audit_leaf("zz").is_none());
    assert!(audit_leaf(&"ab".repeat(31)).is_none());
    assert_eq!(audit_leaf(&"00".repeat(32)), Some(leaf_hash(&[0u8; 32])));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every leaf's path verifies against the root, and fails once any leaf is edited,
    /// the index or the size is wrong, or a hash of the path is changed.
    #[test]
    fn inclusion_proofs_verify_and_fail_after_an_edit(n in 1usize..3000, pick in any::<u64>(), edit in any::<u64>()) {
        let d = leaves(n);
        let m = (pick % n as u64) as usize;
        let root = root_of(&d);
        let path = inclusion_proof(&d, m as u64);
        prop_assert!(verify_inclusion(m as u64, n as u64, &d[m], &path, &root));
        let mut edited = d.clone();
        let e = (edit % n as u64) as usize;
        edited[e] = leaf_hash(b"rewritten");
        prop_assert!(!verify_inclusion(m as u64, n as u64, &d[m], &path, &root_of(&edited)));
        prop_assert!(!verify_inclusion(m as u64, n as u64, &leaf_hash(b"other"), &path, &root));
        if n > 1 {
            prop_assert!(!verify_inclusion(((m + 1) % n) as u64, n as u64, &d[m], &path, &root));
            let mut bad = path.clone();
            bad[(edit % path.len() as u64) as usize][0] ^= 1;
            prop_assert!(!verify_inclusion(m as u64, n as u64, &d[m], &bad, &root));
        }
        // The path of a smaller tree does not prove the leaf in a larger one's root.
        let mut grown = d.clone();
        grown.push(leaf_hash(b"next"));
        prop_assert!(!verify_inclusion(m as u64, n as u64 + 1, &d[m], &path, &root_of(&grown)));
    }

    /// A prefix proves consistent with the whole; an edit within the prefix breaks it.
    #[test]
    fn consistency_proofs_verify_and_fail_after_an_edit(n in 2usize..3000, pick in any::<u64>(), edit in any::<u64>()) {
        let d = leaves(n);
        let m = 1 + (pick % (n as u64 - 1)) as usize;
        let (old, new) = (root_of(&d[..m]), root_of(&d));
        let proof = consistency_proof(&d, m as u64);
        prop_assert!(verify_consistency(m as u64, n as u64, &old, &new, &proof));
        let mut edited = d.clone();
        edited[(edit % m as u64) as usize] = leaf_hash(b"rewritten");
        prop_assert!(!verify_consistency(m as u64, n as u64, &old, &root_of(&edited), &consistency_proof(&edited, m as u64)));
        prop_assert!(!verify_consistency(m as u64, n as u64, &root_of(&edited[..m]), &new, &proof));
        let mut bad = proof.clone();
        bad[(edit % proof.len() as u64) as usize][31] ^= 0x80;
        prop_assert!(!verify_consistency(m as u64, n as u64, &old, &new, &bad));
    }
}

/// RFC 6962's test data as Certificate Transparency's implementations publish it
/// (google/certificate-transparency, transparency-dev/merkle `testonly`): eight leaf
/// inputs, the root of every size, and audit and consistency paths.
mod rfc6962_vectors {
    use super::*;

    const LEAVES: [&str; 8] = [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ];
    const ROOTS: [&str; 8] = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    fn d() -> Vec<Hash> {
        LEAVES
            .iter()
            .map(|h| leaf_hash(&hex::decode(h).unwrap()))
            .collect()
    }

    fn hx(v: &[Hash]) -> Vec<String> {
        v.iter().map(hex::encode).collect()
    }

    #[test]
    fn roots() {
        let d = d();
        for n in 1..=8 {
            assert_eq!(hex::encode(root_of(&d[..n])), ROOTS[n - 1], "size {n}");
        }
    }

    #[test]
    fn audit_paths() {
        let d = d();
        for (index, want) in [
            (
                0u64,
                [
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                5,
                [
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
        ] {
            let path = inclusion_proof(&d, index);
            assert_eq!(hx(&path), want, "leaf {index}");
            let root: Hash = hex::decode(ROOTS[7]).unwrap().try_into().unwrap();
            assert!(verify_inclusion(index, 8, &d[index as usize], &path, &root));
        }
    }

    #[test]
    fn consistency_paths() {
        let d = d();
        for (old, new, want) in [
            (
                2u64,
                5u64,
                vec![
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ],
            ),
            (
                2,
                8,
                vec![
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
        ] {
            let proof = consistency_proof(&d[..new as usize], old);
            assert_eq!(hx(&proof), want, "{old} → {new}");
            let r = |n: u64| -> Hash {
                hex::decode(ROOTS[n as usize - 1])
                    .unwrap()
                    .try_into()
                    .unwrap()
            };
            assert!(verify_consistency(old, new, &r(old), &r(new), &proof));
        }
    }
}
