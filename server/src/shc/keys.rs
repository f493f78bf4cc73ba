//! The SMART Health Card issuer keys: ES256 (P-256) key pairs kept as JWK files in a directory
//! outside the database, readable only by the server's user.
//!
//! ```text
//! <dir>/<kid>.jwk    one key; the current key holds its private part `d`, retired keys do not
//! <dir>/current      the kid that signs new cards
//! ```
//!
//! The first start generates a key. Rotation makes a new key current and strips the private part
//! from the old one, which stays published in `/.well-known/jwks.json` so that cards it signed
//! still verify.

use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::SystemTime;

use anyhow::{bail, Context};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::ecdsa::{SigningKey, VerifyingKey};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const CURRENT: &str = "current";
const EXTENSION: &str = "jwk";

/// A public or private P-256 JWK as SMART Health Cards publish them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    pub kty: String,
    pub kid: String,
    #[serde(rename = "use")]
    pub use_: String,
    pub alg: String,
    pub crv: String,
    pub x: String,
    pub y: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub d: Option<String>,
}

impl Jwk {
    fn public(key: &VerifyingKey) -> Jwk {
        let point = key.to_sec1_bytes();
        // Uncompressed SEC1: 0x04 ‖ x (32 bytes) ‖ y (32 bytes).
        let (x, y) = point.get(1..).unwrap_or_default().split_at(32.min(point.len().saturating_sub(1)));
        let mut jwk = Jwk {
            kty: "EC".into(),
            kid: String::new(),
            use_: "sig".into(),
            alg: "ES256".into(),
            crv: "P-256".into(),
            x: URL_SAFE_NO_PAD.encode(x),
            y: URL_SAFE_NO_PAD.encode(y),
            d: None,
        };
        jwk.kid = thumbprint(&jwk);
        jwk
    }

    /// The public part only.
    pub fn without_private(&self) -> Jwk {
        Jwk { d: None, ..self.clone() }
    }

    /// The verifying key this JWK describes, if it is a well-formed P-256 key.
    pub fn verifying_key(&self) -> Option<VerifyingKey> {
        if self.kty != "EC" || self.crv != "P-256" {
            return None;
        }
        let x = URL_SAFE_NO_PAD.decode(&self.x).ok()?;
        let y = URL_SAFE_NO_PAD.decode(&self.y).ok()?;
        if x.len() != 32 || y.len() != 32 {
            return None;
        }
        let mut sec1 = Vec::with_capacity(65);
        sec1.push(4);
        sec1.extend_from_slice(&x);
        sec1.extend_from_slice(&y);
        VerifyingKey::from_sec1_bytes(&sec1).ok()
    }
}

/// RFC 7638 JWK thumbprint: SHA-256 over the required members in lexicographic order.
pub fn thumbprint(jwk: &Jwk) -> String {
    let canonical = format!(r#"{{"crv":"{}","kty":"{}","x":"{}","y":"{}"}}"#, jwk.crv, jwk.kty, jwk.x, jwk.y);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

/// The keys in a directory: the one that signs, and every public key still published.
pub struct KeyRing {
    pub current_kid: String,
    signing: SigningKey,
    /// Every key, current first, public parts only.
    pub public: Vec<Jwk>,
}

impl KeyRing {
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    /// Loads the keys, generating the first one when the directory holds none.
    pub fn load_or_create(dir: &Path) -> anyhow::Result<KeyRing> {
        if !dir.join(CURRENT).exists() {
            rotate(dir)?;
        }
        KeyRing::load(dir)
    }

    pub fn load(dir: &Path) -> anyhow::Result<KeyRing> {
        let current_kid = std::fs::read_to_string(dir.join(CURRENT))
            .with_context(|| format!("cannot read {}", dir.join(CURRENT).display()))?
            .trim()
            .to_string();
        let mut public = Vec::new();
        let mut signing = None;
        let entries = std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
        let mut paths: Vec<PathBuf> = entries.filter_map(|entry| entry.ok().map(|entry| entry.path())).collect();
        paths.sort();
        for path in paths {
            if path.extension().and_then(|ext| ext.to_str()) != Some(EXTENSION) {
                continue;
            }
            let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let jwk: Jwk = serde_json::from_str(&text).with_context(|| format!("{} is not a JWK", path.display()))?;
            let verifying = jwk.verifying_key().with_context(|| format!("{} is not a P-256 key", path.display()))?;
            if thumbprint(&jwk) != jwk.kid {
                bail!("{}: kid does not match the key's thumbprint", path.display());
            }
            if jwk.kid == current_kid {
                let d = jwk.d.as_deref().with_context(|| format!("{}: the current key has no private part", path.display()))?;
                let secret = URL_SAFE_NO_PAD.decode(d).context("the private key is not base64url")?;
                let key = SigningKey::from_slice(&secret).ok().context("the private key is not a P-256 scalar")?;
                if key.verifying_key() != &verifying {
                    bail!("{}: private and public parts do not match", path.display());
                }
                signing = Some(key);
                public.insert(0, jwk.without_private());
            } else {
                public.push(jwk.without_private());
            }
        }
        let signing = signing.with_context(|| format!("no key file for the current kid {current_kid} in {}", dir.display()))?;
        Ok(KeyRing { current_kid, signing, public })
    }

    /// The public key with this kid, if it is one of ours.
    pub fn public_key(&self, kid: &str) -> Option<VerifyingKey> {
        self.public.iter().find(|jwk| jwk.kid == kid).and_then(Jwk::verifying_key)
    }
}

/// Generates a new key, makes it current, and strips the private part from the previous one.
/// Returns the new kid.
pub fn rotate(dir: &Path) -> anyhow::Result<String> {
    create_private_dir(dir)?;
    let previous = std::fs::read_to_string(dir.join(CURRENT)).ok().map(|kid| kid.trim().to_string());
    let signing = loop {
        let mut secret = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut secret);
        if let Ok(key) = SigningKey::from_slice(&secret) {
            break key;
        }
    };
    let mut jwk = Jwk::public(signing.verifying_key());
    jwk.d = Some(URL_SAFE_NO_PAD.encode(signing.to_bytes()));
    write_private(&dir.join(format!("{}.{EXTENSION}", jwk.kid)), &serde_json::to_string_pretty(&jwk)?)?;
    write_private(&dir.join(format!("{CURRENT}.tmp")), &jwk.kid)?;
    std::fs::rename(dir.join(format!("{CURRENT}.tmp")), dir.join(CURRENT)).context("cannot switch the current key")?;
    if let Some(previous) = previous.filter(|kid| !kid.is_empty() && *kid != jwk.kid) {
        let path = dir.join(format!("{previous}.{EXTENSION}"));
        if let Ok(text) = std::fs::read_to_string(&path) {
            let old: Jwk = serde_json::from_str(&text).with_context(|| format!("{} is not a JWK", path.display()))?;
            let tmp = dir.join(format!("{previous}.{EXTENSION}.tmp"));
            write_private(&tmp, &serde_json::to_string_pretty(&old.without_private())?)?;
            std::fs::rename(&tmp, &path).with_context(|| format!("cannot retire {}", path.display()))?;
        }
    }
    Ok(jwk.kid)
}

fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("cannot restrict {}", dir.display()))?;
    }
    Ok(())
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

/// The key ring of a running server: reloaded when `current` changes on disk (after
/// `server rotate-card-key`), so rotation needs no restart.
pub struct LiveKeys {
    dir: PathBuf,
    state: RwLock<(Option<SystemTime>, std::sync::Arc<KeyRing>)>,
}

impl LiveKeys {
    pub fn open(dir: &Path) -> anyhow::Result<LiveKeys> {
        let ring = KeyRing::load_or_create(dir)?;
        let stamp = modified(dir);
        Ok(LiveKeys { dir: dir.to_path_buf(), state: RwLock::new((stamp, std::sync::Arc::new(ring))) })
    }

    /// The keys as they are on disk now (the last good load if the directory cannot be read).
    pub fn ring(&self) -> std::sync::Arc<KeyRing> {
        let stamp = modified(&self.dir);
        if let Ok(state) = self.state.read() {
            if state.0 == stamp {
                return state.1.clone();
            }
        }
        match (KeyRing::load(&self.dir), self.state.write()) {
            (Ok(ring), Ok(mut state)) => {
                let ring = std::sync::Arc::new(ring);
                *state = (stamp, ring.clone());
                ring
            }
            (Err(error), Ok(state)) => {
                tracing::error!(%error, "cannot reload the health-card keys; keeping the previous ones");
                state.1.clone()
            }
            (_, Err(poisoned)) => poisoned.into_inner().1.clone(),
        }
    }
}

fn modified(dir: &Path) -> Option<SystemTime> {
    std::fs::metadata(dir.join(CURRENT)).and_then(|meta| meta.modified()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_start_creates_a_private_key_readable_only_by_the_owner() {
        let dir = tempdir("create");
        let ring = KeyRing::load_or_create(&dir).unwrap();
        assert_eq!(ring.public.len(), 1);
        assert_eq!(ring.public[0].kid, ring.current_kid);
        assert!(ring.public[0].d.is_none(), "published keys never carry the private part");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join(format!("{}.jwk", ring.current_kid))).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "key file mode {mode:o}");
            let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "key dir mode {mode:o}");
        }
        // Loading again gives the same key, not a new one.
        assert_eq!(KeyRing::load_or_create(&dir).unwrap().current_kid, ring.current_kid);
    }

    #[test]
    fn rotation_keeps_old_public_keys_and_drops_their_private_part() {
        let dir = tempdir("rotate");
        let first = KeyRing::load_or_create(&dir).unwrap().current_kid;
        let second = rotate(&dir).unwrap();
        assert_ne!(first, second);
        let ring = KeyRing::load(&dir).unwrap();
        assert_eq!(ring.current_kid, second);
        assert_eq!(ring.public.iter().map(|k| k.kid.clone()).collect::<Vec<_>>(), vec![second.clone(), first.clone()]);
        let old: Jwk = serde_json::from_str(&std::fs::read_to_string(dir.join(format!("{first}.jwk"))).unwrap()).unwrap();
        assert!(old.d.is_none(), "a retired key keeps no private part on disk");
        assert!(ring.public_key(&first).is_some());
    }

    #[test]
    fn thumbprint_matches_rfc7638_example() {
        // RFC 7638 §3.1 uses an RSA key; this is the SMART Health Cards spec's example EC key, whose
        // kid is its thumbprint.
        let jwk = Jwk {
            kty: "EC".into(),
            kid: "3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s".into(),
            use_: "sig".into(),
            alg: "ES256".into(),
            crv: "P-256".into(),
            x: "11XvRWy1I2S0EyJlyf_bWfw_TQ5CJJNLw78bHXNxcgw".into(),
            y: "eZXwxvO1hvCY0KucrPfKo7yAyMT6Ajc3N7OkAB6VYy8".into(),
            d: None,
        };
        assert_eq!(thumbprint(&jwk), jwk.kid);
        assert!(jwk.verifying_key().is_some());
    }

    fn tempdir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("hoso-shc-{name}-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("keys")
    }
}
