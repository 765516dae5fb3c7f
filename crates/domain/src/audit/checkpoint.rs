//! Signed checkpoints of the audit log in the C2SP formats: the checkpoint body of
//! `tlog-checkpoint` (origin, tree size, base64 root hash, each on its line) signed as a
//! C2SP `signed-note` with Ed25519: after a blank line, one line per signature,
//! `— <key name> <base64(key id ‖ signature)>`, where the key id is the first four bytes of
//! `SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key)` and the signature covers the body.
//!
//! Keys are written as the Go `note` package writes them: the verifier key
//! `<name>+<key id, 8 hex>+<base64(0x01 ‖ public key)>` and the signer key
//! `PRIVATE+KEY+<name>+<key id>+<base64(0x01 ‖ seed)>`, so any C2SP tool reads them.

use crate::audit::merkle::Hash;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

/// The signature type byte of Ed25519 in signed notes.
const ED25519: u8 = 0x01;
/// A signature line starts with an em dash and a space.
const DASH: &str = "\u{2014} ";

/// Why a checkpoint, a key or a note is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("the key is not a signed-note Ed25519 key")]
    BadKey,
    #[error("a key name must be non-empty, without spaces or '+'")]
    BadName,
    #[error("the note is not a signed note (text, a blank line, signature lines)")]
    Malformed,
    #[error("no valid signature by the given key")]
    NotSigned,
    #[error("the checkpoint body is not origin, size and root hash")]
    BadBody,
}

fn name_ok(name: &str) -> bool {
    !name.is_empty() && !name.contains('+') && !name.chars().any(char::is_whitespace)
}

fn key_id(name: &str, public: &[u8; 32]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', ED25519]);
    h.update(public);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// The log's signing key with its name (the log's origin).
pub struct LogSigner {
    name: String,
    key: SigningKey,
}

/// Shows the key's name only: the secret never reaches a log line.
impl std::fmt::Debug for LogSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogSigner")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl LogSigner {
    /// A key from 32 random bytes.
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<LogSigner, CheckpointError> {
        if !name_ok(name) {
            return Err(CheckpointError::BadName);
        }
        Ok(LogSigner {
            name: name.to_string(),
            key: SigningKey::from_bytes(&seed),
        })
    }

    /// Reads `PRIVATE+KEY+<name>+<id>+<base64>`.
    pub fn parse(text: &str) -> Result<LogSigner, CheckpointError> {
        let rest = text
            .trim()
            .strip_prefix("PRIVATE+KEY+")
            .ok_or(CheckpointError::BadKey)?;
        let (name, id, key) = split_key(rest)?;
        let bytes = B64.decode(key).map_err(|_| CheckpointError::BadKey)?;
        let [ED25519, seed @ ..] = bytes.as_slice() else {
            return Err(CheckpointError::BadKey);
        };
        let seed: [u8; 32] = seed.try_into().map_err(|_| CheckpointError::BadKey)?;
        let s = LogSigner::from_seed(name, seed)?;
        if hex::encode(key_id(name, &s.public())) != id {
            return Err(CheckpointError::BadKey);
        }
        Ok(s)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    fn public(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    /// `PRIVATE+KEY+<name>+<id>+<base64(0x01 ‖ seed)>`, for the key file.
    pub fn private_text(&self) -> String {
        let mut b = vec![ED25519];
        b.extend_from_slice(&self.key.to_bytes());
        format!(
            "PRIVATE+KEY+{}+{}+{}",
            self.name,
            hex::encode(key_id(&self.name, &self.public())),
            B64.encode(b)
        )
    }

    /// The verifier key anyone checks checkpoints with.
    pub fn verifier(&self) -> LogVerifier {
        LogVerifier {
            name: self.name.clone(),
            key: self.key.verifying_key(),
        }
    }

    /// The signed note of `text` (which must end with a newline).
    pub fn sign_note(&self, text: &str) -> String {
        debug_assert!(text.ends_with('\n'));
        let sig = self.key.sign(text.as_bytes());
        let mut b = key_id(&self.name, &self.public()).to_vec();
        b.extend_from_slice(&sig.to_bytes());
        format!("{text}\n{DASH}{} {}\n", self.name, B64.encode(b))
    }
}

fn split_key(s: &str) -> Result<(&str, &str, &str), CheckpointError> {
    let mut it = s.splitn(3, '+');
    match (it.next(), it.next(), it.next()) {
        (Some(name), Some(id), Some(key)) if id.len() == 8 => Ok((name, id, key)),
        _ => Err(CheckpointError::BadKey),
    }
}

/// A verifier key: `<name>+<id>+<base64(0x01 ‖ public key)>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogVerifier {
    name: String,
    key: VerifyingKey,
}

impl LogVerifier {
    pub fn parse(text: &str) -> Result<LogVerifier, CheckpointError> {
        let (name, id, key) = split_key(text.trim())?;
        if !name_ok(name) {
            return Err(CheckpointError::BadName);
        }
        let bytes = B64.decode(key).map_err(|_| CheckpointError::BadKey)?;
        let [ED25519, public @ ..] = bytes.as_slice() else {
            return Err(CheckpointError::BadKey);
        };
        let public: [u8; 32] = public.try_into().map_err(|_| CheckpointError::BadKey)?;
        if hex::encode(key_id(name, &public)) != id {
            return Err(CheckpointError::BadKey);
        }
        Ok(LogVerifier {
            name: name.to_string(),
            key: VerifyingKey::from_bytes(&public).map_err(|_| CheckpointError::BadKey)?,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn text(&self) -> String {
        let public = self.key.to_bytes();
        let mut b = vec![ED25519];
        b.extend_from_slice(&public);
        format!(
            "{}+{}+{}",
            self.name,
            hex::encode(key_id(&self.name, &public)),
            B64.encode(b)
        )
    }

    /// The text of `note` when one of its signature lines is this key's and verifies.
    /// Signature lines of other keys are skipped, as the signed-note format says.
    pub fn open<'a>(&self, note: &'a str) -> Result<&'a str, CheckpointError> {
        let split = note.rfind("\n\n").ok_or(CheckpointError::Malformed)?;
        let (text, sigs) = (&note[..split + 1], &note[split + 2..]);
        if sigs.is_empty() || !sigs.ends_with('\n') {
            return Err(CheckpointError::Malformed);
        }
        let id = key_id(&self.name, &self.key.to_bytes());
        for line in sigs.lines() {
            let rest = line.strip_prefix(DASH).ok_or(CheckpointError::Malformed)?;
            let (name, sig) = rest.split_once(' ').ok_or(CheckpointError::Malformed)?;
            let bytes = B64.decode(sig).map_err(|_| CheckpointError::Malformed)?;
            if name != self.name || bytes.len() != 68 || bytes[..4] != id {
                continue;
            }
            let sig = Signature::from_slice(&bytes[4..]).map_err(|_| CheckpointError::Malformed)?;
            if self.key.verify(text.as_bytes(), &sig).is_ok() {
                return Ok(text);
            }
        }
        Err(CheckpointError::NotSigned)
    }
}

/// A checkpoint: the tree of `size` leaves of the log named `origin` has root `root`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
}

impl Checkpoint {
    /// The checkpoint body, each line ending with a newline.
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            B64.encode(self.root)
        )
    }

    /// Reads a body (extension lines after the third are allowed and ignored).
    pub fn parse_body(text: &str) -> Result<Checkpoint, CheckpointError> {
        let mut lines = text.split('\n');
        let (Some(origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next())
        else {
            return Err(CheckpointError::BadBody);
        };
        if origin.is_empty() || (size.len() > 1 && size.starts_with('0')) {
            return Err(CheckpointError::BadBody);
        }
        let size: u64 = size.parse().map_err(|_| CheckpointError::BadBody)?;
        let root: Hash = B64
            .decode(root)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(CheckpointError::BadBody)?;
        Ok(Checkpoint {
            origin: origin.to_string(),
            size,
            root,
        })
    }

    pub fn sign(&self, signer: &LogSigner) -> String {
        signer.sign_note(&self.body())
    }

    /// The checkpoint of a signed note, when `verifier` signed it and its origin is the
    /// verifier's name.
    pub fn open(note: &str, verifier: &LogVerifier) -> Result<Checkpoint, CheckpointError> {
        let c = Checkpoint::parse_body(verifier.open(note)?)?;
        if c.origin != verifier.name() {
            return Err(CheckpointError::NotSigned);
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> LogSigner {
        LogSigner::from_seed("songmaytinh.example/audit", [7; 32]).unwrap()
    }

    #[test]
    fn a_checkpoint_signs_opens_and_refuses_any_change() {
        let s = signer();
        let c = Checkpoint {
            origin: s.name().into(),
            size: 1234,
            root: [9; 32],
        };
        let note = c.sign(&s);
        assert!(note.starts_with(
            "songmaytinh.example/audit\n1234\nCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=\n\n\u{2014} songmaytinh.example/audit "
        ));
        let v = s.verifier();
        assert_eq!(Checkpoint::open(&note, &v).unwrap(), c);
        // The verifier key reads back from its text; the signer's from its text.
        let v2 = LogVerifier::parse(&v.text()).unwrap();
        assert_eq!(v2, v);
        let s2 = LogSigner::parse(&s.private_text()).unwrap();
        assert_eq!(s2.verifier(), v);
        // A changed size, root or origin, another key, a cut note: refused.
        for bad in [
            note.replacen("1234", "1235", 1),
            note.replacen("CQkJ", "CQkK", 1),
            note.replacen("\n\n", "\nextra\n\n", 1),
            note.trim_end().to_string(),
            note.replace('\u{2014}', "-"),
        ] {
            assert!(Checkpoint::open(&bad, &v).is_err(), "{bad}");
        }
        let other = LogSigner::from_seed("songmaytinh.example/audit", [8; 32]).unwrap();
        assert_eq!(
            Checkpoint::open(&note, &other.verifier()),
            Err(CheckpointError::NotSigned)
        );
        // A second signature by another key does not hide ours.
        let cosigned = format!(
            "{note}{}",
            other.sign_note(&c.body()).rsplit_once("\n\n").unwrap().1
        );
        assert_eq!(Checkpoint::open(&cosigned, &v).unwrap(), c);
        assert_eq!(Checkpoint::open(&cosigned, &other.verifier()).unwrap(), c);
    }

    /// The example of Go's golang.org/x/mod/sumdb/note (its package documentation and
    /// note_test.go): the same signer key signs the same text into the same note, byte for
    /// byte, and the verifier key opens it.
    #[test]
    fn the_go_note_example() {
        let skey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
        let vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
        let text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
        let note = format!(
            "{text}\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
        );
        let signer = LogSigner::parse(skey).unwrap();
        assert_eq!(signer.sign_note(text), note);
        assert_eq!(signer.verifier().text(), vkey);
        assert_eq!(signer.private_text(), skey);
        let v = LogVerifier::parse(vkey).unwrap();
        assert_eq!(v.open(&note).unwrap(), text);
        assert_eq!(
            v.open(&note.replace("problem is", "problem was")),
            Err(CheckpointError::NotSigned)
        );
    }

    #[test]
    fn keys_and_names_are_checked() {
        assert_eq!(
            LogSigner::from_seed("has space", [1; 32]).err(),
            Some(CheckpointError::BadName)
        );
        assert_eq!(
            LogSigner::from_seed("a+b", [1; 32]).err(),
            Some(CheckpointError::BadName)
        );
        let v = signer().verifier().text();
        let mut wrong_id = v.clone();
        let at = v.find('+').unwrap() + 1;
        wrong_id.replace_range(at..at + 1, if &v[at..at + 1] == "0" { "1" } else { "0" });
        assert_eq!(LogVerifier::parse(&wrong_id), Err(CheckpointError::BadKey));
        assert!(LogVerifier::parse("nothing").is_err());
        assert!(
            LogSigner::parse(&v).is_err(),
            "a verifier key is not a signer key"
        );
        for body in [
            "",
            "origin\n",
            "origin\n01\nAAAA\n",
            "origin\nx\nAAAA\n",
            "\n3\nAAAA\n",
        ] {
            assert!(Checkpoint::parse_body(body).is_err(), "{body:?}");
        }
    }
}
