//! The domain's one error type: a stable snake_case `code()` that tests and JSON use,
//! and a message in Vietnamese (English available).

use crate::Lang;
use crate::dates::{Millis, format_millis};
use crate::units::UnitKind;
use crate::users::Role;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainError {
    InvalidUnitCode {
        value: String,
    },
    InvalidUnitKind {
        value: String,
    },
    InvalidAgency {
        value: String,
    },
    InvalidSchoolLevel {
        value: String,
    },
    InvalidInternetStatus {
        value: String,
    },
    InvalidUnitName,
    /// A unit of this kind cannot sit under that parent (`None`: as a root).
    InvalidParent {
        child: UnitKind,
        parent: Option<UnitKind>,
    },
    /// Moving a unit under itself or one of its descendants.
    UnitCycle {
        code: String,
    },
    UnknownUnit {
        code: String,
    },
    /// A school's commune names no commune (by code or name).
    UnknownCommune {
        value: String,
    },
    /// A school's commune name matches several communes: the code is needed.
    AmbiguousCommune {
        value: String,
    },
    DuplicateUnitCode {
        code: String,
    },
    InvalidUsername,
    DuplicateUsername {
        username: String,
    },
    InvalidFullName,
    UnknownRole {
        value: String,
    },
    RoleUnitMismatch {
        role: Role,
        kind: UnitKind,
    },
    WeakPassword {
        min_len: usize,
    },
    PasswordTooLong {
        max_len: usize,
    },
    PasswordConfirmationMismatch,
    WrongCurrentPassword,
    InvalidCredentials,
    /// Too many failed logins: the next attempt counts after `until`.
    LoginBackoff {
        until: Millis,
    },
    AccountDisabled,
    PasswordChangeRequired,
    /// A user may not disable or demote their own account.
    CannotChangeSelf,
    InvalidApiKeyName,
    MissingName,
    MissingDob,
    InvalidDob {
        value: String,
    },
    /// Age outside 5–22 at the round's start.
    DobOutOfRange {
        age: i32,
    },
    UnknownTier {
        value: String,
    },
    AlreadyHasDevice,
    InvalidStudentCode {
        value: String,
    },
    /// The same student code on an earlier row of the same file.
    DuplicateInFile {
        code: String,
        first_row: usize,
    },
    /// No survey round is open (or the one named does not exist).
    NoRound,
    /// The school's list is submitted or approved: it cannot change.
    ListLocked {
        status: String,
    },
    /// The action does not fit where the list stands (approving a draft, say).
    WrongListStatus {
        status: String,
    },
    /// A reason is required (returning a row, reopening a list, an override).
    ReasonRequired,
    /// Rows with open flags (duplicates, already served, household) stop an approval.
    OpenFlags {
        rows: usize,
    },
    /// An uploaded file waiting for confirmation is gone (expired or already used).
    UploadExpired,
    /// The school's list in this round already has a student with this code (or this
    /// name and birth date).
    DuplicateStudent {
        code: String,
    },
    /// An evidence file is not a photo or a PDF (by its content).
    EvidenceType {
        found: String,
    },
    /// An evidence file is larger than the limit.
    EvidenceTooLarge {
        max_mb: usize,
    },
    /// Someone else saved the record since it was opened.
    StaleEdit,
    /// A program description (tiers, dates, round) that cannot be used, and why.
    InvalidProgram {
        reason: String,
    },
    /// A device model that cannot be declared, and why.
    InvalidDeviceModel {
        reason_vi: &'static str,
        reason_en: &'static str,
    },
    /// A brand and model already declared.
    DuplicateDeviceModel {
        name: String,
    },
    /// A device model id that names no model.
    UnknownModel {
        id: i64,
    },
    /// A device's serial number is empty.
    MissingSerial,
    /// A serial number the registry (or the same file) already has.
    DuplicateSerial {
        serial: String,
    },
    /// An IMEI that is not 15 digits or whose check digit is wrong.
    InvalidImei {
        value: String,
    },
    /// A device state change the registry does not allow (handing a rejected device
    /// to a student, say).
    ImpossibleTransition {
        serial: String,
        from: crate::devices::DeviceState,
        to: crate::devices::DeviceState,
    },
    /// A donor that cannot be recorded, and why.
    InvalidDonor {
        field: &'static str,
        reason_vi: String,
        reason_en: String,
    },
    /// A donation (receipt) that cannot be recorded, and why.
    InvalidDonation {
        field: &'static str,
        reason_vi: String,
        reason_en: String,
    },
    /// A receipt minutes number already used.
    DuplicateMinutesNo {
        no: String,
    },
    /// An appraisal that cannot be recorded, and why.
    InvalidAppraisal {
        field: &'static str,
        reason_vi: &'static str,
        reason_en: &'static str,
    },
    /// A batch cannot pass before its model has passed.
    ModelNotAppraised {
        model: String,
    },
    /// An appraisal of a batch that has no device waiting for it.
    NothingToAppraise {
        source: String,
    },
    NotFound,
    Forbidden,
}

impl DomainError {
    pub fn code(&self) -> &'static str {
        use DomainError::*;
        match self {
            InvalidUnitCode { .. } => "invalid_unit_code",
            InvalidUnitKind { .. } => "invalid_unit_kind",
            InvalidAgency { .. } => "invalid_agency",
            InvalidSchoolLevel { .. } => "invalid_school_level",
            InvalidInternetStatus { .. } => "invalid_internet_status",
            InvalidUnitName => "invalid_unit_name",
            InvalidParent { .. } => "invalid_parent",
            UnitCycle { .. } => "unit_cycle",
            UnknownUnit { .. } => "unknown_unit",
            UnknownCommune { .. } => "unknown_commune",
            AmbiguousCommune { .. } => "ambiguous_commune",
            DuplicateUnitCode { .. } => "duplicate_unit_code",
            InvalidUsername => "invalid_username",
            DuplicateUsername { .. } => "duplicate_username",
            InvalidFullName => "invalid_full_name",
            UnknownRole { .. } => "unknown_role",
            RoleUnitMismatch { .. } => "role_unit_mismatch",
            WeakPassword { .. } => "weak_password",
            PasswordTooLong { .. } => "password_too_long",
            PasswordConfirmationMismatch => "password_confirmation_mismatch",
            WrongCurrentPassword => "wrong_current_password",
            InvalidCredentials => "invalid_credentials",
            LoginBackoff { .. } => "login_backoff",
            AccountDisabled => "account_disabled",
            PasswordChangeRequired => "password_change_required",
            CannotChangeSelf => "cannot_change_self",
            InvalidApiKeyName => "invalid_api_key_name",
            MissingName => "missing_name",
            MissingDob => "missing_dob",
            InvalidDob { .. } => "invalid_dob",
            DobOutOfRange { .. } => "dob_out_of_range",
            UnknownTier { .. } => "unknown_tier",
            AlreadyHasDevice => "already_has_device",
            InvalidStudentCode { .. } => "invalid_student_code",
            DuplicateInFile { .. } => "duplicate_in_file",
            NoRound => "no_round",
            ListLocked { .. } => "list_locked",
            WrongListStatus { .. } => "wrong_list_status",
            ReasonRequired => "reason_required",
            OpenFlags { .. } => "open_flags",
            UploadExpired => "upload_expired",
            DuplicateStudent { .. } => "duplicate_student",
            EvidenceType { .. } => "evidence_type",
            EvidenceTooLarge { .. } => "evidence_too_large",
            StaleEdit => "stale_edit",
            InvalidProgram { .. } => "invalid_program",
            UnknownModel { .. } => "unknown_model",
            InvalidDeviceModel { .. } => "invalid_device_model",
            DuplicateDeviceModel { .. } => "duplicate_device_model",
            MissingSerial => "missing_serial",
            DuplicateSerial { .. } => "duplicate_serial",
            InvalidImei { .. } => "invalid_imei",
            ImpossibleTransition { .. } => "impossible_transition",
            InvalidDonor { .. } => "invalid_donor",
            InvalidDonation { .. } => "invalid_donation",
            DuplicateMinutesNo { .. } => "duplicate_minutes_no",
            InvalidAppraisal { .. } => "invalid_appraisal",
            ModelNotAppraised { .. } => "model_not_appraised",
            NothingToAppraise { .. } => "nothing_to_appraise",
            NotFound => "not_found",
            Forbidden => "forbidden",
        }
    }

    /// The form field this error belongs next to, when it is about one.
    pub fn field(&self) -> Option<&'static str> {
        use DomainError::*;
        Some(match self {
            InvalidUnitCode { .. } | DuplicateUnitCode { .. } => "code",
            InvalidUnitKind { .. } => "kind",
            InvalidAgency { .. } => "agency",
            InvalidSchoolLevel { .. } => "school_level",
            InvalidInternetStatus { .. } => "internet",
            InvalidUnitName => "name",
            InvalidParent { .. } | UnitCycle { .. } => "parent",
            UnknownUnit { .. } | RoleUnitMismatch { .. } => "unit",
            UnknownCommune { .. } | AmbiguousCommune { .. } => "commune",
            InvalidUsername | DuplicateUsername { .. } => "username",
            InvalidFullName => "full_name",
            UnknownRole { .. } => "role",
            WeakPassword { .. } | PasswordTooLong { .. } => "new_password",
            PasswordConfirmationMismatch => "confirm_password",
            WrongCurrentPassword => "current_password",
            InvalidApiKeyName => "name",
            MissingName => "name",
            MissingDob | InvalidDob { .. } | DobOutOfRange { .. } => "dob",
            UnknownTier { .. } => "tier",
            AlreadyHasDevice => "has_device",
            InvalidStudentCode { .. } | DuplicateInFile { .. } | DuplicateStudent { .. } => "code",
            EvidenceType { .. } | EvidenceTooLarge { .. } => "file",
            MissingSerial | DuplicateSerial { .. } => "serial",
            InvalidImei { .. } => "imei",
            InvalidDonor { field, .. }
            | InvalidDonation { field, .. }
            | InvalidAppraisal { field, .. } => field,
            DuplicateMinutesNo { .. } => "minutes_no",
            ModelNotAppraised { .. } | NothingToAppraise { .. } => "source",
            _ => return None,
        })
    }

    pub fn message(&self, lang: Lang) -> String {
        use DomainError::*;
        let vi = lang == Lang::Vi;
        match self {
            InvalidUnitCode { value } => if vi {
                format!("Mã đơn vị \"{value}\" không hợp lệ: chỉ dùng chữ không dấu, số, '-', '_' hoặc '.', tối đa 64 ký tự.")
            } else {
                format!("Unit code \"{value}\" is invalid: use unaccented letters, digits, '-', '_' or '.', at most 64 characters.")
            },
            InvalidUnitKind { value } => if vi {
                format!("Cấp đơn vị \"{value}\" không hợp lệ (tỉnh, sở, huyện, xã, trường).")
            } else {
                format!("Unit level \"{value}\" is invalid (province, department, district, commune, school).")
            },
            InvalidAgency { value } => if vi {
                format!("Cơ quan \"{value}\" không hợp lệ (so_gddt, so_tttt, so_tai_chinh, mttq, ubnd_tinh, other).")
            } else {
                format!("Agency \"{value}\" is invalid (so_gddt, so_tttt, so_tai_chinh, mttq, ubnd_tinh, other).")
            },
            InvalidSchoolLevel { value } => if vi {
                format!("Cấp học \"{value}\" không hợp lệ (Tiểu học, THCS, THPT, TH và THCS, THCS và THPT, GDNN-GDTX, Khác).")
            } else {
                format!("School level \"{value}\" is invalid.")
            },
            InvalidInternetStatus { value } => if vi {
                format!("Tình trạng Internet \"{value}\" không hợp lệ (Có, Yếu, Không, Chưa rõ).")
            } else {
                format!("Internet status \"{value}\" is invalid (connected, weak, none, unknown).")
            },
            InvalidUnitName => lang.pick("Tên đơn vị không được để trống và tối đa 200 ký tự.", "The unit name must be 1 to 200 characters.").into(),
            InvalidParent { child, parent } => match parent {
                Some(p) => if vi {
                    format!("Đơn vị cấp \"{}\" không thể trực thuộc đơn vị cấp \"{}\".", child.label(lang), p.label(lang))
                } else {
                    format!("A unit of level \"{}\" cannot sit under a unit of level \"{}\".", child.label(lang), p.label(lang))
                },
                None => if vi {
                    format!("Đơn vị cấp \"{}\" phải có đơn vị cấp trên.", child.label(lang))
                } else {
                    format!("A unit of level \"{}\" needs a parent unit.", child.label(lang))
                },
            },
            UnitCycle { code } => if vi {
                format!("Không thể chuyển đơn vị \"{code}\" vào chính nó hoặc đơn vị cấp dưới của nó.")
            } else {
                format!("Unit \"{code}\" cannot be moved under itself or one of its own units.")
            },
                        UnknownCommune { value } => if vi {
                format!("Không tìm thấy xã/phường \"{value}\" (ghi mã hoặc đúng tên xã).")
            } else {
                format!("No commune matches \"{value}\" (give its code or exact name).")
            },
            AmbiguousCommune { value } => if vi {
                format!("Có nhiều xã/phường tên \"{value}\": hãy ghi mã xã.")
            } else {
                format!("Several communes are named \"{value}\": give the commune's code.")
            },
            UnknownUnit { code } => if vi {
                format!("Không tìm thấy đơn vị có mã \"{code}\".")
            } else {
                format!("No unit has the code \"{code}\".")
            },
            DuplicateUnitCode { code } => if vi {
                format!("Mã đơn vị \"{code}\" đã được dùng.")
            } else {
                format!("Unit code \"{code}\" is already used.")
            },
            InvalidUsername => lang.pick(
                "Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu, số, '.', '_' hoặc '-', bắt đầu bằng chữ hoặc số.",
                "A username has 3–64 characters: lower-case unaccented letters, digits, '.', '_' or '-', starting with a letter or digit.",
            ).into(),
            DuplicateUsername { username } => if vi {
                format!("Tên đăng nhập \"{username}\" đã có người dùng.")
            } else {
                format!("The username \"{username}\" is taken.")
            },
            InvalidFullName => lang.pick("Họ và tên không được để trống và tối đa 200 ký tự.", "The full name must be 1 to 200 characters.").into(),
            UnknownRole { value } => if vi {
                format!("Vai trò \"{value}\" không tồn tại.")
            } else {
                format!("There is no role \"{value}\".")
            },
            RoleUnitMismatch { role, kind } => if vi {
                format!("Vai trò \"{}\" không thể thuộc đơn vị cấp \"{}\".", role.label(lang), kind.label(lang))
            } else {
                format!("The role \"{}\" cannot belong to a unit of level \"{}\".", role.label(lang), kind.label(lang))
            },
            WeakPassword { min_len } => if vi {
                format!("Mật khẩu phải có ít nhất {min_len} ký tự, không trùng tên đăng nhập và không lặp một ký tự.")
            } else {
                format!("The password needs at least {min_len} characters, must differ from the username and not repeat one character.")
            },
            PasswordTooLong { max_len } => if vi {
                format!("Mật khẩu dài quá {max_len} byte.")
            } else {
                format!("The password is longer than {max_len} bytes.")
            },
            PasswordConfirmationMismatch => lang.pick("Mật khẩu nhập lại không khớp.", "The passwords do not match.").into(),
            WrongCurrentPassword => lang.pick("Mật khẩu hiện tại không đúng.", "The current password is wrong.").into(),
            InvalidCredentials => lang.pick("Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong username or password.").into(),
            LoginBackoff { until } => if vi {
                format!("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {}.", format_millis(*until))
            } else {
                format!("Too many failed logins. Try again after {}.", format_millis(*until))
            },
            AccountDisabled => lang.pick("Tài khoản đã bị khóa. Liên hệ quản trị viên.", "This account is disabled. Contact an administrator.").into(),
            PasswordChangeRequired => lang.pick("Bạn cần đổi mật khẩu trước khi tiếp tục.", "You must change your password before continuing.").into(),
            CannotChangeSelf => lang.pick("Không thể tự khóa hoặc tự đổi vai trò của chính mình.", "You cannot disable or change the role of your own account.").into(),
                        InvalidApiKeyName => lang.pick("Tên khóa API gồm 1–100 ký tự.", "An API key name has 1–100 characters.").into(),
            MissingName => lang.pick("Thiếu họ và tên học sinh.", "The student's name is missing.").into(),
            MissingDob => lang.pick("Thiếu ngày sinh.", "The date of birth is missing.").into(),
            InvalidDob { value } => if vi {
                format!("Ngày sinh \"{value}\" không hợp lệ (ghi ngày/tháng/năm, ví dụ 17/09/2009).")
            } else {
                format!("The date of birth \"{value}\" is not a date (write day/month/year, e.g. 17/09/2009).")
            },
            DobOutOfRange { age } => if vi {
                format!("Tuổi tính đến đầu đợt là {age}, ngoài khoảng 5–22 tuổi: kiểm tra lại năm sinh.")
            } else {
                format!("The age at the start of the round is {age}, outside 5–22: check the year of birth.")
            },
            UnknownTier { value } => if value.is_empty() {
                lang.pick("Chưa ghi đối tượng (hộ nghèo, hộ cận nghèo, mồ côi do Covid-19).", "The tier is missing (poor, near-poor, orphaned by Covid-19).").into()
            } else if vi {
                format!("Không nhận ra đối tượng \"{value}\" (hộ nghèo, hộ cận nghèo, mồ côi do Covid-19).")
            } else {
                format!("\"{value}\" is not a tier of the programme (poor, near-poor, orphaned by Covid-19).")
            },
            AlreadyHasDevice => lang.pick("Học sinh đã có máy tính: không thuộc diện hỗ trợ.", "The student already has a computer: not eligible.").into(),
            InvalidStudentCode { value } => if vi {
                format!("Mã học sinh \"{value}\" không hợp lệ: cần 10 chữ số (mã định danh) hoặc 12 chữ số (số CCCD).")
            } else {
                format!("Student code \"{value}\" is invalid: 10 digits (sector id) or 12 digits (citizen id).")
            },
            DuplicateInFile { code, first_row } => if vi {
                format!("Mã học sinh {code} đã có ở dòng {first_row} của tệp.")
            } else {
                format!("Student code {code} already appears on row {first_row} of the file.")
            },
                        NoRound => lang.pick("Chưa có đợt khảo sát nào đang mở (hoặc không có đợt này).", "No survey round is open (or there is no such round).").into(),
            ListLocked { status } => if vi {
                format!("Danh sách đã ở trạng thái \"{status}\": không thể sửa. Cần mở lại danh sách trước.")
            } else {
                format!("The list is \"{status}\": it cannot change. Reopen it first.")
            },
            WrongListStatus { status } => if vi {
                format!("Danh sách đang ở trạng thái \"{status}\": không thực hiện được thao tác này.")
            } else {
                format!("The list is \"{status}\": this action does not apply.")
            },
                        ReasonRequired => lang.pick("Cần ghi lý do.", "A reason is required.").into(),
            OpenFlags { rows } => if vi {
                format!("Còn {rows} học sinh có cảnh báo chưa xử lý (trùng lặp, đã nhận máy, hộ nghèo không khớp): xử lý hoặc trả lại các dòng này trước khi duyệt.")
            } else {
                format!("{rows} students have open flags (duplicates, already served, household mismatch): resolve or return those rows before approving.")
            },
            UploadExpired => lang.pick("Tệp đã tải lên không còn (quá 24 giờ hoặc đã nhập): vui lòng tải lại.", "The uploaded file is gone (older than 24 hours or already imported): upload it again.").into(),
            DuplicateStudent { code } => if vi {
                format!("Danh sách của trường trong đợt này đã có học sinh {code}.")
            } else {
                format!("The school's list in this round already has student {code}.")
            },
            EvidenceType { found } => if vi {
                format!("Tệp minh chứng phải là ảnh (JPEG, PNG, WebP, HEIC) hoặc PDF; tệp này là {found}.")
            } else {
                format!("Evidence must be a photo (JPEG, PNG, WebP, HEIC) or a PDF; this file is {found}.")
            },
            EvidenceTooLarge { max_mb } => if vi {
                format!("Tệp minh chứng lớn hơn {max_mb} MB: hãy chụp lại ở độ phân giải thấp hơn.")
            } else {
                format!("The evidence file is larger than {max_mb} MB: take the photo at a lower resolution.")
            },
            InvalidProgram { reason } => if vi {
                format!("Mô tả chương trình không dùng được: {reason}.")
            } else {
                format!("The program description cannot be used: {reason}.")
            },
            StaleEdit => lang.pick("Hồ sơ vừa được người khác sửa: hãy tải lại trang và sửa lại.", "Someone else changed this record: reload the page and edit again.").into(),
            MissingSerial => lang.pick("Thiếu số sê-ri của thiết bị.", "The device's serial number is missing.").into(),
            InvalidDeviceModel { reason_vi, reason_en } => if vi {
                format!("Mẫu thiết bị không hợp lệ: {reason_vi}.")
            } else {
                format!("The device model is not valid: {reason_en}.")
            },
            DuplicateDeviceModel { name } => if vi {
                format!("Mẫu thiết bị {name} đã được khai báo.")
            } else {
                format!("Device model {name} is already declared.")
            },
            UnknownModel { id } => if vi {
                format!("Không có mẫu thiết bị số {id}: hãy khai báo mẫu thiết bị trước.")
            } else {
                format!("There is no device model {id}: declare the model first.")
            },
            DuplicateSerial { serial } => if vi {
                format!("Số sê-ri {serial} đã có trong sổ theo dõi thiết bị (hoặc lặp lại trong tệp).")
            } else {
                format!("Serial number {serial} is already in the registry (or repeated in the file).")
            },
            InvalidDonor { reason_vi, reason_en, .. } => if vi {
                format!("Thông tin nhà tài trợ chưa đúng: {reason_vi}.")
            } else {
                format!("The donor's details are not right: {reason_en}.")
            },
            InvalidDonation { reason_vi, reason_en, .. } => if vi {
                format!("Biên bản tiếp nhận chưa ghi được: {reason_vi}.")
            } else {
                format!("The receipt cannot be recorded: {reason_en}.")
            },
            DuplicateMinutesNo { no } => if vi {
                format!("Số biên bản {no} đã được dùng cho một lần tiếp nhận khác.")
            } else {
                format!("Minutes number {no} is already used by another receipt.")
            },
            InvalidAppraisal { reason_vi, reason_en, .. } => if vi {
                format!("Kết quả thẩm định chưa ghi được: {reason_vi}.")
            } else {
                format!("The appraisal cannot be recorded: {reason_en}.")
            },
            ModelNotAppraised { model } => if vi {
                format!("Mẫu {model} chưa được thẩm định đạt: hãy thẩm định mẫu máy trước khi cho lô hàng đạt.")
            } else {
                format!("Model {model} has not passed appraisal: appraise the model before passing a batch.")
            },
            NothingToAppraise { source } => if vi {
                format!("Lô {source} không còn thiết bị nào chờ thẩm định.")
            } else {
                format!("Batch {source} has no device waiting for appraisal.")
            },
            InvalidImei { value } => if vi {
                format!("IMEI \"{value}\" không hợp lệ: cần đúng 15 chữ số và chữ số cuối đúng theo thuật toán Luhn.")
            } else {
                format!("IMEI \"{value}\" is not valid: it needs exactly 15 digits and a correct Luhn check digit.")
            },
            ImpossibleTransition { serial, from, to } => if vi {
                format!("Thiết bị {serial} đang ở trạng thái \"{}\", không thể chuyển sang \"{}\".", from.label(lang), to.label(lang))
            } else {
                format!("Device {serial} is \"{}\"; it cannot become \"{}\".", from.label(lang), to.label(lang))
            },
            NotFound => lang.pick("Không tìm thấy.", "Not found.").into(),
            Forbidden => lang.pick("Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this.").into(),
        }
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::Vi))
    }
}

impl std::error::Error for DomainError {}
