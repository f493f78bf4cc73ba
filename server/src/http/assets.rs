//! The front end's static files as the release build left them, and how long a browser may keep
//! them.
//!
//! `cargo leptos build --release --precompress` (the Makefile's and `.ci`'s build) with
//! `hash-files = true` (workspace `Cargo.toml`) names `hoso.js`, `hoso.wasm` and `hoso.css` after
//! their content (`hoso.<md5, base64url>.wasm`), writes `hash.txt` beside the server binary
//! (`js: …`, `wasm: …`, `css: …`, one per line) and puts a `.br` and a `.gz` copy beside every
//! file of the site. `leptos_axum::file_and_error_handler` serves those copies with their
//! `Content-Encoding`; this module reads `hash.txt` once so that the pages Leptos does not render
//! (the small message pages) name the same stylesheet, and so that `/pkg` files can be cached for
//! a year (`immutable`: a new build gives new names) only when they really are content-named.
//!
//! With `--split` (the same build), each lazily loaded page is a wasm chunk of its own. cargo-leptos
//! renames every file it writes at the top of `/pkg` to `<name>.<hash>.<ext>`, the hash being the
//! file's MD5 in unpadded base64url (22 characters), and adds `split: …` (the chunk loader,
//! `__wasm_split.<hash>.js`) and `manifest: …` (`__wasm_split_manifest.<hash>.json`) to
//! `hash.txt`; the chunks themselves are not listed there, so a `.wasm` file of a split build is
//! immutable when its name carries a hash of that form.
//!
//! A binary without `hash.txt` beside it (a test binary, a debug build) serves unhashed names,
//! which browsers must revalidate (`no-cache`).

use std::path::PathBuf;
use std::sync::OnceLock;

/// The file cargo-leptos writes the content hashes into, beside the server binary (leptos reads
/// the same path: `current_exe()`'s directory joined with `LeptosOptions::hash_file`).
pub const HASH_FILE: &str = "hash.txt";

/// `Cache-Control` of a content-named file under `/pkg` (RFC 8246 `immutable`).
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of a static file whose name does not change between builds.
pub const REVALIDATE: &str = "no-cache";

/// The site's asset names for this build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssetNames {
    /// Whether the names carry content hashes (`hash.txt` was found and named all three files).
    pub hashed: bool,
    /// The stylesheet's path, e.g. `/pkg/hoso.Xy3….css` or `/pkg/hoso.css`.
    pub css_href: String,
    /// The content hashes of this build's files (empty when not hashed).
    pub hashes: Vec<String>,
    /// Whether the build split the wasm into chunks (`split:` in `hash.txt` of a hashed build).
    pub split: bool,
}

impl AssetNames {
    /// Names from `hash.txt`'s text (`None`: no file); `output_name` is Leptos's output name
    /// (`hoso`). A file that does not name the js, the wasm and the css is treated as absent, so
    /// an incomplete build is never cached for a year.
    pub fn from_hash_file(text: Option<&str>, output_name: &str) -> Self {
        let mut hashes = std::collections::HashMap::new();
        for line in text.unwrap_or_default().lines() {
            if let Some((file, hash)) = line.trim().split_once(':') {
                let hash = hash.trim();
                if !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
                    hashes.insert(file.trim().to_string(), hash.to_string());
                }
            }
        }
        let hashed = ["js", "wasm", "css"].iter().all(|kind| hashes.contains_key(*kind));
        let css_href = match hashes.get("css").filter(|_| hashed) {
            Some(hash) => format!("/pkg/{output_name}.{hash}.css"),
            None => format!("/pkg/{output_name}.css"),
        };
        let split = hashed && hashes.contains_key("split");
        let hashes = if hashed { hashes.into_values().collect() } else { Vec::new() };
        AssetNames { hashed, css_href, hashes, split }
    }

    /// The `Cache-Control` for a successful answer on `path` (`None`: not a static file; pages
    /// and API answers get `no-store` elsewhere). Only a file named after one of this build's
    /// hashes, or a wasm chunk of a split build named `<name>.<22-character hash>.wasm`, is
    /// immutable; the rest of `/pkg` (wasm-bindgen's `snippets/…`, whose names do not follow
    /// their content) is revalidated.
    pub fn cache_control(&self, path: &str) -> Option<&'static str> {
        if let Some(file) = path.strip_prefix("/pkg/") {
            let top_level = !file.contains('/');
            let listed = self.hashes.iter().any(|hash| file.contains(&format!(".{hash}.")));
            let chunk = self.split
                && file
                    .strip_suffix(".wasm")
                    .and_then(|stem| stem.rsplit_once('.'))
                    .is_some_and(|(name, hash)| !name.is_empty() && is_md5_base64url(hash));
            let named_by_content = top_level && (listed || chunk);
            Some(if named_by_content { IMMUTABLE } else { REVALIDATE })
        } else if path == "/favicon.svg" {
            Some(REVALIDATE)
        } else {
            None
        }
    }
}

/// Whether `text` has the form of cargo-leptos's file hashes: an MD5 digest (16 bytes) in base64url
/// without padding, 22 characters.
fn is_md5_base64url(text: &str) -> bool {
    text.len() == 22 && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Where leptos and this module look for [`HASH_FILE`].
pub fn hash_file_path() -> Option<PathBuf> {
    Some(std::env::current_exe().ok()?.parent()?.join(HASH_FILE))
}

/// This process's asset names, read once.
pub fn names() -> &'static AssetNames {
    static NAMES: OnceLock<AssetNames> = OnceLock::new();
    NAMES.get_or_init(|| {
        let text = hash_file_path().and_then(|path| std::fs::read_to_string(path).ok());
        AssetNames::from_hash_file(text.as_deref(), "hoso")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complete_hash_file_names_the_files_and_makes_them_immutable() {
        let names = AssetNames::from_hash_file(Some("js: aB3_x\nwasm: Zz-9\ncss: Q1w2\n"), "hoso");
        assert!(names.hashed);
        assert_eq!(names.css_href, "/pkg/hoso.Q1w2.css");
        assert_eq!(names.cache_control("/pkg/hoso.Zz-9.wasm"), Some(IMMUTABLE));
        assert_eq!(names.cache_control("/pkg/hoso.aB3_x.js"), Some(IMMUTABLE));
        // Not named after its content: revalidated even in a hashed build.
        assert_eq!(names.cache_control("/pkg/snippets/app-0cd1/src/zone.js"), Some(REVALIDATE));
        assert_eq!(names.cache_control("/pkg/hoso.wasm"), Some(REVALIDATE));
        assert_eq!(names.cache_control("/favicon.svg"), Some(REVALIDATE));
        assert_eq!(names.cache_control("/record"), None);
    }

    #[test]
    fn the_chunks_of_a_split_build_are_immutable_and_nothing_else_new_is() {
        let split = AssetNames::from_hash_file(Some("js: aB3_x\nwasm: Zz-9\ncss: Q1w2\nmanifest: M4n1\nsplit: S9l1\n"), "hoso");
        assert!(split.split);
        assert_eq!(split.cache_control("/pkg/__wasm_split.S9l1.js"), Some(IMMUTABLE));
        assert_eq!(split.cache_control("/pkg/__wasm_split_manifest.M4n1.json"), Some(IMMUTABLE));
        assert_eq!(split.cache_control("/pkg/split_EnrolRoute_View.q1Z-abcdefghijklmnop_9.wasm"), Some(IMMUTABLE));
        // Not of the hash's form, not wasm, not top level, or no name before the hash.
        for path in [
            "/pkg/split_EnrolRoute_View.wasm",
            "/pkg/split_EnrolRoute_View.short.wasm",
            "/pkg/other.q1Z-abcdefghijklmnop_9.js",
            "/pkg/snippets/x.q1Z-abcdefghijklmnop_9.wasm",
            "/pkg/.q1Z-abcdefghijklmnop_9.wasm",
        ] {
            assert_eq!(split.cache_control(path), Some(REVALIDATE), "{path}");
        }
        // The same chunk name in a build that did not split is not trusted.
        let unsplit = AssetNames::from_hash_file(Some("js: aB3_x\nwasm: Zz-9\ncss: Q1w2\n"), "hoso");
        assert!(!unsplit.split);
        assert_eq!(unsplit.cache_control("/pkg/split_EnrolRoute_View.q1Z-abcdefghijklmnop_9.wasm"), Some(REVALIDATE));
        // Nor without a complete hash file.
        let incomplete = AssetNames::from_hash_file(Some("js: a\nsplit: S9l1\n"), "hoso");
        assert!(!incomplete.split);
    }

    #[test]
    fn no_file_an_incomplete_one_or_a_strange_hash_is_never_cached_for_a_year() {
        for text in [None, Some(""), Some("js: a\ncss: b\n"), Some("js: a\nwasm: b\ncss: ../x\n")] {
            let names = AssetNames::from_hash_file(text, "hoso");
            assert!(!names.hashed, "{text:?}");
            assert_eq!(names.css_href, "/pkg/hoso.css");
            assert_eq!(names.cache_control("/pkg/hoso.wasm"), Some(REVALIDATE));
        }
    }
}
