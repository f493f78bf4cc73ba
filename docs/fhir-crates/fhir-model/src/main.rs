//! fhir-model (the fhir-sdk project's model; R4B, the release it offers closest to R4).
#[path = "../../common.rs"]
mod common;

fn main() {
    common::run("fhir-model r4b", &|text| {
        let bundle: fhir_model::r4b::resources::Bundle = serde_json::from_str(text).map_err(|e| e.to_string())?;
        serde_json::to_string(&bundle).map_err(|e| e.to_string())
    });
}
