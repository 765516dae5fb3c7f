//! The recorded keys of an allocation: a student's pseudonym, the lottery rank that orders
//! students whom every other rule leaves equal, and the key that orders units whose
//! remainders are equal. All three are SHA-256 over fixed byte layouts, so anyone can
//! recompute them (a spreadsheet with a SHA-256 function is enough) and no crate upgrade
//! can change them. The layouts are pinned by test vectors computed with Python's hashlib.

use sha2::{Digest, Sha256};

/// A seed: 32 bytes drawn when a run is created, committed to by its SHA-256.
pub type Seed = [u8; 32];

/// A student's stable pseudonymous key: SHA-256 of `"songmaytinh/student/v1\n"` and the
/// student's identity as the round knows it (the student code, or the folded name and
/// birth date when the school gave no code). The same child has the same key in every
/// run; the key says nothing about the child without the list it came from.
pub fn pseudonym(identity: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"songmaytinh/student/v1\n");
    h.update(identity.as_bytes());
    h.finalize().into()
}

/// The lottery rank: SHA-256(seed ‖ run id as 8 bytes big-endian ‖ pseudonym). Lower
/// ranks come first.
///
/// The 72 bytes always fill the same two blocks, so they are laid out and padded here
/// and given to the compression function directly (a run hashes millions of them; the
/// streaming hasher's buffering cost more than the hashing). A test checks it against the
/// streaming hasher, and the test vectors below against Python's hashlib.
pub fn lottery_rank(seed: &Seed, run: i64, key: &[u8; 32]) -> [u8; 32] {
    /// SHA-256's initial state (FIPS 180-4, 5.3.3).
    const IV: [u32; 8] = [
        0x6a09_e667,
        0xbb67_ae85,
        0x3c6e_f372,
        0xa54f_f53a,
        0x510e_527f,
        0x9b05_688c,
        0x1f83_d9ab,
        0x5be0_cd19,
    ];
    let mut blocks = [[0u8; 64]; 2];
    blocks[0][..32].copy_from_slice(seed);
    blocks[0][32..40].copy_from_slice(&run.to_be_bytes());
    blocks[0][40..].copy_from_slice(&key[..24]);
    blocks[1][..8].copy_from_slice(&key[24..]);
    // The padding: a one bit, zeros, and the message's length in bits (72 × 8).
    blocks[1][8] = 0x80;
    blocks[1][56..].copy_from_slice(&(72u64 * 8).to_be_bytes());
    let mut state = IV;
    sha2::block_api::compress256(&mut state, &blocks);
    let mut out = [0u8; 32];
    for (o, w) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&w.to_be_bytes());
    }
    out
}

/// The order of a unit among units with equal remainders: SHA-256(seed ‖ unit code).
pub fn unit_tie_key(seed: &Seed, unit_code: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(seed);
    h.update(unit_code.as_bytes());
    h.finalize().into()
}

/// The commitment to a seed published with a draft run: SHA-256 of its 32 bytes, hex.
pub fn seed_commitment(seed: &Seed) -> String {
    hex::encode(Sha256::digest(seed))
}

/// A seed written as 64 hex digits.
pub fn parse_seed(hex_str: &str) -> Option<Seed> {
    let bytes = hex::decode(hex_str.trim()).ok()?;
    bytes.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference values computed independently with Python 3's hashlib:
    //   import hashlib
    //   key = hashlib.sha256(b"songmaytinh/student/v1\n" + code.encode()).digest()
    //   rank = hashlib.sha256(seed + run.to_bytes(8, "big") + key).hexdigest()
    //   tie = hashlib.sha256(seed + code.encode()).hexdigest()
    const SEED: Seed = [
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
        0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,
        0x1e, 0x1f,
    ];

    #[test]
    fn pseudonyms_are_pinned() {
        assert_eq!(
            hex::encode(pseudonym("6766300101")),
            "cf3a2ad042819de204ae654055bfbab52e277a7f6db221453293687af8d7b80f"
        );
        assert_eq!(
            hex::encode(pseudonym("nguyen van an|2012-05-03")),
            "36d18435281e2fcc19f02a9ec884994a1c3de253a726ba6369d8b4ee8a7320b3"
        );
    }

    #[test]
    fn lottery_order_of_three_fixed_inputs_is_pinned() {
        let ranks: Vec<String> = ["6766300101", "6766300102", "6766300103"]
            .iter()
            .map(|c| hex::encode(lottery_rank(&SEED, 7, &pseudonym(c))))
            .collect();
        assert_eq!(
            ranks,
            [
                "b222932a7532c6976cbfb421b382c182eed66c20160c1afaccfae2dcb77171dd",
                "b6c0b3374479264a8b5e9e8e4b123f209f748a532cd9132684e27dc85d2e578d",
                "17551940f8570685c36c304ad652a4dbfa816b5f56c9f40b213f5f231d1c5191"
            ]
        );
        // The order those ranks give, as the run records it.
        let mut order = [0usize, 1, 2];
        order.sort_by(|a, b| ranks[*a].cmp(&ranks[*b]));
        assert_eq!(order, [2, 0, 1]);
        // Another run draws another order from the same seed.
        assert_ne!(
            lottery_rank(&SEED, 8, &pseudonym("6766300101")),
            lottery_rank(&SEED, 7, &pseudonym("6766300101"))
        );
    }

    #[test]
    fn the_lottery_rank_is_the_sha256_of_its_bytes() {
        // Against the streaming hasher, over varied seeds, runs and keys.
        let mut x = [7u8; 32];
        for run in [-1i64, 0, 1, 7, 1 << 40, i64::MAX] {
            for _ in 0..50 {
                x = Sha256::digest(x).into();
                let seed: Seed = Sha256::digest([&x[..], b"seed"].concat()).into();
                let mut h = Sha256::new();
                h.update(seed);
                h.update(run.to_be_bytes());
                h.update(x);
                let expected: [u8; 32] = h.finalize().into();
                assert_eq!(lottery_rank(&seed, run, &x), expected);
            }
        }
    }

    #[test]
    fn unit_ties_and_the_commitment_are_pinned() {
        assert_eq!(
            hex::encode(unit_tie_key(&SEED, "663")),
            "202501d76b816c77b3fd5f7ecc3d6fe2bf17092529e1955061af54ebd8750cbd"
        );
        assert_eq!(
            seed_commitment(&SEED),
            "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd"
        );
        assert_eq!(parse_seed(&hex::encode(SEED)), Some(SEED));
        assert_eq!(parse_seed("00ff"), None);
        assert_eq!(parse_seed("zz"), None);
    }
}
