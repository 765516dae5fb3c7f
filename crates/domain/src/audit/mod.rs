//! The audit trail as a hash chain: how an entry is hashed and how the chain is checked.
//!
//! Each entry's hash covers the previous entry's hash and every field of the entry, so
//! editing, inserting or deleting a row in the middle breaks the chain at that row.
//! Personal data of an entry (before/after values naming a child) is not in the chain:
//! only a salted hash of it is, so the data can be erased when a program's retention ends
//! while the chain still verifies.

pub mod checkpoint;
pub mod merkle;

use crate::Lang;
use crate::dates::Millis;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const DOMAIN_TAG: &[u8] = b"songmaytinh-audit-v1\n";

/// What an audit entry is about: one spelling each. Entries written before this enum
/// keep the spelling they were written with ([`Entity::legacy`]: bulk imports in the
/// plural, a student's evidence apart from other kept files) and still verify; readers
/// find them under the entity they mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(test, derive(strum::EnumIter))]
pub enum Entity {
    Unit,
    User,
    ApiKey,
    Program,
    Round,
    NominationList,
    Student,
    StudentFlag,
    StudentImport,
    Dedup,
    Household,
    DeviceModel,
    SpecProfile,
    Device,
    Appraisal,
    Donor,
    Donation,
    /// A kept file (a student's evidence, a deed of gift, an appraisal report).
    Document,
    /// An allocation run.
    Allocation,
    /// A set of handover minutes (biên bản bàn giao) and its signature.
    Handover,
    /// A device marked as entered in the education sector database (CSDL ngành).
    CsdlEntry,
    /// A ledger entry (bút toán).
    LedgerEntry,
    /// A cash gift or pledge.
    CashGift,
    /// An imported bank statement and the reconciliation of its lines.
    BankStatement,
    /// A tender package and its steps: bids, award, contract, deliveries, acceptance,
    /// invoices and payments.
    Procurement,
    /// A printed document recorded in the archive as issued.
    ArchivePrint,
    /// A fundraising campaign (đợt vận động).
    Campaign,
    /// A school's Internet connection as recorded.
    Connectivity,
    /// A dead zone (vùng lõm sóng) and its steps.
    DeadZone,
    /// A student's data SIM.
    StudentSim,
    /// An online-learning platform.
    LearningPlatform,
    /// A training session (tập huấn) and its attendees.
    Training,
    /// A repair ticket.
    RepairTicket,
}

impl Entity {
    pub const ALL: [Entity; 33] = [
        Entity::Unit,
        Entity::User,
        Entity::ApiKey,
        Entity::Program,
        Entity::Round,
        Entity::NominationList,
        Entity::Student,
        Entity::StudentFlag,
        Entity::StudentImport,
        Entity::Dedup,
        Entity::Household,
        Entity::DeviceModel,
        Entity::SpecProfile,
        Entity::Device,
        Entity::Appraisal,
        Entity::Donor,
        Entity::Donation,
        Entity::Document,
        Entity::Allocation,
        Entity::Handover,
        Entity::CsdlEntry,
        Entity::LedgerEntry,
        Entity::CashGift,
        Entity::BankStatement,
        Entity::Procurement,
        Entity::ArchivePrint,
        Entity::Campaign,
        Entity::Connectivity,
        Entity::DeadZone,
        Entity::StudentSim,
        Entity::LearningPlatform,
        Entity::Training,
        Entity::RepairTicket,
    ];

    /// The spelling written from now on.
    pub fn code(self) -> &'static str {
        match self {
            Entity::Unit => "unit",
            Entity::User => "user",
            Entity::ApiKey => "api_key",
            Entity::Program => "program",
            Entity::Round => "round",
            Entity::NominationList => "nomination_list",
            Entity::Student => "student",
            Entity::StudentFlag => "student_flag",
            Entity::StudentImport => "student_import",
            Entity::Dedup => "dedup",
            Entity::Household => "household",
            Entity::DeviceModel => "device_model",
            Entity::SpecProfile => "spec_profile",
            Entity::Device => "device",
            Entity::Appraisal => "appraisal",
            Entity::Donor => "donor",
            Entity::Donation => "donation",
            Entity::Document => "document",
            Entity::Allocation => "allocation",
            Entity::Handover => "handover",
            Entity::CsdlEntry => "csdl_entry",
            Entity::LedgerEntry => "ledger_entry",
            Entity::CashGift => "cash_gift",
            Entity::BankStatement => "bank_statement",
            Entity::Procurement => "procurement",
            Entity::ArchivePrint => "archive_print",
            Entity::Campaign => "campaign",
            Entity::Connectivity => "connectivity",
            Entity::DeadZone => "dead_zone",
            Entity::StudentSim => "student_sim",
            Entity::LearningPlatform => "learning_platform",
            Entity::Training => "training",
            Entity::RepairTicket => "repair_ticket",
        }
    }

    /// Spellings entries written before this enum may carry.
    pub fn legacy(self) -> &'static [&'static str] {
        match self {
            Entity::Unit => &["units"],
            Entity::Household => &["households"],
            Entity::Device => &["devices"],
            Entity::Document => &["evidence"],
            _ => &[],
        }
    }

    /// The entity a stored spelling means, current or legacy.
    pub fn parse(s: &str) -> Option<Entity> {
        Entity::ALL
            .into_iter()
            .find(|e| e.code() == s || e.legacy().contains(&s))
    }
}

/// What an entry's action did, in words (`None` for an action this list does not
/// know: the page shows its code).
pub fn action_label(action: &str, lang: Lang) -> Option<&'static str> {
    let (vi, en) = match action {
        "create" => ("Tạo mới", "Created"),
        "update" => ("Sửa", "Changed"),
        "import" => ("Nhập từ tệp", "Imported from a file"),
        "upload" => ("Tải tệp lên", "File uploaded"),
        "remove" => ("Gỡ tệp", "File removed"),
        "login" => ("Đăng nhập", "Logged in"),
        "logout" => ("Đăng xuất", "Logged out"),
        "enable" => ("Mở lại tài khoản", "Account enabled"),
        "disable" => ("Khóa tài khoản", "Account disabled"),
        "unlock" => ("Mở khóa đăng nhập", "Login unlocked"),
        "change_password" => ("Đổi mật khẩu", "Password changed"),
        "reset_password" => ("Đặt lại mật khẩu", "Password reset"),
        "revoke" => ("Thu hồi", "Revoked"),
        "submit" => ("Gửi duyệt", "Submitted"),
        "approve" => ("Phòng duyệt", "Approved by the office"),
        "board_approve" => ("Ban điều phối phê duyệt", "Approved by the Board"),
        "return" => ("Trả lại để sửa", "Returned for changes"),
        "reopen" => ("Mở lại để sửa", "Reopened"),
        "withdraw" => ("Rút khỏi danh sách", "Taken off the list"),
        "resolve" => ("Xử lý cảnh báo", "Flag resolved"),
        "run" => ("Rà soát trùng lặp", "Duplicate search"),
        "same" => ("Xác nhận là một học sinh", "Confirmed as one student"),
        "different" => (
            "Xác nhận là học sinh khác nhau",
            "Confirmed as different students",
        ),
        "register" => ("Tiếp nhận thiết bị", "Devices received"),
        "receive" => ("Tiếp nhận hàng ủng hộ", "Donation received"),
        "stock_in" => ("Nhập kho", "Stocked in"),
        "stocktake" => ("Kiểm kê", "Stocktake"),
        "change_state" => ("Chuyển trạng thái", "State changed"),
        "served" => ("Đã nhận máy", "Served"),
        "pass" => ("Thẩm định đạt", "Appraised: pass"),
        "fail" => ("Thẩm định không đạt", "Appraised: fail"),
        "open" => ("Mở đợt", "Round opened"),
        "close" => ("Đóng đợt", "Round closed"),
        "erase" => ("Xóa dữ liệu cá nhân", "Personal data erased"),
        "draft" => ("Lập dự thảo phân bổ", "Allocation drafted"),
        "approve_run" => ("Phê duyệt phân bổ", "Allocation approved"),
        "execute" => ("Thực hiện phân bổ, giữ máy", "Allocation executed"),
        "discard" => ("Hủy dự thảo phân bổ", "Allocation discarded"),
        "hand_over" => ("Lập biên bản bàn giao", "Handover minutes drawn up"),
        "confirm" => ("Ký nhận bàn giao", "Handover signed for"),
        "cancel" => ("Huỷ biên bản bàn giao", "Handover cancelled"),
        "return_device" => ("Thu hồi thiết bị", "Device returned"),
        "enter_csdl" => (
            "Đánh dấu đã nhập CSDL ngành",
            "Marked as entered in the sector database",
        ),
        "unmark_csdl" => (
            "Bỏ đánh dấu nhập CSDL ngành",
            "Sector database mark removed",
        ),
        "post" => ("Ghi sổ bút toán", "Entry posted"),
        "pledge" => ("Ghi nhận cam kết ủng hộ", "Pledge recorded"),
        "receive_cash" => ("Ghi nhận đã nhận tiền ủng hộ", "Gift received"),
        "reconcile" => ("Đối chiếu dòng sao kê", "Statement line reconciled"),
        "reserve" => ("Tạm giữ giá trị hợp đồng", "Commitment reserved"),
        "post_pending" => ("Ghi sổ từ khoản tạm giữ", "Posted from a commitment"),
        "release" => ("Giải phóng phần tạm giữ còn lại", "Commitment released"),
        "reverse" => ("Đảo bút toán", "Entry reversed"),
        "record_connectivity" => ("Ghi nhận kết nối Internet", "Connection recorded"),
        "report_zone" => ("Báo vùng lõm sóng", "Dead zone reported"),
        "advance_zone" => ("Chuyển bước vùng lõm sóng", "Dead zone moved on"),
        "record_sim" => ("Ghi nhận SIM dữ liệu", "Data SIM recorded"),
        "save_platform" => ("Lưu nền tảng học trực tuyến", "Platform saved"),
        "record_training" => ("Ghi nhận buổi tập huấn", "Training recorded"),
        "import_attendees" => ("Nhập danh sách người tham dự", "Attendees imported"),
        "open_repair" => ("Mở phiếu sửa chữa", "Repair ticket opened"),
        "repair_step" => ("Chuyển bước phiếu sửa chữa", "Repair ticket moved on"),
        _ => return None,
    };
    Some(lang.pick(vi, en))
}

impl Entity {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Entity::Unit => lang.pick("Đơn vị", "Unit"),
            Entity::User => lang.pick("Người dùng", "User"),
            Entity::ApiKey => lang.pick("Khóa API", "API key"),
            Entity::Program => lang.pick("Chương trình", "Programme"),
            Entity::Round => lang.pick("Đợt khảo sát", "Survey round"),
            Entity::NominationList => lang.pick("Danh sách của trường", "School's list"),
            Entity::Student => lang.pick("Học sinh", "Student"),
            Entity::StudentFlag => lang.pick("Cảnh báo của học sinh", "Student's flag"),
            Entity::StudentImport => lang.pick("Tệp danh sách học sinh", "Student list file"),
            Entity::Dedup => lang.pick("Rà soát trùng lặp", "Duplicate check"),
            Entity::Household => lang.pick("Hộ nghèo, cận nghèo", "Household register"),
            Entity::DeviceModel => lang.pick("Mẫu thiết bị", "Device model"),
            Entity::SpecProfile => lang.pick("Cấu hình tối thiểu", "Minimum specification"),
            Entity::Device => lang.pick("Thiết bị", "Device"),
            Entity::Appraisal => lang.pick("Thẩm định", "Appraisal"),
            Entity::Donor => lang.pick("Nhà tài trợ", "Donor"),
            Entity::Donation => lang.pick("Tiếp nhận hiện vật", "Receipt in kind"),
            Entity::Allocation => lang.pick("Phân bổ thiết bị", "Allocation"),
            Entity::Handover => lang.pick("Bàn giao thiết bị", "Handover"),
            Entity::CsdlEntry => lang.pick("Nhập CSDL ngành", "Sector database entry"),
            Entity::LedgerEntry => lang.pick("Bút toán sổ cái", "Ledger entry"),
            Entity::CashGift => lang.pick("Khoản ủng hộ tiền", "Cash gift"),
            Entity::BankStatement => lang.pick("Sao kê ngân hàng", "Bank statement"),
            Entity::Procurement => lang.pick("Mua sắm, đấu thầu", "Procurement"),
            Entity::ArchivePrint => lang.pick("Lưu trữ bản in", "Archived print"),
            Entity::Campaign => lang.pick("Đợt vận động", "Campaign"),
            Entity::Connectivity => lang.pick("Kết nối Internet của trường", "School's Internet"),
            Entity::DeadZone => lang.pick("Vùng lõm sóng", "Dead zone"),
            Entity::StudentSim => lang.pick("SIM dữ liệu của học sinh", "Student's data SIM"),
            Entity::LearningPlatform => {
                lang.pick("Nền tảng học trực tuyến", "Online-learning platform")
            }
            Entity::Training => lang.pick("Buổi tập huấn", "Training session"),
            Entity::RepairTicket => lang.pick("Phiếu bảo hành, sửa chữa", "Repair ticket"),
            Entity::Document => lang.pick("Tài liệu lưu kèm", "Kept document"),
        }
    }
}

/// One audit entry as stored, without its own hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub seq: i64,
    pub at: Millis,
    pub actor: String,
    pub actor_user_id: Option<i64>,
    pub actor_role: Option<String>,
    pub unit_id: Option<i64>,
    pub entity: String,
    pub entity_id: Option<String>,
    pub action: String,
    pub summary: String,
    /// Non-personal details as JSON text (e.g. the fields of a unit that changed).
    pub changes: Option<String>,
    /// Salted SHA-256 of the personal details kept beside the chain.
    pub personal_hash: Option<String>,
}

fn put(h: &mut Sha256, name: &str, value: Option<&str>) {
    h.update(name.as_bytes());
    match value {
        None => h.update(b"=\n"),
        Some(v) => {
            h.update(format!(":{}:", v.len()).as_bytes());
            h.update(v.as_bytes());
            h.update(b"\n");
        }
    }
}

/// The hash of `rec` chained to `prev_hash`, as lower-case hex. Every field is length
/// prefixed so that no two different entries encode the same way.
pub fn entry_hash(prev_hash: &str, rec: &AuditRecord) -> String {
    let mut h = Sha256::new();
    h.update(DOMAIN_TAG);
    put(&mut h, "prev", Some(prev_hash));
    put(&mut h, "seq", Some(&rec.seq.to_string()));
    put(&mut h, "at", Some(&rec.at.to_string()));
    put(&mut h, "actor", Some(&rec.actor));
    put(
        &mut h,
        "actor_user_id",
        rec.actor_user_id.map(|v| v.to_string()).as_deref(),
    );
    put(&mut h, "actor_role", rec.actor_role.as_deref());
    put(
        &mut h,
        "unit_id",
        rec.unit_id.map(|v| v.to_string()).as_deref(),
    );
    put(&mut h, "entity", Some(&rec.entity));
    put(&mut h, "entity_id", rec.entity_id.as_deref());
    put(&mut h, "action", Some(&rec.action));
    put(&mut h, "summary", Some(&rec.summary));
    put(&mut h, "changes", rec.changes.as_deref());
    put(&mut h, "personal_hash", rec.personal_hash.as_deref());
    hex::encode(h.finalize())
}

/// The salted hash of an entry's personal details.
pub fn personal_hash(salt: &str, data: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"songmaytinh-audit-personal-v1\n");
    h.update(salt.as_bytes());
    h.update(b"\n");
    h.update(data.as_bytes());
    hex::encode(h.finalize())
}

/// Why the chain does not verify, at which entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// Entries are missing or out of order: expected `expected`, found `found`.
    Gap { expected: i64, found: i64 },
    /// The entry's `prev_hash` is not the previous entry's hash.
    PrevMismatch { seq: i64 },
    /// The entry's content does not hash to its stored hash: it was edited.
    HashMismatch { seq: i64 },
    /// The personal details kept beside the entry do not match the chained hash.
    PersonalMismatch { seq: i64 },
    /// The head (last sequence and hash) does not match the last entry: entries were
    /// removed from the end, or the head was edited.
    HeadMismatch { head_seq: i64, last_seq: i64 },
}

impl ChainBreak {
    pub fn seq(&self) -> i64 {
        match self {
            ChainBreak::Gap { expected, .. } => *expected,
            ChainBreak::PrevMismatch { seq }
            | ChainBreak::HashMismatch { seq }
            | ChainBreak::PersonalMismatch { seq } => *seq,
            ChainBreak::HeadMismatch { last_seq, .. } => *last_seq,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ChainBreak::Gap { .. } => "audit_gap",
            ChainBreak::PrevMismatch { .. } => "audit_prev_mismatch",
            ChainBreak::HashMismatch { .. } => "audit_hash_mismatch",
            ChainBreak::PersonalMismatch { .. } => "audit_personal_mismatch",
            ChainBreak::HeadMismatch { .. } => "audit_head_mismatch",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ChainBreak::Gap { expected, found }, Lang::Vi) => {
                format!("Thiếu mục nhật ký: cần mục #{expected} nhưng gặp mục #{found}.")
            }
            (ChainBreak::Gap { expected, found }, Lang::En) => {
                format!("Missing audit entry: expected #{expected}, found #{found}.")
            }
            (ChainBreak::PrevMismatch { seq }, Lang::Vi) => format!(
                "Mục nhật ký #{seq} không nối với mục trước: mã băm của mục trước đã thay đổi."
            ),
            (ChainBreak::PrevMismatch { seq }, Lang::En) => {
                format!("Audit entry #{seq} does not link to the previous entry.")
            }
            (ChainBreak::HashMismatch { seq }, Lang::Vi) => {
                format!("Mục nhật ký #{seq} không khớp: nội dung đã bị sửa sau khi ghi.")
            }
            (ChainBreak::HashMismatch { seq }, Lang::En) => {
                format!(
                    "Audit entry #{seq} does not match its hash: it was edited after it was written."
                )
            }
            (ChainBreak::PersonalMismatch { seq }, Lang::Vi) => {
                format!("Dữ liệu cá nhân kèm mục nhật ký #{seq} đã bị sửa.")
            }
            (ChainBreak::PersonalMismatch { seq }, Lang::En) => {
                format!("The personal details kept with audit entry #{seq} were edited.")
            }
            (ChainBreak::HeadMismatch { head_seq, last_seq }, Lang::Vi) => format!(
                "Đầu chuỗi ghi mục #{head_seq} nhưng mục cuối là #{last_seq}: có mục bị xóa hoặc đầu chuỗi bị sửa."
            ),
            (ChainBreak::HeadMismatch { head_seq, last_seq }, Lang::En) => format!(
                "The chain head says #{head_seq} but the last entry is #{last_seq}: entries were removed or the head edited."
            ),
        }
    }
}

/// What a successful check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainSummary {
    pub entries: u64,
    pub last_hash: String,
    /// Entries whose personal details were erased (allowed; the chain still holds).
    pub erased_personal: u64,
}

/// Walks the chain entry by entry, in `seq` order, holding only the previous hash:
/// the chain can be any length.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    prev: String,
    next_seq: i64,
    entries: u64,
    erased: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier {
            prev: GENESIS_HASH.to_string(),
            next_seq: 1,
            entries: 0,
            erased: 0,
        }
    }
}

impl ChainVerifier {
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks the next entry. `personal` is the `(salt, data)` kept beside it, if any.
    pub fn check(
        &mut self,
        rec: &AuditRecord,
        stored_prev: &str,
        stored_hash: &str,
        personal: Option<(&str, &str)>,
    ) -> Result<(), ChainBreak> {
        if rec.seq != self.next_seq {
            return Err(ChainBreak::Gap {
                expected: self.next_seq,
                found: rec.seq,
            });
        }
        if stored_prev != self.prev {
            return Err(ChainBreak::PrevMismatch { seq: rec.seq });
        }
        if entry_hash(stored_prev, rec) != stored_hash {
            return Err(ChainBreak::HashMismatch { seq: rec.seq });
        }
        match (rec.personal_hash.as_deref(), personal) {
            (Some(h), Some((salt, data))) if personal_hash(salt, data) != h => {
                return Err(ChainBreak::PersonalMismatch { seq: rec.seq });
            }
            (None, Some(_)) => return Err(ChainBreak::PersonalMismatch { seq: rec.seq }),
            (Some(_), None) => self.erased += 1,
            _ => {}
        }
        self.prev = stored_hash.to_string();
        self.next_seq += 1;
        self.entries += 1;
        Ok(())
    }

    /// Checks the head the store keeps against the last entry seen.
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<ChainSummary, ChainBreak> {
        let last_seq = self.next_seq - 1;
        if head_seq != last_seq || head_hash != self.prev {
            return Err(ChainBreak::HeadMismatch { head_seq, last_seq });
        }
        Ok(ChainSummary {
            entries: self.entries,
            last_hash: self.prev,
            erased_personal: self.erased,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rec(seq: i64, summary: &str) -> AuditRecord {
        AuditRecord {
            seq,
            at: 1_643_000_000_000 + seq,
            actor: "admin".into(),
            actor_user_id: Some(1),
            actor_role: Some("admin".into()),
            unit_id: Some(1),
            entity: "unit".into(),
            entity_id: Some(seq.to_string()),
            action: "create".into(),
            summary: summary.into(),
            changes: None,
            personal_hash: None,
        }
    }

    fn chain(n: i64) -> Vec<(AuditRecord, String, String)> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|i| {
                let r = rec(i, &format!("entry {i}"));
                let h = entry_hash(&prev, &r);
                let out = (r, prev.clone(), h.clone());
                prev = h;
                out
            })
            .collect()
    }

    fn verify(entries: &[(AuditRecord, String, String)]) -> Result<ChainSummary, ChainBreak> {
        let mut v = ChainVerifier::new();
        for (r, p, h) in entries {
            v.check(r, p, h, None)?;
        }
        let (seq, hash) = entries
            .last()
            .map(|(r, _, h)| (r.seq, h.clone()))
            .unwrap_or((0, GENESIS_HASH.into()));
        v.finish(seq, &hash)
    }

    #[test]
    fn an_intact_chain_verifies() {
        let c = chain(5);
        let s = verify(&c).unwrap();
        assert_eq!(s.entries, 5);
        assert_eq!(s.last_hash, c[4].2);
    }

    #[test]
    fn none_and_empty_encode_differently() {
        let mut a = rec(1, "x");
        let mut b = a.clone();
        a.entity_id = None;
        b.entity_id = Some(String::new());
        assert_ne!(entry_hash(GENESIS_HASH, &a), entry_hash(GENESIS_HASH, &b));
    }

    #[test]
    fn personal_details_may_be_erased_but_not_edited() {
        let salt = "s";
        let data = r#"{"name":"Nguyễn Văn A"}"#;
        let mut r = rec(1, "x");
        r.personal_hash = Some(personal_hash(salt, data));
        let h = entry_hash(GENESIS_HASH, &r);
        let mut v = ChainVerifier::new();
        assert!(
            v.clone()
                .check(&r, GENESIS_HASH, &h, Some((salt, data)))
                .is_ok()
        );
        assert_eq!(
            v.clone().check(&r, GENESIS_HASH, &h, Some((salt, "{}"))),
            Err(ChainBreak::PersonalMismatch { seq: 1 })
        );
        v.check(&r, GENESIS_HASH, &h, None).unwrap();
        assert_eq!(v.finish(1, &h).unwrap().erased_personal, 1);
    }

    proptest! {
        /// Editing any one entry's summary is caught at exactly that entry.
        #[test]
        fn an_edit_is_named(n in 1i64..30, victim in 0usize..30, text in ".{0,20}") {
            let mut c = chain(n);
            let i = victim % c.len();
            prop_assume!(c[i].0.summary != text);
            c[i].0.summary = text;
            let err = verify(&c).unwrap_err();
            prop_assert_eq!(err, ChainBreak::HashMismatch { seq: c[i].0.seq });
        }

        /// Deleting an entry is caught: in the middle as a gap, at the end by the head.
        #[test]
        fn a_deletion_is_caught(n in 2i64..30, victim in 0usize..30) {
            let full = chain(n);
            let head = full.last().map(|(r, _, h)| (r.seq, h.clone())).unwrap();
            let mut c = full.clone();
            let i = victim % c.len();
            c.remove(i);
            let mut v = ChainVerifier::new();
            let mut res = Ok(());
            for (r, p, h) in &c {
                res = v.check(r, p, h, None);
                if res.is_err() { break; }
            }
            let outcome = res.and_then(|_| v.finish(head.0, &head.1).map(|_| ()));
            prop_assert!(outcome.is_err());
        }
    }

    #[test]
    fn entities_have_one_spelling_and_read_their_old_ones() {
        use strum::IntoEnumIterator;
        assert_eq!(Entity::iter().collect::<Vec<_>>(), Entity::ALL.to_vec());
        let mut seen = std::collections::HashSet::new();
        for e in Entity::ALL {
            for name in std::iter::once(e.code()).chain(e.legacy().iter().copied()) {
                assert!(seen.insert(name), "{name} spelled twice");
                assert_eq!(Entity::parse(name), Some(e));
            }
        }
        assert_eq!(Entity::parse("units"), Some(Entity::Unit));
        // The store reads an entity under its code and at most one older spelling.
        assert!(Entity::ALL.iter().all(|e| e.legacy().len() <= 1));
        assert_eq!(Entity::parse("nothing"), None);
    }
}
