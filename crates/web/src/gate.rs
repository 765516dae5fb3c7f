//! The gate: every request to a route passes here before its handler. It finds the
//! route's rule, identifies the user (session cookie or API key), checks the CSRF token
//! of state-changing requests, and asks `domain::authz::decide` whether this user may
//! do this here. Refusals are logged. Handlers read the result from the extensions.

use crate::cookies;
use crate::error::AppError;
use crate::routes::{Access, Target};
use crate::state::AppState;
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, MatchedPath, RawPathParams, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use domain::authz::{Action, Decision, Principal, decide};
use domain::digest::sha256_hex;
use domain::units::UnitPath;
use domain::users::UsersError;
use domain::{DomainError, Lang};
use std::sync::Arc;
use store::AuditActor;
use store::passwords::random_token;
use store::units::Unit;
use store::users::User;

/// How the user proved who they are.
#[derive(Debug, Clone)]
pub enum Via {
    Session { id_hash: String },
    ApiKey { id: i64 },
}

/// The user making the request, as the gate established.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: Arc<User>,
    pub scope: UnitPath,
    pub via: Via,
}

impl Actor {
    pub fn principal(&self) -> Principal {
        Principal {
            role: self.user.role,
            scope: self.scope.clone(),
        }
    }

    pub fn audit(&self) -> AuditActor {
        self.user.audit_actor()
    }

    /// Whether the role allows an action (for showing or hiding links; the gate still
    /// checks every request).
    pub fn can(&self, action: Action) -> bool {
        domain::authz::permits(self.user.role, action)
    }

    pub fn sees(&self, path: &UnitPath) -> bool {
        self.scope.contains(path)
    }
}

/// The token forms must echo back: the session's, or before login a random one kept in
/// a cookie (double submit).
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// The unit a `{code}` route is about, loaded and scope-checked by the gate.
#[derive(Debug, Clone)]
pub struct TargetUnit(pub Unit);

/// The user an `{id}` route is about, loaded and scope-checked by the gate.
#[derive(Debug, Clone)]
pub struct TargetUser(pub User);

/// The student a `{id}` route is about, loaded and scope-checked by the gate.
#[derive(Debug, Clone)]
pub struct TargetStudent(pub store::students::Student);

/// A one-time message carried across a redirect.
#[derive(Debug, Clone)]
pub struct Flash(pub String);

/// The request id, for error pages and logs.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

pub fn lang_of(headers: &HeaderMap) -> Lang {
    cookies::get(headers, cookies::LANG)
        .and_then(Lang::parse)
        .unwrap_or_default()
}

/// The language of an API answer: the language cookie, else the first of Vietnamese and
/// English that `Accept-Language` names (programs ask this way), else Vietnamese.
pub fn api_lang_of(headers: &HeaderMap) -> Lang {
    if let Some(l) = cookies::get(headers, cookies::LANG).and_then(Lang::parse) {
        return l;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .into_iter()
        .flat_map(|v| v.split(','))
        .filter_map(|tag| {
            let (tag, q) = match tag.split_once(';') {
                Some((t, params)) => (t, params.trim().strip_prefix("q=")?.parse::<f32>().ok()?),
                None => (tag, 1.0),
            };
            let primary = tag.trim().split('-').next()?.to_ascii_lowercase();
            Some((Lang::parse(&primary)?, q))
        })
        .filter(|(_, q)| *q > 0.0)
        .fold(None::<(Lang, f32)>, |best, (l, q)| match best {
            Some((_, bq)) if bq >= q => best,
            _ => Some((l, q)),
        })
        .map(|(l, _)| l)
        .unwrap_or_default()
}

fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string()
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Paths a user who must change their password may still use.
fn allowed_before_password_change(path: &str) -> bool {
    matches!(
        path,
        "/account/password" | "/logout" | "/lang/{code}" | "/static/{file}"
    )
}

const FORM_LIMIT: usize = 1024 * 1024;

/// Reads the `_csrf` field of an url-encoded form and puts the body back for the handler.
async fn form_csrf(req: Request) -> Result<(Request, Option<String>), AppError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Ok(boundary) = multer::parse_boundary(content_type) {
        return multipart_csrf(req, boundary).await;
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Ok((req, None));
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, FORM_LIMIT)
        .await
        .map_err(|_| AppError::BadRequest("biểu mẫu quá lớn (form too large)".into()))?;
    let token = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.into_owned());
    Ok((Request::from_parts(parts, Body::from(bytes)), token))
}

/// How much of a multipart body is read to find its first field (the token comes first
/// in every upload form); the rest streams on to the handler untouched.
const MULTIPART_PREFIX: usize = 16 * 1024;

/// The `_csrf` field of a file-upload form: read from the start of the body only, which
/// is then put back in front of the rest, so a large upload is never held here.
async fn multipart_csrf(
    req: Request,
    boundary: String,
) -> Result<(Request, Option<String>), AppError> {
    use futures_util::StreamExt;
    let (parts, body) = req.into_parts();
    let mut rest = body.into_data_stream();
    let delimiter = format!("--{boundary}");
    let mut prefix = bytes::BytesMut::new();
    while prefix.len() < MULTIPART_PREFIX && memchr_count(&prefix, delimiter.as_bytes()) < 2 {
        match rest.next().await {
            Some(Ok(chunk)) => prefix.extend_from_slice(&chunk),
            Some(Err(_)) => {
                return Err(AppError::BadRequest(
                    "biểu mẫu bị cắt (form cut short)".into(),
                ));
            }
            None => break,
        }
    }
    let prefix = prefix.freeze();
    let head = prefix.clone();
    let mut first = multer::Multipart::new(
        futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(head) }),
        boundary,
    );
    let token = match first.next_field().await {
        Ok(Some(f)) if f.name() == Some("_csrf") => f.text().await.ok(),
        _ => None,
    };
    let body = Body::from_stream(
        futures_util::stream::once(async move { Ok::<_, axum::Error>(prefix) }).chain(rest),
    );
    Ok((Request::from_parts(parts, body), token))
}

/// How many times `needle` occurs in `hay`.
fn memchr_count(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).filter(|w| *w == needle).count()
}

fn same_token(a: &str, b: &str) -> bool {
    // Compare hashes: equal length and no early exit on the secret itself.
    sha256_hex(a.as_bytes()) == sha256_hex(b.as_bytes())
}

fn refuse(
    reason: &'static str,
    route: &str,
    user: Option<&User>,
    rid: &str,
    err: AppError,
) -> Response {
    tracing::warn!(
        request_id = rid,
        route,
        user = user.map(|u| u.username.as_str()).unwrap_or("-"),
        reason,
        "request refused"
    );
    err.into_response()
}

/// The middleware. Installed with `route_layer`, so it runs for every matched route.
pub async fn gate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let rid = request_id(req.headers());
    let Some(route) = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
    else {
        let cookie = req.headers().get(header::COOKIE).cloned();
        let mut res = AppError::not_found().into_response();
        with_viewer(&state, cookie, &mut res).await;
        return res;
    };
    // HEAD is a GET without the body (axum answers it through the GET route): the same
    // rule, so probes and monitors may ask with it.
    let method = match req.method() {
        &Method::HEAD => Method::GET,
        m => m.clone(),
    };
    let Some(access) = state.rules.get(&(method.clone(), route.as_str())).copied() else {
        // The address exists for other methods: say which (a GET on a form's target).
        let mut allow: Vec<&str> = state
            .rules
            .keys()
            .filter(|(_, p)| *p == route.as_str())
            .map(|(m, _)| m.as_str())
            .collect();
        if !allow.is_empty() {
            // A browser opening a form's target (a refresh, the language switch after a
            // refused form, a bookmark) is sent to the page the form is on.
            if method == Method::GET
                && !route.starts_with("/api/")
                && let Some(page) = form_page(&state, &route, req.uri().path())
            {
                return Redirect::to(&page).into_response();
            }
            allow.sort_unstable();
            let cookie = req.headers().get(header::COOKIE).cloned();
            let mut res = AppError::MethodNotAllowed(allow.join(", ")).into_response();
            if !route.starts_with("/api/") {
                with_viewer(&state, cookie, &mut res).await;
            }
            return res;
        }
        tracing::error!(request_id = rid, route, %method, "route has no rule: refused");
        return AppError::forbidden().into_response();
    };
    let cookie = req.headers().get(header::COOKIE).cloned();
    let mut res = match gate_inner(&state, access, &route, &rid, req, next).await {
        Ok(res) => res,
        Err(res) => res,
    };
    if !route.starts_with("/api/") {
        with_viewer(&state, cookie, &mut res).await;
    }
    res
}

/// The nearest page above a form's target that a browser may open: the route with
/// the target's last segments taken off, one at a time (`/students/{id}/withdraw` →
/// `/students/{id}`, `/devices/batches/stock-in` → `/devices/batches`).
fn form_page(state: &AppState, route: &str, path: &str) -> Option<String> {
    let pattern: Vec<&str> = route.split('/').collect();
    let actual: Vec<&str> = path.split('/').collect();
    if pattern.len() != actual.len() {
        return None;
    }
    (1..pattern.len()).rev().find_map(|n| {
        let above = match pattern[..n].join("/") {
            p if p.is_empty() => "/".to_string(),
            p => p,
        };
        state
            .rules
            .contains_key(&(Method::GET, above.as_str()))
            .then(|| match actual[..n].join("/") {
                p if p.is_empty() => "/".to_string(),
                p => p,
            })
    })
}

/// The answer for addresses no route matches: a 404 page with the layout of the
/// person asking.
pub async fn fallback(State(state): State<AppState>, req: Request) -> Response {
    let mut res = AppError::not_found().into_response();
    if !req.uri().path().starts_with("/api/") {
        with_viewer(&state, req.headers().get(header::COOKIE).cloned(), &mut res).await;
    }
    res
}

/// Attaches the person asking to an HTML error response, for its layout.
async fn with_viewer(state: &AppState, cookie: Option<header::HeaderValue>, res: &mut Response) {
    let Some(cookie) = cookie else { return };
    if res.extensions().get::<crate::error::ErrorInfo>().is_none()
        || res.extensions().get::<ErrorViewer>().is_some()
    {
        return;
    }
    let mut headers = HeaderMap::new();
    headers.insert(header::COOKIE, cookie);
    if let Ok(Some((actor, csrf))) = session_of(state, &headers).await {
        res.extensions_mut().insert(ErrorViewer { actor, csrf });
    }
}

/// The person whose session cookie `headers` carry, with the session's CSRF token;
/// `None` for no cookie or one that expired.
async fn session_of(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(Actor, String)>, AppError> {
    let Some(token) = cookies::get(headers, cookies::SESSION) else {
        return Ok(None);
    };
    let token_hash = sha256_hex(token.as_bytes());
    let now = domain::dates::now_millis();
    let found = match state
        .caches
        .sessions
        .get(&token_hash)
        .filter(|s| s.expires_at > now)
    {
        Some(hit) => Some(hit),
        None => state
            .fill_session(&token_hash, token, &state.config.sessions, now)
            .await
            .map_err(AppError::from)?,
    };
    Ok(found.map(|s| {
        (
            Actor {
                scope: s.user.scope(),
                user: s.user.clone(),
                via: Via::Session {
                    id_hash: s.id_hash.clone(),
                },
            },
            s.csrf_token.clone(),
        )
    }))
}

/// Who an error page is shown to, so that it keeps the menu, the name and the logout
/// of every other page (`error::render_errors` reads it).
#[derive(Clone)]
pub struct ErrorViewer {
    pub actor: Actor,
    pub csrf: String,
}

async fn gate_inner(
    state: &AppState,
    access: Access,
    route: &str,
    rid: &str,
    mut req: Request,
    next: Next,
) -> Result<Response, Response> {
    let is_api = route.starts_with("/api/");
    let secure = state.config.secure_cookies();

    // Who is asking.
    let mut actor: Option<Actor> = None;
    let mut session_csrf: Option<String> = None;
    let mut bad_session = false;
    if access == Access::Open {
        // Probes and static files never look at who asks.
    } else if let Some(key) = bearer(req.headers()) {
        let key_hash = sha256_hex(key.as_bytes());
        let found = match state.caches.api_keys.get(&key_hash) {
            Some(hit) => Some(hit),
            None => match state.store.api_key_user(key).await {
                Ok(found) => {
                    let found = found.map(|(u, id)| (Arc::new(u), id));
                    if let Some(f) = &found {
                        state.caches.api_keys.put(key_hash, f.clone());
                    }
                    found
                }
                Err(e) => return Err(AppError::from(e).into_response()),
            },
        };
        match found {
            Some((user, id)) => {
                actor = Some(Actor {
                    scope: user.scope(),
                    user,
                    via: Via::ApiKey { id },
                })
            }
            None => {
                return Err(refuse(
                    "bad_api_key",
                    route,
                    None,
                    rid,
                    AppError::Unauthenticated,
                ));
            }
        }
    } else if cookies::get(req.headers(), cookies::SESSION).is_some() {
        match session_of(state, req.headers()).await {
            Ok(Some((a, token))) => {
                session_csrf = Some(token);
                actor = Some(a);
            }
            Ok(None) => bad_session = true,
            Err(e) => return Err(e.into_response()),
        }
    }

    // The CSRF token of this page: the session's, or a pre-login one.
    let mut new_pre_token = None;
    let csrf = match &session_csrf {
        Some(t) => t.clone(),
        None => match cookies::get(req.headers(), cookies::PRE_CSRF).filter(|t| t.len() == 32) {
            Some(t) => t.to_string(),
            None => {
                let t = random_token(16);
                new_pre_token = Some(t.clone());
                t
            }
        },
    };

    // Not logged in where one must be.
    if actor.is_none() && !matches!(access, Access::Public | Access::Open) {
        if is_api {
            return Err(refuse(
                "unauthenticated",
                route,
                None,
                rid,
                AppError::Unauthenticated,
            ));
        }
        let next_url = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        tracing::info!(
            request_id = rid,
            route,
            "not logged in: sent to the login page"
        );
        let mut target = if req.method() == Method::GET {
            format!(
                "/login?next={}",
                form_urlencoded::byte_serialize(next_url.as_bytes()).collect::<String>()
            )
        } else {
            "/login?next=%2F".to_string()
        };
        if bad_session {
            target.push_str("&expired=1");
        }
        let mut res = Redirect::to(&target).into_response();
        if bad_session {
            res.headers_mut()
                .append(header::SET_COOKIE, cookies::clear(cookies::SESSION, secure));
        }
        return Err(res);
    }

    // State-changing requests from a browser must carry the page's token, and must not
    // come from another site. API keys are not cookies: no CSRF risk.
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let by_cookie = !matches!(actor.as_ref().map(|a| &a.via), Some(Via::ApiKey { .. }));
    if unsafe_method && by_cookie {
        let cross_site = req
            .headers()
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == "cross-site");
        let header_token = req
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        // Never from the address (it would stay in the history): a form's field or a header.
        let (r, form_token) = match form_csrf(req).await {
            Ok(x) => x,
            Err(e) => return Err(e.into_response()),
        };
        req = r;
        let sent = header_token.or(form_token);
        let ok = !cross_site
            && new_pre_token.is_none()
            && sent.as_deref().is_some_and(|s| same_token(s, &csrf));
        if !ok {
            return Err(refuse(
                "csrf",
                route,
                actor.as_ref().map(|a| &*a.user),
                rid,
                AppError::Csrf,
            ));
        }
    }

    if let Some(a) = &actor
        && a.user.must_change_password
        && !allowed_before_password_change(route)
        && !matches!(access, Access::Public | Access::Open)
    {
        if is_api || req.method() != Method::GET {
            return Err(refuse(
                "password_change_required",
                route,
                Some(&a.user),
                rid,
                AppError::Domain(DomainError::Users(UsersError::PasswordChangeRequired)),
            ));
        }
        return Err(Redirect::to("/account/password").into_response());
    }

    // The decision.
    if let (Access::Allow(action, target), Some(a)) = (access, &actor) {
        let target_path = match target {
            Target::None => None,
            Target::UnitCode => {
                let code = path_param(&mut req, "code").await;
                match state.store.unit_by_code(&code).await {
                    Ok(Some(u)) => {
                        let p = u.path.clone();
                        req.extensions_mut().insert(TargetUnit(u));
                        Some(p)
                    }
                    Ok(None) => {
                        return Err(refuse(
                            "no_such_unit",
                            route,
                            Some(&a.user),
                            rid,
                            AppError::not_found(),
                        ));
                    }
                    Err(e) => return Err(AppError::from(e).into_response()),
                }
            }
            Target::UserId => {
                let id = path_param(&mut req, "id").await.parse::<i64>().ok();
                let found = match id {
                    Some(id) => state.store.user_by_id(id).await,
                    None => Ok(None),
                };
                match found {
                    Ok(Some(u)) => {
                        let p = u.unit_path.clone();
                        req.extensions_mut().insert(TargetUser(u));
                        Some(p)
                    }
                    Ok(None) => {
                        return Err(refuse(
                            "no_such_user",
                            route,
                            Some(&a.user),
                            rid,
                            AppError::not_found(),
                        ));
                    }
                    Err(e) => return Err(AppError::from(e).into_response()),
                }
            }
            Target::StudentId => {
                let id = path_param(&mut req, "id").await.parse::<i64>().ok();
                let found = match id {
                    Some(id) => state.store.student(id).await,
                    None => Ok(None),
                };
                match found {
                    Ok(Some((s, path))) => {
                        req.extensions_mut().insert(TargetStudent(s));
                        Some(path)
                    }
                    Ok(None) => {
                        return Err(refuse(
                            "no_such_student",
                            route,
                            Some(&a.user),
                            rid,
                            AppError::not_found(),
                        ));
                    }
                    Err(e) => return Err(AppError::from(e).into_response()),
                }
            }
        };
        match decide(&a.principal(), action, target_path.as_ref()) {
            Decision::Allow => {}
            Decision::Forbidden => {
                return Err(refuse(
                    "forbidden",
                    route,
                    Some(&a.user),
                    rid,
                    AppError::forbidden(),
                ));
            }
            // Out of scope looks exactly like "not found": nothing leaks.
            Decision::OutOfScope => {
                return Err(refuse(
                    "out_of_scope",
                    route,
                    Some(&a.user),
                    rid,
                    AppError::not_found(),
                ));
            }
        }
    }

    let flash = cookies::get(req.headers(), cookies::FLASH).map(str::to_string);
    let lang = lang_of(req.headers());
    let ext = req.extensions_mut();
    ext.insert(lang);
    ext.insert(CsrfToken(csrf.clone()));
    ext.insert(RequestId(rid.to_string()));
    if let Some(f) = &flash {
        ext.insert(Flash(f.clone()));
    }
    if let Some(a) = actor {
        ext.insert(a);
    }
    let mut res = next.run(req).await;
    if let Some(t) = new_pre_token {
        res.headers_mut().append(
            header::SET_COOKIE,
            cookies::set(cookies::PRE_CSRF, &t, None, secure),
        );
    }
    if bad_session {
        res.headers_mut()
            .append(header::SET_COOKIE, cookies::clear(cookies::SESSION, secure));
    }
    if flash.is_some() && res.status() == StatusCode::OK {
        res.headers_mut()
            .append(header::SET_COOKIE, cookies::clear(cookies::FLASH, secure));
    }
    Ok(res)
}

async fn path_param(req: &mut Request, name: &str) -> String {
    let (mut parts, body) = std::mem::replace(req, Request::new(Body::empty())).into_parts();
    let value = RawPathParams::from_request_parts(&mut parts, &())
        .await
        .ok()
        .and_then(|p| {
            p.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
        .unwrap_or_default();
    *req = Request::from_parts(parts, body);
    value
}

impl<S: Send + Sync> FromRequestParts<S> for Actor {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Actor>()
            .cloned()
            .ok_or(AppError::Unauthenticated)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for TargetUnit {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<TargetUnit>()
            .cloned()
            .ok_or_else(AppError::not_found)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for TargetStudent {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<TargetStudent>()
            .cloned()
            .ok_or_else(AppError::not_found)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for TargetUser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<TargetUser>()
            .cloned()
            .ok_or_else(AppError::not_found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> Lang {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_LANGUAGE, v.parse().unwrap());
        api_lang_of(&h)
    }

    #[test]
    fn api_callers_ask_for_their_language() {
        assert_eq!(accept("en"), Lang::En);
        assert_eq!(accept("en-GB,en;q=0.8"), Lang::En);
        assert_eq!(accept("fr-FR,en;q=0.5,vi;q=0.9"), Lang::Vi);
        assert_eq!(accept("vi;q=0.2,en;q=0.7"), Lang::En);
        assert_eq!(accept("en;q=0"), Lang::Vi);
        assert_eq!(accept("de, *"), Lang::Vi);
        assert_eq!(api_lang_of(&HeaderMap::new()), Lang::Vi);
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_LANGUAGE, "en".parse().unwrap());
        h.insert(header::COOKIE, "smt_lang=vi".parse().unwrap());
        assert_eq!(api_lang_of(&h), Lang::Vi, "the cookie wins");
    }
}
