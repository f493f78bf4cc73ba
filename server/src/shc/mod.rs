//! SMART Health Cards (spec v1.4, <https://spec.smarthealth.cards>): a minimal FHIR Bundle of a
//! person's immunizations, signed as a compact JWS (ES256, `zip: DEF`, `kid` = JWK thumbprint),
//! carried as a `shc:/` numeric QR code or a `.smart-health-card` file; and the verifier.

pub mod cvx;
pub mod keys;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::Signature;
use serde::Deserialize;
use serde_json::{json, Value};

use self::keys::{Jwk, KeyRing, LiveKeys};

/// The portal's card issuer and verifier: its own keys, and the other issuers it trusts.
pub struct Cards {
    pub issuer: String,
    keys: LiveKeys,
    trusted: Vec<TrustedIssuer>,
}

/// Another issuer whose cards the verifier accepts, with its published keys.
#[derive(Clone, Debug, Deserialize)]
pub struct TrustedIssuer {
    pub iss: String,
    #[serde(default)]
    pub name: String,
    pub keys: Vec<Jwk>,
}

#[derive(Deserialize)]
struct TrustedIssuers {
    issuers: Vec<TrustedIssuer>,
}

impl Cards {
    pub fn open(config: &crate::config::Config) -> anyhow::Result<Cards> {
        use anyhow::Context;
        let keys = LiveKeys::open(&config.card_key_dir).context("health-card signing keys (HOSO_CARD_KEY_DIR)")?;
        let trusted = match &config.card_trusted_issuers {
            None => Vec::new(),
            Some(path) => {
                let text =
                    std::fs::read_to_string(path).with_context(|| format!("cannot read HOSO_CARD_TRUSTED_ISSUERS {}", path.display()))?;
                let list: TrustedIssuers = serde_json::from_str(&text)
                    .with_context(|| format!("{} is not {{\"issuers\":[{{\"iss\",\"name\",\"keys\"}}]}}", path.display()))?;
                list.issuers
            }
        };
        Ok(Cards { issuer: config.card_issuer(), keys, trusted })
    }

    /// The current keys (reloaded after a rotation).
    pub fn ring(&self) -> std::sync::Arc<KeyRing> {
        self.keys.ring()
    }

    /// `/.well-known/jwks.json`: every public key, current first.
    pub fn jwks(&self) -> Value {
        json!({ "keys": self.ring().public })
    }

    /// Checks a card against this portal's keys and the trusted issuers.
    pub fn check(&self, text: &str, now_seconds: i64) -> Verdict {
        let ring = self.ring();
        verify(text, now_seconds, |iss| {
            if iss == self.issuer {
                Some(IssuerKeys::Own(&ring))
            } else {
                self.trusted
                    .iter()
                    .find(|trusted| trusted.iss.trim_end_matches('/') == iss)
                    .map(|trusted| IssuerKeys::Trusted { name: &trusted.name, keys: &trusted.keys })
            }
        })
    }
}

/// A single QR code (version 22, error correction L) holds at most this many JWS characters.
pub const MAX_SINGLE_QR_JWS: usize = 1195;
/// The largest inflated payload a verifier accepts (a card is a few kilobytes; this stops zip bombs).
const MAX_PAYLOAD_BYTES: usize = 64 * 1024;
/// The longest `shc:/` text the verifier reads.
pub const MAX_SHC_CHARS: usize = 12_000;
/// Clock skew tolerated on `nbf`.
const SKEW_SECONDS: i64 = 300;

const CVX_SYSTEM: &str = "http://hl7.org/fhir/sid/cvx";

/// One dose on a card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardDose {
    pub cvx: String,
    pub date: String,
    pub lot: Option<String>,
    pub performer: Option<String>,
}

/// The person a card is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardSubject {
    pub family: String,
    pub given: Vec<String>,
    pub birth_date: String,
}

/// The JWS payload of a card, unsigned.
pub fn payload(issuer: &str, issued_at_seconds: i64, subject: &CardSubject, doses: &[CardDose]) -> Value {
    let mut entries = vec![json!({
        "fullUrl": "resource:0",
        "resource": {
            "resourceType": "Patient",
            "name": [{ "family": subject.family, "given": subject.given }],
            "birthDate": subject.birth_date,
        }
    })];
    for (index, dose) in doses.iter().enumerate() {
        let mut immunization = json!({
            "resourceType": "Immunization",
            "status": "completed",
            "vaccineCode": { "coding": [{ "system": CVX_SYSTEM, "code": dose.cvx }] },
            "patient": { "reference": "resource:0" },
            "occurrenceDateTime": dose.date,
        });
        if let Some(performer) = dose.performer.as_deref().filter(|p| !p.is_empty()) {
            immunization["performer"] = json!([{ "actor": { "display": performer } }]);
        }
        if let Some(lot) = dose.lot.as_deref().filter(|l| !l.is_empty()) {
            immunization["lotNumber"] = json!(lot);
        }
        entries.push(json!({ "fullUrl": format!("resource:{}", index + 1), "resource": immunization }));
    }
    let mut types = vec!["https://smarthealth.cards#health-card", "https://smarthealth.cards#immunization"];
    if !doses.is_empty() && doses.iter().all(|dose| is_covid_cvx(&dose.cvx)) {
        types.push("https://smarthealth.cards#covid19");
    }
    json!({
        "iss": issuer,
        "nbf": issued_at_seconds,
        "vc": {
            "type": types,
            "credentialSubject": {
                "fhirVersion": "4.0.1",
                "fhirBundle": { "resourceType": "Bundle", "type": "collection", "entry": entries }
            }
        }
    })
}

/// CVX codes of COVID-19 vaccines (CDC CVX table, 2026).
pub fn is_covid_cvx(code: &str) -> bool {
    matches!(
        code,
        "207"
            | "208"
            | "210"
            | "211"
            | "212"
            | "213"
            | "217"
            | "218"
            | "219"
            | "221"
            | "225"
            | "226"
            | "227"
            | "228"
            | "229"
            | "230"
            | "300"
            | "301"
            | "302"
            | "309"
            | "310"
            | "311"
            | "312"
            | "313"
            | "500"
            | "501"
            | "502"
            | "503"
            | "504"
            | "505"
            | "506"
            | "507"
            | "508"
            | "509"
            | "510"
            | "511"
            | "512"
            | "513"
            | "514"
            | "515"
            | "516"
            | "517"
            | "518"
            | "519"
            | "520"
            | "521"
    )
}

/// Signs a payload as a compact JWS: header `{"alg":"ES256","zip":"DEF","kid":…}`, the payload
/// minified and raw-DEFLATE compressed, the signature as `r ‖ s`.
pub fn sign(ring: &KeyRing, payload: &Value) -> String {
    let header = json!({ "alg": "ES256", "zip": "DEF", "kid": ring.current_kid });
    let body = miniz_oxide::deflate::compress_to_vec(payload.to_string().as_bytes(), 10);
    let signing_input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(body));
    let signature: Signature = ring.signing_key().sign(signing_input.as_bytes());
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

/// `shc:/` followed by two digits per JWS character (its code minus 45).
pub fn to_numeric(jws: &str) -> String {
    let mut out = String::with_capacity(5 + jws.len() * 2);
    out.push_str("shc:/");
    for byte in jws.bytes() {
        let value = byte.saturating_sub(45);
        out.push(char::from(b'0' + value / 10));
        out.push(char::from(b'0' + value % 10));
    }
    out
}

/// The JWS inside a `shc:/` text, or `None` if it is not one.
pub fn from_numeric(text: &str) -> Option<String> {
    let trimmed = text.trim();
    let digits = trimmed.get(..5).filter(|prefix| prefix.eq_ignore_ascii_case("shc:/")).map(|_| &trimmed[5..])?;
    if digits.is_empty() || digits.len() % 2 != 0 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits
        .as_bytes()
        .chunks(2)
        .map(|pair| {
            let value = (pair[0] - b'0') * 10 + (pair[1] - b'0');
            (value <= 77).then(|| char::from(value + 45))
        })
        .collect()
}

/// The QR code of a `shc:/` text as an SVG document: error correction L, the `shc:/` prefix in byte
/// mode and the digits in numeric mode (the encoder segments optimally), quiet zone included.
pub fn qr_svg(numeric: &str) -> Result<String, qrcode::types::QrError> {
    let code = qrcode::QrCode::with_error_correction_level(numeric.as_bytes(), qrcode::EcLevel::L)?;
    let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(400, 400).quiet_zone(true).build();
    // Drop the XML declaration: the SVG is placed inline in HTML.
    Ok(match svg.find("<svg") {
        Some(start) => svg[start..].to_string(),
        None => svg,
    })
}

/// Where a card's issuer stands for this verifier.
pub enum IssuerKeys<'a> {
    /// This portal: its own key ring.
    Own(&'a KeyRing),
    /// A trusted issuer from the configured directory, with its published keys.
    Trusted { name: &'a str, keys: &'a [Jwk] },
}

/// The outcome of checking a card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Valid(VerifiedCard),
    /// Not a `shc:/` text, or not a well-formed SMART Health Card.
    Malformed,
    /// One part of a card split over several QR codes (`shc:/<part>/<total>/…`, SMART Health
    /// Cards "chunking", deprecated): the portal reads whole cards only.
    MultiPart {
        part: u32,
        total: u32,
    },
    /// Well-formed, but the signature does not verify against the issuer's keys (altered, or
    /// signed by a key the issuer does not publish).
    BadSignature {
        issuer: String,
    },
    /// Signed by an issuer this verifier does not trust.
    UnknownIssuer {
        issuer: String,
    },
    /// Past its `exp`, or before its `nbf`.
    Expired {
        issuer: String,
    },
    NotYetValid {
        issuer: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedCard {
    pub issuer: String,
    pub issuer_name: String,
    pub issued_at_seconds: i64,
    pub subject: CardSubject,
    pub doses: Vec<CardDose>,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    zip: Option<String>,
    kid: String,
}

/// Checks a card (a `shc:/` text or a bare compact JWS). `issuer_keys` answers, for an `iss`,
/// which keys to trust, or `None` for an issuer this verifier does not know.
pub fn verify<'a>(text: &str, now_seconds: i64, issuer_keys: impl Fn(&str) -> Option<IssuerKeys<'a>>) -> Verdict {
    if text.len() > MAX_SHC_CHARS * 2 {
        return Verdict::Malformed;
    }
    // Whitespace added to break a long text (e-mail and PDF copies wrap it every 76 characters
    // with CRLF) is not part of it (RFC 3986 appendix C); the scheme is case-insensitive (§3.1).
    let unwrapped: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let trimmed = unwrapped.as_str();
    if trimmed.is_empty() || trimmed.len() > MAX_SHC_CHARS {
        return Verdict::Malformed;
    }
    if let Some((part, total)) = multi_part(trimmed) {
        return Verdict::MultiPart { part, total };
    }
    let jws = if trimmed.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("shc:")) {
        match from_numeric(trimmed) {
            Some(jws) => jws,
            None => return Verdict::Malformed,
        }
    } else {
        trimmed.to_string()
    };
    let mut parts = jws.split('.');
    let (Some(header_b64), Some(body_b64), Some(signature_b64), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Verdict::Malformed;
    };
    let Some(header) = URL_SAFE_NO_PAD.decode(header_b64).ok().and_then(|bytes| serde_json::from_slice::<Header>(&bytes).ok()) else {
        return Verdict::Malformed;
    };
    if header.alg != "ES256" || header.zip.as_deref() != Some("DEF") {
        return Verdict::Malformed;
    }
    let Some(payload) = URL_SAFE_NO_PAD
        .decode(body_b64)
        .ok()
        .and_then(|deflated| miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, MAX_PAYLOAD_BYTES).ok())
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
    else {
        return Verdict::Malformed;
    };
    let Some(issuer) = payload.get("iss").and_then(Value::as_str).map(str::to_string) else {
        return Verdict::Malformed;
    };
    let (issuer_name, key) = match issuer_keys(&issuer) {
        None => return Verdict::UnknownIssuer { issuer },
        Some(IssuerKeys::Own(ring)) => (String::new(), ring.public_key(&header.kid)),
        Some(IssuerKeys::Trusted { name, keys }) => {
            (name.to_string(), keys.iter().find(|jwk| jwk.kid == header.kid).and_then(Jwk::verifying_key))
        }
    };
    let Some(key) = key else { return Verdict::BadSignature { issuer } };
    let signature = URL_SAFE_NO_PAD.decode(signature_b64).ok().and_then(|bytes| Signature::from_slice(&bytes).ok());
    let signing_input = format!("{header_b64}.{body_b64}");
    if signature.is_none_or(|signature| key.verify(signing_input.as_bytes(), &signature).is_err()) {
        return Verdict::BadSignature { issuer };
    }
    let issued_at_seconds = payload.get("nbf").and_then(Value::as_f64).map(|n| n as i64).unwrap_or_default();
    if issued_at_seconds > now_seconds + SKEW_SECONDS {
        return Verdict::NotYetValid { issuer };
    }
    if payload.get("exp").and_then(Value::as_f64).is_some_and(|exp| (exp as i64) <= now_seconds) {
        return Verdict::Expired { issuer };
    }
    match card_contents(&payload) {
        Some((subject, doses)) => Verdict::Valid(VerifiedCard { issuer, issuer_name, issued_at_seconds, subject, doses }),
        None => Verdict::Malformed,
    }
}

/// `shc:/<part>/<total>/<digits>`: one chunk of a card split over several QR codes.
fn multi_part(text: &str) -> Option<(u32, u32)> {
    let rest = text.get(..5).filter(|prefix| prefix.eq_ignore_ascii_case("shc:/")).map(|_| &text[5..])?;
    let mut pieces = rest.splitn(3, '/');
    let (part, total, _) = (pieces.next()?.parse().ok()?, pieces.next()?.parse().ok()?, pieces.next()?);
    Some((part, total))
}

/// The parts of a card's payload the verifier reads (SMART Health Cards 1.4, "Health Cards are
/// encoded as Compact Serialization JSON Web Signatures"): `vc.credentialSubject.fhirBundle`.
#[derive(Deserialize)]
struct CardPayload {
    vc: CardCredential,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CardCredential {
    credential_subject: CardCredentialSubject,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CardCredentialSubject {
    fhir_bundle: CardBundle,
}

#[derive(Deserialize)]
struct CardBundle {
    #[serde(default)]
    entry: Vec<CardEntry>,
}

#[derive(Deserialize)]
struct CardEntry {
    /// Kept as JSON until its `resourceType` says which typed structure reads it.
    resource: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceType {
    resource_type: String,
}

/// R4 patient.html, the elements a card carries (`name`, `birthDate`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CardPatient {
    #[serde(default)]
    name: Vec<HumanName>,
    birth_date: Option<String>,
}

/// R4 datatypes.html#HumanName.
#[derive(Deserialize)]
struct HumanName {
    #[serde(rename = "use")]
    name_use: Option<String>,
    family: Option<String>,
    #[serde(default)]
    given: Vec<String>,
}

/// The card's subject and doses, read through typed structures ([`crate::fhir::model`]). An
/// Immunization whose `status` is not `completed`, or that is `isSubpotent` (both FHIR modifier
/// elements), or that does not read as an R4 Immunization, is not proof of a dose: it is not listed.
/// The vaccine is the CVX coding's code when the card has one (`http://hl7.org/fhir/sid/cvx`), else
/// the first coding's; the name is the `official` one, else the first without `use: old`.
/// `None` when the payload is not a card or has no Patient.
fn card_contents(payload: &Value) -> Option<(CardSubject, Vec<CardDose>)> {
    let card = CardPayload::deserialize(payload).ok()?;
    let mut subject = None;
    let mut doses = Vec::new();
    for entry in card.vc.credential_subject.fhir_bundle.entry {
        let resource = &entry.resource;
        match ResourceType::deserialize(resource).ok()?.resource_type.as_str() {
            "Patient" => {
                let patient = CardPatient::deserialize(resource).ok()?;
                let name = patient
                    .name
                    .iter()
                    .find(|name| name.name_use.as_deref() == Some("official"))
                    .or_else(|| patient.name.iter().find(|name| name.name_use.as_deref() != Some("old")));
                subject = Some(CardSubject {
                    family: name.and_then(|name| name.family.clone()).unwrap_or_default(),
                    given: name.map(|name| name.given.clone()).unwrap_or_default(),
                    birth_date: patient.birth_date.unwrap_or_default(),
                });
            }
            "Immunization" => {
                let Ok(dose) = crate::fhir::model::Immunization::deserialize(resource) else { continue };
                if dose.status != "completed" || dose.is_subpotent == Some(true) {
                    continue;
                }
                doses.push(CardDose {
                    cvx: dose.vaccine_code.code_in(CVX_SYSTEM).or_else(|| dose.vaccine_code.code()).unwrap_or_default().to_string(),
                    date: dose.occurrence_date_time.clone().unwrap_or_default(),
                    lot: dose.lot_number.clone(),
                    performer: dose.performer.iter().find_map(|performer| performer.actor.display.clone()),
                });
            }
            _ => {}
        }
    }
    Some((subject?, doses))
}

#[cfg(test)]
mod tests {
    use super::keys::{rotate, KeyRing};
    use super::*;

    const ISSUER: &str = "https://hoso.example.vn";
    const NOW: i64 = 1_795_000_000;

    fn ring(name: &str) -> KeyRing {
        let dir = std::env::temp_dir().join(format!("hoso-card-{name}-{}", uuid::Uuid::new_v4()));
        KeyRing::load_or_create(&dir).unwrap()
    }

    fn subject() -> CardSubject {
        CardSubject { family: "Nguyễn".into(), given: vec!["Thị".into(), "Lan".into()], birth_date: "1990-04-12".into() }
    }

    fn doses() -> Vec<CardDose> {
        vec![
            CardDose {
                cvx: "210".into(),
                date: "2021-08-02".into(),
                lot: Some("A1234".into()),
                performer: Some("TYT Phường Bến Nghé".into()),
            },
            CardDose { cvx: "210".into(), date: "2021-10-25".into(), lot: None, performer: None },
        ]
    }

    fn card(ring: &KeyRing, payload: &Value) -> String {
        to_numeric(&sign(ring, payload))
    }

    #[test]
    fn numeric_encoding_round_trips_every_base64url_character() {
        let alphabet = "-_.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let numeric = to_numeric(alphabet);
        assert!(numeric.starts_with("shc:/00"), "'-' is 45, so it encodes as 00");
        assert_eq!(from_numeric(&numeric).as_deref(), Some(alphabet));
        assert_eq!(from_numeric("shc:/7"), None, "odd digit count");
        assert_eq!(from_numeric("shc:/99"), None, "99 + 45 is past 'z'");
        assert_eq!(from_numeric("SHC:/00").as_deref(), Some("-"), "the scheme is case-insensitive");
    }

    #[test]
    fn a_signed_card_verifies_and_round_trips_its_contents() {
        let ring = ring("valid");
        let payload = payload(ISSUER, NOW - 60, &subject(), &doses());
        assert_eq!(payload["vc"]["type"][2], "https://smarthealth.cards#covid19");
        let verdict = verify(&card(&ring, &payload), NOW, |iss| (iss == ISSUER).then_some(IssuerKeys::Own(&ring)));
        let Verdict::Valid(verified) = verdict else { panic!("{verdict:?}") };
        assert_eq!(verified.subject, subject());
        assert_eq!(verified.doses, doses());
        assert_eq!(verified.issued_at_seconds, NOW - 60);
    }

    #[test]
    fn pasted_text_broken_into_lines_and_any_case_scheme_still_verifies() {
        let ring = ring("wrapped");
        let numeric = card(&ring, &payload(ISSUER, NOW - 60, &subject(), &doses()));
        // An e-mail or PDF copy: CRLF every 76 characters, indented, upper-case scheme.
        let wrapped: String = numeric
            .replacen("shc:/", "SHC:/", 1)
            .as_bytes()
            .chunks(76)
            .map(|line| format!("  {}\r\n", std::str::from_utf8(line).unwrap()))
            .collect();
        let verdict = verify(&wrapped, NOW, |iss| (iss == ISSUER).then_some(IssuerKeys::Own(&ring)));
        assert!(matches!(verdict, Verdict::Valid(_)), "{verdict:?}");
    }

    #[test]
    fn one_part_of_a_chunked_card_gets_its_own_answer() {
        assert_eq!(verify("shc:/1/3/5676290952432060346029243740", NOW, |_| None), Verdict::MultiPart { part: 1, total: 3 });
        assert_eq!(verify("SHC:/2/2/56762909", NOW, |_| None), Verdict::MultiPart { part: 2, total: 2 });
    }

    #[test]
    fn a_dose_not_completed_or_subpotent_on_a_card_is_not_listed_as_proof() {
        let ring = ring("not-done");
        let mut payload = payload(ISSUER, NOW - 60, &subject(), &doses());
        let entries = payload.pointer_mut("/vc/credentialSubject/fhirBundle/entry").unwrap().as_array_mut().unwrap();
        let immunizations: Vec<usize> =
            entries.iter().enumerate().filter(|(_, e)| e["resource"]["resourceType"] == "Immunization").map(|(i, _)| i).collect();
        entries[immunizations[0]]["resource"]["status"] = json!("not-done");
        entries[immunizations[1]]["resource"]["isSubpotent"] = json!(true);
        let verdict = verify(&card(&ring, &payload), NOW, |iss| (iss == ISSUER).then_some(IssuerKeys::Own(&ring)));
        let Verdict::Valid(verified) = verdict else { panic!("{verdict:?}") };
        assert_eq!(verified.doses.len(), doses().len() - 2, "{:?}", verified.doses);
    }

    #[test]
    fn a_card_is_read_by_its_elements_meaning_not_their_position() {
        let ring = ring("positions");
        let mut payload = payload(ISSUER, NOW - 60, &subject(), &doses());
        let entries = payload.pointer_mut("/vc/credentialSubject/fhirBundle/entry").unwrap().as_array_mut().unwrap();
        // A former name listed first, the official one second.
        entries[0]["resource"]["name"] = json!([{ "use": "old", "family": "Trần", "given": ["Lan"] }, { "use": "official", "family": "Nguyễn", "given": ["Thị", "Lan"] }]);
        // The SNOMED CT coding first, the CVX coding second.
        entries[1]["resource"]["vaccineCode"]["coding"] =
            json!([{ "system": "http://snomed.info/sct", "code": "28531000087107" }, { "system": CVX_SYSTEM, "code": "210" }]);
        // A dose that is not an R4 Immunization (no status) is not proof.
        entries[2]["resource"].as_object_mut().unwrap().remove("status");
        let verdict = verify(&card(&ring, &payload), NOW, |iss| (iss == ISSUER).then_some(IssuerKeys::Own(&ring)));
        let Verdict::Valid(verified) = verdict else { panic!("{verdict:?}") };
        assert_eq!(verified.subject, subject());
        assert_eq!(verified.doses, vec![doses()[0].clone()]);
    }

    #[test]
    fn the_header_names_the_key_and_compression() {
        let ring = ring("header");
        let jws = sign(&ring, &payload(ISSUER, NOW, &subject(), &doses()));
        let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(jws.split('.').next().unwrap()).unwrap()).unwrap();
        assert_eq!(header, json!({ "alg": "ES256", "zip": "DEF", "kid": ring.current_kid }));
    }

    #[test]
    fn one_changed_character_breaks_the_signature() {
        let ring = ring("tamper");
        let numeric = card(&ring, &payload(ISSUER, NOW, &subject(), &doses()));
        let jws = from_numeric(&numeric).unwrap();
        // Change one character of the signature, and one of the payload.
        for position in [jws.len() - 5, jws.find('.').unwrap() + 10] {
            let mut bytes = jws.clone().into_bytes();
            bytes[position] = if bytes[position] == b'A' { b'B' } else { b'A' };
            let tampered = to_numeric(std::str::from_utf8(&bytes).unwrap());
            let verdict = verify(&tampered, NOW, |_| Some(IssuerKeys::Own(&ring)));
            assert!(matches!(verdict, Verdict::BadSignature { .. } | Verdict::Malformed), "position {position}: {verdict:?}");
        }
    }

    #[test]
    fn a_card_signed_by_another_key_is_refused() {
        let ours = ring("ours");
        let other = ring("other");
        let numeric = card(&other, &payload(ISSUER, NOW, &subject(), &doses()));
        assert_eq!(verify(&numeric, NOW, |_| Some(IssuerKeys::Own(&ours))), Verdict::BadSignature { issuer: ISSUER.into() });
    }

    #[test]
    fn a_card_from_an_unknown_issuer_is_refused() {
        let ring = ring("unknown");
        let numeric = card(&ring, &payload("https://elsewhere.example", NOW, &subject(), &doses()));
        assert_eq!(
            verify(&numeric, NOW, |iss| (iss == ISSUER).then_some(IssuerKeys::Own(&ring))),
            Verdict::UnknownIssuer { issuer: "https://elsewhere.example".into() }
        );
    }

    #[test]
    fn an_expired_card_and_a_future_card_are_refused() {
        let ring = ring("expired");
        let mut expired = payload(ISSUER, NOW - 1000, &subject(), &doses());
        expired["exp"] = json!(NOW - 1);
        assert_eq!(verify(&card(&ring, &expired), NOW, |_| Some(IssuerKeys::Own(&ring))), Verdict::Expired { issuer: ISSUER.into() });
        let future = payload(ISSUER, NOW + 3600, &subject(), &doses());
        assert_eq!(verify(&card(&ring, &future), NOW, |_| Some(IssuerKeys::Own(&ring))), Verdict::NotYetValid { issuer: ISSUER.into() });
    }

    #[test]
    fn cards_signed_before_a_rotation_still_verify() {
        let dir = std::env::temp_dir().join(format!("hoso-card-rotation-{}", uuid::Uuid::new_v4()));
        let before = KeyRing::load_or_create(&dir).unwrap();
        let numeric = card(&before, &payload(ISSUER, NOW, &subject(), &doses()));
        rotate(&dir).unwrap();
        let after = KeyRing::load(&dir).unwrap();
        assert_ne!(after.current_kid, before.current_kid);
        assert!(matches!(verify(&numeric, NOW, |_| Some(IssuerKeys::Own(&after))), Verdict::Valid(_)));
    }

    #[test]
    fn garbage_and_zip_bombs_are_malformed() {
        let ring = ring("garbage");
        for text in ["", "hello", "shc:/12345", "shc:/abcd", "a.b.c", "a.b"] {
            assert_eq!(verify(text, NOW, |_| Some(IssuerKeys::Own(&ring))), Verdict::Malformed, "{text:?}");
        }
        // 1 MB of spaces deflates to about a kilobyte; the verifier stops inflating at its limit.
        let header = URL_SAFE_NO_PAD.encode(json!({ "alg": "ES256", "zip": "DEF", "kid": ring.current_kid }).to_string());
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; 1_000_000], 10);
        let jws = format!("{header}.{}.AAAA", URL_SAFE_NO_PAD.encode(bomb));
        assert_eq!(verify(&jws, NOW, |_| Some(IssuerKeys::Own(&ring))), Verdict::Malformed);
    }

    #[test]
    fn the_qr_code_is_a_single_svg() {
        let ring = ring("qr");
        let numeric = card(&ring, &payload(ISSUER, NOW, &subject(), &doses()));
        let svg = qr_svg(&numeric).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(svg.ends_with("</svg>"));
    }
}
