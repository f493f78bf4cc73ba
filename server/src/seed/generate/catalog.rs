//! Reference data for the seed generator: provinces (CCCD and insurance codes, streets, wards),
//! Vietnamese names, lab tests (LOINC, units, reference ranges), ICD-10 diagnoses, visit profiles
//! with their usual prescriptions, and allergies.

use super::Sex;

pub(super) struct Province {
    /// 3-digit code of the CCCD.
    pub(super) code: &'static str,
    /// 2-digit code of social insurance and the BHYT card.
    pub(super) insurance_code: &'static str,
    pub(super) name: &'static str,
    pub(super) districts: &'static [&'static str],
    pub(super) streets: &'static [&'static str],
    pub(super) wards: &'static [&'static str],
    pub(super) disease_control_centre: &'static str,
}

pub(super) static HA_NOI: Province = Province {
    code: "001",
    insurance_code: "01",
    name: "Hà Nội",
    districts: &["Hai Bà Trưng", "Đống Đa", "Ba Đình", "Cầu Giấy", "Thanh Xuân", "Hoàn Kiếm", "Long Biên"],
    streets: &["Phố Huế", "Kim Mã", "Láng Hạ", "Xuân Thủy", "Tôn Đức Thắng", "Nguyễn Trãi", "Trần Duy Hưng"],
    wards: &["Bạch Đằng", "Kim Liên", "Láng Hạ", "Dịch Vọng", "Thanh Xuân Trung", "Ngọc Thụy", "Trúc Bạch"],
    disease_control_centre: "Trung tâm Kiểm soát bệnh tật Hà Nội",
};
pub(super) static HO_CHI_MINH: Province = Province {
    code: "079",
    insurance_code: "79",
    name: "TP. Hồ Chí Minh",
    districts: &["Quận 1", "Quận 3", "Bình Thạnh", "Tân Bình", "Gò Vấp", "Phú Nhuận", "Thủ Đức"],
    streets: &["Nguyễn Thị Minh Khai", "Lê Lợi", "Điện Biên Phủ", "Cách Mạng Tháng Tám", "Võ Văn Tần", "Phan Xích Long"],
    wards: &["Bến Nghé", "Bến Thành", "Võ Thị Sáu", "Tân Định", "Đa Kao", "Linh Trung"],
    disease_control_centre: "Trung tâm Kiểm soát bệnh tật TP. Hồ Chí Minh",
};
pub(super) static DA_NANG: Province = Province {
    code: "048",
    insurance_code: "48",
    name: "Đà Nẵng",
    districts: &["Hải Châu", "Thanh Khê", "Sơn Trà", "Ngũ Hành Sơn", "Liên Chiểu"],
    streets: &["Bạch Đằng", "Lê Duẩn", "Nguyễn Văn Linh", "Hùng Vương", "Phan Châu Trinh", "Ngô Quyền"],
    wards: &["Thạch Thang", "Hải Châu I", "Phước Ninh", "An Hải Bắc", "Mỹ An", "Hòa Khánh Bắc"],
    disease_control_centre: "Trung tâm Kiểm soát bệnh tật thành phố Đà Nẵng",
};
pub(super) static HAI_PHONG: Province = Province {
    code: "031",
    insurance_code: "31",
    name: "Hải Phòng",
    districts: &["Lê Chân", "Ngô Quyền", "Hồng Bàng", "Hải An", "Kiến An"],
    streets: &["Lạch Tray", "Điện Biên Phủ", "Trần Nguyên Hãn", "Tô Hiệu", "Văn Cao"],
    wards: &["Cát Dài", "Lạch Tray", "Máy Tơ", "Đằng Giang", "Minh Khai"],
    disease_control_centre: "Trung tâm Kiểm soát bệnh tật Hải Phòng",
};
pub(super) static CAN_THO: Province = Province {
    code: "092",
    insurance_code: "92",
    name: "Cần Thơ",
    districts: &["Ninh Kiều", "Bình Thủy", "Cái Răng", "Ô Môn"],
    streets: &["Đường 30 Tháng 4", "Trần Hưng Đạo", "Mậu Thân", "Nguyễn Văn Cừ", "Hòa Bình"],
    wards: &["An Hòa", "Xuân Khánh", "Hưng Lợi", "An Cư", "Tân An"],
    disease_control_centre: "Trung tâm Kiểm soát bệnh tật thành phố Cần Thơ",
};
pub(super) static THANH_HOA: Province = Province {
    code: "038",
    insurance_code: "38",
    name: "Thanh Hóa",
    districts: &["TP. Thanh Hóa", "Sầm Sơn", "Bỉm Sơn"],
    streets: &["Lê Lai", "Trần Phú", "Bà Triệu", "Lê Hoàn", "Hạc Thành"],
    wards: &["Điện Biên", "Ba Đình", "Lam Sơn", "Đông Thọ", "Trường Thi"],
    disease_control_centre: "Trung tâm Kiểm soát bệnh tật tỉnh Thanh Hóa",
};
pub(super) static NGHE_AN: Province = Province {
    code: "040",
    insurance_code: "40",
    name: "Nghệ An",
    districts: &["TP. Vinh", "Cửa Lò", "Thái Hòa"],
    streets: &["Lê Lợi", "Quang Trung", "Nguyễn Du", "Trường Thi", "Lê Hồng Phong"],
    wards: &["Hưng Bình", "Lê Mao", "Quang Trung", "Hưng Dũng", "Bến Thủy"],
    disease_control_centre: "Trung tâm Kiểm soát bệnh tật tỉnh Nghệ An",
};
pub(super) static PROVINCES: [&Province; 7] = [&HA_NOI, &HO_CHI_MINH, &DA_NANG, &HAI_PHONG, &CAN_THO, &THANH_HOA, &NGHE_AN];

pub(super) fn province_at(index: u64) -> &'static Province {
    let index = usize::try_from(index % PROVINCES.len() as u64).unwrap_or(0);
    PROVINCES.get(index).copied().unwrap_or(&HA_NOI)
}

pub(super) static FAMILY_NAMES: [&str; 16] =
    ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"];
pub(super) static MALE_MIDDLE: [&str; 10] = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Gia", "Công", "Thành", "Hoàng", "Tuấn"];
pub(super) static FEMALE_MIDDLE: [&str; 10] = ["Thị", "Ngọc", "Thu", "Thanh", "Bảo", "Minh", "Phương", "Kim", "Hồng", "Khánh"];
pub(super) static MALE_GIVEN: [&str; 20] = [
    "Anh", "Bảo", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Huy", "Khang", "Khoa", "Long", "Minh", "Nam", "Phúc", "Quân", "Sơn",
    "Thắng", "Tuấn", "Việt",
];
pub(super) static FEMALE_GIVEN: [&str; 20] = [
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hân", "Hằng", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "My", "Ngân", "Nhung", "Phương",
    "Thảo", "Trang", "Yến",
];
pub(super) static PHONE_PREFIXES: [&str; 16] =
    ["090", "091", "093", "094", "096", "097", "098", "086", "088", "070", "077", "081", "083", "032", "035", "038"];

pub(super) struct LabTest {
    pub(super) loinc: &'static str,
    pub(super) display: &'static str,
    pub(super) name_vi: &'static str,
    pub(super) unit: &'static str,
    pub(super) ucum: &'static str,
    pub(super) male: (f64, f64),
    pub(super) female: (f64, f64),
    pub(super) decimals: i32,
    /// How far above the upper limit a high result may go, as a multiple of that limit.
    pub(super) high_spread: f64,
}

impl LabTest {
    pub(super) fn range(&self, sex: Sex) -> (f64, f64) {
        match sex {
            Sex::Male => self.male,
            Sex::Female => self.female,
        }
    }
}

const fn lab_test(
    loinc: &'static str,
    display: &'static str,
    name_vi: &'static str,
    (unit, ucum): (&'static str, &'static str),
    male: (f64, f64),
    female: (f64, f64),
    (decimals, high_spread): (i32, f64),
) -> LabTest {
    LabTest { loinc, display, name_vi, unit, ucum, male, female, decimals, high_spread }
}

// Moles/volume LOINC codes where the result is in mmol/L or µmol/L (1558-6, 2093-3, 2160-0 are mass/volume).
pub(super) static GLUCOSE: LabTest = lab_test(
    "14771-0",
    "Fasting glucose [Moles/volume] in Serum or Plasma",
    "Glucose máu lúc đói",
    ("mmol/L", "mmol/L"),
    (3.9, 6.4),
    (3.9, 6.4),
    (1, 1.0),
);
pub(super) static HBA1C: LabTest =
    lab_test("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "HbA1c", ("%", "%"), (4.0, 6.0), (4.0, 6.0), (1, 0.6));
pub(super) static CHOLESTEROL: LabTest = lab_test(
    "14647-2",
    "Cholesterol [Moles/volume] in Serum or Plasma",
    "Cholesterol toàn phần",
    ("mmol/L", "mmol/L"),
    (0.0, 5.2),
    (0.0, 5.2),
    (1, 0.4),
);
pub(super) static TRIGLYCERIDE: LabTest = lab_test(
    "14927-8",
    "Triglyceride [Moles/volume] in Serum or Plasma",
    "Triglycerid",
    ("mmol/L", "mmol/L"),
    (0.46, 1.88),
    (0.46, 1.88),
    (2, 1.2),
);
pub(super) static CREATININE: LabTest = lab_test(
    "14682-9",
    "Creatinine [Moles/volume] in Serum or Plasma",
    "Creatinin máu",
    ("µmol/L", "umol/L"),
    (62.0, 106.0),
    (44.0, 80.0),
    (0, 0.8),
);
pub(super) static ALT: LabTest = lab_test(
    "1742-6",
    "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma",
    "ALT (GPT)",
    ("U/L", "U/L"),
    (0.0, 40.0),
    (0.0, 40.0),
    (0, 2.0),
);
pub(super) static AST: LabTest = lab_test(
    "1920-8",
    "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma",
    "AST (GOT)",
    ("U/L", "U/L"),
    (0.0, 40.0),
    (0.0, 40.0),
    (0, 2.0),
);
pub(super) static HEMOGLOBIN: LabTest = lab_test(
    "718-7",
    "Hemoglobin [Mass/volume] in Blood",
    "Huyết sắc tố (Hemoglobin)",
    ("g/L", "g/L"),
    (120.0, 160.0),
    (120.0, 160.0),
    (0, 0.15),
);
pub(super) static LEUKOCYTES: LabTest = lab_test(
    "6690-2",
    "Leukocytes [#/volume] in Blood by Automated count",
    "Số lượng bạch cầu (WBC)",
    ("G/L", "10*9/L"),
    (4.0, 10.0),
    (4.0, 10.0),
    (1, 0.9),
);
pub(super) static PLATELETS: LabTest = lab_test(
    "777-3",
    "Platelets [#/volume] in Blood by Automated count",
    "Số lượng tiểu cầu (PLT)",
    ("G/L", "10*9/L"),
    (150.0, 400.0),
    (150.0, 400.0),
    (0, 0.4),
);
pub(super) static CRP: LabTest = lab_test(
    "1988-5",
    "C reactive protein [Mass/volume] in Serum or Plasma",
    "Protein phản ứng C (CRP)",
    ("mg/L", "mg/L"),
    (0.0, 5.0),
    (0.0, 5.0),
    (1, 15.0),
);
pub(super) static TSH: LabTest = lab_test(
    "3016-3",
    "Thyrotropin [Units/volume] in Serum or Plasma",
    "Hormon kích thích tuyến giáp (TSH)",
    ("mIU/L", "m[IU]/L"),
    (0.27, 4.2),
    (0.27, 4.2),
    (2, 2.0),
);

/// An ICD-10 diagnosis (WHO English title, Vietnamese name).
pub(super) struct Diagnosis {
    pub(super) icd: &'static str,
    pub(super) display: &'static str,
    pub(super) name_vi: &'static str,
}

const fn diagnosis(icd: &'static str, display: &'static str, name_vi: &'static str) -> Diagnosis {
    Diagnosis { icd, display, name_vi }
}

pub(super) static COMMON_COLD: Diagnosis = diagnosis("J00", "Acute nasopharyngitis [common cold]", "Viêm mũi họng cấp (cảm lạnh)");
pub(super) static BRONCHIOLITIS: Diagnosis = diagnosis("J21.9", "Acute bronchiolitis, unspecified", "Viêm tiểu phế quản cấp");
pub(super) static PHARYNGITIS: Diagnosis = diagnosis("J02.9", "Acute pharyngitis, unspecified", "Viêm họng cấp");
pub(super) static GASTROENTERITIS: Diagnosis =
    diagnosis("A09.0", "Other and unspecified gastroenteritis and colitis of infectious origin", "Tiêu chảy, viêm dạ dày ruột nhiễm trùng");
pub(super) static DENGUE: Diagnosis = diagnosis("A91", "Dengue haemorrhagic fever", "Sốt xuất huyết Dengue");
pub(super) static GASTRITIS: Diagnosis = diagnosis("K29.7", "Gastritis, unspecified", "Viêm dạ dày");
pub(super) static LOW_BACK_PAIN: Diagnosis = diagnosis("M54.5", "Low back pain", "Đau thắt lưng");
pub(super) static URINARY_INFECTION: Diagnosis =
    diagnosis("N39.0", "Urinary tract infection, site not specified", "Nhiễm khuẩn đường tiết niệu");
pub(super) static PNEUMONIA: Diagnosis = diagnosis("J18.9", "Pneumonia, unspecified", "Viêm phổi");
pub(super) static URTICARIA: Diagnosis = diagnosis("L50.9", "Urticaria, unspecified", "Mày đay");
pub(super) static CHECKUP: Diagnosis = diagnosis("Z00.0", "General medical examination", "Khám sức khỏe tổng quát");
pub(super) static PREGNANCY: Diagnosis =
    diagnosis("Z34.9", "Supervision of normal pregnancy, unspecified", "Theo dõi thai nghén bình thường");
pub(super) static APPENDICITIS: Diagnosis = diagnosis("K35.8", "Acute appendicitis, other and unspecified", "Viêm ruột thừa cấp");
pub(super) static HYPERTENSION: Diagnosis = diagnosis("I10", "Essential (primary) hypertension", "Tăng huyết áp vô căn (nguyên phát)");
pub(super) static DIABETES: Diagnosis =
    diagnosis("E11.9", "Type 2 diabetes mellitus without complications", "Đái tháo đường típ 2 không có biến chứng");
pub(super) static HYPERLIPIDAEMIA: Diagnosis = diagnosis("E78.5", "Hyperlipidaemia, unspecified", "Rối loạn lipid máu");
pub(super) static HYPOTHYROIDISM: Diagnosis = diagnosis("E03.9", "Hypothyroidism, unspecified", "Suy giáp");

/// A kind of visit for the synthetic population: its diagnosis, tests, usual prescription, ages.
pub(super) struct Profile {
    pub(super) diagnosis: &'static Diagnosis,
    pub(super) reason: &'static str,
    pub(super) labs: &'static [&'static LabTest],
    pub(super) raised: &'static [&'static LabTest],
    pub(super) lowered: &'static [&'static LabTest],
    pub(super) adult_drug: (&'static str, &'static str),
    pub(super) child_drug: (&'static str, &'static str),
    pub(super) ages: (i32, i32),
    pub(super) inpatient_percent: u64,
}

pub(super) const PARACETAMOL: (&str, &str) = ("Paracetamol 500 mg", "Uống 1 viên khi sốt trên 38,5°C, cách nhau ít nhất 4–6 giờ");
pub(super) const PARACETAMOL_CHILD: (&str, &str) =
    ("Paracetamol 250 mg (gói bột)", "Uống 1 gói khi sốt trên 38,5°C, cách nhau ít nhất 4–6 giờ");
pub(super) const ORESOL: (&str, &str) = ("Oresol 245 (gói)", "Pha 1 gói với 200 ml nước đun sôi để nguội, uống sau mỗi lần đi ngoài");

pub(super) static ACUTE_PROFILES: [Profile; 12] = [
    Profile {
        diagnosis: &COMMON_COLD,
        reason: "Sốt, sổ mũi, đau họng",
        labs: &[&LEUKOCYTES, &HEMOGLOBIN, &PLATELETS, &CRP],
        raised: &[],
        lowered: &[],
        adult_drug: PARACETAMOL,
        child_drug: PARACETAMOL_CHILD,
        ages: (0, 120),
        inpatient_percent: 0,
    },
    Profile {
        diagnosis: &BRONCHIOLITIS,
        reason: "Ho, khò khè, thở nhanh",
        labs: &[&LEUKOCYTES, &HEMOGLOBIN, &PLATELETS, &CRP],
        raised: &[&CRP, &LEUKOCYTES],
        lowered: &[],
        adult_drug: PARACETAMOL,
        child_drug: ("Natri clorid 0,9% 10 ml (nhỏ mũi)", "Nhỏ mũi 2–3 giọt mỗi bên, 3 lần/ngày"),
        ages: (0, 2),
        inpatient_percent: 20,
    },
    Profile {
        diagnosis: &PHARYNGITIS,
        reason: "Đau họng, sốt, nuốt vướng",
        labs: &[&LEUKOCYTES, &CRP, &PLATELETS],
        raised: &[&LEUKOCYTES, &CRP],
        lowered: &[],
        adult_drug: ("Amoxicilin 500 mg", "Uống 1 viên x 3 lần/ngày, trong 7 ngày"),
        child_drug: ("Amoxicilin 250 mg (gói)", "Uống 1 gói x 3 lần/ngày, trong 7 ngày"),
        ages: (3, 120),
        inpatient_percent: 0,
    },
    Profile {
        diagnosis: &GASTROENTERITIS,
        reason: "Tiêu chảy, nôn, đau bụng",
        labs: &[&LEUKOCYTES, &CRP, &HEMOGLOBIN, &CREATININE],
        raised: &[&LEUKOCYTES],
        lowered: &[],
        adult_drug: ORESOL,
        child_drug: ORESOL,
        ages: (0, 120),
        inpatient_percent: 10,
    },
    Profile {
        diagnosis: &DENGUE,
        reason: "Sốt cao liên tục, đau cơ, chấm xuất huyết dưới da",
        labs: &[&PLATELETS, &LEUKOCYTES, &HEMOGLOBIN, &AST, &ALT],
        raised: &[&AST, &ALT],
        lowered: &[&PLATELETS, &LEUKOCYTES],
        adult_drug: PARACETAMOL,
        child_drug: PARACETAMOL_CHILD,
        ages: (3, 75),
        inpatient_percent: 50,
    },
    Profile {
        diagnosis: &GASTRITIS,
        reason: "Đau thượng vị, ợ chua",
        labs: &[&HEMOGLOBIN, &ALT, &AST],
        raised: &[],
        lowered: &[],
        adult_drug: ("Omeprazol 20 mg", "Uống 1 viên trước ăn sáng 30 phút, trong 4 tuần"),
        child_drug: ("Omeprazol 10 mg", "Uống 1 viên trước ăn sáng 30 phút, trong 2 tuần"),
        ages: (12, 120),
        inpatient_percent: 0,
    },
    Profile {
        diagnosis: &LOW_BACK_PAIN,
        reason: "Đau thắt lưng, hạn chế vận động",
        labs: &[&CRP, &CREATININE, &GLUCOSE],
        raised: &[],
        lowered: &[],
        adult_drug: ("Eperison 50 mg", "Uống 1 viên x 3 lần/ngày sau ăn, trong 10 ngày"),
        child_drug: PARACETAMOL_CHILD,
        ages: (25, 120),
        inpatient_percent: 0,
    },
    Profile {
        diagnosis: &URINARY_INFECTION,
        reason: "Tiểu buốt, tiểu rắt",
        labs: &[&LEUKOCYTES, &CRP, &CREATININE],
        raised: &[&LEUKOCYTES, &CRP],
        lowered: &[],
        adult_drug: ("Ciprofloxacin 500 mg", "Uống 1 viên x 2 lần/ngày, trong 7 ngày"),
        child_drug: ("Cefixim 100 mg (gói)", "Uống 1 gói x 2 lần/ngày, trong 7 ngày"),
        ages: (16, 120),
        inpatient_percent: 0,
    },
    Profile {
        diagnosis: &PNEUMONIA,
        reason: "Sốt, ho có đờm, khó thở",
        labs: &[&LEUKOCYTES, &HEMOGLOBIN, &PLATELETS, &CRP],
        raised: &[&LEUKOCYTES, &CRP],
        lowered: &[],
        adult_drug: ("Ceftriaxon 1 g (lọ tiêm)", "Tiêm tĩnh mạch 1 lọ x 2 lần/ngày, trong 7 ngày"),
        child_drug: ("Cefuroxim 125 mg (gói)", "Uống 1 gói x 2 lần/ngày, trong 7 ngày"),
        ages: (0, 120),
        inpatient_percent: 60,
    },
    Profile {
        diagnosis: &URTICARIA,
        reason: "Nổi mẩn ngứa toàn thân",
        labs: &[&LEUKOCYTES, &CRP],
        raised: &[],
        lowered: &[],
        adult_drug: ("Loratadin 10 mg", "Uống 1 viên mỗi tối, trong 7 ngày"),
        child_drug: ("Desloratadin 2,5 mg/5 ml (siro)", "Uống 5 ml mỗi tối, trong 7 ngày"),
        ages: (2, 120),
        inpatient_percent: 0,
    },
    Profile {
        diagnosis: &CHECKUP,
        reason: "Khám sức khỏe định kỳ",
        labs: &[&GLUCOSE, &CHOLESTEROL, &TRIGLYCERIDE, &ALT, &AST, &CREATININE, &HEMOGLOBIN],
        raised: &[],
        lowered: &[],
        adult_drug: ("Vitamin 3B (B1, B6, B12)", "Uống 1 viên x 2 lần/ngày sau ăn, trong 30 ngày"),
        child_drug: ("Vitamin C 100 mg", "Uống 1 viên mỗi sáng, trong 10 ngày"),
        ages: (18, 120),
        inpatient_percent: 0,
    },
    Profile {
        diagnosis: &PHARYNGITIS,
        reason: "Ho, đau rát họng",
        labs: &[&LEUKOCYTES, &CRP],
        raised: &[],
        lowered: &[],
        adult_drug: ("Azithromycin 500 mg", "Uống 1 viên mỗi ngày, trong 3 ngày"),
        child_drug: ("Azithromycin 200 mg/5 ml (siro)", "Uống 5 ml mỗi ngày, trong 3 ngày"),
        ages: (1, 120),
        inpatient_percent: 0,
    },
];

pub(super) const METFORMIN: (&str, &str) = ("Metformin 850 mg", "Uống 1 viên x 2 lần/ngày, sau ăn sáng và tối");
pub(super) const AMLODIPINE: (&str, &str) = ("Amlodipin 5 mg", "Uống 1 viên mỗi sáng");
pub(super) const LEVOTHYROXINE: (&str, &str) = ("Levothyroxin 50 mcg", "Uống 1 viên lúc đói buổi sáng, trước ăn 30 phút");

pub(super) static HYPERTENSION_CARE: Profile = Profile {
    diagnosis: &HYPERTENSION,
    reason: "Tái khám tăng huyết áp",
    labs: &[&CREATININE, &GLUCOSE, &CHOLESTEROL, &TRIGLYCERIDE],
    raised: &[&CHOLESTEROL],
    lowered: &[],
    adult_drug: AMLODIPINE,
    child_drug: AMLODIPINE,
    ages: (35, 120),
    inpatient_percent: 0,
};
pub(super) static DIABETES_CARE: Profile = Profile {
    diagnosis: &DIABETES,
    reason: "Tái khám đái tháo đường",
    labs: &[&GLUCOSE, &HBA1C, &CREATININE, &CHOLESTEROL],
    raised: &[&GLUCOSE, &HBA1C],
    lowered: &[],
    adult_drug: METFORMIN,
    child_drug: METFORMIN,
    ages: (35, 120),
    inpatient_percent: 0,
};
pub(super) static LIPID_CARE: Profile = Profile {
    diagnosis: &HYPERLIPIDAEMIA,
    reason: "Tái khám rối loạn lipid máu",
    labs: &[&CHOLESTEROL, &TRIGLYCERIDE, &ALT, &AST],
    raised: &[&CHOLESTEROL, &TRIGLYCERIDE],
    lowered: &[],
    adult_drug: ("Atorvastatin 20 mg", "Uống 1 viên mỗi tối"),
    child_drug: ("Atorvastatin 20 mg", "Uống 1 viên mỗi tối"),
    ages: (35, 120),
    inpatient_percent: 0,
};
pub(super) static THYROID_CARE: Profile = Profile {
    diagnosis: &HYPOTHYROIDISM,
    reason: "Tái khám suy giáp",
    labs: &[&TSH, &CHOLESTEROL, &HEMOGLOBIN],
    raised: &[&TSH],
    lowered: &[],
    adult_drug: LEVOTHYROXINE,
    child_drug: LEVOTHYROXINE,
    ages: (25, 120),
    inpatient_percent: 0,
};

pub(super) struct Allergy {
    pub(super) substance_vi: &'static str,
    pub(super) category: &'static str,
    pub(super) criticality: &'static str,
    pub(super) reaction_vi: &'static str,
}

pub(super) static PENICILLIN: Allergy =
    Allergy { substance_vi: "Penicillin", category: "medication", criticality: "low", reaction_vi: "Phát ban, mày đay" };
pub(super) static PEANUT: Allergy =
    Allergy {
        substance_vi: "Đậu phộng (lạc)", category: "food", criticality: "high", reaction_vi: "Nổi mày đay, phù môi, nôn"
    };
pub(super) static ASPIRIN: Allergy = Allergy {
    substance_vi: "Aspirin (acid acetylsalicylic)",
    category: "medication",
    criticality: "high",
    reaction_vi: "Phù mạch, khó thở",
};
/// Allergies of the synthetic population: none clashes with a drug the profiles prescribe.
pub(super) static SYNTHETIC_ALLERGIES: [Allergy; 5] = [
    Allergy { substance_vi: "Hải sản (tôm, cua)", category: "food", criticality: "low", reaction_vi: "Ngứa, nổi mẩn đỏ" },
    Allergy {
        substance_vi: "Bụi nhà (mạt bụi)",
        category: "environment",
        criticality: "low",
        reaction_vi: "Hắt hơi, ngứa mũi, chảy nước mắt",
    },
    Allergy {
        substance_vi: "Sulfamethoxazol - trimethoprim (Biseptol)",
        category: "medication",
        criticality: "high",
        reaction_vi: "Phát ban toàn thân, bong tróc da",
    },
    Allergy {
        substance_vi: "Sữa bò (đạm sữa bò)", category: "food", criticality: "low", reaction_vi: "Nôn, tiêu chảy, nổi mẩn"
    },
    Allergy { substance_vi: "Trứng gà", category: "food", criticality: "low", reaction_vi: "Nổi mày đay" },
];
