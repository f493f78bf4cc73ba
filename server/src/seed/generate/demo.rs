//! The hand-made demo people a newcomer sees: an infant on the expanded programme, a school child,
//! a woman in her thirties and a man in his late sixties with chronic conditions. Dates are relative
//! to `today`, except the COVID-19 campaign of 2021-2022.

use chrono::NaiveDate;

use super::catalog::{
    LabTest, ALT, AMLODIPINE, APPENDICITIS, ASPIRIN, AST, BRONCHIOLITIS, CHECKUP, CHOLESTEROL, CREATININE, CRP, DA_NANG, DENGUE, DIABETES,
    GASTROENTERITIS, GLUCOSE, HA_NOI, HBA1C, HEMOGLOBIN, HO_CHI_MINH, HYPERTENSION, HYPOTHYROIDISM, LEUKOCYTES, LEVOTHYROXINE, METFORMIN,
    ORESOL, PARACETAMOL_CHILD, PEANUT, PENICILLIN, PLATELETS, PREGNANCY, TRIGLYCERIDE, TSH,
};
use super::chart::{course, outpatient, tcmr_history, Chart, EncounterClass, Visit};
use super::vaccines::{
    lot_number, COMIRNATY, INFLUENZA, PPSV23, SERIES_COVID, SERIES_PREGNANCY, SERIES_SERVICE, SPIKEVAX, TETANUS_TOXOID, VAXZEVRIA,
};
use super::{
    add_days, add_months, ago, influenza_season, mix, seed_patient, vn_date, years_between, ymd, Identity, SeedPatient, Sex, SplitMix64,
    DEMO_FACILITY_NAME,
};

const DEMO_SEED: u64 = 0x686F_736F_2D64_656D;

/// The generator, patient id and an empty chart of demo person `number`.
fn demo_start(number: u64) -> (SplitMix64, String, Chart) {
    let mut rng = SplitMix64::new(mix(DEMO_SEED, number));
    let patient_id = rng.uuid();
    let chart = Chart::new(&patient_id, rng.next_u64(), 64);
    (rng, patient_id, chart)
}

pub(super) fn infant(today: NaiveDate) -> SeedPatient {
    let (mut rng, patient_id, mut chart) = demo_start(1);
    let sex = Sex::Male;
    let birth = ago(today, 1, 2, 6);
    tcmr_history(&mut chart, &mut rng, birth, today, "Trạm Y tế phường Ngọc Khánh", usize::MAX);

    let day = add_days(add_months(birth, 7), 10).min(today);
    let encounter = chart.visit(&Visit {
        class: EncounterClass::Ambulatory,
        start: day,
        end: day,
        reason: "Ho, khò khè, thở nhanh 2 ngày, bú kém",
        facility: DEMO_FACILITY_NAME,
        diagnoses: &[&BRONCHIOLITIS],
        active: false,
    });
    chart.labs(&encounter, sex, day, &[(&LEUKOCYTES, 12.8), (&CRP, 8.5), (&HEMOGLOBIN, 124.0)]);
    chart.medication(&encounter, ("Natri clorid 0,9% 10 ml (nhỏ mũi)", "Nhỏ mũi 2–3 giọt mỗi bên, 3 lần/ngày"), false, day);
    chart.medication(&encounter, ("Paracetamol 150 mg (gói bột)", "Uống 1 gói khi sốt trên 38,5°C, cách nhau ít nhất 6 giờ"), false, day);

    let identity = Identity {
        province: &HA_NOI,
        birth,
        sex,
        family_name: "Trần".into(),
        given_names: "Gia Bảo".into(),
        cccd_serial: 900_101,
        insurance_serial: 90_000_101,
        card: ("TE", 1),
        phone: None,
        address: "25 Đội Cấn, Ba Đình, Hà Nội".into(),
    };
    seed_patient(patient_id, identity, chart.resources)
}

pub(super) fn school_child(today: NaiveDate) -> SeedPatient {
    let (mut rng, patient_id, mut chart) = demo_start(2);
    let sex = Sex::Female;
    let birth = ago(today, 7, 3, 12);
    tcmr_history(&mut chart, &mut rng, birth, today, "Trạm Y tế phường Võ Thị Sáu", usize::MAX);
    let flu_day = add_days(influenza_season(today, 0), 12).min(today);
    let flu_lot = lot_number(&INFLUENZA, &mut rng);
    course(&mut chart, birth, today, SERIES_SERVICE, &[(&INFLUENZA, flu_day, DEMO_FACILITY_NAME, flu_lot.as_str())]);
    chart.allergy(&PEANUT, add_months(birth, 38).min(today));

    let day = add_months(birth, 50).min(today);
    let encounter = chart.visit(&Visit {
        class: EncounterClass::Ambulatory,
        start: day,
        end: day,
        reason: "Tiêu chảy 5 lần/ngày, nôn, sốt nhẹ",
        facility: DEMO_FACILITY_NAME,
        diagnoses: &[&GASTROENTERITIS],
        active: false,
    });
    chart.labs(&encounter, sex, day, &[(&LEUKOCYTES, 11.6), (&CRP, 3.2), (&HEMOGLOBIN, 128.0)]);
    chart.medication(&encounter, ORESOL, false, day);

    let start = add_months(birth, 80).min(today);
    let end = add_days(start, 4).min(today);
    let encounter = chart.visit(&Visit {
        class: EncounterClass::Inpatient,
        start,
        end,
        reason: "Sốt cao liên tục 3 ngày, đau bụng, chấm xuất huyết dưới da",
        facility: DEMO_FACILITY_NAME,
        diagnoses: &[&DENGUE],
        active: false,
    });
    let results = [(&PLATELETS, 62.0), (&LEUKOCYTES, 3.1), (&HEMOGLOBIN, 138.0), (&AST, 88.0), (&ALT, 52.0)];
    chart.labs(&encounter, sex, start, &results);
    chart.lab(&encounter, &PLATELETS, sex, 41.0, add_days(start, 2).min(end));
    chart.lab(&encounter, &PLATELETS, sex, 168.0, end);
    chart.medication(&encounter, PARACETAMOL_CHILD, false, start);
    chart.medication(&encounter, ORESOL, false, start);
    let text = format!(
        "Trẻ nữ {} tuổi vào viện ngày {} vì sốt cao liên tục 3 ngày, đau bụng, chấm xuất huyết dưới da; chẩn đoán sốt xuất huyết Dengue (A91), tiểu cầu thấp nhất 41 G/L vào ngày thứ 3. \
         Trẻ được bù dịch đường uống, hạ sốt bằng paracetamol và theo dõi sát các dấu hiệu cảnh báo. \
         Ra viện ngày {}: hết sốt, tiểu cầu 168 G/L; tái khám ngay nếu đau bụng, nôn nhiều hoặc chảy máu.",
        years_between(birth, start),
        vn_date(start),
        vn_date(end)
    );
    chart.discharge_summary(&encounter, end, &text);

    let identity = Identity {
        province: &HO_CHI_MINH,
        birth,
        sex,
        family_name: "Phạm".into(),
        given_names: "Ngọc Hân".into(),
        cccd_serial: 900_202,
        insurance_serial: 90_000_202,
        card: ("HS", 4),
        phone: None,
        address: "48 Võ Văn Tần, Quận 3, TP. Hồ Chí Minh".into(),
    };
    seed_patient(patient_id, identity, chart.resources)
}

pub(super) fn woman(today: NaiveDate) -> SeedPatient {
    let (mut rng, patient_id, mut chart) = demo_start(3);
    let sex = Sex::Female;
    let birth = ago(today, 34, 4, 3);
    let station = "Trạm Y tế phường Phạm Đình Hổ";
    let cdc = HA_NOI.disease_control_centre;
    course(
        &mut chart,
        birth,
        today,
        SERIES_COVID,
        &[
            (&COMIRNATY, ymd(2021, 9, 6), cdc, "FF8839"),
            (&COMIRNATY, ymd(2021, 10, 4), cdc, "FG3716"),
            (&SPIKEVAX, ymd(2022, 3, 12), station, "046F21A"),
        ],
    );
    let pregnancy = ago(today, 3, 6, 0);
    let (first_lot, second_lot) = (lot_number(&TETANUS_TOXOID, &mut rng), lot_number(&TETANUS_TOXOID, &mut rng));
    course(
        &mut chart,
        birth,
        today,
        SERIES_PREGNANCY,
        &[
            (&TETANUS_TOXOID, add_months(pregnancy, 5), station, first_lot.as_str()),
            (&TETANUS_TOXOID, add_months(pregnancy, 6), station, second_lot.as_str()),
        ],
    );
    chart.allergy(&PENICILLIN, ago(today, 10, 0, 0));
    let thyroid_onset = ago(today, 2, 1, 0);
    chart.condition(&HYPOTHYROIDISM, true, None, thyroid_onset);

    let day = ago(today, 4, 0, 20);
    let encounter = chart.visit(&outpatient(day, "Khám sức khỏe định kỳ", &[&CHECKUP], false));
    chart.labs(
        &encounter,
        sex,
        day,
        &[
            (&GLUCOSE, 5.1),
            (&HBA1C, 5.4),
            (&CHOLESTEROL, 5.8),
            (&TRIGLYCERIDE, 2.1),
            (&ALT, 46.0),
            (&AST, 35.0),
            (&CREATININE, 68.0),
            (&HEMOGLOBIN, 128.0),
            (&LEUKOCYTES, 6.8),
            (&PLATELETS, 265.0),
        ],
    );

    let day = add_months(pregnancy, 4);
    let encounter = chart.visit(&outpatient(day, "Khám thai định kỳ tuần 17", &[&PREGNANCY], false));
    chart.labs(&encounter, sex, day, &[(&HEMOGLOBIN, 108.0), (&GLUCOSE, 4.6), (&LEUKOCYTES, 9.1)]);
    chart.medication(&encounter, ("Sắt fumarat 162 mg + acid folic 0,75 mg", "Uống 1 viên mỗi ngày sau ăn sáng"), false, day);

    let encounter = chart.visit(&outpatient(thyroid_onset, "Mệt mỏi, tăng cân, sợ lạnh 3 tháng", &[&HYPOTHYROIDISM], true));
    chart.labs(&encounter, sex, thyroid_onset, &[(&TSH, 8.62), (&CHOLESTEROL, 5.9), (&HEMOGLOBIN, 125.0)]);
    chart.medication(&encounter, LEVOTHYROXINE, false, thyroid_onset);

    let start = ago(today, 1, 7, 0);
    let end = add_days(start, 4);
    let encounter = chart.visit(&Visit {
        class: EncounterClass::Inpatient,
        start,
        end,
        reason: "Đau hố chậu phải, sốt 38°C, buồn nôn",
        facility: DEMO_FACILITY_NAME,
        diagnoses: &[&APPENDICITIS],
        active: false,
    });
    chart.labs(
        &encounter,
        sex,
        start,
        &[(&LEUKOCYTES, 14.2), (&CRP, 48.5), (&HEMOGLOBIN, 131.0), (&PLATELETS, 285.0), (&CREATININE, 71.0)],
    );
    chart.procedure(Some(encounter.as_str()), "Phẫu thuật nội soi cắt ruột thừa", start);
    chart.medication(&encounter, ("Ciprofloxacin 400 mg/200 ml", "Truyền tĩnh mạch 1 chai x 2 lần/ngày"), false, start);
    chart.medication(&encounter, ("Metronidazol 500 mg/100 ml", "Truyền tĩnh mạch 1 chai x 3 lần/ngày"), false, start);
    chart.medication(&encounter, ("Paracetamol 500 mg", "Uống 1 viên khi đau, cách nhau ít nhất 6 giờ, tối đa 4 viên/ngày"), false, end);
    let text = format!(
        "Bệnh nhân nữ {} tuổi vào viện ngày {} vì đau hố chậu phải, sốt 38°C, buồn nôn; siêu âm và xét nghiệm (bạch cầu 14,2 G/L, CRP 48,5 mg/L) phù hợp viêm ruột thừa cấp (K35.8). \
         Đã phẫu thuật nội soi cắt ruột thừa trong ngày, dùng ciprofloxacin và metronidazol do tiền sử dị ứng penicillin; hậu phẫu ổn định. \
         Ra viện ngày {}, hẹn cắt chỉ và tái khám sau 7 ngày.",
        years_between(birth, start),
        vn_date(start),
        vn_date(end)
    );
    chart.discharge_summary(&encounter, end, &text);

    let day = ago(today, 0, 2, 5);
    let encounter = chart.visit(&outpatient(day, "Tái khám suy giáp, xét nghiệm định kỳ", &[&HYPOTHYROIDISM], true));
    chart.labs(
        &encounter,
        sex,
        day,
        &[
            (&TSH, 2.35),
            (&GLUCOSE, 5.6),
            (&HBA1C, 5.7),
            (&CHOLESTEROL, 5.1),
            (&ALT, 28.0),
            (&AST, 24.0),
            (&CREATININE, 66.0),
            (&HEMOGLOBIN, 129.0),
        ],
    );
    chart.medication(&encounter, LEVOTHYROXINE, true, day);

    let identity = Identity {
        province: &HA_NOI,
        birth,
        sex,
        family_name: "Nguyễn".into(),
        given_names: "Thị Lan".into(),
        cccd_serial: 900_303,
        insurance_serial: 90_000_303,
        card: ("DN", 4),
        phone: Some("0912345678".into()),
        address: "12 Phố Huế, Hai Bà Trưng, Hà Nội".into(),
    };
    seed_patient(patient_id, identity, chart.resources)
}

pub(super) fn older_man(today: NaiveDate) -> SeedPatient {
    let (mut rng, patient_id, mut chart) = demo_start(4);
    let sex = Sex::Male;
    let birth = ago(today, 68, 5, 9);
    let station = "Trạm Y tế phường Thạch Thang";
    course(
        &mut chart,
        birth,
        today,
        SERIES_COVID,
        &[
            (&VAXZEVRIA, ymd(2021, 8, 20), DA_NANG.disease_control_centre, "ABV4678"),
            (&VAXZEVRIA, ymd(2021, 11, 5), station, "ABW0013"),
            (&SPIKEVAX, ymd(2022, 2, 18), station, "052F21A"),
        ],
    );
    for back in [1, 0] {
        let day = add_days(influenza_season(today, back), 14).min(today);
        let lot = lot_number(&INFLUENZA, &mut rng);
        course(&mut chart, birth, today, SERIES_SERVICE, &[(&INFLUENZA, day, DEMO_FACILITY_NAME, lot.as_str())]);
    }
    let lot = lot_number(&PPSV23, &mut rng);
    course(&mut chart, birth, today, SERIES_SERVICE, &[(&PPSV23, add_months(birth, 65 * 12 + 3), DEMO_FACILITY_NAME, lot.as_str())]);
    chart.allergy(&ASPIRIN, ago(today, 6, 0, 0));
    chart.condition(&HYPERTENSION, true, None, ago(today, 12, 3, 0));
    chart.condition(&DIABETES, true, None, ago(today, 9, 7, 0));
    chart.procedure(None, "Phẫu thuật phaco đặt thủy tinh thể nhân tạo mắt phải", ago(today, 3, 2, 0));

    let follow_ups: [(NaiveDate, &[(&LabTest, f64)]); 3] = [
        (ago(today, 0, 9, 0), &[(&GLUCOSE, 8.4), (&HBA1C, 7.9), (&CREATININE, 102.0), (&CHOLESTEROL, 5.6), (&ALT, 31.0), (&AST, 27.0)]),
        (ago(today, 0, 5, 0), &[(&GLUCOSE, 7.6), (&HBA1C, 7.4), (&CREATININE, 109.0)]),
        (ago(today, 0, 1, 3), &[(&GLUCOSE, 9.2), (&HBA1C, 8.1), (&CREATININE, 118.0), (&CHOLESTEROL, 4.9), (&HEMOGLOBIN, 132.0)]),
    ];
    let last = follow_ups.len().saturating_sub(1);
    for (index, (day, results)) in follow_ups.iter().enumerate() {
        let encounter = chart.visit(&Visit {
            class: EncounterClass::Ambulatory,
            start: *day,
            end: *day,
            reason: "Tái khám định kỳ đái tháo đường típ 2 và tăng huyết áp",
            facility: DEMO_FACILITY_NAME,
            diagnoses: &[&DIABETES, &HYPERTENSION],
            active: true,
        });
        chart.labs(&encounter, sex, *day, results);
        chart.medication(&encounter, METFORMIN, index == last, *day);
        chart.medication(&encounter, AMLODIPINE, index == last, *day);
    }

    let identity = Identity {
        province: &DA_NANG,
        birth,
        sex,
        family_name: "Hoàng".into(),
        given_names: "Văn Hùng".into(),
        cccd_serial: 900_404,
        insurance_serial: 90_000_404,
        card: ("HT", 3),
        phone: Some("0905123456".into()),
        address: "105 Lê Duẩn, Hải Châu, Đà Nẵng".into(),
    };
    seed_patient(patient_id, identity, chart.resources)
}
