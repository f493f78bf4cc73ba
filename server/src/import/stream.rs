//! Reads a Bundle from a file one entry at a time: only the entry being looked at is in memory,
//! whatever the bundle's size. Bundle fields other than `resourceType`, `type`, `id` and `entry`
//! are skipped without being kept.

use std::fmt;
use std::io::Read;

use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The bundle's own fields, read on the way past.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BundleHead {
    pub resource_type: Option<String>,
    pub bundle_type: Option<String>,
    pub id: Option<String>,
    pub entries: usize,
}

struct BundleSeed<'f, F, T> {
    on_entry: &'f mut F,
    entry: PhantomData<T>,
}

struct EntriesSeed<'f, F, T> {
    on_entry: &'f mut F,
    entry: PhantomData<T>,
}

impl<'de, T: DeserializeOwned, F: FnMut(usize, T)> DeserializeSeed<'de> for BundleSeed<'_, F, T> {
    type Value = BundleHead;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<BundleHead, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned, F: FnMut(usize, T)> Visitor<'de> for BundleSeed<'_, F, T> {
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
                "entry" => head.entries += map.next_value_seed(EntriesSeed { on_entry: &mut *self.on_entry, entry: PhantomData })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(head)
    }
}

impl<'de, T: DeserializeOwned, F: FnMut(usize, T)> DeserializeSeed<'de> for EntriesSeed<'_, F, T> {
    type Value = usize;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T: DeserializeOwned, F: FnMut(usize, T)> Visitor<'de> for EntriesSeed<'_, F, T> {
    type Value = usize;
    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("Bundle.entry as an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut index = 0;
        while let Some(entry) = seq.next_element::<T>()? {
            (self.on_entry)(index, entry);
            index += 1;
        }
        Ok(index)
    }
}

/// Calls `on_entry` for each entry in order, read as `T` (a `serde_json::Value`, or a
/// `Box<RawValue>` to keep the entry's text exactly as sent), then returns the bundle's own
/// fields. A JSON error carries its line and column.
pub fn each_entry<T: DeserializeOwned, R: Read>(reader: R, mut on_entry: impl FnMut(usize, T)) -> Result<BundleHead, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let head = BundleSeed { on_entry: &mut on_entry, entry: PhantomData }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(head)
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    #[test]
    fn entries_arrive_one_at_a_time_whatever_the_field_order() {
        let text = r#"{"entry":[{"resource":{"resourceType":"Patient"}},{"fullUrl":"urn:uuid:1"}],"meta":{"x":[1,2]},"type":"batch","resourceType":"Bundle"}"#;
        let mut seen = Vec::new();
        let head = each_entry(text.as_bytes(), |index, entry: Value| seen.push((index, entry))).unwrap();
        assert_eq!(head, BundleHead { resource_type: Some("Bundle".into()), bundle_type: Some("batch".into()), id: None, entries: 2 });
        assert_eq!(seen[1].1["fullUrl"], "urn:uuid:1");
    }

    #[test]
    fn an_entry_can_be_kept_as_the_text_that_was_sent() {
        let text = r#"{"resourceType":"Bundle","entry":[{"resource":{"valueQuantity":{"value":1.50}}}]}"#;
        let mut seen = Vec::new();
        each_entry(text.as_bytes(), |_, entry: Box<serde_json::value::RawValue>| seen.push(entry.get().to_string())).unwrap();
        assert_eq!(seen, [r#"{"resource":{"valueQuantity":{"value":1.50}}}"#]);
    }

    #[test]
    fn malformed_json_names_line_and_column() {
        let error = each_entry("{\"resourceType\": \"Bundle\",\n \"entry\": [ {,} ]}".as_bytes(), |_, _: Value| {}).unwrap_err();
        assert_eq!((error.line(), error.column() > 0), (2, true));
        assert!(each_entry("[1]".as_bytes(), |_, _: Value| {}).is_err());
        assert!(each_entry("{} {}".as_bytes(), |_, _: Value| {}).is_err());
    }
}
