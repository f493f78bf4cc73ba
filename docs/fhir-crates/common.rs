//! The same checks for every candidate FHIR model crate (see README.md in this folder). Each
//! candidate's `main` hands over one function: JSON text of an R4 Bundle in, the candidate's own
//! serialisation of what it parsed out (or its error).

use std::time::Instant;

/// `server/tests/fixtures` of the repository this file is in (found upwards from the crate).
fn fixtures() -> std::path::PathBuf {
    let mut dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    while !dir.join("server/tests/fixtures").is_dir() {
        assert!(dir.pop(), "server/tests/fixtures not found above {}", env!("CARGO_MANIFEST_DIR"));
    }
    dir.join("server/tests/fixtures")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(fixtures().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn bundle_of(resource: &str) -> String {
    format!(r#"{{"resourceType":"Bundle","type":"collection","entry":[{{"fullUrl":"urn:uuid:1","resource":{resource}}}]}}"#)
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "yes"
    } else {
        "NO"
    }
}

/// Prints one line per check, `name<TAB>check<TAB>answer`.
pub fn run(name: &str, parse: &dyn Fn(&str) -> Result<String, String>) {
    let line = |check: &str, answer: String| println!("{name}\t{check}\t{answer}");

    // Decimals exactly as sent: the fidelity case f04 (0.004, 1.50, 0.000, 0.040, 1.2E+2).
    match parse(&read("fidelity/f04-decimal-precision.json")) {
        Ok(out) => {
            let compact: String = out.split_whitespace().collect();
            for text in ["0.004", "1.50", "0.000", "0.040", "1.2E+2"] {
                line(
                    &format!("decimal {text} kept"),
                    verdict(compact.contains(&format!(":{text},")) || compact.contains(&format!(":{text}}}"))).into(),
                );
            }
        }
        Err(error) => line("decimal case parses", format!("NO ({})", first(&error))),
    }
    // Refusals the R4 JSON rules require.
    let refuses = |check: &str, text: &str| match parse(text) {
        Ok(_) => line(check, "NO (accepted)".into()),
        Err(error) => line(check, format!("yes ({})", first(&error))),
    };
    refuses("refuses unknown elements (STU3 notGiven, date)", &read("fidelity/f09-stu3-shaped-immunization.json"));
    refuses("refuses null and empty (f08)", &read("fidelity/f08-null-and-empty.json"));
    refuses(
        "refuses a missing required element (Observation.status)",
        &bundle_of(r#"{"resourceType":"Observation","code":{"text":"Troponin"}}"#),
    );
    refuses(
        "refuses an array where R4 has one value (status)",
        &bundle_of(r#"{"resourceType":"Observation","status":["final"],"code":{"text":"Troponin"}}"#),
    );
    refuses(
        "refuses a bad code (Observation.status)",
        &bundle_of(r#"{"resourceType":"Observation","status":"done","code":{"text":"Troponin"}}"#),
    );
    // Current Synthea output: does it parse, and how long does it take (median of 5).
    let synthea = read("synthea-current/Delilah659_Howell947_8643ceae-7125-3f56-3152-5dd7e88370c4.json");
    let mut times = Vec::new();
    let mut outcome = String::new();
    for _ in 0..5 {
        let started = Instant::now();
        let result = parse(&synthea);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        outcome = match result {
            Ok(_) => "yes".into(),
            Err(error) => format!("NO ({})", first(&error)),
        };
    }
    times.sort_by(f64::total_cmp);
    line("parses current Synthea (2.8 MB person)", outcome);
    line("parse + serialise time, ms (median of 5)", format!("{:.1}", times[2]));
}

fn first(error: &str) -> String {
    error.chars().take(110).collect::<String>().replace(['\n', '\t'], " ")
}
