//! The one translation layer. Every string a person reads goes through [`Key::text`].
//! Vietnamese is the default; English is chosen with the `hoso_lang` cookie (set by `/lang`).

use leptos::prelude::*;

use crate::zone::{use_zone, Zone};

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

    /// Formats an ISO date (`YYYY-MM-DD`, or a partial `YYYY`/`YYYY-MM`, shown as given) the way
    /// readers of this language expect. An RFC 3339 instant is first put in the reader's zone
    /// ([`crate::zone::use_zone`], `Asia/Ho_Chi_Minh` by default): 17:30 UTC is already the next
    /// day in Hà Nội.
    pub fn date(self, iso: &str) -> String {
        self.date_in(iso, &use_zone())
    }

    /// [`Lang::date`] in a given zone.
    pub fn date_in(self, iso: &str, zone: &Zone) -> String {
        // NaiveDate's Display is ISO 8601 (`2026-12-07`); chrono's strftime engine stays out of the
        // wasm.
        let local = crate::zone::local(iso, zone).map(|at| at.date().to_string());
        let iso = local.as_deref().unwrap_or(iso);
        let day = iso.get(..10).unwrap_or(iso);
        let mut parts = day.split('-');
        match (self, parts.next(), parts.next(), parts.next()) {
            (Lang::Vi, Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
            // A partial date is shown as given: `1948`, `07/1948`.
            (Lang::Vi, Some(y), Some(m), None) => format!("{m}/{y}"),
            _ => day.to_string(),
        }
    }

    /// An RFC 3339 instant as a date with 24-hour hours and minutes in the reader's zone:
    /// `06/12/2026 00:30` (Vietnamese), `2026-12-06 00:30` (English). A plain date is shown as
    /// [`Lang::date`] shows it.
    pub fn date_time(self, iso: &str) -> String {
        self.date_time_in(iso, &use_zone())
    }

    /// [`Lang::date_time`] in a given zone.
    pub fn date_time_in(self, iso: &str, zone: &Zone) -> String {
        match crate::zone::local(iso, zone) {
            Some(at) => {
                use chrono::Timelike;
                format!("{} {:02}:{:02}", self.date_in(&at.date().to_string(), zone), at.hour(), at.minute())
            }
            None => self.date_in(iso, zone),
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
    ZoneTitle => "Múi giờ", "Time zone";
    ZoneIntro => "Ngày giờ trên mọi trang được hiển thị theo múi giờ này. Mặc định là giờ Việt Nam (UTC+07:00).", "Dates and times on every page are shown in this time zone. The default is Vietnam's time (UTC+07:00).";
    ZoneLabel => "Múi giờ hiển thị", "Time zone for dates and times";
    ZoneSave => "Lưu múi giờ", "Save time zone";
    ZoneUnknown => "Múi giờ này không có trong cơ sở dữ liệu múi giờ IANA (ví dụ đúng: Asia/Ho_Chi_Minh). Không có gì thay đổi.", "This time zone is not in the IANA time zone database (for example: Asia/Ho_Chi_Minh). Nothing was changed.";
    Loading => "Đang tải…", "Loading…";

    NavFamily => "Gia đình", "Family";
    FamilyTitle => "Gia đình", "Family";
    FamilyIntro => "Cha mẹ hoặc người giám hộ hợp pháp thay mặt con dưới 16 tuổi xem hồ sơ sức khỏe, lịch tiêm chủng và nhật ký truy cập của con (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15, Điều 24). Mọi thao tác được ghi lại dưới tên của chính bạn.", "A parent or legal guardian acts for a child under 16: they see the child's health record, vaccination schedule and access log (Law on Personal Data Protection 91/2025/QH15, Art. 24). Everything they do is logged under their own name.";
    RecordsYouKeep => "Hồ sơ bạn giữ", "Records you keep";
    NoChildren => "Bạn chưa được liên kết làm người giám hộ của ai.", "You are not linked as anyone's guardian.";
    HowToLinkChild => "Để được liên kết với hồ sơ của con, hãy mang giấy khai sinh (hoặc quyết định giám hộ) và CCCD của bạn đến quầy hỗ trợ; quản trị viên kiểm tra giấy tờ rồi tạo liên kết.", "To be linked to your child's record, bring the birth certificate (or the guardianship decision) and your CCCD to the help desk; an administrator checks the papers and makes the link.";
    WhoKeepsYours => "Người giữ hồ sơ của bạn", "Who keeps your record";
    NoGuardians => "Không ai được liên kết làm người giám hộ hồ sơ của bạn.", "Nobody is linked as the guardian of your record.";
    LinkBasis => "Căn cứ", "Basis";
    LinkMadeBy => "Người tạo liên kết", "Link made by";
    LinkMadeByOperator => "Đơn vị vận hành", "The operator";
    LinkState => "Tình trạng", "Status";
    LinkLive => "Đang có hiệu lực", "In effect";
    LinkCameOfAge => "Đã đủ 16 tuổi: tự quyết định", "Now 16: decides alone";
    LinkEnded => "Đã kết thúc", "Ended";
    LinkEndedNote => "Đã kết thúc liên kết. Từ giờ người giám hộ không xem được hồ sơ này nữa.", "The link is ended. From now on the guardian cannot see this record.";
    LinkGivesNothing => "Liên kết này không còn cho phép xem hồ sơ.", "This link no longer opens the record.";
    BasisBirthRegistration => "Giấy khai sinh", "Birth registration";
    BasisGuardianshipDecision => "Quyết định giám hộ", "Guardianship decision";
    BasisNationalIdentity => "Xác nhận của hệ thống định danh quốc gia", "Confirmed by the national identity system";
    BasisGuardian => "Người giám hộ", "Guardian";
    YearsOld => "tuổi", "years old";
    GuardianUntil => "Bạn thay mặt con đến ngày con đủ 16 tuổi:", "You act for your child until their 16th birthday:";
    GuardianUntilLaw => "(Luật Trẻ em 2016, Điều 1; Luật 91/2025/QH15, Điều 24). Từ ngày đó con tự quyết định và được thông báo.", "(Law on Children 2016, Art. 1; Law 91/2025/QH15, Art. 24). From that day your child decides alone and is told.";
    ChildConsentsNote => "Con đã đủ 7 tuổi: chia sẻ hồ sơ của con cần cả sự đồng ý của con (Luật 91/2025/QH15, Điều 24, khoản 2). Từ ngày", "Your child is 7 or older: sharing their record needs their consent too (Law 91/2025/QH15, Art. 24(2)). Since";
    YouDecideNow => "Bạn đã đủ 16 tuổi: bạn tự quyết định về hồ sơ của mình. Người giám hộ không còn xem được hồ sơ; bạn có thể kết thúc hẳn liên kết này.", "You are 16 now: you decide about your own record. Your guardian can no longer see it; you may end this link for good.";
    EndLink => "Kết thúc liên kết", "End the link";
    ActingFor => "Bạn đang xem hồ sơ của", "You are viewing the record of";
    ActingForUnknown => "Đây không phải hồ sơ của bạn, cũng không phải hồ sơ của người bạn giám hộ hay hỗ trợ.", "This is neither your record nor the record of someone you are the guardian or helper of.";
    ActingForNote => "với tư cách người giám hộ. Mọi thao tác được ghi lại dưới tên của bạn.", "as their guardian. Everything you do is logged under your name.";
    SwitchRecord => "Chọn hồ sơ", "Choose a record";
    MyOwnRecord => "Hồ sơ của tôi", "My own record";
    AdminNavGuardians => "Người giám hộ", "Guardians";
    AdminLinkGuardian => "Liên kết người giám hộ", "Link a guardian";
    AdminLinkGuardianNote => "Chỉ tạo liên kết sau khi đã kiểm tra bản gốc giấy khai sinh hoặc quyết định giám hộ và CCCD của người giám hộ. Trẻ phải dưới 16 tuổi. Cả hai người đều thấy liên kết, căn cứ và người tạo.", "Make a link only after checking the original birth certificate or guardianship decision and the guardian's CCCD. The child must be under 16. Both people see the link, its basis and who made it.";
    GuardianCccd => "CCCD của người giám hộ", "Guardian's CCCD";
    ChildCccd => "Số định danh của trẻ", "Child's personal identification number";
    DocumentRef => "Số giấy khai sinh / quyết định", "Birth certificate / decision number";
    AdminLinkMade => "Đã tạo liên kết.", "The link is made.";
    AdminRecentLinks => "Liên kết gần đây", "Recent links";
    AdminNoLinks => "Chưa có liên kết nào.", "No links yet.";
    GuardianColumn => "Người giám hộ", "Guardian";
    ChildColumn => "Trẻ", "Child";
    ErrNotAChild => "Người này đã đủ 16 tuổi: họ tự quyết định về hồ sơ của mình, không cần người giám hộ.", "This person is 16 or older: they decide about their own record and need no guardian.";
    ErrHelperIsAChild => "Người hỗ trợ và người được hỗ trợ đều phải từ đủ 16 tuổi; hồ sơ của trẻ em do cha mẹ hoặc người giám hộ quản lý.", "Both the helper and the person helped must be at least 16; a child's record is kept by their parent or guardian.";
    ErrChildConsentNeeded => "Con đã đủ 7 tuổi: chỉ chia sẻ khi con cũng đồng ý (Luật 91/2025/QH15, Điều 24, khoản 2). Hãy hỏi con rồi đánh dấu ô xác nhận.", "Your child is 7 or older: share only if your child agrees too (Law 91/2025/QH15, Art. 24(2)). Ask your child, then tick the confirmation.";
    ChildConsents => "Con tôi (từ đủ 7 tuổi) đã được hỏi và đồng ý chia sẻ như trên.", "My child (aged 7 or more) was asked and agrees to this sharing.";
    ErrHelperDuration => "Hãy chọn thời hạn từ 1 đến 365 ngày.", "Choose a length from 1 to 365 days.";
    ErrGuardianIsAChild => "Người giám hộ phải từ đủ 16 tuổi trở lên.", "The guardian must be at least 16.";
    ErrUnknownGuardianBasis => "Hãy chọn căn cứ: giấy khai sinh, quyết định giám hộ hoặc xác nhận của hệ thống định danh quốc gia.", "Choose a basis: birth registration, guardianship decision, or confirmation by the national identity system.";
    ActionGuardianshipEstablish => "Liên kết người giám hộ", "Guardian linked";
    ActionGuardianshipEnd => "Kết thúc liên kết người giám hộ", "Guardian link ended";
    ReasonGuardianshipEnded => "liên kết người giám hộ đã kết thúc", "the guardian link was ended";
    BasisHelper => "Người hỗ trợ", "Helper";
    ReasonHelperNotAccepted => "người hỗ trợ chưa chấp nhận", "the helper has not accepted yet";
    ReasonHelperEnded => "liên kết người hỗ trợ đã kết thúc", "the helper link was ended";
    ReasonHelperExpired => "liên kết người hỗ trợ đã hết hạn", "the helper link has expired";
    ReasonOutsideHelperScope => "phần hồ sơ này không nằm trong phạm vi đã chọn cho người hỗ trợ", "this part of the record is not one chosen for the helper";
    ActionHelperNominate => "Mời người hỗ trợ", "Helper nominated";
    ActionHelperAccept => "Người hỗ trợ chấp nhận", "Helper accepted";
    ActionHelperEnd => "Kết thúc liên kết người hỗ trợ", "Helper link ended";
    HelpersTitle => "Người hỗ trợ", "Helpers";
    HelpersIntro => "Bạn có thể cho một người thân đã đăng ký (từ đủ 16 tuổi) xem những phần hồ sơ bạn chọn, trong thời hạn bạn chọn. Người đó phải chấp nhận; bạn hoặc họ có thể kết thúc bất cứ lúc nào. Mọi lần họ xem đều được ghi vào nhật ký truy cập của bạn dưới tên của họ.", "You can let an enrolled relative (16 or older) see the parts of your record you choose, for the time you choose. They must accept; you or they can end it at any time. Every time they look is written in your access log under their name.";
    YourHelpers => "Người hỗ trợ của bạn", "Your helpers";
    NoHelpers => "Bạn chưa chọn người hỗ trợ nào.", "You have not chosen a helper.";
    PeopleYouHelp => "Người bạn hỗ trợ", "People you help";
    NoOneToHelp => "Chưa ai chọn bạn làm người hỗ trợ.", "Nobody has chosen you as their helper.";
    NominateHelper => "Mời người hỗ trợ", "Choose a helper";
    HelperCccd => "CCCD của người hỗ trợ", "Helper's CCCD";
    HelperBirthDate => "Ngày sinh của người hỗ trợ", "Helper's date of birth";
    HelperBirthDateHint => "Để chắc chắn đúng người: phải khớp với hồ sơ của họ.", "To be sure it is the right person: it must match their record.";
    HelperParts => "Phần hồ sơ họ được xem", "Parts they may see";
    HelperManageSharing => "Cũng được quản lý việc chia sẻ hồ sơ của tôi (tạo và thu hồi quyền xem cho bác sĩ, cơ sở y tế)", "May also manage my sharing (give and revoke access for clinicians and facilities)";
    HelperManagesSharing => "Được quản lý việc chia sẻ", "May manage sharing";
    HelperDays => "Thời hạn (ngày)", "For how long (days)";
    HelperNominated => "Đã gửi lời mời. Người hỗ trợ cần chấp nhận trên trang Gia đình của họ.", "The invitation is sent. Your helper must accept it on their Family page.";
    HelperAccept => "Chấp nhận", "Accept";
    HelperAccepted => "Bạn đã chấp nhận. Từ giờ bạn có thể xem những phần hồ sơ đã được chọn.", "You have accepted. From now on you can see the chosen parts of the record.";
    HelperEndedNote => "Đã kết thúc liên kết. Từ giờ người hỗ trợ không xem được hồ sơ nữa.", "The link is ended. From now on the helper cannot see the record.";
    EndHelper => "Kết thúc", "End";
    HelperNominatedState => "Chờ chấp nhận", "Awaiting acceptance";
    HelperLiveState => "Đang có hiệu lực", "In effect";
    HelperEndedState => "Đã kết thúc", "Ended";
    HelperExpiredState => "Đã hết hạn", "Expired";
    HelperUntil => "Đến", "Until";
    ActingForHelperNote => "với tư cách người hỗ trợ, chỉ những phần đã được chọn. Mọi thao tác được ghi lại dưới tên của bạn.", "as their helper, only the parts chosen for you. Everything you do is logged under your name.";
    ReasonChildCameOfAge => "trẻ đã đủ 16 tuổi", "the child is 16 now";

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
    ErrTooManyRequests => "Bạn đã thử quá nhiều lần. Vui lòng đợi một lát rồi thử lại.", "Too many attempts. Please wait a moment and try again.";
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

    NavSharing => "Chia sẻ", "Sharing";
    NavAccessLog => "Nhật ký truy cập", "Access log";
    NavFindPatient => "Tìm bệnh nhân", "Find a patient";

    ErrExpiryBeforeStart => "Ngày kết thúc phải sau ngày bắt đầu.", "The end date must be after the start date.";
    ErrExpiryTooFar => "Thời hạn chia sẻ quá dài (tối đa 365 ngày).", "That is longer than sharing may last (365 days at most).";
    ErrStartInPast => "Ngày bắt đầu không được ở trong quá khứ.", "The start date cannot be in the past.";
    ErrBadDate => "Ngày không hợp lệ.", "That date is not valid.";
    ErrUnknownGrantee => "Không tìm thấy bác sĩ hoặc cơ sở y tế đã chọn. Hãy tìm và chọn lại.", "The chosen clinician or facility was not found. Search and choose again.";
    ErrPurposeNotAllowed => "Hãy chọn mục đích. Thẩm định bảo hiểm chỉ được chọn khi bạn yêu cầu bằng văn bản.", "Choose a purpose. Insurance assessment needs your written request.";
    ErrNoCategories => "Hãy chọn ít nhất một phần hồ sơ để chia sẻ.", "Choose at least one part of your record to share.";
    ErrUnknownCategory => "Phần hồ sơ không hợp lệ.", "That part of the record does not exist.";
    ErrReasonTooShort => "Lý do phải dài ít nhất 20 ký tự.", "The reason must be at least 20 characters long.";
    ErrUnknownGrant => "Không tìm thấy quyền chia sẻ này.", "That sharing permission was not found.";
    ErrInvalidIdentifier => "Nhập số CCCD (12 chữ số), mã số BHXH (10 chữ số) hoặc mã thẻ BHYT (15 ký tự).", "Enter a citizen ID (12 digits), a social-insurance number (10 digits) or a health-insurance card code (15 characters).";

    CatAdministrative => "Thông tin hành chính", "Personal details";
    CatAllergies => "Dị ứng", "Allergies";
    CatConditions => "Bệnh lý", "Conditions";
    CatMedications => "Thuốc", "Medications";
    CatImmunizations => "Tiêm chủng", "Vaccinations";
    CatLabResults => "Kết quả xét nghiệm", "Lab results";
    CatVisits => "Lần khám", "Visits";
    CatDocuments => "Tài liệu", "Documents";
    CatBilling => "Chi phí, thanh toán BHYT", "Billing and insurance claims";
    CatAccessHistory => "Lịch sử chia sẻ và truy cập", "Sharing and access history";
    CatAll => "Toàn bộ hồ sơ", "My whole record";
    PurposeTreatment => "Điều trị", "Treatment";
    PurposeInsurance => "Thẩm định bảo hiểm", "Insurance assessment";
    PurposeResearch => "Nghiên cứu", "Research";
    BasisSelf => "Chính bạn", "You";
    BasisGrant => "Quyền chia sẻ", "Sharing permission";
    BasisBreakGlass => "Truy cập khẩn cấp", "Emergency access";
    OutcomeAllowed => "Được phép", "Allowed";
    OutcomeDenied => "Bị từ chối", "Refused";
    ReasonCategoryNotShared => "Bệnh nhân chưa chia sẻ phần này với bạn.", "The patient has not shared this part with you.";
    ReasonNoGrant => "Bệnh nhân chưa chia sẻ hồ sơ với bạn hoặc cơ sở của bạn.", "The patient has not shared their record with you or your facility.";
    ReasonPurposeNotGranted => "Quyền chia sẻ không bao gồm mục đích này.", "The permission does not cover this purpose.";
    ReasonGrantNotYetStarted => "Quyền chia sẻ chưa bắt đầu.", "The permission has not started yet.";
    ReasonGrantExpired => "Quyền chia sẻ đã hết hạn.", "The permission has expired.";
    ReasonGrantRevoked => "Bệnh nhân đã thu hồi quyền chia sẻ.", "The patient revoked the permission.";
    ReasonBreakGlassExpired => "Thời gian truy cập khẩn cấp đã hết.", "The emergency access has ended.";
    ReasonAccountSuspended => "Tài khoản đang bị tạm khóa.", "The account is suspended.";
    ReasonOther => "Không có quyền truy cập.", "No permission.";
    StateActive => "Đang hiệu lực", "Active";
    StateNotYetStarted => "Chưa bắt đầu", "Not started yet";
    StateExpired => "Đã hết hạn", "Expired";
    StateRevoked => "Đã thu hồi", "Revoked";
    RoleCitizen => "Công dân", "Citizen";
    RoleClinician => "Bác sĩ", "Clinician";
    RoleAdministrator => "Quản trị viên", "Administrator";
    ActionRead => "Xem", "Viewed";
    ActionSearch => "Tìm kiếm", "Searched";
    ActionGrantCreate => "Tạo quyền chia sẻ", "Shared";
    ActionGrantRevoke => "Thu hồi quyền chia sẻ", "Revoked sharing";
    ActionBreakGlass => "Mở hồ sơ khẩn cấp", "Declared an emergency";
    ActionEnrol => "Đăng ký", "Enrolled";
    ActionAuditSearch => "Quản trị viên tra cứu nhật ký truy cập", "An administrator searched the access log";
    ActionAuditExport => "Quản trị viên xuất nhật ký truy cập", "An administrator exported the access log";
    ActionCodeIssue => "Cấp mã đăng ký", "Enrolment code issued";
    ActionAdminAccess => "Truy cập trang quản trị", "Reached the administration console";
    ActionReauth => "Xác nhận lại bằng khóa truy cập", "Confirmed again with a passkey";
    ActionSuspend => "Tạm khóa tài khoản", "Account suspended";
    ActionReinstate => "Khôi phục tài khoản", "Account reinstated";
    ActionSessionsEnd => "Đăng xuất thiết bị", "Sessions ended";
    ActionCodeCancel => "Hủy mã đăng ký", "Enrolment code cancelled";
    ActionFacilityCreate => "Thêm cơ sở y tế", "Facility added";
    ActionClinicianCreate => "Thêm bác sĩ", "Clinician added";
    ActionSignIn => "Đăng nhập", "Signed in";
    ActionSignOut => "Đăng xuất", "Signed out";

    FindPatientTitle => "Tìm bệnh nhân", "Find a patient";
    IdentifierLabel => "Số CCCD hoặc số BHYT", "Citizen ID or health-insurance number";
    IdentifierHint => "CCCD 12 chữ số, mã số BHXH 10 chữ số hoặc mã thẻ BHYT 15 ký tự.", "Citizen ID (12 digits), social-insurance number (10 digits) or card code (15 characters).";
    Search => "Tìm", "Search";
    NoMatch => "Không tìm thấy bệnh nhân với số này.", "No patient has this number.";
    BirthYear => "Năm sinh", "Year of birth";
    OpenRecord => "Xem hồ sơ", "Open record";
    PatientRecordTitle => "Hồ sơ bệnh nhân", "Patient record";
    NotShown => "Không hiển thị", "Not shown";
    EmergencyUntil => "Đang truy cập khẩn cấp đến", "Emergency access until";
    BreakGlassTitle => "Truy cập khẩn cấp", "Emergency access";
    BreakGlassIntro => "Chỉ dùng khi cấp cứu và bệnh nhân chưa chia sẻ hồ sơ. Bạn được xem toàn bộ hồ sơ trong thời gian giới hạn; mọi lượt xem được ghi lại, bệnh nhân được thông báo và quản trị viên sẽ xem xét.", "Only in an emergency when the patient has not shared their record. You may read the whole record for a limited time; every read is logged, the patient is told, and an administrator reviews it.";
    BreakGlassReason => "Lý do (ít nhất 20 ký tự)", "Reason (at least 20 characters)";
    BreakGlassButton => "Mở hồ sơ khẩn cấp", "Open the record in an emergency";
    EmergencyBanner => "Bạn đang truy cập khẩn cấp hồ sơ của", "You are in emergency access to the record of";

    SharingTitle => "Chia sẻ hồ sơ", "Sharing my record";
    SharingIntro => "Không có gì được chia sẻ nếu bạn không cho phép. Bạn có thể thu hồi bất cứ lúc nào; việc thu hồi có hiệu lực ngay.", "Nothing is shared unless you allow it. You can revoke at any time, with immediate effect.";
    WhoSeesNow => "Ai đang xem được hồ sơ của tôi lúc này", "Who can see my record right now";
    NobodyNow => "Hiện không ai được xem hồ sơ của bạn.", "Nobody can see your record right now.";
    Until => "đến hết", "until";
    AllGrants => "Lịch sử chia sẻ", "Sharing history";
    NoGrants => "Bạn chưa chia sẻ hồ sơ với ai.", "You have not shared your record with anyone.";
    Revoke => "Thu hồi", "Revoke";
    NewGrant => "Chia sẻ mới", "Share with someone";
    FindGrantee => "Tìm bác sĩ hoặc cơ sở y tế", "Find a clinician or facility";
    GranteeLabel => "Chia sẻ với", "Share with";
    Categories => "Phần hồ sơ được chia sẻ", "Parts of the record to share";
    PurposeLabel => "Mục đích", "Purpose";
    WrittenRequest => "Tôi yêu cầu bằng văn bản cho việc thẩm định bảo hiểm", "I request this in writing for an insurance assessment";
    StartsOn => "Từ ngày", "From";
    ExpiresOn => "Đến hết ngày", "Until the end of";
    PreviewLabel => "Xem trước", "Preview";
    PreviewNothing => "Chọn người được chia sẻ và ít nhất một phần hồ sơ để xem trước.", "Choose who and at least one part to see a preview.";
    WillSee => "sẽ xem được", "will be able to see";
    SaveGrant => "Chia sẻ", "Share";
    GrantSaved => "Đã chia sẻ.", "Shared.";
    GrantRevokedNote => "Đã thu hồi quyền chia sẻ.", "Sharing revoked.";
    GranteeColumn => "Được chia sẻ với", "Shared with";
    StateColumn => "Trạng thái", "Status";
    KindClinician => "Bác sĩ", "Clinician";
    KindFacility => "Cơ sở y tế", "Facility";

    AccessLogTitle => "Ai đã xem hồ sơ của tôi", "Who viewed my record";
    AccessLogIntro => "Mọi lượt xem hồ sơ của bạn, kể cả của chính bạn, được ghi lại và không thể sửa.", "Every read of your record, including your own, is logged and cannot be altered.";
    WhenColumn => "Thời điểm", "When";
    WhoColumn => "Ai", "Who";
    WhatColumn => "Nội dung", "What";
    BasisColumn => "Căn cứ", "Basis";
    OutcomeColumn => "Kết quả", "Outcome";
    FromDate => "Từ ngày", "From";
    ToDate => "Đến ngày", "To";
    PersonLabel => "Người xem", "Person";
    Everyone => "Tất cả", "Everyone";
    AnyBasis => "Mọi căn cứ", "Any basis";
    ApplyFilter => "Lọc", "Filter";
    PageOf => "Trang", "Page";
    PreviousPage => "Trang trước", "Previous page";
    NextPage => "Trang sau", "Next page";
    EmergencyAccesses => "Các lần truy cập khẩn cấp", "Emergency accesses";
    ReviewColumn => "Xem xét", "Review";
    ReviewPending => "Đang chờ xem xét", "Awaiting review";
    ReviewJustified => "Hợp lý", "Justified";
    ReviewUnjustified => "Không hợp lý", "Not justified";
    NoEntries => "Chưa có lượt truy cập nào.", "No access yet.";
    ReasonColumn => "Lý do", "Reason";

    ScheduleTitle => "Đã tiêm gì, sắp đến hạn gì", "What's done, what's due";
    ScheduleIntro => "Theo lịch tiêm chủng mở rộng và khuyến cáo cho người lớn (phiên bản", "Against the expanded-programme schedule and adult recommendations (version";
    Antigen => "Bệnh phòng ngừa", "Protects against";
    DosesDone => "Số mũi hợp lệ", "Valid doses";
    NextDose => "Mũi tiếp theo", "Next dose";
    StateComplete => "Đã đủ", "Complete";
    StateUpcoming => "Chưa đến hạn", "Not yet due";
    StateDue => "Đến hạn", "Due now";
    StateOverdue => "Quá hạn", "Overdue";
    StateRecommended => "Nên tiêm", "Recommended";
    DoseStatusColumn => "Tình trạng", "Status";
    DoseGiven => "Đã tiêm", "Given";
    DoseNotGiven => "Không tiêm", "Not given";
    DoseSubpotent => "Đã tiêm nhưng liều không đạt, không được tính", "Given but subpotent; does not count";
    QualifierUnconfirmed => "chưa xác định", "unconfirmed";
    QualifierProvisional => "chẩn đoán tạm thời", "provisional";
    QualifierDifferential => "chẩn đoán phân biệt", "differential";
    QualifierRefuted => "đã loại trừ", "ruled out";
    ResultPreliminary => "kết quả sơ bộ", "preliminary";
    DoNotGive => "Không dùng thuốc này", "Do not give";
    TooEarlyNote => "Mũi tiêm quá sớm, không được tính:", "Given too early, does not count:";
    FromDay => "từ", "from";
    Recommended => "khuyến nghị", "recommended";
    AntigenTuberculosis => "Lao", "Tuberculosis";
    AntigenHepatitisB => "Viêm gan B", "Hepatitis B";
    AntigenDiphtheria => "Bạch hầu", "Diphtheria";
    AntigenTetanus => "Uốn ván", "Tetanus";
    AntigenPertussis => "Ho gà", "Pertussis";
    AntigenHib => "Hib (viêm phổi, viêm màng não)", "Hib";
    AntigenPolio => "Bại liệt", "Polio";
    AntigenMeasles => "Sởi", "Measles";
    AntigenRubella => "Rubella", "Rubella";
    AntigenJapaneseEncephalitis => "Viêm não Nhật Bản", "Japanese encephalitis";
    AntigenInfluenza => "Cúm (hằng năm)", "Influenza (yearly)";
    AntigenTetanusBooster => "Uốn ván nhắc lại (10 năm)", "Tetanus booster (every 10 years)";
    AntigenOther => "Khác", "Other";

    NavCard => "Chứng nhận QR", "QR certificate";
    NavVerify => "Kiểm tra chứng nhận", "Check a certificate";
    CardTitle => "Chứng nhận tiêm chủng (SMART Health Card)", "Vaccination certificate (SMART Health Card)";
    CardIntro => "Chọn các mũi tiêm đưa vào chứng nhận. Chứng nhận được ký số: bất kỳ ai cũng kiểm tra được bằng trang Kiểm tra chứng nhận hoặc một ứng dụng SMART Health Card.", "Choose which doses to include. The certificate is digitally signed: anyone can check it on the certificate check page or with a SMART Health Card app.";
    CardPrivacyNote => "Mã QR chứa họ tên, ngày sinh và các mũi tiêm đã chọn. Chỉ đưa cho người cần kiểm tra.", "The QR code holds your name, date of birth and the doses you chose. Show it only to whoever needs to check it.";
    CardChoiceLegend => "Đưa vào chứng nhận", "Put on the certificate";
    CardChoiceAll => "Tất cả mũi tiêm", "All vaccinations";
    CardChoiceCovid => "Các mũi COVID-19", "COVID-19 doses";
    CardIssue => "Tạo chứng nhận", "Create the certificate";
    CardNoDoses => "Chưa có mũi tiêm nào để đưa vào chứng nhận.", "There are no doses to put on a certificate yet.";
    CardQrLabel => "Mã QR chứng nhận tiêm chủng", "Vaccination certificate QR code";
    CardDownload => "Tải tệp .smart-health-card", "Download the .smart-health-card file";
    CardAsText => "Mã dạng văn bản (shc:/…)", "The code as text (shc:/…)";
    CardHolder => "Người được tiêm", "Vaccinated person";
    CardIssuedAt => "Ngày cấp", "Issued";
    CardIssuer => "Đơn vị cấp", "Issuer";
    CardDosesTitle => "Các mũi trong chứng nhận", "Doses on the certificate";
    CardDosesUnit => "mũi", "doses";
    Vaccine => "Vắc xin", "Vaccine";
    CardVerifyLink => "Kiểm tra chứng nhận này", "Check this certificate";
    VerifyTitle => "Kiểm tra chứng nhận tiêm chủng", "Check a vaccination certificate";
    VerifyIntro => "Dán mã bắt đầu bằng shc:/ hoặc quét mã QR bằng camera. Không cần đăng nhập; mã không được lưu lại.", "Paste a code that begins with shc:/, or scan the QR code with the camera. No sign-in needed; the code is not kept.";
    VerifyInput => "Mã chứng nhận (shc:/…)", "Certificate code (shc:/…)";
    VerifySubmit => "Kiểm tra", "Check";
    VerifyScan => "Quét bằng camera", "Scan with the camera";
    VerifyScanStop => "Dừng quét", "Stop scanning";
    VerifyScanFailed => "Không mở được camera hoặc trình duyệt không hỗ trợ quét mã. Hãy dán mã vào ô trên.", "The camera could not be opened, or this browser cannot scan codes. Paste the code in the box above.";
    OutcomeValid => "Hợp lệ: chữ ký số đúng và đơn vị cấp được tin cậy.", "Valid: the digital signature checks out and the issuer is trusted.";
    OutcomeMalformed => "Không đọc được: đây không phải mã SMART Health Card.", "Unreadable: this is not a SMART Health Card code.";
    OutcomeBadSignature => "Không hợp lệ: chữ ký không khớp. Mã đã bị sửa, hoặc không do đơn vị này ký.", "Invalid: the signature does not match. The code was altered, or not signed by this issuer.";
    OutcomeUnknownIssuer => "Không xác nhận được: đơn vị cấp không nằm trong danh sách tin cậy.", "Cannot confirm: the issuer is not on the trusted list.";
    OutcomeExpired => "Hết hiệu lực: chứng nhận đã quá hạn.", "Expired: the certificate is past its expiry.";
    OutcomeNotYetValid => "Chưa có hiệu lực: ngày cấp ở tương lai.", "Not yet valid: it is dated in the future.";
    OutcomeMultiPart => "Đây chỉ là một phần của chứng nhận được chia thành nhiều mã QR. Hãy dùng mã đầy đủ (một mã QR) do đơn vị cấp cung cấp.", "This is only one part of a certificate split over several QR codes. Use the whole code (a single QR code) from the issuer.";
    ErrUnknownCardSelection => "Lựa chọn này không có mũi tiêm nào của bạn.", "That choice holds none of your doses.";
    ErrCardTooLarge => "Quá nhiều mũi cho một mã QR. Hãy chọn ít mũi hơn (ví dụ các mũi COVID-19 hoặc một loại vắc xin).", "Too many doses for one QR code. Choose fewer (for example the COVID-19 doses, or one vaccine).";
    VaccinationsDue => "Tiêm chủng đến hạn", "Vaccinations due";
    NothingDue => "Không có mũi nào đến hạn hoặc quá hạn.", "No doses are due or overdue.";
    SeeSchedule => "Xem lịch tiêm chủng", "See the vaccination schedule";
    SessionsTitle => "Thiết bị đang đăng nhập", "Where you are signed in";
    SessionsIntro => "Mỗi dòng là một trình duyệt hoặc thiết bị đang đăng nhập vào tài khoản của bạn. Nếu có dòng bạn không nhận ra, hãy đăng xuất nó.", "Each row is a browser or device signed in to your account. If you do not recognise one, sign it out.";
    SessionSignedIn => "Đăng nhập lúc", "Signed in";
    SessionLastActive => "Hoạt động gần nhất", "Last active";
    SessionThisDevice => "Thiết bị này", "This device";
    SessionEnd => "Đăng xuất thiết bị này", "Sign out this device";
    SessionsEndOthers => "Đăng xuất mọi thiết bị khác", "Sign out all other devices";
    SessionsEnded => "Đã đăng xuất các thiết bị đã chọn.", "The chosen devices have been signed out.";
    SessionsAlsoRevokeTokens => "Thu hồi luôn mọi mã truy cập API (ứng dụng đang dùng mã sẽ ngừng đọc được hồ sơ)", "Also revoke every API token (apps using one will stop reading the record)";
    SessionsNoTokens => "Bạn không có mã truy cập API nào còn hiệu lực.", "You have no API token that still works.";
    SessionsTokensStillActive => "Đăng xuất thiết bị không thu hồi mã truy cập API. Số mã API vẫn còn hiệu lực (thu hồi ở mục Mã truy cập API bên dưới):", "Signing out devices does not revoke API tokens. API tokens that still work (revoke them under API tokens below):";
    SessionsTokensRevoked => "Đã thu hồi cả các mã truy cập API. Số mã đã thu hồi:", "Your API tokens were revoked too. Tokens revoked:";
    AdminTitle => "Quản trị", "Administration";
    AdminNavLabel => "Mục quản trị", "Administration sections";
    AdminNavHome => "Tổng quan", "Overview";
    AdminNavPeople => "Người dùng", "People";
    AdminNavFacilities => "Cơ sở y tế", "Facilities";
    AdminNavCodes => "Mã đăng ký", "Enrolment codes";
    AdminNavReviews => "Xem xét truy cập khẩn cấp", "Break-glass reviews";
    AdminNavAudit => "Nhật ký truy cập", "Audit log";
    ConfirmIntro => "Các thao tác làm thay đổi quyền truy cập (tạm khóa, thu hồi, đăng xuất người khác, cấp hoặc hủy mã) cần bạn xác nhận lại bằng khóa truy cập trong vòng 5 phút.", "Actions that change access (suspending, revoking, signing others out, issuing or cancelling codes) need you to confirm with your passkey within the last 5 minutes.";
    ConfirmButton => "Xác nhận bằng khóa truy cập", "Confirm with your passkey";
    ConfirmDone => "Đã xác nhận. Bạn có 5 phút để thực hiện các thao tác này.", "Confirmed. You have 5 minutes for these actions.";
    ErrBadIssuer => "Địa chỉ nhà cung cấp phải là URL https (chỉ dùng http với localhost) và phải trả lời được yêu cầu khám phá OpenID (/.well-known/openid-configuration).", "The provider's address must be an https URL (http only on localhost) that answers OpenID discovery (/.well-known/openid-configuration).";
    ErrAlreadyLinked => "Mã định danh này đã được liên kết với một tài khoản.", "This identifier is already linked to an account.";
    ActionFederatedSignIn => "Đăng nhập qua nhà cung cấp định danh của cơ sở", "Sign-in through the facility's identity provider";
    ActionIdentityProof => "Xác minh danh tính qua nhà cung cấp định danh quốc gia", "Identity proofing through the national identity provider";
    ActionProviderSet => "Cấu hình nhà cung cấp định danh", "Identity provider configured";
    ActionProviderRemove => "Gỡ nhà cung cấp định danh", "Identity provider removed";
    ActionLinkCreate => "Liên kết tài khoản tại nhà cung cấp", "Provider account linked";
    ActionLinkRemove => "Gỡ liên kết tài khoản tại nhà cung cấp", "Provider account unlinked";
    ActionImport => "Cơ sở y tế gửi dữ liệu vào hồ sơ", "A facility sent records";
    RoleFacilitySystem => "Hệ thống của cơ sở y tế", "Facility system";
    ActionFacilityClientIssue => "Cấp thông tin xác thực cho hệ thống của cơ sở", "Facility system credentials issued";
    ActionFacilityClientRevoke => "Thu hồi thông tin xác thực của hệ thống của cơ sở", "Facility system credentials revoked";
    ActionExportStart => "Bắt đầu xuất toàn bộ dữ liệu", "Complete export started";
    ActionExportDone => "Xuất toàn bộ dữ liệu xong", "Complete export finished";
    ActionExportFailed => "Xuất toàn bộ dữ liệu thất bại", "Complete export failed";
    PasskeyAddedVia => "Cách thêm", "How it was added";
    AddedViaEnrolment => "Khi đăng ký, bằng mã đăng ký", "At enrolment, with an enrolment code";
    AddedViaEnrolmentCode => "Bằng mã đăng ký do quản trị viên cấp, khi tài khoản đã có khoá", "With an enrolment code an administrator issued, to an account that already had a passkey";
    AddedViaSignedIn => "Do bạn thêm khi đã đăng nhập", "Added by you while signed in";
    AddedViaUnrecorded => "Không ghi nhận (trước khi có mục này)", "Not recorded (added before this was kept)";
    PasskeyAddedByCode => "Một khoá đăng nhập đã được thêm vào tài khoản của bạn bằng mã đăng ký do quản trị viên cấp. Nếu không phải bạn, hãy xoá khoá đó và báo cho cơ sở của bạn.", "A passkey was added to your account with an enrolment code an administrator issued. If it was not you, remove it and tell your facility.";
    ActionLinkApprove => "Duyệt liên kết đăng nhập cơ sở", "Facility sign-in link approved";
    ActionCodeApprove => "Duyệt mã đăng ký", "Enrolment code approved";
    ActionStaffConfirm => "Xác nhận tài khoản nhân viên", "Staff account confirmed";
    AdminCodeHeldNote => "Tài khoản này đã xem được hồ sơ, nên mã chỉ dùng được sau khi một quản trị viên khác duyệt (Mã đăng ký → Duyệt).", "This account can already open records, so the code works only after another administrator approves it (Enrolment codes → Approve).";
    AdminAwaitingApproval => "Chờ quản trị viên thứ hai duyệt", "Awaiting a second administrator";
    AdminApprove => "Duyệt", "Approve";
    AdminAwaitingConfirmation => "Tài khoản nhân viên này chưa được xác nhận: chưa xem được hồ sơ nào cho đến khi một quản trị viên khác (không phải người tạo) xác nhận.", "This staff account is not confirmed yet: it cannot open any record until an administrator other than its creator confirms it.";
    AdminConfirmByAnother => "Bạn đã tạo tài khoản này, nên một quản trị viên khác phải xác nhận.", "You created this account, so another administrator must confirm it.";
    AdminConfirmStaff => "Xác nhận tài khoản", "Confirm the account";
    ErrAwaitingConfirmation => "Tài khoản của bạn đang chờ một quản trị viên thứ hai xác nhận. Cho đến khi đó bạn chưa xem được hồ sơ nào.", "Your account is waiting for a second administrator to confirm it. Until then you cannot open any record.";
    ErrSecondAdministratorRequired => "Cần một quản trị viên khác: người đã cấp mã, tạo liên kết hoặc tạo tài khoản không thể tự duyệt.", "Another administrator must do this: whoever issued the code, made the link or created the account cannot approve it.";
    ErrIdentityMismatch => "Số CCCD này không phải số đã xác minh cho tài khoản này.", "This citizen ID is not the one verified for this account.";
    ErrNothingToApprove => "Không còn gì chờ duyệt ở đây (đã duyệt, đã dùng, đã huỷ hoặc hết hạn).", "Nothing here is waiting for approval (already approved, used, cancelled or expired).";
    ErrAlreadyRunning => "Một lần xuất dữ liệu đang chạy. Hãy chờ nó xong rồi thử lại.", "An export is already running. Wait for it to finish, then try again.";
    AdminNavTransfers => "Xuất và nhập dữ liệu", "Exports and imports";
    TransfersExportHeading => "Xuất toàn bộ dữ liệu", "Complete export";
    TransfersExportIntro => "Ghi mọi thứ (hồ sơ, các lần chia sẻ, chuỗi nhật ký truy cập và các mốc ký, tài khoản không kèm bí mật) thành các tệp FHIR Bulk Data NDJSON cùng bản kê có mã SHA-256 của từng tệp và chữ ký, vào một thư mục mới trên máy chủ. Khôi phục vào một máy chủ trống bằng lệnh: server restore --from <thư mục>.", "Writes everything (records, consents, the audit chain and its signed checkpoints, accounts without secrets) as FHIR Bulk Data NDJSON files with a manifest holding each file's SHA-256 and a signature, into a new directory on the server. Restore into an empty instance with: server restore --from <directory>.";
    TransfersExportRoot => "Thư mục trên máy chủ", "Directory on the server";
    TransfersExportStart => "Xuất toàn bộ dữ liệu", "Export everything";
    TransfersExportStarted => "Đã bắt đầu xuất dữ liệu. Tiến độ hiện ở bảng bên dưới.", "The export has started. Its progress is in the table below.";
    TransfersHeading => "Các lần xuất và nhập", "Exports and imports";
    TransfersIntro => "Các lần xuất bắt đầu từ đây và các gói FHIR mà hệ thống của cơ sở y tế gửi tới, kể từ khi máy chủ khởi động, cùng tiến độ. Nhật ký truy cập giữ lại mọi lần một cách lâu dài.", "Exports started here and FHIR bundles sent by facility systems since the server started, with their progress. The audit log keeps every one for good.";
    TransfersNone => "Chưa có lần xuất hoặc nhập nào kể từ khi máy chủ khởi động.", "No exports or imports since the server started.";
    TransferWhat => "Việc", "What";
    TransferStarted => "Bắt đầu", "Started";
    TransferProgress => "Tiến độ", "Progress";
    TransferResult => "Kết quả", "Result";
    TransferKindExport => "Xuất toàn bộ dữ liệu", "Complete export";
    TransferKindImport => "Nhập gói FHIR từ cơ sở", "FHIR bundle from a facility";
    TransferRunning => "Đang chạy", "Running";
    TransferDone => "Hoàn tất", "Finished";
    TransferFailed => "Thất bại", "Failed";
    StageStarting => "Đang bắt đầu", "Starting";
    StageReceiving => "Đang nhận gói", "Receiving the bundle";
    StageChecking => "Đang kiểm tra gói", "Checking the bundle";
    StageMatching => "Đang đối chiếu người bệnh và tham chiếu", "Matching patients and references";
    StageWriting => "Đang ghi các mục", "Writing entries";
    StageRecording => "Đang ghi nguồn gốc và nhật ký", "Recording provenance and audit";
    StageExporting => "Đang xuất bảng", "Exporting table";
    StageSigning => "Đang ký bản kê", "Signing the manifest";
    FactRows => "Số dòng", "Rows";
    FactFiles => "Số tệp", "Files";
    FactDirectory => "Thư mục", "Directory";
    FactSha256 => "SHA-256 của bản kê", "Manifest SHA-256";
    FactEntries => "Số mục", "Entries";
    FactCreated => "Tạo mới", "Created";
    FactUpdated => "Cập nhật", "Updated";
    FactUnchanged => "Không đổi", "Unchanged";
    FactFailed => "Lỗi", "Failed";
    ClientsHeading => "Hệ thống gửi hồ sơ (FHIR)", "Systems that send records (FHIR)";
    ClientsIntro => "Hệ thống thông tin của cơ sở (HIS, LIS) lấy mã truy cập bằng thông tin xác thực máy (OAuth2 client credentials) rồi gửi gói FHIR transaction hoặc batch. Khóa bí mật chỉ hiện một lần khi cấp; thu hồi có hiệu lực ngay.", "The facility's information system (HIS, LIS) gets an access token with its machine credentials (OAuth2 client credentials), then sends FHIR transaction or batch bundles. The secret is shown once, when issued; revoking takes effect at once.";
    ClientsTokenUrl => "Địa chỉ lấy mã truy cập", "Token endpoint";
    ClientsImportUrl => "Địa chỉ gửi gói FHIR (POST)", "Where bundles are sent (POST)";
    ClientsNone => "Chưa cấp cho hệ thống nào.", "No system has credentials yet.";
    ClientName => "Tên hệ thống", "System name";
    ClientIssue => "Cấp thông tin xác thực", "Issue credentials";
    ClientIssued => "Đã cấp thông tin xác thực cho", "Credentials issued to";
    ClientSecretOnce => "Sao chép khóa bí mật vào hệ thống ngay: nó chỉ hiện một lần.", "Copy the secret into the system now: it is shown only once.";
    ClientRevoked => "Đã thu hồi. Các mã truy cập của hệ thống này ngừng hoạt động ngay.", "Revoked. This system's access tokens stop working at once.";
    ClientLastUsed => "Dùng gần nhất", "Last used";

    ApiTokensTitle => "Truy cập qua API (FHIR)", "API access (FHIR)";
    ApiTokensIntro => "Cho một ứng dụng (ví dụ ứng dụng sức khỏe trên điện thoại) đọc các phần hồ sơ bạn chọn qua API FHIR, thay mặt bạn, trong thời hạn bạn đặt. Mã chỉ hiện một lần; bạn có thể thu hồi bất cứ lúc nào. Mọi lần đọc đều vào nhật ký truy cập.", "Let an app (for example a health app on your phone) read the parts of the record you choose through the FHIR API, on your behalf, for as long as you set. The token is shown once; you can revoke it at any time. Every read is in the access log.";
    ApiTokensNone => "Chưa có mã truy cập API nào.", "No API tokens.";
    ApiTokenName => "Tên ứng dụng", "App name";
    ApiTokenDays => "Hiệu lực (ngày, tối đa 90)", "Valid for (days, at most 90)";
    ApiTokenCreate => "Tạo mã truy cập API", "Create API token";
    ApiTokenRevoke => "Thu hồi", "Revoke";
    ApiTokenExpires => "Hết hạn", "Expires";
    ApiTokenShownOnce => "Sao chép mã này vào ứng dụng ngay: mã chỉ hiện một lần.", "Copy this token into the app now: it is shown only once.";
    ActionApiTokenCreate => "Tạo mã truy cập API", "API token created";
    ActionApiTokenRevoke => "Thu hồi mã truy cập API", "API token revoked";
    ReasonOutsideTokenScope => "Mã truy cập API không bao gồm phần này", "The API token does not cover this part";
    DownloadRecord => "Tải toàn bộ hồ sơ của tôi", "Download my whole record";
    DownloadRecordNote => "(tệp FHIR R4 JSON, đọc được bằng các ứng dụng y tế khác)", "(a FHIR R4 JSON file other health apps can read)";
    FedTitle => "Đăng nhập qua nhà cung cấp định danh", "Sign in through an identity provider";
    FedStateInvalid => "Liên kết đăng nhập này không hợp lệ, đã hết hạn hoặc đã được dùng. Vui lòng bắt đầu lại từ trang đăng nhập. Chưa có gì được tạo.", "This sign-in link is not valid, has expired or was already used. Please start again from the sign-in page. Nothing was created.";
    FedProviderDenied => "Nhà cung cấp định danh không hoàn tất đăng nhập (bạn đã hủy hoặc không được phép).", "The identity provider did not complete the sign-in (you cancelled, or were not allowed).";
    FedUnknownProvider => "Chưa cấu hình nhà cung cấp định danh này.", "This identity provider is not configured.";
    FedProviderUnavailable => "Không liên lạc được với nhà cung cấp định danh. Vui lòng thử lại sau.", "The identity provider cannot be reached. Please try again later.";
    FedTokenInvalid => "Thông tin đăng nhập từ nhà cung cấp định danh không vượt qua kiểm tra, nên đăng nhập bị từ chối. Chưa có gì được tạo.", "The sign-in credentials from the identity provider failed verification, so the sign-in was refused. Nothing was created.";
    FedUnknownSubject => "Tài khoản của bạn tại nhà cung cấp định danh của cơ sở chưa được liên kết với tài khoản bác sĩ nào trên hoso, nên chưa có gì được tạo. Hãy gửi mã định danh dưới đây cho quản trị viên để được liên kết.", "Your account at your facility's identity provider is not linked to any clinician account in hoso, so nothing was created. Give your administrator the identifier below to be linked.";
    FedSubjectLabel => "Mã định danh tại nhà cung cấp", "Identifier at the provider";
    FedSuspended => "Tài khoản của bạn đang bị tạm khóa.", "Your account is suspended.";
    FedClaimMissing => "Nhà cung cấp định danh không gửi số định danh cá nhân hợp lệ (12 chữ số).", "The identity provider did not send a valid personal identification number (12 digits).";
    FedNoRecord => "Không có hồ sơ sức khỏe nào mang số định danh của bạn. Hãy liên hệ cơ sở y tế nơi bạn khám.", "No health record carries your identification number. Please contact the facility where you are treated.";
    FedAlreadyEnrolled => "Hồ sơ mang số định danh của bạn đã được đăng ký. Nếu không phải bạn đăng ký, hãy báo ngay cho quản trị viên.", "The record with your identification number is already enrolled. If you did not enrol it, tell an administrator at once.";
    FedContinue => "Tiếp tục", "Continue";
    FedBackToSignIn => "Quay lại trang đăng nhập", "Back to sign-in";
    FedHeading => "Bác sĩ: đăng nhập qua cơ sở", "Clinicians: sign in through your facility";
    FedSignInWith => "Đăng nhập qua", "Sign in with";
    ProofHeading => "Hoặc xác minh danh tính", "Or verify your identity";
    ProofIntro => "Không có mã đăng ký? Xác minh danh tính qua ứng dụng định danh quốc gia, rồi tạo khóa truy cập.", "No enrolment code? Verify your identity with the national identity app, then create a passkey.";
    ProofButton => "Xác minh qua", "Verify with";
    ProofedNotice => "Danh tính của bạn đã được xác minh. Tạo khóa truy cập để hoàn tất đăng ký (trong vòng 10 phút).", "Your identity is verified. Create a passkey to finish enrolling (within 10 minutes).";
    ProviderHeading => "Đăng nhập qua nhà cung cấp định danh (OpenID Connect)", "Sign-in through an identity provider (OpenID Connect)";
    ProviderIssuer => "Địa chỉ nhà cung cấp (issuer)", "Provider address (issuer)";
    ProviderClientId => "Mã ứng dụng (client ID)", "Client ID";
    ProviderClientSecret => "Khóa bí mật ứng dụng (client secret)", "Client secret";
    ProviderRedirect => "Địa chỉ chuyển hướng cần đăng ký tại nhà cung cấp", "Redirect URI to register at the provider";
    ProviderSave => "Lưu nhà cung cấp", "Save provider";
    ProviderRemove => "Gỡ nhà cung cấp", "Remove provider";
    ProviderNone => "Chưa cấu hình: bác sĩ của cơ sở này đăng nhập bằng khóa truy cập.", "Not configured: this facility's clinicians sign in with passkeys.";
    ProviderSaved => "Đã lưu nhà cung cấp định danh.", "Identity provider saved.";
    LinksHeading => "Liên kết đăng nhập qua cơ sở", "Facility sign-in links";
    LinkSubject => "Mã định danh tại nhà cung cấp (subject)", "Identifier at the provider (subject)";
    LinkAdd => "Liên kết", "Link";
    LinkRemove => "Gỡ liên kết", "Unlink";
    LinksNone => "Chưa có liên kết.", "No links.";
    LinkNoProvider => "Cơ sở của bác sĩ này chưa cấu hình nhà cung cấp định danh.", "This clinician's facility has no identity provider.";
    ErrReauthRequired => "Hãy xác nhận lại bằng khóa truy cập (nút phía trên) rồi thử lại.", "Please confirm with your passkey (button above), then try again.";
    ErrNotAdministrator => "Trang này chỉ dành cho quản trị viên. Lượt truy cập này đã được ghi lại.", "This page is for administrators only. This attempt has been logged.";
    ErrTextTooShort => "Hãy ghi rõ hơn (ít nhất 5 ký tự).", "Please say a little more (at least 5 characters).";
    ErrTextTooLong => "Nội dung quá dài.", "That text is too long.";
    ErrUnknownTarget => "Không tìm thấy mục này, hoặc nó đã được xử lý.", "That item was not found, or has already been dealt with.";
    ErrNoEnrolableRecord => "Không có hồ sơ nào với số CCCD này chưa được đăng ký.", "No record with this citizen ID is waiting to be enrolled.";
    ErrNotApplicable => "Thao tác này không áp dụng cho tài khoản này lúc này.", "That action does not apply to this account right now.";
    AdminAttention => "Cần xử lý", "Needs attention";
    AdminPendingReviews => "Truy cập khẩn cấp chờ xem xét", "Break-glass accesses awaiting review";
    AdminOpenCodes => "Mã đăng ký chưa dùng", "Unused enrolment codes";
    AdminSuspendedAccounts => "Tài khoản đang bị tạm khóa", "Suspended accounts";
    AdminConfirmedUntil => "Đã xác nhận bằng khóa truy cập, hiệu lực đến", "Confirmed with your passkey until";
    AdminNotConfirmed => "Chưa xác nhận bằng khóa truy cập trong 5 phút qua.", "Not confirmed with a passkey in the last 5 minutes.";
    AdminChainTitle => "Tính toàn vẹn của nhật ký", "Integrity of the audit log";
    AdminChainIntact => "Chuỗi nhật ký nguyên vẹn:", "The audit chain is intact:";
    AdminChainEntries => "mục", "entries";
    AdminChainCheckpoints => "điểm kiểm tra có chữ ký số", "signed checkpoints";
    AdminChainBroken => "Chuỗi nhật ký bị hỏng:", "The audit chain is broken:";
    AdminSearchName => "Tên", "Name";
    AdminRole => "Vai trò", "Role";
    AdminFacility => "Cơ sở y tế", "Facility";
    AdminFullName => "Họ và tên", "Full name";
    AdminSessionsCount => "Phiên đăng nhập", "Sessions";
    AdminNobodyFound => "Không tìm thấy ai.", "Nobody found.";
    AdminNewClinician => "Thêm bác sĩ", "Add a clinician";
    AdminCreate => "Tạo", "Create";
    AdminCodeIssued => "Mã đăng ký cho", "Enrolment code for";
    AdminCodeValidUntil => "Hiệu lực đến", "Valid until";
    AdminCodeShownOnce => "Mã chỉ hiện một lần: hãy trao tận tay người đó.", "The code is shown only once: hand it to the person directly.";
    AdminPersonTitle => "Người dùng", "Person";
    AdminSuspendedAt => "Tạm khóa lúc", "Suspended at";
    AdminReason => "Lý do", "Reason";
    AdminSuspendReason => "Lý do tạm khóa", "Reason for suspension";
    AdminSuspendNote => "Mọi phiên đăng nhập của người này kết thúc ngay; mọi quyền được chia sẻ cho họ ngừng hiệu lực trong thời gian bị khóa.", "Every session of this person ends at once; every grant to them stops working while suspended.";
    AdminSuspend => "Tạm khóa tài khoản", "Suspend account";
    AdminSuspended => "Đã tạm khóa tài khoản.", "The account is suspended.";
    AdminReinstateNote => "Khôi phục chỉ làm các quyền còn hạn có hiệu lực trở lại; quyền đã hết hạn vẫn hết hạn.", "Reinstating restores only grants still valid; expired grants stay expired.";
    AdminReinstate => "Khôi phục tài khoản", "Reinstate account";
    AdminReinstated => "Đã khôi phục tài khoản.", "The account is reinstated.";
    AdminSessionsTitle => "Phiên đăng nhập đang hoạt động", "Active sessions";
    AdminNoSessions => "Không có phiên nào đang hoạt động.", "No active sessions.";
    AdminEndAllSessions => "Đăng xuất mọi thiết bị của người này", "Sign this person out everywhere";
    AdminHeldGrants => "Quyền đang được chia sẻ", "Grants held";
    AdminNoHeldGrants => "Không có quyền nào đang hiệu lực.", "No grant is in effect.";
    AdminPatientId => "Mã hồ sơ", "Record id";
    AdminRevokeAllReason => "Lý do thu hồi tất cả (người bệnh sẽ đọc được)", "Reason for revoking all (patients will read it)";
    AdminRevokeAll => "Thu hồi tất cả", "Revoke all";
    AdminRevoked => "Đã thu hồi. Người bệnh sẽ thấy lý do trong nhật ký truy cập của họ.", "Revoked. Patients will see the reason in their access log.";
    AdminStaffCode => "Mã đăng ký khóa truy cập", "Passkey enrolment code";
    AdminStaffCodeNote => "Cấp một mã mới, gắn với số CCCD người này sẽ nhập, khi họ cần đăng ký khóa truy cập (ví dụ mất thiết bị).", "Issue a new code, bound to the citizen ID this person will type, when they need to register a passkey (e.g. a lost device).";
    AdminIssueCode => "Cấp mã", "Issue code";
    AdminNewFacility => "Thêm cơ sở y tế", "Add a facility";
    AdminFacilityName => "Tên cơ sở", "Facility name";
    AdminProvinceCode => "Mã tỉnh (3 số)", "Province code (3 digits)";
    AdminFacilityCreated => "Đã thêm cơ sở y tế.", "The facility is added.";
    AdminClinicianCount => "Số bác sĩ", "Clinicians";
    AdminClinicians => "Bác sĩ", "Clinicians";
    AdminCitizenCode => "Mã đăng ký cho người dân", "Enrolment code for a citizen";
    AdminCitizenCodeNote => "Nhập số CCCD của một hồ sơ chưa được đăng ký. Người dân dùng mã cùng số CCCD để tạo khóa truy cập.", "Enter the citizen ID of a record not yet enrolled. The citizen uses the code with their citizen ID to create a passkey.";
    AdminCodeCancelled => "Đã hủy mã.", "The code is cancelled.";
    AdminNoOpenCodes => "Không có mã nào chưa dùng.", "No unused codes.";
    AdminStaff => "Nhân viên", "Staff";
    AdminIssuedAt => "Cấp lúc", "Issued";
    AdminExpiresAt => "Hết hạn", "Expires";
    AdminCancelCode => "Hủy mã", "Cancel code";
    AdminReviewsIntro => "Mỗi lần bác sĩ mở hồ sơ khẩn cấp cần được xem xét: lý do, các lượt xem đã thực hiện, và kết luận. Người bệnh sẽ thấy kết luận và ghi chú.", "Every emergency opening of a record is reviewed: the reason, the reads made, and a conclusion. The patient sees the conclusion and the note.";
    AdminReviewSaved => "Đã lưu kết luận. Người bệnh sẽ thấy trong nhật ký của họ.", "The review is saved. The patient will see it in their log.";
    AdminQueueEmpty => "Không có truy cập khẩn cấp nào chờ xem xét.", "No break-glass access is waiting for review.";
    AdminRecentlyReviewed => "Đã xem xét gần đây", "Recently reviewed";
    AdminReviewNote => "Ghi chú xem xét", "Review note";
    AdminReadsUnder => "Các lượt xem trong lần truy cập này", "Reads made under it";
    AdminReviewOutcome => "Kết luận", "Conclusion";
    AdminSaveReview => "Lưu kết luận", "Save review";
    AdminPatientFilter => "Hồ sơ (mã hồ sơ hoặc CCCD)", "Record (record id or citizen ID)";
    AdminActorFilter => "Người thực hiện (mã tài khoản)", "Actor (account id)";
    AdminFacilityFilter => "Cơ sở (mã cơ sở)", "Facility (facility id)";
    AdminAnyOutcome => "Mọi kết quả", "Any outcome";
    AdminExportCsv => "Tải xuống CSV", "Download CSV";
    StateSuspended => "Tạm khóa", "Suspended";
    NavAdmin => "Quản trị", "Administration";
    ActionReview => "Xem xét truy cập khẩn cấp", "Emergency access reviewed";
    CrossSiteTitle => "Bạn đến từ một trang khác", "You came from another site";
    CrossSiteMessage => "Một trang web khác đã mở liên kết này. Để bảo vệ hồ sơ của bạn, cổng không mở trang khi chưa được bạn xác nhận.", "Another website opened this link. To protect your record, the portal does not open the page until you confirm.";
    CrossSiteContinue => "Tiếp tục đến trang này", "Continue to this page";
}

impl Key {
    pub fn for_category(code: &str) -> Key {
        match code {
            "administrative" => Key::CatAdministrative,
            "allergies" => Key::CatAllergies,
            "conditions" => Key::CatConditions,
            "medications" => Key::CatMedications,
            "immunizations" => Key::CatImmunizations,
            "lab_results" => Key::CatLabResults,
            "visits" => Key::CatVisits,
            "documents" => Key::CatDocuments,
            "billing" => Key::CatBilling,
            "access_history" => Key::CatAccessHistory,
            _ => Key::CatAll,
        }
    }

    pub fn for_purpose(code: &str) -> Key {
        match code {
            "insurance_assessment" => Key::PurposeInsurance,
            "research" => Key::PurposeResearch,
            _ => Key::PurposeTreatment,
        }
    }

    pub fn for_deny_reason(code: &str) -> Key {
        match code {
            "category_not_shared" => Key::ReasonCategoryNotShared,
            "no_grant" => Key::ReasonNoGrant,
            "purpose_not_granted" => Key::ReasonPurposeNotGranted,
            "grant_not_yet_started" => Key::ReasonGrantNotYetStarted,
            "grant_expired" => Key::ReasonGrantExpired,
            "grant_revoked" => Key::ReasonGrantRevoked,
            "break_glass_expired" => Key::ReasonBreakGlassExpired,
            "account_suspended" => Key::ReasonAccountSuspended,
            "outside_token_scope" => Key::ReasonOutsideTokenScope,
            "guardianship_ended" => Key::ReasonGuardianshipEnded,
            "child_came_of_age" => Key::ReasonChildCameOfAge,
            "helper_not_accepted" => Key::ReasonHelperNotAccepted,
            "helper_ended" => Key::ReasonHelperEnded,
            "helper_expired" => Key::ReasonHelperExpired,
            "outside_helper_scope" => Key::ReasonOutsideHelperScope,
            _ => Key::ReasonOther,
        }
    }

    pub fn for_grant_state(code: &str) -> Key {
        match code {
            "active" => Key::StateActive,
            "not_yet_started" => Key::StateNotYetStarted,
            "expired" => Key::StateExpired,
            _ => Key::StateRevoked,
        }
    }

    pub fn for_basis(code: &str) -> Option<Key> {
        match code {
            "self" => Some(Key::BasisSelf),
            "grant" => Some(Key::BasisGrant),
            "break_glass" => Some(Key::BasisBreakGlass),
            "guardian" => Some(Key::BasisGuardian),
            "helper" => Some(Key::BasisHelper),
            _ => None,
        }
    }

    pub fn for_role(code: &str) -> Key {
        match code {
            "clinician" => Key::RoleClinician,
            "administrator" => Key::RoleAdministrator,
            "facility_system" => Key::RoleFacilitySystem,
            _ => Key::RoleCitizen,
        }
    }

    pub fn for_action(code: &str) -> Key {
        match code {
            "search" | "patient_lookup" => Key::ActionSearch,
            "grant_create" => Key::ActionGrantCreate,
            "grant_revoke" => Key::ActionGrantRevoke,
            "break_glass_declare" => Key::ActionBreakGlass,
            "enrol" => Key::ActionEnrol,
            "break_glass_review" => Key::ActionReview,
            "audit_search" => Key::ActionAuditSearch,
            "audit_export" => Key::ActionAuditExport,
            "enrolment_code_issue" => Key::ActionCodeIssue,
            "enrolment_code_cancel" => Key::ActionCodeCancel,
            "admin_access" => Key::ActionAdminAccess,
            "reauth" => Key::ActionReauth,
            "account_suspend" => Key::ActionSuspend,
            "account_reinstate" => Key::ActionReinstate,
            "sessions_end" => Key::ActionSessionsEnd,
            "facility_create" => Key::ActionFacilityCreate,
            "clinician_create" => Key::ActionClinicianCreate,
            "sign_in" => Key::ActionSignIn,
            "sign_out" => Key::ActionSignOut,
            "oidc_sign_in" => Key::ActionFederatedSignIn,
            "api_token_create" => Key::ActionApiTokenCreate,
            "api_token_revoke" => Key::ActionApiTokenRevoke,
            "identity_proof" => Key::ActionIdentityProof,
            "provider_set" => Key::ActionProviderSet,
            "provider_remove" => Key::ActionProviderRemove,
            "link_create" => Key::ActionLinkCreate,
            "link_remove" => Key::ActionLinkRemove,
            "link_approve" => Key::ActionLinkApprove,
            "enrolment_code_approve" => Key::ActionCodeApprove,
            "staff_confirm" => Key::ActionStaffConfirm,
            "import" => Key::ActionImport,
            "facility_client_issue" => Key::ActionFacilityClientIssue,
            "facility_client_revoke" => Key::ActionFacilityClientRevoke,
            "export_start" => Key::ActionExportStart,
            "export_done" => Key::ActionExportDone,
            "export_failed" => Key::ActionExportFailed,
            "guardianship_establish" => Key::ActionGuardianshipEstablish,
            "guardianship_end" => Key::ActionGuardianshipEnd,
            "helper_nominate" => Key::ActionHelperNominate,
            "helper_accept" => Key::ActionHelperAccept,
            "helper_end" => Key::ActionHelperEnd,
            _ => Key::ActionRead,
        }
    }

    /// How a passkey was added (`PasskeyInfo::added_via`).
    pub fn for_added_via(code: &str) -> Key {
        match code {
            "enrolment" => Key::AddedViaEnrolment,
            "enrolment_code" => Key::AddedViaEnrolmentCode,
            "signed_in" => Key::AddedViaSignedIn,
            _ => Key::AddedViaUnrecorded,
        }
    }

    pub fn for_stage(code: &str) -> Key {
        match code {
            "receiving" => Key::StageReceiving,
            "checking" => Key::StageChecking,
            "matching" => Key::StageMatching,
            "writing" => Key::StageWriting,
            "recording" => Key::StageRecording,
            "exporting" => Key::StageExporting,
            "signing" => Key::StageSigning,
            _ => Key::StageStarting,
        }
    }

    /// A fact of a finished transfer; `None` for a code this build does not know.
    pub fn for_fact(code: &str) -> Option<Key> {
        Some(match code {
            "rows" => Key::FactRows,
            "files" => Key::FactFiles,
            "directory" => Key::FactDirectory,
            "sha256" => Key::FactSha256,
            "entries" => Key::FactEntries,
            "created" => Key::FactCreated,
            "updated" => Key::FactUpdated,
            "unchanged" => Key::FactUnchanged,
            "failed" => Key::FactFailed,
            _ => return None,
        })
    }

    pub fn for_antigen(code: &str) -> Key {
        match code {
            "tuberculosis" => Key::AntigenTuberculosis,
            "hepatitis-b" => Key::AntigenHepatitisB,
            "diphtheria" => Key::AntigenDiphtheria,
            "tetanus" => Key::AntigenTetanus,
            "pertussis" => Key::AntigenPertussis,
            "hib" => Key::AntigenHib,
            "polio" => Key::AntigenPolio,
            "measles" => Key::AntigenMeasles,
            "rubella" => Key::AntigenRubella,
            "japanese-encephalitis" => Key::AntigenJapaneseEncephalitis,
            "influenza" => Key::AntigenInfluenza,
            "tetanus-booster" => Key::AntigenTetanusBooster,
            _ => Key::AntigenOther,
        }
    }

    /// The word for a verification qualifier (`unconfirmed`, `provisional`, …), if any.
    pub fn for_qualifier(code: &str) -> Option<Key> {
        match code {
            "unconfirmed" => Some(Key::QualifierUnconfirmed),
            "provisional" => Some(Key::QualifierProvisional),
            "differential" => Some(Key::QualifierDifferential),
            "refuted" => Some(Key::QualifierRefuted),
            _ => None,
        }
    }

    pub fn for_schedule_state(code: &str) -> Key {
        match code {
            "complete" => Key::StateComplete,
            "due" => Key::StateDue,
            "overdue" => Key::StateOverdue,
            "recommended" => Key::StateRecommended,
            _ => Key::StateUpcoming,
        }
    }

    pub fn for_review(code: &str) -> Key {
        match code {
            "justified" => Key::ReviewJustified,
            "unjustified" => Key::ReviewUnjustified,
            _ => Key::ReviewPending,
        }
    }

    pub fn for_invalid(input: crate::error::InvalidInput) -> Key {
        use crate::error::InvalidInput as I;
        match input {
            I::ExpiryBeforeStart => Key::ErrExpiryBeforeStart,
            I::ExpiryTooFar => Key::ErrExpiryTooFar,
            I::StartInPast => Key::ErrStartInPast,
            I::BadDate => Key::ErrBadDate,
            I::UnknownGrantee => Key::ErrUnknownGrantee,
            I::PurposeNotAllowed => Key::ErrPurposeNotAllowed,
            I::NoCategories => Key::ErrNoCategories,
            I::UnknownCategory => Key::ErrUnknownCategory,
            I::ReasonTooShort => Key::ErrReasonTooShort,
            I::UnknownGrant => Key::ErrUnknownGrant,
            I::InvalidIdentifier => Key::ErrInvalidIdentifier,
            I::UnknownCardSelection => Key::ErrUnknownCardSelection,
            I::CardTooLarge => Key::ErrCardTooLarge,
            I::TextTooShort => Key::ErrTextTooShort,
            I::TextTooLong => Key::ErrTextTooLong,
            I::UnknownTarget => Key::ErrUnknownTarget,
            I::NoEnrolableRecord => Key::ErrNoEnrolableRecord,
            I::NotApplicable => Key::ErrNotApplicable,
            I::BadIssuer => Key::ErrBadIssuer,
            I::AlreadyLinked => Key::ErrAlreadyLinked,
            I::AlreadyRunning => Key::ErrAlreadyRunning,
            I::SecondAdministratorRequired => Key::ErrSecondAdministratorRequired,
            I::IdentityMismatch => Key::ErrIdentityMismatch,
            I::NothingToApprove => Key::ErrNothingToApprove,
            I::NotAChild => Key::ErrNotAChild,
            I::GuardianIsAChild => Key::ErrGuardianIsAChild,
            I::HelperIsAChild => Key::ErrHelperIsAChild,
            I::HelperDuration => Key::ErrHelperDuration,
            I::ChildConsentNeeded => Key::ErrChildConsentNeeded,
            I::UnknownGuardianBasis => Key::ErrUnknownGuardianBasis,
        }
    }

    pub fn for_account_status(code: &str) -> Key {
        match code {
            "suspended" => Key::StateSuspended,
            _ => Key::StateActive,
        }
    }

    pub fn for_card_outcome(outcome: &str) -> Key {
        match outcome {
            "valid" => Key::OutcomeValid,
            "bad_signature" => Key::OutcomeBadSignature,
            "unknown_issuer" => Key::OutcomeUnknownIssuer,
            "expired" => Key::OutcomeExpired,
            "not_yet_valid" => Key::OutcomeNotYetValid,
            "multi_part" => Key::OutcomeMultiPart,
            _ => Key::OutcomeMalformed,
        }
    }
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
        assert_eq!((Lang::Vi.date("1948"), Lang::En.date("1948")), ("1948".to_string(), "1948".to_string()));
        assert_eq!(Lang::Vi.date("1948-07"), "07/1948");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn instants_are_shown_in_the_readers_zone() {
        let berlin = Zone::named("Europe/Berlin").unwrap();
        // 23:30 UTC is 00:30 the next day in Berlin in winter, and 01:30 in summer.
        assert_eq!(Lang::Vi.date_time_in("2026-12-05T23:30:00Z", &berlin), "06/12/2026 00:30");
        assert_eq!(Lang::En.date_time_in("2026-07-05T23:30:00Z", &berlin), "2026-07-06 01:30");
        assert_eq!(Lang::Vi.date_in("2026-12-05T22:59:00Z", &berlin), "05/12/2026");
        // Plain dates are not moved by any zone.
        assert_eq!(Lang::Vi.date_in("2026-12-05", &Zone::named("Pacific/Auckland").unwrap()), "05/12/2026");
    }

    #[test]
    fn instants_are_shown_in_vietnams_time_either_side_of_midnight() {
        // 23:30 and 00:30 in Hà Nội.
        assert_eq!(Lang::Vi.date_time("2026-12-05T16:30:00Z"), "05/12/2026 23:30");
        assert_eq!(Lang::Vi.date_time("2026-12-05T17:30:00Z"), "06/12/2026 00:30");
        assert_eq!(Lang::En.date_time("2026-12-05T17:30:00Z"), "2026-12-06 00:30");
        // A grant that starts at local midnight tomorrow shows tomorrow's date.
        assert_eq!(Lang::Vi.date("2026-12-05T17:00:00Z"), "06/12/2026");
        assert_eq!(Lang::Vi.date("2026-12-05T16:59:59Z"), "05/12/2026");
        // Plain and partial dates are not moved.
        assert_eq!((Lang::Vi.date("2026-12-05"), Lang::Vi.date_time("2026-12-05")), ("05/12/2026".to_string(), "05/12/2026".to_string()));
        // An instant with its own offset is the same moment.
        assert_eq!(Lang::Vi.date_time("2026-12-06T00:30:00+07:00"), "06/12/2026 00:30");
    }
}
