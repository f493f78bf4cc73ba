//! fhirbolt (R4 model structs), strict deserialisation mode.
#[path = "../../common.rs"]
mod common;

use fhirbolt::model::r4::resources::Bundle;
use fhirbolt::serde::{DeserializationConfig, DeserializationMode};

fn main() {
    common::run("fhirbolt 0.4 r4", &|text| {
        let bundle: Bundle =
            fhirbolt::json::from_str(text, Some(DeserializationConfig { mode: DeserializationMode::Strict })).map_err(|e| e.to_string())?;
        fhirbolt::json::to_string(&bundle, None).map_err(|e| e.to_string())
    });
}
