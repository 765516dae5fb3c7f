//! Secrets: Argon2id password hashes and random tokens. Session and API tokens are stored
//! under their SHA-256 (`domain::digest`), never themselves.

use crate::{Result, StoreError};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use std::sync::OnceLock;

/// Fills `buf` from the operating system's random source.
pub fn fill_random(buf: &mut [u8]) {
    getrandom::fill(buf).expect("the operating system's random source is available");
}

/// A random token of `bytes` bytes, as lower-case hex.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    fill_random(&mut buf);
    hex::encode(buf)
}

/// Hashes a password with Argon2id (default parameters: 19 MiB, 2 passes) on a
/// blocking thread, so the server keeps answering while it works.
pub async fn hash_password(password: &str) -> Result<String> {
    let pw = password.to_string();
    tokio::task::spawn_blocking(move || hash_password_blocking(&pw))
        .await
        .map_err(|_| StoreError::Hash)?
}

pub fn hash_password_blocking(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|_| StoreError::Hash)
}

/// Whether `password` matches `hash`. A malformed stored hash never matches.
pub async fn verify_password(password: &str, hash: &str) -> bool {
    let pw = password.to_string();
    let hash = hash.to_string();
    tokio::task::spawn_blocking(move || verify_password_blocking(&pw, &hash))
        .await
        .unwrap_or(false)
}

pub fn verify_password_blocking(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of a password nobody has, to verify against when the username is unknown:
/// a wrong username then takes as long as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password_blocking(&random_token(16)).unwrap_or_default())
}

/// A readable password to hand to a new user once: 4 groups of 4 from an alphabet
/// without look-alikes (no 0/O, 1/l/I), about 80 bits.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut buf = [0u8; 64];
    fill_random(&mut buf);
    let mut out = String::with_capacity(19);
    let mut taken = 0;
    for b in buf {
        // Rejection sampling keeps every character equally likely.
        let limit = 256 - (256 % ALPHABET.len());
        if (b as usize) >= limit {
            continue;
        }
        if taken > 0 && taken % 4 == 0 {
            out.push('-');
        }
        out.push(ALPHABET[b as usize % ALPHABET.len()] as char);
        taken += 1;
        if taken == 16 {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash_password_blocking("sóng và máy tính").unwrap();
        let b = hash_password_blocking("sóng và máy tính").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salted");
        assert!(verify_password_blocking("sóng và máy tính", &a));
        assert!(!verify_password_blocking("song va may tinh", &a));
        assert!(!verify_password_blocking("x", "not a hash"));
    }

    #[test]
    fn generated_passwords_pass_the_policy() {
        for _ in 0..50 {
            let p = generate_password();
            assert_eq!(p.len(), 19, "{p}");
            domain::users::check_new_password(&p, "someone").unwrap();
        }
    }
}
