//! The portal's own FHIR layer under the checks every candidate model crate gets
//! (docs/fhir-crates): exact JSON (`fhir::exact`, numbers as written) and the R4 element checker
//! (`fhir::validate`) on every entry's resource. `cargo run --release -p server --example eval_fhir_model`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::print_stdout, reason = "a measuring tool")]

#[path = "../../docs/fhir-crates/common.rs"]
mod common;

use server::fhir::exact::Json;

fn main() {
    common::run("hoso (fhir::exact + fhir::validate)", &|text| {
        let exact = Json::parse(text).map_err(|e| e.to_string())?;
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        for (index, entry) in value["entry"].as_array().into_iter().flatten().enumerate() {
            let issues = server::fhir::validate::check(&entry["resource"], &format!("Bundle.entry[{index}].resource"), 5);
            if let Some(issue) = issues.first() {
                return Err(format!("{} at {}: {}", issue.code, issue.location, issue.message));
            }
        }
        Ok(exact.to_text())
    });
}
