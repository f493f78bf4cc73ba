//! The one translation layer. Every string a person reads goes through [`Key::text`].
//! Vietnamese is the default; English is chosen with the `hoso_lang` cookie (set by `/lang`).

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

pub const LANG_COOKIE: &str = "hoso_lang";

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        }
    }

    /// Reads the language from a `Cookie` header value.
    pub fn from_cookie_header(header: &str) -> Lang {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == LANG_COOKIE)
            .and_then(|(_, value)| Lang::from_code(value))
            .unwrap_or_default()
    }

    /// Formats an ISO date (`YYYY-MM-DD`, optionally followed by a time) the way readers of this language expect.
    pub fn date(self, iso: &str) -> String {
        let day = iso.get(..10).unwrap_or(iso);
        let mut parts = day.split('-');
        match (self, parts.next(), parts.next(), parts.next()) {
            (Lang::Vi, Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
            _ => day.to_string(),
        }
    }
}

/// The language of the current request (server) or page (browser).
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// Shorthand used by components: `let t = use_t(); t(Key::Brand)`.
pub fn use_t() -> impl Fn(Key) -> &'static str + Copy + Send + Sync + 'static {
    let lang = use_lang();
    move |key: Key| key.text(lang)
}

macro_rules! keys {
    ($($key:ident => $vi:literal, $en:literal;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Key { $($key),* }
        impl Key {
            pub const ALL: &'static [Key] = &[$(Key::$key),*];
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Key::$key, Lang::Vi) => $vi, (Key::$key, Lang::En) => $en,)*
                }
            }
        }
    };
}

keys! {
    Brand => "Hồ sơ sức khỏe", "Health record";
    SkipToContent => "Bỏ qua, đến nội dung chính", "Skip to main content";
    MainNav => "Điều hướng chính", "Main navigation";
    NavOverview => "Tổng quan", "Overview";
    NavVaccinations => "Tiêm chủng", "Vaccinations";
    NavVisits => "Lần khám", "Visits";
    NavPasskeys => "Khóa truy cập", "Passkeys";
    SignOut => "Đăng xuất", "Sign out";
    LanguageLabel => "Ngôn ngữ", "Language";
    LanguageName => "Tiếng Việt", "English";
    Loading => "Đang tải…", "Loading…";

    SignInTitle => "Đăng nhập", "Sign in";
    SignInIntro => "Đăng nhập bằng khóa truy cập (passkey) đã tạo khi đăng ký: vân tay, khuôn mặt hoặc mã PIN trên thiết bị của bạn.", "Sign in with the passkey you created when you enrolled: your fingerprint, face or device PIN.";
    SignInButton => "Đăng nhập bằng khóa truy cập", "Sign in with a passkey";
    SignInWorking => "Đang chờ khóa truy cập…", "Waiting for your passkey…";
    FirstTime => "Lần đầu sử dụng?", "First time here?";
    EnrolLink => "Đăng ký bằng mã đăng ký", "Enrol with an enrolment code";
    AlreadySignedIn => "Bạn đã đăng nhập.", "You are signed in.";
    GoToRecord => "Xem hồ sơ của tôi", "Open my record";
    SignedOut => "Bạn đã đăng xuất.", "You have signed out.";
    NeedsJavascript => "Khóa truy cập cần JavaScript. Hãy bật JavaScript để đăng nhập hoặc đăng ký.", "Passkeys need JavaScript. Turn JavaScript on to sign in or enrol.";

    EnrolTitle => "Đăng ký tài khoản", "Enrol";
    EnrolIntro => "Nhập số CCCD và mã đăng ký một lần do cơ sở y tế cấp, sau đó tạo khóa truy cập trên thiết bị này.", "Enter your citizen ID (CCCD) and the one-time enrolment code your health facility gave you, then create a passkey on this device.";
    CccdLabel => "Số CCCD", "Citizen ID (CCCD)";
    CccdHint => "12 chữ số trên thẻ căn cước.", "The 12 digits on your ID card.";
    CodeLabel => "Mã đăng ký", "Enrolment code";
    CodeHint => "Mã dùng một lần, có thời hạn.", "Single-use, with an expiry date.";
    EnrolButton => "Tạo khóa truy cập và đăng ký", "Create a passkey and enrol";
    EnrolWorking => "Đang tạo khóa truy cập…", "Creating your passkey…";

    ErrSignInFailed => "Không thể đăng nhập. Vui lòng thử lại.", "Sign-in failed. Please try again.";
    ErrEnrolmentRefused => "Số CCCD hoặc mã đăng ký không đúng, đã được dùng hoặc đã hết hạn.", "The citizen ID or enrolment code is wrong, already used or expired.";
    ErrInvalidCccd => "Số CCCD phải gồm đúng 12 chữ số.", "A citizen ID has exactly 12 digits.";
    ErrCeremonyExpired => "Phiên xác thực đã hết hạn. Vui lòng thử lại.", "The passkey request expired. Please try again.";
    ErrNotSignedIn => "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.", "Your session has ended. Please sign in again.";
    ErrLastPasskey => "Không thể xóa khóa truy cập cuối cùng. Hãy thêm một khóa khác trước.", "You cannot remove your last passkey. Add another one first.";
    ErrTooLarge => "Yêu cầu quá lớn.", "The request is too large.";
    ErrBadRequest => "Yêu cầu không hợp lệ.", "The request is not valid.";
    ErrUnavailable => "Dịch vụ tạm thời gián đoạn. Vui lòng thử lại sau.", "The service is temporarily unavailable. Please try again later.";
    ErrCancelled => "Thao tác với khóa truy cập đã bị hủy hoặc không thành công.", "The passkey operation was cancelled or did not succeed.";
    ErrUnauthenticated => "Bạn cần đăng nhập để xem trang này.", "You need to sign in to see this page.";
    ErrForbidden => "Bạn không có quyền xem thông tin này.", "You are not allowed to see this information.";
    ErrNotFound => "Không tìm thấy thông tin.", "Nothing was found.";
    ErrGeneric => "Đã có lỗi xảy ra. Vui lòng thử lại.", "Something went wrong. Please try again.";

    OverviewTitle => "Hồ sơ sức khỏe của tôi", "My health record";
    PersonalDetails => "Thông tin hành chính", "Personal details";
    FullName => "Họ và tên", "Full name";
    BirthDate => "Ngày sinh", "Date of birth";
    Sex => "Giới tính", "Sex";
    Male => "Nam", "Male";
    Female => "Nữ", "Female";
    Cccd => "CCCD", "Citizen ID";
    Allergies => "Dị ứng", "Allergies";
    NoAllergies => "Chưa ghi nhận dị ứng.", "No allergies recorded.";
    Reaction => "Phản ứng", "Reaction";
    CriticalityHigh => "Nguy hiểm cao", "High risk";
    ActiveConditions => "Bệnh đang điều trị", "Active conditions";
    NoConditions => "Không có bệnh đang điều trị.", "No active conditions.";
    Since => "Từ", "Since";
    CurrentMedications => "Thuốc đang dùng", "Current medications";
    NoMedications => "Không có thuốc đang dùng.", "No current medications.";
    LatestVisits => "Lần khám gần đây", "Latest visits";
    NoVisits => "Chưa có lần khám nào.", "No visits yet.";
    SeeAllVisits => "Xem tất cả lần khám", "See all visits";
    SeeVaccinations => "Xem lịch sử tiêm chủng", "See vaccination history";

    VaccinationsTitle => "Lịch sử tiêm chủng", "Vaccination history";
    NoVaccinations => "Chưa có mũi tiêm nào được ghi nhận.", "No vaccinations recorded.";
    Doses => "mũi", "doses";
    DoseNumber => "Mũi", "Dose";
    DoseDate => "Ngày tiêm", "Date";
    Facility => "Cơ sở y tế", "Facility";
    Lot => "Số lô", "Lot";
    Programme => "Chương trình", "Programme";

    VisitsTitle => "Các lần khám", "Visits";
    VisitDate => "Ngày khám", "Date";
    VisitKind => "Loại hình", "Type";
    VisitReason => "Lý do khám", "Reason";
    ViewDetail => "Xem chi tiết", "View details";
    VisitDetailTitle => "Chi tiết lần khám", "Visit details";
    Period => "Thời gian", "Period";
    Diagnoses => "Chẩn đoán (ICD-10)", "Diagnoses (ICD-10)";
    NoDiagnoses => "Không có chẩn đoán.", "No diagnoses.";
    Labs => "Kết quả xét nghiệm", "Lab results";
    NoLabs => "Không có kết quả xét nghiệm.", "No lab results.";
    Test => "Xét nghiệm", "Test";
    Result => "Kết quả", "Result";
    Unit => "Đơn vị", "Unit";
    ReferenceRange => "Khoảng tham chiếu", "Reference range";
    Assessment => "Đánh giá", "Assessment";
    FlagHigh => "Cao hơn bình thường", "Above range";
    FlagLow => "Thấp hơn bình thường", "Below range";
    FlagNormal => "Bình thường", "Normal";
    FlagUnknown => "Không có khoảng tham chiếu", "No reference range";
    Prescriptions => "Thuốc kê đơn", "Prescriptions";
    NoPrescriptions => "Không có thuốc kê đơn.", "No prescriptions.";
    DischargeSummary => "Tóm tắt ra viện", "Discharge summary";
    BackToVisits => "Quay lại danh sách lần khám", "Back to all visits";

    PasskeysTitle => "Khóa truy cập của tôi", "My passkeys";
    PasskeysIntro => "Bạn có thể đăng nhập bằng bất kỳ khóa truy cập nào dưới đây. Nên có ít nhất hai khóa trên hai thiết bị.", "You can sign in with any passkey below. Keeping two, on two devices, is wise.";
    PasskeyName => "Tên", "Name";
    CreatedAt => "Ngày tạo", "Created";
    LastUsed => "Lần dùng gần nhất", "Last used";
    Never => "Chưa dùng", "Never";
    Actions => "Thao tác", "Actions";
    Remove => "Xóa", "Remove";
    AddPasskey => "Thêm khóa truy cập", "Add a passkey";
    PasskeyAdded => "Đã thêm khóa truy cập.", "Passkey added.";
    PasskeyRemoved => "Đã xóa khóa truy cập.", "Passkey removed.";
    OnlyPasskeyNote => "Đây là khóa truy cập duy nhất của bạn; hãy thêm khóa khác trước khi xóa.", "This is your only passkey; add another before removing it.";

    NotFoundTitle => "Không tìm thấy trang", "Page not found";
    BackHome => "Về trang chủ", "Back to the home page";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_a_non_empty_distinct_text_in_both_languages() {
        for key in Key::ALL {
            assert!(!key.text(Lang::Vi).is_empty(), "{key:?} has no Vietnamese text");
            assert!(!key.text(Lang::En).is_empty(), "{key:?} has no English text");
        }
    }

    #[test]
    fn language_comes_from_the_cookie_and_defaults_to_vietnamese() {
        assert_eq!(Lang::from_cookie_header("a=b; hoso_lang=en"), Lang::En);
        assert_eq!(Lang::from_cookie_header("hoso_lang=xx"), Lang::Vi);
        assert_eq!(Lang::from_cookie_header(""), Lang::Vi);
    }

    #[test]
    fn dates_follow_the_language() {
        assert_eq!(Lang::Vi.date("2026-11-02"), "02/11/2026");
        assert_eq!(Lang::En.date("2026-11-02T10:00:00Z"), "2026-11-02");
    }
}
