//! helios-fhir (R4), through serde_json as its documentation shows.
#[path = "../../common.rs"]
mod common;

fn main() {
    common::run("helios-fhir r4", &|text| {
        let bundle: helios_fhir::r4::Bundle = serde_json::from_str(text).map_err(|e| e.to_string())?;
        serde_json::to_string(&bundle).map_err(|e| e.to_string())
    });
}
