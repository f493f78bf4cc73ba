//! Vaccine catalogue for the seed generator: the products Vietnamese records name (with their CVX
//! codes for foreign systems), the expanded-programme (TCMR) infant schedule, and plausible
//! COVID-19 courses of 2021-2022.

use chrono::{Days, Months, NaiveDate};

use super::{add_days, years_between, ymd, SplitMix64};

pub(super) const SERIES_TCMR: &str = "TCMR";
pub(super) const SERIES_COVID: &str = "COVID-19";
pub(super) const SERIES_SERVICE: &str = "Tiêm chủng dịch vụ";
pub(super) const SERIES_PREGNANCY: &str = "Uốn ván phụ nữ mang thai";

/// One vaccine product as a Vietnamese record names it.
pub(super) struct Vaccine {
    pub(super) cvx: &'static str,
    pub(super) cvx_display: &'static str,
    pub(super) name_vi: &'static str,
    /// Target diseases, as the lower-case antigen ids the portal uses.
    pub(super) antigens: &'static [&'static str],
    /// Shape of the manufacturer's lot number: `#` a digit, `@` a capital letter, anything else literal.
    lot_pattern: &'static str,
}

pub(super) static BCG: Vaccine =
    Vaccine { cvx: "19", cvx_display: "BCG", name_vi: "Vắc xin phòng lao (BCG)", antigens: &["tuberculosis"], lot_pattern: "BCG####" };
pub(super) static HEPB_BIRTH: Vaccine = Vaccine {
    cvx: "08",
    cvx_display: "Hep B, adolescent or pediatric",
    name_vi: "Vắc xin viêm gan B sơ sinh (Gene-HBvax)",
    antigens: &["hepatitis-b"],
    lot_pattern: "GHB####@",
};
pub(super) static PENTAVALENT: Vaccine = Vaccine {
    cvx: "198",
    cvx_display: "DTP-hepB-Hib Pentavalent Non-US",
    name_vi: "Vắc xin 5 trong 1 (DPT-VGB-Hib)",
    antigens: &["diphtheria", "tetanus", "pertussis", "hepatitis-b", "hib"],
    lot_pattern: "C5####@",
};
pub(super) static BOPV: Vaccine = Vaccine {
    cvx: "178",
    cvx_display: "Non-US bivalent oral polio vaccine (types 1, 3)",
    name_vi: "Vắc xin bại liệt uống (bOPV)",
    antigens: &["polio"],
    lot_pattern: "OPV####",
};
pub(super) static IPV: Vaccine =
    Vaccine { cvx: "10", cvx_display: "IPV", name_vi: "Vắc xin bại liệt tiêm (IPV)", antigens: &["polio"], lot_pattern: "@####-#" };
pub(super) static MEASLES: Vaccine =
    Vaccine { cvx: "05", cvx_display: "measles", name_vi: "Vắc xin sởi (MVVAC)", antigens: &["measles"], lot_pattern: "MV####" };
pub(super) static MEASLES_RUBELLA: Vaccine = Vaccine {
    cvx: "04",
    cvx_display: "M/R",
    name_vi: "Vắc xin sởi - rubella (MR)",
    antigens: &["measles", "rubella"],
    lot_pattern: "MR####",
};
/// Jevax, the inactivated mouse-brain vaccine of the programme, is given subcutaneously (CVX 39).
pub(super) static JAPANESE_ENCEPHALITIS: Vaccine = Vaccine {
    cvx: "39",
    cvx_display: "Japanese encephalitis SC",
    name_vi: "Vắc xin viêm não Nhật Bản (Jevax)",
    antigens: &["japanese-encephalitis"],
    lot_pattern: "JEV####",
};
/// The programme's 18-month booster is the whole-cell DPT of IVAC (CVX 01).
pub(super) static DTP_BOOSTER: Vaccine = Vaccine {
    cvx: "01",
    cvx_display: "DTP",
    name_vi: "Vắc xin bạch hầu - ho gà - uốn ván (DPT)",
    antigens: &["diphtheria", "tetanus", "pertussis"],
    lot_pattern: "DPT####",
};
pub(super) static TD: Vaccine = Vaccine {
    cvx: "09",
    cvx_display: "Td (adult), adsorbed",
    name_vi: "Vắc xin uốn ván - bạch hầu giảm liều (Td)",
    antigens: &["tetanus", "diphtheria"],
    lot_pattern: "TD####",
};
pub(super) static TETANUS_TOXOID: Vaccine = Vaccine {
    cvx: "112",
    cvx_display: "tetanus toxoid, unspecified formulation",
    name_vi: "Vắc xin uốn ván hấp phụ (VAT)",
    antigens: &["tetanus"],
    lot_pattern: "VAT####",
};
pub(super) static COMIRNATY: Vaccine = Vaccine {
    cvx: "208",
    cvx_display: "COVID-19, mRNA, LNP-S, PF, 30 mcg/0.3 mL dose",
    name_vi: "Comirnaty (Pfizer-BioNTech)",
    antigens: &["covid-19"],
    lot_pattern: "F@####",
};
pub(super) static COMIRNATY_CHILD: Vaccine = Vaccine {
    cvx: "218",
    cvx_display: "COVID-19, mRNA, LNP-S, PF, 10 mcg/0.2 mL dose, tris-sucrose",
    name_vi: "Comirnaty cho trẻ 5-11 tuổi (Pfizer-BioNTech)",
    antigens: &["covid-19"],
    lot_pattern: "F@####",
};
pub(super) static SPIKEVAX: Vaccine = Vaccine {
    cvx: "207",
    cvx_display: "COVID-19, mRNA, LNP-S, PF, 100 mcg/0.5mL dose or 50 mcg/0.25mL dose",
    name_vi: "Spikevax (Moderna)",
    antigens: &["covid-19"],
    lot_pattern: "0##@21A",
};
pub(super) static VAXZEVRIA: Vaccine = Vaccine {
    cvx: "210",
    cvx_display: "COVID-19 vaccine, vector-nr, rS-ChAdOx1, PF, 0.5 mL",
    name_vi: "Vaxzevria (AstraZeneca)",
    antigens: &["covid-19"],
    lot_pattern: "AB@####",
};
pub(super) static VERO_CELL: Vaccine = Vaccine {
    cvx: "510",
    cvx_display: "COVID-19 IV Non-US Vaccine (BIBP, Sinopharm)",
    name_vi: "Vero Cell (Sinopharm)",
    antigens: &["covid-19"],
    lot_pattern: "2021##@####",
};
pub(super) static INFLUENZA: Vaccine = Vaccine {
    cvx: "150",
    cvx_display: "Influenza, injectable, quadrivalent, preservative free",
    name_vi: "Vắc xin cúm tứ giá (Vaxigrip Tetra)",
    antigens: &["influenza"],
    lot_pattern: "@#@###V",
};
pub(super) static PPSV23: Vaccine = Vaccine {
    cvx: "33",
    cvx_display: "pneumococcal polysaccharide PPV23",
    name_vi: "Vắc xin phế cầu 23 (Pneumovax 23)",
    antigens: &["pneumococcal"],
    lot_pattern: "@###@##",
};
pub(super) static HPV9: Vaccine =
    Vaccine {
        cvx: "165", cvx_display: "HPV9", name_vi: "Vắc xin HPV 9 chủng (Gardasil 9)", antigens: &["hpv"], lot_pattern: "@###@##"
    };

/// One dose of the infant programme: which vaccine, its dose number (position in the antigen's
/// series) and its age.
pub(super) struct Planned {
    pub(super) vaccine: &'static Vaccine,
    pub(super) dose: u32,
    months: u32,
    days: u64,
    pub(super) at_birth: bool,
}

const fn plan(vaccine: &'static Vaccine, dose: u32, months: u32, days: u64) -> Planned {
    Planned { vaccine, dose, months, days, at_birth: months == 0 && days == 0 }
}

impl Planned {
    /// The day the schedule says, before any real-life delay.
    pub(super) fn nominal_date(&self, birth: NaiveDate) -> NaiveDate {
        birth.checked_add_months(Months::new(self.months)).and_then(|date| date.checked_add_days(Days::new(self.days))).unwrap_or(birth)
    }
}

/// The expanded programme (TCMR): BCG and hepatitis B at birth; 5-in-1 with bOPV at 2, 3, 4 months;
/// IPV at 5 months; measles at 9 months; Japanese encephalitis at 12 months (two doses two weeks
/// apart, a third a year later); MR and the DPT booster at 18 months; Td at 7 years.
pub(super) static TCMR_PLAN: [Planned; 16] = [
    plan(&BCG, 1, 0, 0),
    plan(&HEPB_BIRTH, 1, 0, 0),
    plan(&PENTAVALENT, 1, 2, 0),
    plan(&BOPV, 1, 2, 0),
    plan(&PENTAVALENT, 2, 3, 0),
    plan(&BOPV, 2, 3, 0),
    plan(&PENTAVALENT, 3, 4, 0),
    plan(&BOPV, 3, 4, 0),
    plan(&IPV, 1, 5, 0),
    plan(&MEASLES, 1, 9, 0),
    plan(&JAPANESE_ENCEPHALITIS, 1, 12, 0),
    plan(&JAPANESE_ENCEPHALITIS, 2, 12, 14),
    plan(&MEASLES_RUBELLA, 2, 18, 0),
    plan(&DTP_BOOSTER, 4, 18, 0),
    plan(&JAPANESE_ENCEPHALITIS, 3, 24, 14),
    plan(&TD, 5, 84, 0),
];

/// A lot number in the manufacturer's usual shape.
pub(super) fn lot_number(vaccine: &Vaccine, rng: &mut SplitMix64) -> String {
    const LETTERS: &[u8] = b"ABCDEFGHJKLMNPRTUVWXY";
    let mut lot = String::with_capacity(vaccine.lot_pattern.len());
    for symbol in vaccine.lot_pattern.chars() {
        match symbol {
            '#' => {
                let digit = u8::try_from(rng.below(10)).unwrap_or(0);
                lot.push(char::from(b'0'.saturating_add(digit)));
            }
            '@' => {
                let index = usize::try_from(rng.below(LETTERS.len() as u64)).unwrap_or(0);
                lot.push(char::from(LETTERS.get(index).copied().unwrap_or(b'A')));
            }
            literal => lot.push(literal),
        }
    }
    lot
}

/// A COVID-19 course (up to three doses, in order) as Vietnam gave them in 2021-2022: adults from
/// July 2021 (AstraZeneca, Pfizer, Sinopharm or Moderna, then a booster in 2022), 12-17-year-olds
/// from October 2021 with Pfizer, 5-11-year-olds from April 2022 with the children's Pfizer.
pub(super) fn covid_course(rng: &mut SplitMix64, birth: NaiveDate) -> [Option<(&'static Vaccine, NaiveDate)>; 3] {
    let mut course = [None; 3];
    let age_mid_2021 = years_between(birth, ymd(2021, 8, 1));
    let age_spring_2022 = years_between(birth, ymd(2022, 4, 15));
    if age_mid_2021 >= 18 {
        let (primary, gap, booster): (&'static Vaccine, (i64, i64), &'static Vaccine) = match rng.below(4) {
            0 => (&VAXZEVRIA, (56, 84), if rng.chance(50) { &COMIRNATY } else { &SPIKEVAX }),
            1 => (&COMIRNATY, (21, 28), &COMIRNATY),
            2 => (&VERO_CELL, (21, 28), if rng.chance(50) { &VAXZEVRIA } else { &COMIRNATY }),
            _ => (&SPIKEVAX, (28, 35), &SPIKEVAX),
        };
        let first = add_days(ymd(2021, 7, 1), rng.range(0, 120));
        course[0] = Some((primary, first));
        course[1] = Some((primary, add_days(first, rng.range(gap.0, gap.1))));
        if rng.chance(75) {
            course[2] = Some((booster, add_days(ymd(2022, 1, 5), rng.range(0, 170))));
        }
    } else if age_mid_2021 >= 12 {
        let first = add_days(ymd(2021, 10, 20), rng.range(0, 56));
        course[0] = Some((&COMIRNATY, first));
        course[1] = Some((&COMIRNATY, add_days(first, rng.range(21, 28))));
        if rng.chance(30) {
            course[2] = Some((&COMIRNATY, add_days(ymd(2022, 6, 15), rng.range(0, 90))));
        }
    } else if age_spring_2022 >= 5 {
        let first = add_days(ymd(2022, 4, 20), rng.range(0, 70));
        course[0] = Some((&COMIRNATY_CHILD, first));
        course[1] = Some((&COMIRNATY_CHILD, add_days(first, rng.range(28, 56))));
    }
    course
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lot_numbers_follow_their_pattern() {
        let mut rng = SplitMix64::new(3);
        for _ in 0..50 {
            let lot = lot_number(&COMIRNATY, &mut rng);
            assert_eq!(lot.len(), 6);
            assert!(lot.starts_with('F'));
            assert!(lot.chars().skip(2).all(|c| c.is_ascii_digit()), "{lot}");
        }
    }

    #[test]
    fn the_infant_schedule_is_in_months_from_birth() {
        let birth = ymd(2024, 1, 31);
        let dates: Vec<NaiveDate> = TCMR_PLAN.iter().map(|planned| planned.nominal_date(birth)).collect();
        assert_eq!(dates.first().copied(), Some(birth));
        assert!(dates.iter().all(|date| *date >= birth));
        let pentavalent = TCMR_PLAN.iter().filter(|planned| std::ptr::eq(planned.vaccine, &PENTAVALENT)).count();
        assert_eq!(pentavalent, 3);
    }

    #[test]
    fn covid_courses_stay_in_2021_and_2022_and_after_birth() {
        let mut rng = SplitMix64::new(11);
        for year in [1940, 1980, 2005, 2008, 2012, 2016, 2020] {
            let birth = ymd(year, 6, 1);
            for dose in covid_course(&mut rng, birth).into_iter().flatten() {
                assert!((ymd(2021, 7, 1)..=ymd(2022, 12, 31)).contains(&dose.1));
                assert!(years_between(birth, dose.1) >= 5);
            }
        }
    }
}
