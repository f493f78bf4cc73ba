//! How the front end is delivered (issue 17), through the real router: static files with the
//! precompressed copy the build left beside them, keyed on Accept-Encoding; pages and API answers
//! compressed as they are sent and never cached; a missing file never cached. The release build's
//! content-named files and their one-year `immutable` caching are checked in the browser suite
//! (end2end/tests/delivery.spec.ts), where a real build exists; this test binary has no
//! `hash.txt` beside it, so its names are unhashed and must be revalidated.

use std::io::Read;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use tower::ServiceExt;

use crate::support::TestApp;

/// GET with `Accept-Encoding`; answers status, headers and the body as sent (not decoded).
async fn get_encoded(app: &TestApp, path: &str, accept: &str, cookie: Option<&str>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut request = Request::get(path).header(header::HOST, "localhost:3000").header(header::ACCEPT_ENCODING, accept);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response = app.router.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec();
    (status, headers, bytes)
}

fn brotli_decode(bytes: &[u8]) -> String {
    let mut out = String::new();
    brotli::Decompressor::new(bytes, 4096).read_to_string(&mut out).unwrap();
    out
}

fn gzip_decode(bytes: &[u8]) -> String {
    let mut out = String::new();
    flate2::read::GzDecoder::new(bytes).read_to_string(&mut out).unwrap();
    out
}

fn vary_has_accept_encoding(headers: &axum::http::HeaderMap) -> bool {
    headers.get_all(header::VARY).iter().any(|v| v.to_str().unwrap().to_ascii_lowercase().contains("accept-encoding"))
}

#[test]
fn static_files_come_precompressed_keyed_on_accept_encoding_and_a_missing_one_is_never_cached() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let css = "body { color: #1a1a1a; }\n".repeat(40);
        let pkg = app.dir.join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join("hoso.css"), &css).unwrap();
        // What cargo-leptos --precompress leaves beside each file.
        let mut br = Vec::new();
        brotli::BrotliCompress(&mut css.as_bytes(), &mut br, &Default::default()).unwrap();
        std::fs::write(pkg.join("hoso.css.br"), &br).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut gz, css.as_bytes()).unwrap();
        std::fs::write(pkg.join("hoso.css.gz"), gz.finish().unwrap()).unwrap();

        let (status, headers, body) = get_encoded(&app, "/pkg/hoso.css", "br, gzip", None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_ENCODING], "br");
        assert_eq!(body, br, "the build's own brotli copy, not one made per request");
        assert_eq!(brotli_decode(&body), css);
        assert!(vary_has_accept_encoding(&headers), "{headers:?}");
        // Not content-named in this binary: the browser must revalidate.
        assert_eq!(headers[header::CACHE_CONTROL], "no-cache");

        let (_, headers, body) = get_encoded(&app, "/pkg/hoso.css", "gzip", None).await;
        assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
        assert_eq!(gzip_decode(&body), css);
        assert!(vary_has_accept_encoding(&headers));

        let (_, headers, body) = get_encoded(&app, "/pkg/hoso.css", "identity", None).await;
        assert!(headers.get(header::CONTENT_ENCODING).is_none());
        assert_eq!(String::from_utf8(body).unwrap(), css);

        let (status, headers, _) = get_encoded(&app, "/pkg/hoso.0ld-build.wasm", "br", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    });
}

#[test]
fn pages_and_api_answers_are_compressed_as_sent_and_never_cached() {
    crate::support::run(async {
        let _pages = crate::support::one_page_test_at_a_time();
        let app = TestApp::new().await;
        let patient = app.patients[2].clone();
        let citizen = app.enrol(&patient).await;
        let plain = app.get("/record", Some(&citizen.cookie)).await;
        assert_eq!(plain.status, StatusCode::OK);

        for path in ["/record", "/api/vaccinations", "/fhir/metadata"] {
            let (status, headers, body) = get_encoded(&app, path, "br", Some(&citizen.cookie)).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_eq!(headers[header::CONTENT_ENCODING], "br", "{path}");
            assert!(vary_has_accept_encoding(&headers), "{path}");
            assert_eq!(headers[header::CACHE_CONTROL], "no-store", "{path}");
            let text = brotli_decode(&body);
            assert!(body.len() < text.len(), "{path}: {} bytes sent for {}", body.len(), text.len());
            if path == "/record" {
                assert!(text.contains(&patient.full_name()), "{path}: the page itself, compressed");
            }
            let (_, headers, body) = get_encoded(&app, path, "gzip", Some(&citizen.cookie)).await;
            assert_eq!(headers[header::CONTENT_ENCODING], "gzip", "{path}");
            assert!(!gzip_decode(&body).is_empty());
        }
    });
}
