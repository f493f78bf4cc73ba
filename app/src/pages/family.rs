//! "Family": the children's records the reader keeps as their parent or legal guardian, and who
//! keeps (or kept) the reader's own. Links open the child's pages with `?for=` (plain links and
//! forms: it works with JavaScript off).

use leptos::prelude::*;

use crate::api::EndGuardianship;
use crate::components::acting_for::with_for;
use crate::components::error_notice::ErrorNotice;
use crate::dto::{Family, FamilyLink, GuardianBasis, LinkState};
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
    let family = Resource::new(move || end.version().get(), |_| crate::api::family());
    view! {
        <h1>{t(Key::FamilyTitle)}</h1>
        <p>{t(Key::FamilyIntro)}</p>
        {move || match end.value().get() {
            Some(Ok(())) => Some(view! { <p class="notice notice-ok" role="status">{t(Key::LinkEndedNote)}</p> }.into_any()),
            Some(Err(AppError::Invalid(input))) => Some(view! { <p class="notice notice-error" role="alert">{t(Key::for_invalid(input))}</p> }.into_any()),
            Some(Err(error)) => Some(view! { <ErrorNotice error/> }.into_any()),
            None => None,
        }}
        <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match family.await {
                    Ok(data) => view! { <FamilyBody data end/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FamilyBody(data: Family, end: ServerAction<EndGuardianship>) -> impl IntoView {
    let t = use_t();
    let Family { children, guardians } = data;
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
