//! Abuse limits: enrolment and sign-in ceremonies, code attempts and searches are counted per
//! client address and per account, with the `governor` crate's keyed GCRA limiters, and refused
//! with `429 Too Many Requests` and `Retry-After` once a limit is passed (before the request
//! touches the database, so a refusal writes nothing).
//!
//! The client address is the TCP peer (`ConnectInfo`); behind a reverse proxy every request has
//! the proxy's address, so the operator's proxy should limit too (see docs/security.md). Code
//! attempts are also limited per CCCD, from anywhere, in the enrolment service.

use std::net::SocketAddr;
use std::num::NonZeroU32;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::AppState;
use crate::config::RateLimits;

/// Past this many keys, limiters forget keys whose limit has fully refilled.
const MAX_KEYS: usize = 100_000;

/// The portal's limiters, one per kind of request.
pub struct Limiters {
    auth: DefaultKeyedRateLimiter<String>,
    search: DefaultKeyedRateLimiter<String>,
    code_attempts: DefaultKeyedRateLimiter<String>,
}

fn quota_per_minute(count: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(count).unwrap_or(NonZeroU32::MIN))
}

impl Limiters {
    pub fn new(limits: &RateLimits) -> Limiters {
        let per_hour = NonZeroU32::new(limits.code_attempts_per_hour).unwrap_or(NonZeroU32::MIN);
        Limiters {
            auth: RateLimiter::keyed(quota_per_minute(limits.auth_per_minute)),
            search: RateLimiter::keyed(quota_per_minute(limits.search_per_minute)),
            code_attempts: RateLimiter::keyed(Quota::per_hour(per_hour)),
        }
    }

    /// One enrolment-code attempt for `cccd`: `Err(seconds to wait)` past the limit.
    pub fn code_attempt(&self, cccd: &str) -> Result<(), u64> {
        check(&self.code_attempts, cccd.to_string())
    }
}

fn check(limiter: &DefaultKeyedRateLimiter<String>, key: String) -> Result<(), u64> {
    if limiter.len() > MAX_KEYS {
        limiter.retain_recent();
    }
    limiter.check_key(&key).map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()).as_secs().max(1))
}

/// Which limiter a request counts against, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limited {
    /// Ceremonies and token requests: per client address.
    Auth,
    /// Searches: per account when signed in, else per client address.
    Search,
}

/// The kind of limit a path is under (`None`: not limited here).
pub fn limited(path: &str) -> Option<Limited> {
    const AUTH: &[&str] = &[
        "/auth/enrol/start",
        "/auth/enrol/finish",
        "/auth/enrol/proofed/start",
        "/auth/signin/start",
        "/auth/signin/finish",
        "/auth/reauth/start",
        "/auth/reauth/finish",
        "/auth/oidc/start",
        super::import_routes::TOKEN_PATH,
    ];
    const SEARCH: &[&str] =
        &["/api/find_patient", "/api/directory", "/api/admin_people", "/api/admin_audit", "/api/check_card", "/admin/audit.csv"];
    if AUTH.contains(&path) {
        Some(Limited::Auth)
    } else if SEARCH.contains(&path) {
        Some(Limited::Search)
    } else {
        None
    }
}

/// The 429 answer.
pub fn too_many(retry_after_secs: u64) -> Response {
    let body = serde_json::json!({
        "error": "too_many_requests",
        "kind": "too_many_requests",
        "message": crate::auth::AuthError::public_message(app::dto::AuthErrorCode::TooManyRequests),
    });
    let mut response = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// Counts the request against its limit and refuses it with 429 past it.
pub async fn rate_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(kind) = limited(request.uri().path()) else {
        return next.run(request).await;
    };
    let address = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip().to_string())
        .unwrap_or_else(|| "unknown".to_string());
    let limiters = &state.portal.limiters;
    let outcome = match kind {
        Limited::Auth => check(&limiters.auth, address),
        Limited::Search => {
            // Per account: the session cookie's token stands for it (hashed, never kept in clear).
            let account = request
                .headers()
                .get_all(header::COOKIE)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .find_map(crate::auth::session::token_from_cookie_header)
                .map(|token| crate::auth::session::hash_token(&token));
            check(&limiters.search, account.unwrap_or(address))
        }
    };
    match outcome {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            tracing::info!(path = request.uri().path(), "rate limit reached");
            too_many(wait)
        }
    }
}
