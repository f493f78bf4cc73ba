//! Reads a Bundle from a file one entry at a time: only the entry being looked at is in memory,
//! whatever the bundle's size. Bundle fields other than `resourceType`, `type`, `id` and `entry`
//! are skipped without being kept.

use std::fmt;
use std::io::Read;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// The bundle's own fields, read on the way past.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BundleHead {
    pub resource_type: Option<String>,
    pub bundle_type: Option<String>,
    pub id: Option<String>,
    pub entries: usize,
}

struct BundleSeed<'f, F> {
    on_entry: &'f mut F,
}

struct EntriesSeed<'f, F> {
    on_entry: &'f mut F,
}

impl<'de, F: FnMut(usize, Value)> DeserializeSeed<'de> for BundleSeed<'_, F> {
    type Value = BundleHead;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<BundleHead, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, F: FnMut(usize, Value)> Visitor<'de> for BundleSeed<'_, F> {
    type Value = BundleHead;
    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a FHIR Bundle (a JSON object)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BundleHead, A::Error> {
        let mut head = BundleHead::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "resourceType" => head.resource_type = Some(map.next_value::<String>()?),
                "type" => head.bundle_type = Some(map.next_value::<String>()?),
                "id" => head.id = Some(map.next_value::<String>()?),
                "entry" => head.entries += map.next_value_seed(EntriesSeed { on_entry: &mut *self.on_entry })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(head)
    }
}

impl<'de, F: FnMut(usize, Value)> DeserializeSeed<'de> for EntriesSeed<'_, F> {
    type Value = usize;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(usize, Value)> Visitor<'de> for EntriesSeed<'_, F> {
    type Value = usize;
    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("Bundle.entry as an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut index = 0;
        while let Some(entry) = seq.next_element::<Value>()? {
            (self.on_entry)(index, entry);
            index += 1;
        }
        Ok(index)
    }
}

/// Calls `on_entry` for each entry in order, then returns the bundle's own fields. A JSON error
/// carries its line and column.
pub fn each_entry<R: Read>(reader: R, mut on_entry: impl FnMut(usize, Value)) -> Result<BundleHead, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let head = BundleSeed { on_entry: &mut on_entry }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_arrive_one_at_a_time_whatever_the_field_order() {
        let text = r#"{"entry":[{"resource":{"resourceType":"Patient"}},{"fullUrl":"urn:uuid:1"}],"meta":{"x":[1,2]},"type":"batch","resourceType":"Bundle"}"#;
        let mut seen = Vec::new();
        let head = each_entry(text.as_bytes(), |index, entry| seen.push((index, entry))).unwrap();
        assert_eq!(head, BundleHead { resource_type: Some("Bundle".into()), bundle_type: Some("batch".into()), id: None, entries: 2 });
        assert_eq!(seen[1].1["fullUrl"], "urn:uuid:1");
    }

    #[test]
    fn malformed_json_names_line_and_column() {
        let error = each_entry("{\"resourceType\": \"Bundle\",\n \"entry\": [ {,} ]}".as_bytes(), |_, _| {}).unwrap_err();
        assert_eq!((error.line(), error.column() > 0), (2, true));
        assert!(each_entry("[1]".as_bytes(), |_, _| {}).is_err());
        assert!(each_entry("{} {}".as_bytes(), |_, _| {}).is_err());
    }
}
