//! JSON kept exactly as sent: numbers as their text, members in the order they came.
//!
//! FHIR says a decimal's precision is significant (R4 datatypes.html#decimal: `1.50` is not
//! `1.5`, and `1.2E+2` is not `120`), but `serde_json::Value` holds numbers as `f64` and, without
//! the crate-wide `arbitrary_precision` feature (which breaks other crates' `flatten`ed numbers,
//! oauth2's token answer among them), prints them back changed. [`Json`] is parsed in one pass
//! of `serde_json`'s own parser, each number taking its token from a scan of the text (numbers
//! come in document order), so a number keeps the exact text that was sent. The importer stores this form; the API serves it back unchanged apart
//! from the `id`, references and `meta` the portal owns.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// A JSON value whose numbers are their source text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Json {
    Null,
    Bool(bool),
    /// The number exactly as written (`0.004`, `1.2E+2`).
    Number(String),
    String(String),
    Array(Vec<Json>),
    /// Members in the order they were sent.
    Object(Vec<(String, Json)>),
}

/// The number tokens of a JSON text, in document order (outside strings: a run of
/// `-+.eE0-9` starting with `-` or a digit). The parser below takes one for each number it meets,
/// so each keeps the text it was written with.
fn number_tokens(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let (mut at, mut in_string, mut escaped) = (0, false, false);
    while at < bytes.len() {
        let byte = bytes[at];
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            at += 1;
        } else if byte == b'"' {
            in_string = true;
            at += 1;
        } else if byte == b'-' || byte.is_ascii_digit() {
            let start = at;
            while at < bytes.len() && matches!(bytes[at], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
                at += 1;
            }
            tokens.push(&text[start..at]);
        } else {
            at += 1;
        }
    }
    tokens
}

/// Builds a [`Json`] in one pass of `serde_json`'s parser: numbers arrive (in document order) as
/// `f64`/`u64`/`i64` and are replaced by their token from [`number_tokens`].
struct Seed<'t, 'a> {
    numbers: &'t mut std::slice::Iter<'a, &'a str>,
}

impl<'de> serde::de::DeserializeSeed<'de> for Seed<'_, '_> {
    type Value = Json;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_, '_> {
    type Value = Json;
    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("JSON")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, value: bool) -> Result<Json, E> {
        Ok(Json::Bool(value))
    }
    fn visit_str<E>(self, value: &str) -> Result<Json, E> {
        Ok(Json::String(value.to_string()))
    }
    fn visit_string<E>(self, value: String) -> Result<Json, E> {
        Ok(Json::String(value))
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Json, E> {
        self.number()
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Json, E> {
        self.number()
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Json, E> {
        self.number()
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Seed { numbers: &mut *self.numbers })? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut members = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Seed { numbers: &mut *self.numbers })?;
            members.push((key, value));
        }
        Ok(Json::Object(members))
    }
}

impl Seed<'_, '_> {
    fn number<E: serde::de::Error>(self) -> Result<Json, E> {
        self.numbers.next().map(|token| Json::Number((*token).to_string())).ok_or_else(|| E::custom("a number without its text"))
    }
}

impl Json {
    /// Parses JSON text. Errors are `serde_json`'s (with line and column).
    pub fn parse(text: &str) -> Result<Json, serde_json::Error> {
        use serde::de::DeserializeSeed;
        let tokens = number_tokens(text);
        let mut numbers = tokens.iter();
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let json = Seed { numbers: &mut numbers }.deserialize(&mut deserializer)?;
        deserializer.end()?;
        Ok(json)
    }

    /// Compact JSON text; numbers exactly as they were parsed.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
            Json::Number(text) => out.push_str(text),
            Json::String(text) => out.push_str(&serde_json::to_string(text).unwrap_or_default()),
            Json::Array(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (index, (key, value)) in members.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::to_string(key).unwrap_or_default());
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(name, _)| name == key).map(|(_, value)| value),
            _ => None,
        }
    }

    /// The member `key` of an object, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Json> {
        match self {
            Json::Object(members) => members.iter_mut().find(|(name, _)| name == key).map(|(_, value)| value),
            _ => None,
        }
    }

    /// Sets member `key` of an object (in place if present, else after `resourceType` for `id`
    /// and `meta`, as FHIR's examples order them, else at the end). No effect on a non-object.
    pub fn set(&mut self, key: &str, value: Json) {
        if let Json::Object(members) = self {
            if let Some((_, old)) = members.iter_mut().find(|(name, _)| name == key) {
                *old = value;
                return;
            }
            let at = match key {
                "id" => members.iter().position(|(name, _)| name == "resourceType").map_or(0, |i| i + 1),
                "meta" => members.iter().position(|(name, _)| name == "id" || name == "resourceType").map_or(0, |i| i + 1),
                _ => members.len(),
            };
            members.insert(at.min(members.len()), (key.to_string(), value));
        }
    }

    /// Removes member `key` of an object.
    pub fn remove(&mut self, key: &str) -> Option<Json> {
        match self {
            Json::Object(members) => members.iter().position(|(name, _)| name == key).map(|at| members.remove(at).1),
            _ => None,
        }
    }

    pub fn is_empty_object(&self) -> bool {
        matches!(self, Json::Object(members) if members.is_empty())
    }

    /// Replaces every `reference` string found in `map` (FHIR Reference.reference, at any depth).
    pub fn rewrite_references(&mut self, map: &std::collections::HashMap<String, String>) {
        match self {
            Json::Object(members) => {
                for (key, value) in members.iter_mut() {
                    match value {
                        Json::String(reference) if key == "reference" => {
                            if let Some(stored) = map.get(reference.as_str()) {
                                *reference = stored.clone();
                            }
                        }
                        other => other.rewrite_references(map),
                    }
                }
            }
            Json::Array(items) => items.iter_mut().for_each(|item| item.rewrite_references(map)),
            _ => {}
        }
    }
}

/// A FHIR `decimal` (or any JSON number) exactly as sent, for typed reads of stored resources:
/// deserialize it from the stored text (`serde_json::from_str`), never from a `Value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decimal(pub String);

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let text = raw.get();
        match text.as_bytes().first() {
            Some(b'-' | b'0'..=b'9') => Ok(Decimal(text.to_string())),
            _ => Err(serde::de::Error::custom(format!("expected a JSON number, got {text}"))),
        }
    }
}

impl Decimal {
    /// The value for exact comparison (`rust_decimal`, 28 significant digits; `None` beyond).
    pub fn value(&self) -> Option<rust_decimal::Decimal> {
        use std::str::FromStr;
        rust_decimal::Decimal::from_str(&self.0).ok().or_else(|| rust_decimal::Decimal::from_scientific(&self.0).ok())
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_member_order_survive_a_round_trip() {
        let text = r#"{"resourceType":"Observation","valueQuantity":{"value":0.004,"unit":"ng/mL"},"b":[1.50,1.2E+2,-0.0,10],"a":{"x":null,"y":true,"z":"đ\"\n"}}"#;
        let json = Json::parse(text).unwrap();
        assert_eq!(json.to_text(), text);
    }

    #[test]
    fn numbers_inside_strings_are_not_taken_for_numbers() {
        let text = r#"{"a":"1.50 \" 2","b":[0.004,"-3",{"c":1.2E+2,"d":"e\\"},-0.10],"f":"x"}"#;
        assert_eq!(Json::parse(text).unwrap().to_text(), text);
        assert!(Json::parse("{\"a\": 1,}").is_err());
        assert!(Json::parse("[1] 2").is_err());
    }

    #[test]
    fn whitespace_goes_and_nothing_else_changes() {
        let json = Json::parse("{ \"a\" : [ 1.0 , 2 ] ,\n \"b\": { } }").unwrap();
        assert_eq!(json.to_text(), r#"{"a":[1.0,2],"b":{}}"#);
    }

    #[test]
    fn set_remove_and_rewrite() {
        let mut json =
            Json::parse(r#"{"resourceType":"Immunization","patient":{"reference":"urn:uuid:1"},"meta":{"versionId":"3"}}"#).unwrap();
        json.set("id", Json::String("p1".into()));
        json.remove("meta");
        json.rewrite_references(&[("urn:uuid:1".to_string(), "Patient/p9".to_string())].into_iter().collect());
        assert_eq!(json.to_text(), r#"{"resourceType":"Immunization","id":"p1","patient":{"reference":"Patient/p9"}}"#);
    }

    #[test]
    fn decimals_keep_their_text_and_compare_exactly() {
        #[derive(serde::Deserialize)]
        struct Q {
            value: Decimal,
        }
        let q: Q = serde_json::from_str(r#"{"value": 1.2E+2}"#).unwrap();
        assert_eq!(q.value.to_string(), "1.2E+2");
        assert_eq!(q.value.value(), Some(rust_decimal::Decimal::from(120)));
        let small: Q = serde_json::from_str(r#"{"value": 0.004}"#).unwrap();
        assert!(small.value.value().unwrap() > rust_decimal::Decimal::ZERO);
        assert!(serde_json::from_str::<Q>(r#"{"value": "1"}"#).is_err());
    }
}
