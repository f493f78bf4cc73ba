//! Redirect targets that come from input (`back`, `next`, a return path): the only way such a
//! value reaches a `Location` header or a refresh.
//!
//! Guarantee: the answer is a URL of the portal's own origin, after parsing the input the way a
//! browser does (WHATWG URL parsing, by the `url` crate, against `HOSO_PUBLIC_URL`: tabs and
//! newlines dropped, `\` read as `/`, `//host` read as another host), or `None`. What is returned
//! is the parsed URL's own serialisation, so the header holds exactly what was checked, always
//! valid header bytes, and never a path a browser could read as another host.

use url::Url;

/// `input` as a same-origin location, or `None` when it names another origin (or does not parse).
/// The result is a path (`/record?x=1#y`) unless the path itself starts with `//`, in which case
/// it is the absolute URL (a bare `//…` in `Location` means another host).
pub fn same_origin(public: &Url, input: &str) -> Option<String> {
    let target = public.join(input).ok()?;
    if target.origin() != public.origin() {
        return None;
    }
    let path = target.path();
    if path.starts_with("//") || !path.starts_with('/') {
        return Some(target.as_str().to_string());
    }
    let mut location = path.to_string();
    if let Some(query) = target.query() {
        location.push('?');
        location.push_str(query);
    }
    if let Some(fragment) = target.fragment() {
        location.push('#');
        location.push_str(fragment);
    }
    Some(location)
}

/// [`same_origin`], or `fallback` (a fixed path of the portal) when the input is not acceptable.
pub fn same_origin_or(public: &Url, input: Option<&str>, fallback: &str) -> String {
    input.and_then(|input| same_origin(public, input)).unwrap_or_else(|| fallback.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public() -> Url {
        Url::parse("http://localhost:3000").unwrap()
    }

    #[test]
    fn own_paths_pass_and_keep_their_query() {
        assert_eq!(same_origin(&public(), "/record/visits").as_deref(), Some("/record/visits"));
        assert_eq!(same_origin(&public(), "/access-log?page=2#top").as_deref(), Some("/access-log?page=2#top"));
        assert_eq!(same_origin(&public(), "http://localhost:3000/record").as_deref(), Some("/record"));
        // A relative path resolves against the root, as a browser would from the public URL.
        assert_eq!(same_origin(&public(), "record").as_deref(), Some("/record"));
    }

    #[test]
    fn anything_a_browser_reads_as_another_host_is_refused() {
        for hostile in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "\t//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "https://evil.example/",
            "http://localhost:3001/",
            "https://localhost:3000/",
            "http://localhost:3000@evil.example/",
            "javascript:alert(1)",
            "data:text/html,hi",
            " //evil.example",
            "///evil.example",
            "http:evil.example",
        ] {
            let answer = same_origin(&public(), hostile);
            match answer {
                None => {}
                Some(location) => {
                    let resolved = public().join(&location).unwrap();
                    assert_eq!(resolved.origin(), public().origin(), "{hostile:?} → {location:?}");
                    assert!(!location.starts_with("//"), "{hostile:?} → {location:?}");
                }
            }
        }
    }

    #[test]
    fn the_answer_is_always_valid_header_bytes() {
        for input in ["/ghi chú", "/Đức?q=Phạm", "/%FF", "/a\u{0}b", "/\u{7f}"] {
            if let Some(location) = same_origin(&public(), input) {
                assert!(http::HeaderValue::from_str(&location).is_ok(), "{input:?} → {location:?}");
            }
        }
        assert_eq!(same_origin_or(&public(), Some("//evil.example"), "/"), "/");
        assert_eq!(same_origin_or(&public(), None, "/record"), "/record");
    }
}
