//! The floor: untyped `serde_json::Value` (no checks at all), for the size and time baseline.
#[path = "../../common.rs"]
mod common;

fn main() {
    common::run("serde_json::Value", &|text| {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        serde_json::to_string(&value).map_err(|e| e.to_string())
    });
}
