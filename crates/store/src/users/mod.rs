//! Storage of user accounts: creation, changes, passwords, and the login check with
//! its back-off after failed attempts.

pub mod api_keys;
pub mod sessions;

pub mod logins;
use crate::db::q;
use crate::error::{Result, StoreError};
use crate::passwords;
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::DomainError;
use domain::audit::Entity;
use domain::dates::{Millis, now_millis};
use domain::units::UnitsError;
use domain::units::{Agency, UnitKind, UnitPath};
use domain::users::UsersError;
use domain::users::{Role, Username, parse_full_name};
use serde::Serialize;
use serde_json::json;

/// A user with their unit, as everything above the store sees one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub username: Username,
    pub full_name: String,
    pub role: Role,
    pub active: bool,
    pub must_change_password: bool,
    pub created_at: Millis,
    pub password_changed_at: Millis,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub unit_kind: UnitKind,
    pub unit_agency: Option<Agency>,
    #[serde(skip)]
    pub unit_path: UnitPath,
    #[serde(skip)]
    pub(crate) password_hash: String,
}

impl User {
    /// The subtree this user sees.
    pub fn scope(&self) -> UnitPath {
        domain::units::scope_of(self.unit_kind, &self.unit_path)
    }

    pub fn audit_actor(&self) -> AuditActor {
        AuditActor::user(self.id, self.username.as_str(), self.role)
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: i64,
    username: String,
    full_name: String,
    role: String,
    active: bool,
    must_change_password: bool,
    created_at: i64,
    password_changed_at: i64,
    password_hash: String,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    unit_kind: String,
    unit_agency: Option<String>,
    unit_path: String,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> Result<User> {
        Ok(User {
            id: r.id,
            username: Username::parse(&r.username)
                .map_err(|_| StoreError::corrupt("users", "username", &r.username))?,
            role: Role::parse(&r.role)
                .map_err(|_| StoreError::corrupt("users", "role", &r.role))?,
            unit_kind: UnitKind::parse(&r.unit_kind)
                .map_err(|_| StoreError::corrupt("units", "kind", &r.unit_kind))?,
            unit_agency: r
                .unit_agency
                .as_deref()
                .map(|a| Agency::parse(a).map_err(|_| StoreError::corrupt("units", "agency", a)))
                .transpose()?,
            unit_path: UnitPath::parse(&r.unit_path)
                .ok_or_else(|| StoreError::corrupt("units", "path", &r.unit_path))?,
            full_name: r.full_name,
            active: r.active,
            must_change_password: r.must_change_password,
            created_at: r.created_at,
            password_changed_at: r.password_changed_at,
            password_hash: r.password_hash,
            unit_id: r.unit_id,
            unit_code: r.unit_code,
            unit_name: r.unit_name,
        })
    }
}

/// The columns of [`UserRow`], from `users a` joined to `units n`.
macro_rules! user_cols {
    () => {
        "a.id, a.username, a.full_name, a.role, a.active, a.must_change_password,
         a.created_at, a.password_changed_at, a.password_hash,
         n.id AS unit_id, n.code AS unit_code, n.name AS unit_name, n.kind AS unit_kind,
         n.agency AS unit_agency, n.path AS unit_path "
    };
}
pub(crate) use user_cols;

macro_rules! user_select {
    () => {
        concat!(
            "SELECT ",
            user_cols!(),
            " FROM users a JOIN units n ON n.id = a.unit_id "
        )
    };
}

/// A new account. The password is hashed by the caller (see [`passwords`]).
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: Username,
    pub full_name: String,
    pub role: Role,
    pub unit_code: String,
    pub password_hash: String,
    pub must_change_password: bool,
}

/// Changes an administrator makes to an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub full_name: Option<String>,
    pub role: Option<Role>,
    pub unit_code: Option<String>,
    pub active: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub role: Option<Role>,
    /// Folded text the username or name must contain.
    pub search: Option<String>,
}

fn search_key(username: &str, full_name: &str) -> String {
    format!("{} {}", username, text::fold(full_name))
}

impl Store {
    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>> {
        q(concat!(user_select!(), "WHERE a.id = $1"))
            .bind(id)
            .fetch_optional::<UserRow>(self.pool())
            .await?
            .map(User::try_from)
            .transpose()
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        q(concat!(user_select!(), "WHERE a.username = $1"))
            .bind(username.trim().to_ascii_lowercase())
            .fetch_optional::<UserRow>(self.pool())
            .await?
            .map(User::try_from)
            .transpose()
    }

    /// Users whose unit lies in `within`, by username.
    pub async fn list_users(
        &self,
        within: &UnitPath,
        filter: &UserFilter,
        page: i64,
        per_page: i64,
    ) -> Result<crate::db::Page<User>> {
        let (lo, hi) = within.subtree_range();
        let per_page = per_page.clamp(1, 500);
        let page = page.max(1);
        let pattern = filter
            .search
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| format!("%{}%", crate::db::like_escape(s)));
        macro_rules! filtered {
            () => {
                "WHERE n.path >= $1 AND n.path < $2 AND ($3 IS NULL OR a.role = $3)
                   AND ($4 IS NULL OR a.search_key LIKE $4 ESCAPE '\\') "
            };
        }
        let role = filter.role.map(|r| r.code());
        let total: i64 = q(concat!(
            "SELECT COUNT(*) FROM users a JOIN units n ON n.id = a.unit_id ",
            filtered!()
        ))
        .bind(lo.clone())
        .bind(hi.clone())
        .bind(role)
        .bind(pattern.clone())
        .scalar(self.pool())
        .await?;
        let items = q(concat!(
            user_select!(),
            filtered!(),
            "ORDER BY a.username LIMIT $5 OFFSET $6"
        ))
        .bind(lo)
        .bind(hi)
        .bind(role)
        .bind(pattern)
        .bind(per_page)
        .bind((page - 1) * per_page)
        .fetch_all::<UserRow>(self.pool())
        .await?
        .into_iter()
        .map(User::try_from)
        .collect::<Result<Vec<_>>>()?;
        Ok(crate::db::Page {
            items,
            total,
            page,
            per_page,
        })
    }

    /// How many active users of each role in a subtree.
    pub async fn user_counts(&self, within: &UnitPath) -> Result<Vec<(Role, i64)>> {
        let (lo, hi) = within.subtree_range();
        let rows: Vec<(String, i64)> = q("SELECT a.role, COUNT(*) FROM users a JOIN units n ON n.id = a.unit_id
                                          WHERE n.path >= $1 AND n.path < $2 AND a.active = TRUE GROUP BY a.role")
            .bind(lo)
            .bind(hi)
            .fetch_all(self.pool())
            .await?;
        Ok(Role::ALL
            .iter()
            .filter_map(|r| {
                rows.iter()
                    .find(|(c, _)| c == r.code())
                    .map(|(_, n)| (*r, *n))
            })
            .collect())
    }

    /// Creates an account. The role must fit the unit; with `scope`, the unit must lie
    /// inside it (an administrator of a district creates users of that district only).
    #[tracing::instrument(skip_all, fields(username = %new.username, role = %new.role, unit = %new.unit_code, by = %actor.name))]
    pub async fn create_user(
        &self,
        actor: &AuditActor,
        scope: Option<&UnitPath>,
        new: NewUser,
    ) -> Result<User> {
        let full_name = parse_full_name(&new.full_name)?;
        let unit = self.unit_by_code(&new.unit_code).await?.ok_or_else(|| {
            DomainError::Units(UnitsError::UnknownUnit {
                code: new.unit_code.clone(),
            })
        })?;
        if scope.is_some_and(|s| !s.contains(&unit.path)) {
            return Err(DomainError::Units(UnitsError::UnknownUnit {
                code: new.unit_code.clone(),
            })
            .into());
        }
        new.role.check_unit(unit.kind, unit.agency)?;
        let now = now_millis();
        let mut tx = self.pool().begin().await?;
        let id: i64 = q("INSERT INTO users (username, full_name, search_key, role, unit_id, password_hash, active,
                              must_change_password, created_at, updated_at, password_changed_at)
                         VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $8, $8, $8) RETURNING id")
            .bind(new.username.as_str())
            .bind(full_name.clone())
            .bind(search_key(new.username.as_str(), &full_name))
            .bind(new.role.code())
            .bind(unit.id)
            .bind(new.password_hash)
            .bind(new.must_change_password)
            .bind(now)
            .scalar(&mut tx)
            .await
            .map_err(|e| {
                StoreError::on_unique(e, "users_username_key", || DomainError::Users(UsersError::DuplicateUsername {
                    username: new.username.to_string(),
                }))
            })?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::User,
                entity_id: Some(new.username.to_string()),
                action: "create",
                summary: format!(
                    "Tạo tài khoản {} (vai trò {}) thuộc {}",
                    new.username,
                    new.role.code(),
                    unit.code
                ),
                unit_id: Some(unit.id),
                changes: Some(
                    json!({ "username": new.username, "role": new.role, "unit": unit.code }),
                ),
                personal: Some(json!({ "full_name": full_name })),
            },
        )
        .await?;
        tx.commit().await?;
        self.user_by_id(id)
            .await?
            .ok_or_else(|| DomainError::NotFound.into())
    }

    /// Changes an account's name, role, unit or status. Disabling an account ends its
    /// sessions. Nobody changes their own role or disables themselves.
    pub async fn update_user(
        &self,
        actor: &AuditActor,
        scope: Option<&UnitPath>,
        id: i64,
        changes: UserChanges,
    ) -> Result<User> {
        let old = self.user_by_id(id).await?.ok_or(DomainError::NotFound)?;
        let full_name = match &changes.full_name {
            Some(n) => parse_full_name(n)?,
            None => old.full_name.clone(),
        };
        let role = changes.role.unwrap_or(old.role);
        let active = changes.active.unwrap_or(old.active);
        if actor.user_id == Some(old.id) && (role != old.role || !active) {
            return Err(DomainError::Users(UsersError::CannotChangeSelf).into());
        }
        let unit = match &changes.unit_code {
            Some(code) if code != &old.unit_code => {
                let u = self.unit_by_code(code).await?.ok_or_else(|| {
                    DomainError::Units(UnitsError::UnknownUnit { code: code.clone() })
                })?;
                if scope.is_some_and(|s| !s.contains(&u.path)) {
                    return Err(
                        DomainError::Units(UnitsError::UnknownUnit { code: code.clone() }).into(),
                    );
                }
                (u.id, u.code.to_string(), u.kind, u.agency)
            }
            _ => (
                old.unit_id,
                old.unit_code.clone(),
                old.unit_kind,
                old.unit_agency,
            ),
        };
        role.check_unit(unit.2, unit.3)?;
        if full_name == old.full_name
            && role == old.role
            && unit.0 == old.unit_id
            && active == old.active
        {
            return Ok(old);
        }
        let mut tx = self.pool().begin().await?;
        q("UPDATE users SET full_name = $1, search_key = $2, role = $3, unit_id = $4, active = $5, updated_at = $6 WHERE id = $7")
            .bind(full_name.clone())
            .bind(search_key(old.username.as_str(), &full_name))
            .bind(role.code())
            .bind(unit.0)
            .bind(active)
            .bind(now_millis())
            .bind(id)
            .execute(&mut tx)
            .await?;
        if !active || role != old.role || unit.0 != old.unit_id {
            // What the user may see changed: their open sessions must log in again.
            q("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut tx)
                .await?;
        }
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::User,
                entity_id: Some(old.username.to_string()),
                action: if active != old.active { if active { "enable" } else { "disable" } } else { "update" },
                summary: format!("Cập nhật tài khoản {}", old.username),
                unit_id: Some(unit.0),
                changes: Some(json!({
                    "before": { "role": old.role, "unit": old.unit_code, "active": old.active },
                    "after": { "role": role, "unit": unit.1, "active": active },
                })),
                personal: (full_name != old.full_name)
                    .then(|| json!({ "before": { "full_name": old.full_name }, "after": { "full_name": full_name } })),
            },
        )
        .await?;
        tx.commit().await?;
        self.user_by_id(id)
            .await?
            .ok_or_else(|| DomainError::NotFound.into())
    }

    /// Sets a new password hash. `must_change` forces a change at next login (after an
    /// administrator's reset). Every session of the user ends except `keep_session`.
    pub async fn set_password(
        &self,
        actor: &AuditActor,
        user_id: i64,
        password_hash: String,
        must_change: bool,
        keep_session: Option<&str>,
    ) -> Result<()> {
        let user = self
            .user_by_id(user_id)
            .await?
            .ok_or(DomainError::NotFound)?;
        let now = now_millis();
        let mut tx = self.pool().begin().await?;
        q("UPDATE users SET password_hash = $1, must_change_password = $2, password_changed_at = $3, updated_at = $3
            WHERE id = $4")
            .bind(password_hash)
            .bind(must_change)
            .bind(now)
            .bind(user_id)
            .execute(&mut tx)
            .await?;
        q("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
            .bind(user_id)
            .bind(keep_session.unwrap_or(""))
            .execute(&mut tx)
            .await?;
        let own = actor.user_id == Some(user_id);
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::User,
                entity_id: Some(user.username.to_string()),
                action: if own {
                    "change_password"
                } else {
                    "reset_password"
                },
                summary: if own {
                    format!("{} đổi mật khẩu", user.username)
                } else {
                    format!("Đặt lại mật khẩu cho {}", user.username)
                },
                unit_id: Some(user.unit_id),
                changes: None,
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Lifts the login back-off of an account.
    pub async fn unlock_user(&self, actor: &AuditActor, user_id: i64) -> Result<()> {
        let user = self
            .user_by_id(user_id)
            .await?
            .ok_or(DomainError::NotFound)?;
        let mut tx = self.pool().begin().await?;
        logins::forget_failures(&mut tx, user.username.as_str()).await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::User,
                entity_id: Some(user.username.to_string()),
                action: "unlock",
                summary: format!("Mở khóa đăng nhập cho {}", user.username),
                unit_id: Some(user.unit_id),
                changes: None,
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks the current password of a logged-in user (before a change of password).
    pub async fn check_password(&self, user_id: i64, password: &str) -> Result<bool> {
        let user = self
            .user_by_id(user_id)
            .await?
            .ok_or(DomainError::NotFound)?;
        Ok(passwords::verify_password(password, &user.password_hash).await)
    }
}
