//! hoso server: configuration, HTTP surface, and the server-only core (policy, storage, audit,
//! authentication, FHIR mapping, services).

pub mod audit;
pub mod auth;
pub mod cccd;
pub mod config;
pub mod error;
pub mod export;
pub mod fhir;
pub mod http;
pub mod import;
pub mod policy;
pub mod schedule;
pub mod seed;
pub mod service;
pub mod shc;
pub mod store;
pub mod transfers;

use std::sync::Arc;

use anyhow::Context;
use leptos::prelude::LeptosOptions;
use webauthn_rs::{Webauthn, WebauthnBuilder};

use crate::config::Config;
use crate::http::AppState;
use crate::service::{Clock, Portal};
use crate::store::Store;

/// The WebAuthn relying party for the configured public URL.
pub fn webauthn(config: &Config) -> anyhow::Result<Webauthn> {
    WebauthnBuilder::new(config.rp_id(), &config.public_url)
        .context("invalid WebAuthn relying party (HOSO_PUBLIC_URL)")?
        .rp_name("Hồ sơ sức khỏe (hoso)")
        .build()
        .context("cannot build the WebAuthn relying party")
}

/// Leptos options built from our config (not from cargo-leptos environment variables).
pub fn leptos_options(config: &Config, site_root: &str) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("hoso")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        // Content-named files when the build wrote hash.txt beside this binary (http::assets).
        .hash_files(http::assets::names().hashed)
        .site_addr(config.listen)
        .env(leptos::config::Env::PROD)
        .build()
}

/// Connects, migrates, and assembles the service and its router.
pub async fn assemble(config: Config, site_root: &str, clock: Arc<dyn Clock>) -> anyhow::Result<(axum::Router, Arc<Portal>)> {
    let store = Store::connect(&config.database_url, config.db_max_connections).await?;
    store.migrate().await?;
    let webauthn = Arc::new(webauthn(&config)?);
    let leptos_options = leptos_options(&config, site_root);
    let cards = Arc::new(shc::Cards::open(&config)?);
    let portal = Arc::new(Portal::new(store, Arc::new(config), webauthn, clock, cards)?);
    let router = http::router(AppState { leptos_options, portal: portal.clone() });
    Ok((router, portal))
}
