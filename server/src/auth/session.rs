//! Session tokens and the session cookie.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// `__Host-` prefix: the browser accepts it only with `Secure`, `Path=/` and no `Domain`.
pub const SESSION_COOKIE: &str = "__Host-hoso_session";

/// 256 random bits, base64url.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn set_cookie(token: &str, max_age_secs: u64) -> String {
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={max_age_secs}")
}

pub fn clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0")
}

/// The session token from a `Cookie` header, if present.
pub fn token_from_cookie_header(header: &str) -> Option<String> {
    cookie(header, SESSION_COOKIE)
}

/// A named cookie's value from a `Cookie` header, if present and not empty.
pub fn cookie(header: &str, name: &str) -> Option<String> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(found, _)| *found == name)
        .map(|(_, value)| value.to_string())
        .filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_eq!(hash_token("x").len(), 64);
    }

    #[test]
    fn the_cookie_is_host_prefixed_http_only_secure_and_strict() {
        let cookie = set_cookie("t", 60);
        for part in ["__Host-hoso_session=t", "Path=/", "HttpOnly", "Secure", "SameSite=Strict", "Max-Age=60"] {
            assert!(cookie.contains(part), "{cookie} lacks {part}");
        }
        assert!(!cookie.contains("Domain"));
    }

    #[test]
    fn token_is_read_from_the_cookie_header() {
        assert_eq!(token_from_cookie_header("a=1; __Host-hoso_session=abc; b=2").as_deref(), Some("abc"));
        assert_eq!(token_from_cookie_header("a=1"), None);
        assert_eq!(token_from_cookie_header("__Host-hoso_session="), None);
    }
}
