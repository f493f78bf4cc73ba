//! JSON kept exactly as sent: numbers as their text, members in the order they came.
//!
//! FHIR says a decimal's precision is significant (R4 datatypes.html#decimal: `1.50` is not
//! `1.5`, and `1.2E+2` is not `120`), but `serde_json::Value` holds numbers as `f64` and, without
//! the crate-wide `arbitrary_precision` feature (which breaks other crates' `flatten`ed numbers,
//! oauth2's token answer among them), prints them back changed. [`Json`] is parsed with
//! `serde_json` itself: every node is first read as a [`RawValue`], so a number keeps the exact
//! text that was sent. The importer stores this form; the API serves it back unchanged apart
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

struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Members<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Each<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Each<'a> {
            type Value = Members<'a>;
            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members<'a>, A::Error> {
                let mut members = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, &'a RawValue>()? {
                    members.push((key, value));
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(Each(std::marker::PhantomData))
    }
}

impl Json {
    /// Parses JSON text. Errors are `serde_json`'s (with line and column).
    pub fn parse(text: &str) -> Result<Json, serde_json::Error> {
        let raw: &RawValue = serde_json::from_str(text)?;
        Self::from_raw(raw)
    }

    fn from_raw(raw: &RawValue) -> Result<Json, serde_json::Error> {
        let text = raw.get();
        Ok(match text.as_bytes().first() {
            Some(b'{') => {
                let Members(members) = serde_json::from_str(text)?;
                Json::Object(members.into_iter().map(|(key, value)| Ok((key, Self::from_raw(value)?))).collect::<Result<_, serde_json::Error>>()?)
            }
            Some(b'[') => {
                let items: Vec<&RawValue> = serde_json::from_str(text)?;
                Json::Array(items.into_iter().map(Self::from_raw).collect::<Result<_, _>>()?)
            }
            Some(b'"') => Json::String(serde_json::from_str(text)?),
            Some(b't') => Json::Bool(true),
            Some(b'f') => Json::Bool(false),
            Some(b'n') => Json::Null,
            _ => Json::Number(text.to_string()),
        })
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
    fn whitespace_goes_and_nothing_else_changes() {
        let json = Json::parse("{ \"a\" : [ 1.0 , 2 ] ,\n \"b\": { } }").unwrap();
        assert_eq!(json.to_text(), r#"{"a":[1.0,2],"b":{}}"#);
    }

    #[test]
    fn set_remove_and_rewrite() {
        let mut json = Json::parse(r#"{"resourceType":"Immunization","patient":{"reference":"urn:uuid:1"},"meta":{"versionId":"3"}}"#).unwrap();
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
