//! "Family": the children's records the reader keeps as their parent or legal guardian, and who
//! keeps (or kept) the reader's own. Links open the child's pages with `?for=` (plain links and
//! forms: it works with JavaScript off).

use leptos::prelude::*;

use crate::api::{AcceptHelper, EndGuardianship, EndHelper, NominateHelper};
use crate::components::acting_for::with_for;
use crate::components::error_notice::ErrorNotice;
use crate::dto::{Family, FamilyLink, GuardianBasis, HelperLink, HelperState, LinkState};
use crate::error::AppError;
use crate::i18n::{use_lang, use_t, Key};

/// The words for a link's basis.
pub fn basis_key(basis: GuardianBasis) -> Key {
    match basis {
        GuardianBasis::BirthRegistration => Key::BasisBirthRegistration,
        GuardianBasis::GuardianshipDecision => Key::BasisGuardianshipDecision,
        GuardianBasis::NationalIdentity => Key::BasisNationalIdentity,
    }
}

/// The words for where a link stands.
pub fn state_key(state: LinkState) -> Key {
    match state {
        LinkState::Live => Key::LinkLive,
        LinkState::CameOfAge => Key::LinkCameOfAge,
        LinkState::Ended => Key::LinkEnded,
    }
}

#[component]
pub fn FamilyPage() -> impl IntoView {
    let t = use_t();
    let end = ServerAction::<EndGuardianship>::new();
    let helpers = HelperActions::new();
    let family = Resource::new(
        move || (end.version().get(), helpers.nominate.version().get(), helpers.accept.version().get(), helpers.end.version().get()),
        |_| crate::api::family(),
    );
    view! {
        <h1>{t(Key::FamilyTitle)}</h1>
        <p>{t(Key::FamilyIntro)}</p>
        {move || match end.value().get() {
            Some(Ok(())) => Some(view! { <p class="notice notice-ok" role="status">{t(Key::LinkEndedNote)}</p> }.into_any()),
            Some(Err(AppError::Invalid(input))) => Some(view! { <p class="notice notice-error" role="alert">{t(Key::for_invalid(input))}</p> }.into_any()),
            Some(Err(error)) => Some(view! { <ErrorNotice error/> }.into_any()),
            None => None,
        }}
        <HelperOutcomes helpers/>
        <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match family.await {
                    Ok(data) => view! { <FamilyBody data end helpers/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FamilyBody(data: Family, end: ServerAction<EndGuardianship>, helpers: HelperActions) -> impl IntoView {
    let t = use_t();
    let Family { children, guardians, helping, helpers: chosen } = data;
    view! {
        <section class="card" aria-labelledby="records-you-keep">
            <h2 id="records-you-keep">{t(Key::RecordsYouKeep)}</h2>
            {if children.is_empty() {
                view! { <p>{t(Key::NoChildren)}</p> }.into_any()
            } else {
                view! { <ul class="plain-list">{children.into_iter().map(|link| view! { <ChildLink link/> }).collect_view()}</ul> }.into_any()
            }}
            <p class="hint">{t(Key::HowToLinkChild)}</p>
        </section>
        <section class="card" aria-labelledby="who-keeps-yours">
            <h2 id="who-keeps-yours">{t(Key::WhoKeepsYours)}</h2>
            {if guardians.is_empty() {
                view! { <p>{t(Key::NoGuardians)}</p> }.into_any()
            } else {
                view! { <ul class="plain-list">{guardians.into_iter().map(|link| view! { <GuardianLink link end/> }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <HelpersSection helping chosen helpers/>
    }
}

/// The facts every link shows: on what papers, made by whom and when, and where it stands.
#[component]
fn LinkFacts(link: FamilyLink) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    view! {
        <dl class="facts">
            <div><dt>{t(Key::LinkBasis)}</dt><dd>{t(basis_key(link.basis))}" · "{link.document_ref}</dd></div>
            <div><dt>{t(Key::LinkMadeBy)}</dt><dd>{link.established_by.unwrap_or_else(|| t(Key::LinkMadeByOperator).to_string())}" · "{lang.date(&link.since)}</dd></div>
            <div><dt>{t(Key::LinkState)}</dt><dd data-testid="link-state">{t(state_key(link.state))}
                {link.ended_at.map(|at| format!(" · {}", lang.date(&at)))}
                {link.ended_by.map(|by| format!(" · {by}"))}
            </dd></div>
        </dl>
    }
}

#[component]
fn ChildLink(link: FamilyLink) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let id = link.child_patient_id.clone();
    let live = link.state == LinkState::Live;
    let heading = format!("child-{}", link.guardianship_id);
    let labelled_by = heading.clone();
    let age_note = match link.state {
        LinkState::Live if link.child_age >= 7 => Some(format!("{} {}", t(Key::ChildConsentsNote), lang.date(&link.consents_from_on))),
        _ => None,
    };
    view! {
        <li data-testid="family-child">
            <article aria-labelledby=labelled_by>
                <h3 id=heading>{link.child_name.clone()}" "<span class="muted">{format!("({} {} · {})", link.child_age, t(Key::YearsOld), lang.date(&link.child_birth_date))}</span></h3>
                <LinkFacts link=link.clone()/>
                {if live {
                    view! {
                        <p>{t(Key::GuardianUntil)}" "<strong>{lang.date(&link.comes_of_age_on)}</strong>" "{t(Key::GuardianUntilLaw)}</p>
                        {age_note.map(|note| view! { <p class="hint">{note}</p> })}
                        <ul class="nav-list">
                            <li><a href=with_for("/record", Some(&id))>{t(Key::NavOverview)}</a></li>
                            <li><a href=with_for("/record/vaccinations", Some(&id)) data-testid="child-vaccinations">{t(Key::NavVaccinations)}</a></li>
                            <li><a href=with_for("/record/vaccinations/card", Some(&id))>{t(Key::NavCard)}</a></li>
                            <li><a href=with_for("/record/visits", Some(&id))>{t(Key::NavVisits)}</a></li>
                            <li><a href=with_for("/record/sharing", Some(&id))>{t(Key::NavSharing)}</a></li>
                            <li><a href=with_for("/record/access-log", Some(&id))>{t(Key::NavAccessLog)}</a></li>
                        </ul>
                    }.into_any()
                } else {
                    view! { <p class="hint">{t(Key::LinkGivesNothing)}</p> }.into_any()
                }}
            </article>
        </li>
    }
}

#[component]
fn GuardianLink(link: FamilyLink, end: ServerAction<EndGuardianship>) -> impl IntoView {
    let t = use_t();
    let may_end = link.may_end;
    let id = link.guardianship_id.clone();
    let label = format!("{} {}", t(Key::EndLink), link.guardian_name);
    view! {
        <li data-testid="family-guardian">
            <p><strong>{link.guardian_name.clone()}</strong></p>
            <LinkFacts link=link.clone()/>
            {(link.state == LinkState::CameOfAge).then(|| view! { <p class="hint">{t(Key::YouDecideNow)}</p> })}
            {may_end.then(|| view! {
                <ActionForm action=end attr:class="inline-form">
                    <input type="hidden" name="guardianship_id" value=id/>
                    <button type="submit" class="button-danger" aria-label=label>{t(Key::EndLink)}</button>
                </ActionForm>
            })}
        </li>
    }
}

/// The three helper actions of the page (each a form that also works with JavaScript off).
#[derive(Clone, Copy)]
struct HelperActions {
    nominate: ServerAction<NominateHelper>,
    accept: ServerAction<AcceptHelper>,
    end: ServerAction<EndHelper>,
}

impl HelperActions {
    fn new() -> HelperActions {
        HelperActions { nominate: ServerAction::new(), accept: ServerAction::new(), end: ServerAction::new() }
    }
}

/// What the last helper action did: a confirmation, or the precise reason it was refused.
#[component]
fn HelperOutcomes(helpers: HelperActions) -> impl IntoView {
    let t = use_t();
    let outcome = move |result: Option<Result<(), AppError>>, done: Key| match result {
        Some(Ok(())) => Some(view! { <p class="notice notice-ok" role="status">{t(done)}</p> }.into_any()),
        Some(Err(AppError::Invalid(input))) => {
            Some(view! { <p class="notice notice-error" role="alert">{t(Key::for_invalid(input))}</p> }.into_any())
        }
        Some(Err(error)) => Some(view! { <ErrorNotice error/> }.into_any()),
        None => None,
    };
    view! {
        {move || outcome(helpers.nominate.value().get().map(|result| result.map(|_| ())), Key::HelperNominated)}
        {move || outcome(helpers.accept.value().get(), Key::HelperAccepted)}
        {move || outcome(helpers.end.value().get(), Key::HelperEndedNote)}
    }
}

/// The words for where a helper link stands.
pub fn helper_state_key(state: HelperState) -> Key {
    match state {
        HelperState::Nominated => Key::HelperNominatedState,
        HelperState::Live => Key::HelperLiveState,
        HelperState::Ended => Key::HelperEndedState,
        HelperState::Expired => Key::HelperExpiredState,
    }
}

/// The parts a person can let a helper see (`service::helpers::CHOOSABLE` on the server).
const HELPER_PARTS: [&str; 8] =
    ["allergies", "conditions", "medications", "immunizations", "lab_results", "visits", "documents", "access_history"];

#[component]
fn HelpersSection(helping: Vec<HelperLink>, chosen: Vec<HelperLink>, helpers: HelperActions) -> impl IntoView {
    let t = use_t();
    view! {
        <section class="card" aria-labelledby="people-you-help">
            <h2 id="people-you-help">{t(Key::PeopleYouHelp)}</h2>
            {if helping.is_empty() {
                view! { <p>{t(Key::NoOneToHelp)}</p> }.into_any()
            } else {
                view! { <ul class="plain-list">{helping.into_iter().map(|link| view! { <HelpingLink link helpers/> }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="your-helpers">
            <h2 id="your-helpers">{t(Key::YourHelpers)}</h2>
            <p>{t(Key::HelpersIntro)}</p>
            {if chosen.is_empty() {
                view! { <p>{t(Key::NoHelpers)}</p> }.into_any()
            } else {
                view! { <ul class="plain-list">{chosen.into_iter().map(|link| view! { <ChosenHelper link helpers/> }).collect_view()}</ul> }.into_any()
            }}
            <NominateForm helpers/>
        </section>
    }
}

/// What a helper link lets see, until when, and where it stands.
#[component]
fn HelperFacts(link: HelperLink) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let parts = link.categories.iter().map(|code| t(Key::for_category(code))).collect::<Vec<_>>().join(", ");
    view! {
        <dl class="facts">
            <div><dt>{t(Key::HelperParts)}</dt><dd data-testid="helper-parts">{parts}</dd></div>
            {link.manage_sharing.then(|| view! { <div><dt>{t(Key::NavSharing)}</dt><dd>{t(Key::HelperManagesSharing)}</dd></div> })}
            <div><dt>{t(Key::HelperUntil)}</dt><dd>{lang.date_time(&link.expires_at)}</dd></div>
            <div><dt>{t(Key::LinkState)}</dt><dd data-testid="helper-state">{t(helper_state_key(link.state))}
                {link.ended_at.map(|at| format!(" · {}", lang.date(&at)))}
                {link.ended_by.map(|by| format!(" · {by}"))}
            </dd></div>
        </dl>
    }
}

/// The end button, for either side of an open link.
#[component]
fn EndHelperForm(helper_id: String, name: String, helpers: HelperActions) -> impl IntoView {
    let t = use_t();
    let label = format!("{} {}", t(Key::EndHelper), name);
    view! {
        <ActionForm action=helpers.end attr:class="inline-form">
            <input type="hidden" name="helper_id" value=helper_id/>
            <button type="submit" class="button-danger" aria-label=label>{t(Key::EndHelper)}</button>
        </ActionForm>
    }
}

/// A person the reader helps (or was asked to): accept, open the chosen parts, or end.
#[component]
fn HelpingLink(link: HelperLink, helpers: HelperActions) -> impl IntoView {
    let t = use_t();
    let id = link.person_patient_id.clone();
    let open = matches!(link.state, HelperState::Nominated | HelperState::Live);
    let pages: Vec<(&str, Key)> = [
        (link.categories.iter().any(|c| c == "immunizations"), "/record/vaccinations", Key::NavVaccinations),
        (link.categories.iter().any(|c| c == "visits"), "/record/visits", Key::NavVisits),
        (link.categories.iter().any(|c| c == "access_history"), "/record/access-log", Key::NavAccessLog),
        (link.manage_sharing, "/record/sharing", Key::NavSharing),
    ]
    .into_iter()
    .filter(|(chosen, _, _)| *chosen)
    .map(|(_, path, key)| (path, key))
    .collect();
    let accept_label = format!("{} {}", t(Key::HelperAccept), link.person_name);
    let (accept_id, end_id, name) = (link.helper_id.clone(), link.helper_id.clone(), link.person_name.clone());
    view! {
        <li data-testid="helping">
            <p><strong>{link.person_name.clone()}</strong></p>
            <HelperFacts link=link.clone()/>
            {(link.state == HelperState::Nominated).then(|| view! {
                <ActionForm action=helpers.accept attr:class="inline-form">
                    <input type="hidden" name="helper_id" value=accept_id/>
                    <button type="submit" aria-label=accept_label>{t(Key::HelperAccept)}</button>
                </ActionForm>
            })}
            {(link.state == HelperState::Live).then(|| view! {
                <ul class="nav-list">
                    {pages.into_iter().map(|(path, key)| view! {
                        <li><a href=with_for(path, Some(&id)) data-testid="helping-page">{t(key)}</a></li>
                    }).collect_view()}
                </ul>
            })}
            {open.then(|| view! { <EndHelperForm helper_id=end_id name helpers/> })}
        </li>
    }
}

/// A helper the reader chose.
#[component]
fn ChosenHelper(link: HelperLink, helpers: HelperActions) -> impl IntoView {
    let open = matches!(link.state, HelperState::Nominated | HelperState::Live);
    view! {
        <li data-testid="helper">
            <p><strong>{link.helper_name.clone()}</strong></p>
            <HelperFacts link=link.clone()/>
            {open.then(|| view! { <EndHelperForm helper_id=link.helper_id.clone() name=link.helper_name.clone() helpers/> })}
        </li>
    }
}

/// Choose a helper: their CCCD and date of birth, the parts, and for how long.
#[component]
fn NominateForm(helpers: HelperActions) -> impl IntoView {
    let t = use_t();
    view! {
        <ActionForm action=helpers.nominate attr:aria-labelledby="nominate-helper">
            <h3 id="nominate-helper">{t(Key::NominateHelper)}</h3>
            <div class="field">
                <label for="helper-cccd">{t(Key::HelperCccd)}</label>
                <input type="text" id="helper-cccd" name="helper_cccd" inputmode="numeric" autocomplete="off" required/>
            </div>
            <div class="field">
                <label for="helper-birth-date">{t(Key::HelperBirthDate)}</label>
                <input type="date" id="helper-birth-date" name="helper_birth_date" required aria-describedby="helper-birth-date-hint"/>
                <p class="hint" id="helper-birth-date-hint">{t(Key::HelperBirthDateHint)}</p>
            </div>
            <fieldset>
                <legend>{t(Key::HelperParts)}</legend>
                {HELPER_PARTS.into_iter().enumerate().map(|(index, code)| {
                    let id = format!("helper-part-{code}");
                    view! {
                        <label class="choice" for=id.clone()>
                            <input type="checkbox" id=id.clone() name=format!("categories[{index}]") value=code/>
                            <span>{t(Key::for_category(code))}</span>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <label class="choice" for="helper-manage-sharing">
                <input type="checkbox" id="helper-manage-sharing" name="manage_sharing" value="on"/>
                <span>{t(Key::HelperManageSharing)}</span>
            </label>
            <div class="field">
                <label for="helper-days">{t(Key::HelperDays)}</label>
                <input type="number" id="helper-days" name="days" min="1" max="365" value="90" required/>
            </div>
            <button type="submit">{t(Key::NominateHelper)}</button>
        </ActionForm>
    }
}
