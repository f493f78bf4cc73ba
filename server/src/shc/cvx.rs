//! Names of vaccines by CVX code (CDC's vaccine code set, which SMART Health Cards use), for the
//! verifier: a card carries codes only. Covers the products of the Vietnamese programme and the
//! codes common in imported records; an unknown code is shown as "CVX <code>".

/// (CVX code, English name, Vietnamese name)
const NAMES: &[(&str, &str, &str)] = &[
    ("01", "DTP", "Bạch hầu - ho gà - uốn ván (DPT)"),
    ("03", "MMR", "Sởi - quai bị - rubella (MMR)"),
    ("04", "Measles and rubella (MR)", "Sởi - rubella (MR)"),
    ("05", "Measles", "Sởi"),
    ("08", "Hepatitis B, paediatric", "Viêm gan B (trẻ em)"),
    ("09", "Td (adult), adsorbed", "Uốn ván - bạch hầu giảm liều (Td)"),
    ("10", "Polio, inactivated (IPV)", "Bại liệt tiêm (IPV)"),
    ("19", "BCG (tuberculosis)", "Lao (BCG)"),
    ("20", "DTaP", "Bạch hầu - ho gà vô bào - uốn ván (DTaP)"),
    ("21", "Varicella", "Thủy đậu"),
    ("33", "Pneumococcal polysaccharide PPV23", "Phế cầu 23"),
    ("39", "Japanese encephalitis", "Viêm não Nhật Bản"),
    ("43", "Hepatitis B, adult", "Viêm gan B (người lớn)"),
    ("49", "Hib (PRP-OMP)", "Hib"),
    ("52", "Hepatitis A, adult", "Viêm gan A (người lớn)"),
    ("62", "HPV, quadrivalent", "HPV 4 chủng"),
    ("83", "Hepatitis A, paediatric", "Viêm gan A (trẻ em)"),
    ("112", "Tetanus toxoid", "Uốn ván (VAT)"),
    ("113", "Td (adult), preservative free", "Uốn ván - bạch hầu giảm liều (Td)"),
    ("114", "Meningococcal MCV4P", "Não mô cầu MCV4"),
    ("115", "Tdap", "Uốn ván - bạch hầu - ho gà (Tdap)"),
    ("116", "Rotavirus, pentavalent", "Rota virus (5 chủng)"),
    ("119", "Rotavirus, monovalent", "Rota virus (đơn giá)"),
    ("133", "Pneumococcal conjugate PCV13", "Phế cầu cộng hợp 13"),
    ("140", "Influenza, seasonal, preservative free", "Cúm mùa"),
    ("150", "Influenza, quadrivalent, preservative free", "Cúm tứ giá"),
    ("165", "HPV, 9-valent", "HPV 9 chủng"),
    ("178", "Polio, bivalent oral (bOPV)", "Bại liệt uống (bOPV)"),
    ("198", "DTP-HepB-Hib pentavalent", "5 trong 1 (DPT-VGB-Hib)"),
    ("207", "COVID-19, mRNA (Moderna)", "COVID-19 mRNA (Moderna)"),
    ("208", "COVID-19, mRNA (Pfizer-BioNTech)", "COVID-19 mRNA (Pfizer-BioNTech)"),
    ("210", "COVID-19, vector (AstraZeneca)", "COVID-19 vector (AstraZeneca)"),
    ("212", "COVID-19, vector (Janssen)", "COVID-19 vector (Janssen)"),
    ("218", "COVID-19, mRNA (Pfizer-BioNTech, 5-11 years)", "COVID-19 mRNA (Pfizer-BioNTech, 5-11 tuổi)"),
    ("510", "COVID-19, inactivated (Sinopharm)", "COVID-19 bất hoạt (Sinopharm Vero Cell)"),
    ("511", "COVID-19, inactivated (Sinovac)", "COVID-19 bất hoạt (Sinovac)"),
];

/// The vaccine's name in Vietnamese and English, if the code is known.
pub fn name(code: &str) -> Option<(&'static str, &'static str)> {
    NAMES.iter().find(|(cvx, _, _)| *cvx == code).map(|(_, en, vi)| (*vi, *en))
}

/// The names to show for a code: the known names, else "CVX <code>" in both languages.
pub fn names(code: &str) -> (String, String) {
    match name(code) {
        Some((vi, en)) => (vi.to_string(), en.to_string()),
        None => (format!("CVX {code}"), format!("CVX {code}")),
    }
}
