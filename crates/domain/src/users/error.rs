//! What the users' rules refuse (accounts, roles, passwords, logins), and how each refusal is said.

use crate::dates::{Millis, format_millis};
use crate::error::AreaError;
use crate::units::UnitKind;
use crate::users::Role;
use crate::{DomainError, ErrorKind, Lang};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsersError {
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
}

impl AreaError for UsersError {
    fn code(&self) -> &'static str {
        use UsersError::*;
        match self {
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
        }
    }

    /// The form field this error belongs next to, when it is about one.
    fn field(&self) -> Option<&'static str> {
        use UsersError::*;
        Some(match self {
            RoleUnitMismatch { .. } => "unit",
            InvalidUsername | DuplicateUsername { .. } => "username",
            InvalidFullName => "full_name",
            UnknownRole { .. } => "role",
            WeakPassword { .. } | PasswordTooLong { .. } => "new_password",
            PasswordConfirmationMismatch => "confirm_password",
            WrongCurrentPassword => "current_password",
            InvalidApiKeyName => "name",
            _ => return None,
        })
    }

    fn kind(&self) -> ErrorKind {
        use UsersError::*;
        match self {
            PasswordChangeRequired | AccountDisabled => ErrorKind::Forbidden,
            InvalidCredentials => ErrorKind::Unauthenticated,
            LoginBackoff { .. } => ErrorKind::TooManyRequests,
            DuplicateUsername { .. } => ErrorKind::Conflict,
            _ => ErrorKind::Invalid,
        }
    }

    fn message(&self, lang: Lang) -> String {
        use UsersError::*;
        let vi = lang == Lang::Vi;
        match self {
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
        }
    }
}

impl From<UsersError> for DomainError {
    fn from(e: UsersError) -> Self {
        DomainError::Users(e)
    }
}
