//! People: search accounts, create clinicians; one person's status, sessions and held grants.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{outcome, when, AdminFrame, HeldGrants};
use crate::api::{
    AdminApproveLink, AdminConfirmStaff, AdminCreateClinician, AdminEndSessions, AdminIssueCode, AdminLinkSubject, AdminReinstate,
    AdminRevokeGrant, AdminRevokeHeld, AdminSuspend, AdminUnlink,
};
use crate::components::error_notice::ErrorNotice;
use crate::dto::{AdminPerson, AdminPersonDetail, IssuedCode};
use crate::error::AppError;
use crate::i18n::{use_lang, use_t, Key};

#[component]
pub fn PeoplePage() -> impl IntoView {
    let t = use_t();
    let query = use_query_map();
    let create = ServerAction::<AdminCreateClinician>::new();
    let filters = move || {
        let q = query.read();
        (q.get("term").unwrap_or_default(), q.get("role").unwrap_or_default())
    };
    let people =
        Resource::new(move || (filters(), create.version().get()), |((term, role), _)| crate::api::admin_people(Some(term), Some(role)));
    let facilities = Resource::new(|| (), |_| crate::api::admin_facilities());
    view! {
        <AdminFrame title=Key::AdminNavPeople/>
        <form method="get" action="/admin/people" class="card filters">
            <div class="field">
                <label for="term">{t(Key::AdminSearchName)}</label>
                <input type="search" id="term" name="term" value=move || filters().0/>
            </div>
            <div class="field">
                <label for="role">{t(Key::AdminRole)}</label>
                <select id="role" name="role">
                    <option value="">{t(Key::Everyone)}</option>
                    {[("clinician", Key::RoleClinician), ("citizen", Key::RoleCitizen), ("administrator", Key::RoleAdministrator)]
                        .into_iter()
                        .map(|(code, key)| view! { <option value=code selected=move || filters().1 == code>{t(key)}</option> })
                        .collect_view()}
                </select>
            </div>
            <button type="submit" class="button-primary">{t(Key::Search)}</button>
        </form>
        <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match people.await {
                    Ok(list) => view! { <PeopleTable list/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
        <section class="card" aria-labelledby="new-clinician">
            <h2 id="new-clinician">{t(Key::AdminNewClinician)}</h2>
            <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let facilities = facilities.await.unwrap_or_default();
                    view! {
                        <ActionForm action=create>
                            <div class="field">
                                <label for="facility_id">{t(Key::AdminFacility)}</label>
                                <select id="facility_id" name="facility_id" required>
                                    {facilities.into_iter().map(|f| view! { <option value=f.facility_id>{f.name}</option> }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="full_name">{t(Key::AdminFullName)}</label>
                                <input type="text" id="full_name" name="full_name" required minlength="2" maxlength="200"/>
                            </div>
                            <CccdField id="new-cccd"/>
                            <button type="submit" class="button-primary">{t(Key::AdminCreate)}</button>
                        </ActionForm>
                    }
                })}
            </Suspense>
            {move || issued(create.value().get())}
        </section>
    }
}

/// The CCCD a code is bound to (12 digits), as every code form asks for it.
#[component]
pub fn CccdField(id: &'static str) -> impl IntoView {
    let t = use_t();
    view! {
        <div class="field">
            <label for=id>{t(Key::CccdLabel)}</label>
            <input type="text" id=id name="cccd" required inputmode="numeric" pattern="[0-9]{12}" maxlength="12"/>
        </div>
    }
}

/// A code just issued (shown once), or why not.
pub fn issued(value: Option<Result<IssuedCode, AppError>>) -> Option<AnyView> {
    let t = use_t();
    let lang = use_lang();
    match value? {
        Ok(code) => Some(
            view! {
                <div class="notice notice-ok" role="status">
                    <p>{t(Key::AdminCodeIssued)}" "<strong>{code.name}</strong></p>
                    <p class="code-once" data-testid="issued-code">{code.code}</p>
                    <p>{t(Key::AdminCodeValidUntil)}" "{lang.date(&code.expires_at)}". "{t(Key::AdminCodeShownOnce)}</p>
                    {code.awaiting_approval.then(|| view! { <p data-testid="code-awaiting-approval">{t(Key::AdminCodeHeldNote)}</p> })}
                </div>
            }
            .into_any(),
        ),
        other => outcome(Some(other), Key::AdminCodeIssued),
    }
}

#[component]
fn PeopleTable(list: Vec<AdminPerson>) -> impl IntoView {
    let t = use_t();
    if list.is_empty() {
        return view! { <p>{t(Key::AdminNobodyFound)}</p> }.into_any();
    }
    view! {
        <div class="table-wrap"><table>
            <thead><tr>
                <th scope="col">{t(Key::AdminFullName)}</th>
                <th scope="col">{t(Key::AdminRole)}</th>
                <th scope="col">{t(Key::AdminFacility)}</th>
                <th scope="col">{t(Key::StateColumn)}</th>
                <th scope="col">{t(Key::AdminSessionsCount)}</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|person| view! {
                    <tr data-testid="person-row">
                        <td><a href=format!("/admin/people/{}", person.account_id)>{person.name}</a></td>
                        <td>{t(Key::for_role(&person.role))}</td>
                        <td>{person.facility.unwrap_or_default()}</td>
                        <td>{t(Key::for_account_status(&person.status))}</td>
                        <td>{person.sessions}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
    }
    .into_any()
}

#[component]
pub fn PersonPage() -> impl IntoView {
    let t = use_t();
    let params = use_params_map();
    let suspend = ServerAction::<AdminSuspend>::new();
    let reinstate = ServerAction::<AdminReinstate>::new();
    let end = ServerAction::<AdminEndSessions>::new();
    let revoke_one = ServerAction::<AdminRevokeGrant>::new();
    let revoke_all = ServerAction::<AdminRevokeHeld>::new();
    let issue = ServerAction::<AdminIssueCode>::new();
    let link = ServerAction::<AdminLinkSubject>::new();
    let unlink = ServerAction::<AdminUnlink>::new();
    let approve_link = ServerAction::<AdminApproveLink>::new();
    let confirm = ServerAction::<AdminConfirmStaff>::new();
    let account_id = move || params.read().get("account_id").unwrap_or_default();
    let detail = Resource::new(
        move || {
            (
                account_id(),
                suspend.version().get()
                    + reinstate.version().get()
                    + end.version().get()
                    + revoke_one.version().get()
                    + revoke_all.version().get()
                    + link.version().get()
                    + unlink.version().get()
                    + approve_link.version().get()
                    + confirm.version().get(),
            )
        },
        |(account_id, _)| crate::api::admin_person(account_id),
    );
    view! {
        <AdminFrame title=Key::AdminPersonTitle/>
        {move || outcome(suspend.value().get(), Key::AdminSuspended)}
        {move || outcome(reinstate.value().get(), Key::AdminReinstated)}
        {move || outcome(end.value().get(), Key::SessionsEnded)}
        <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(data) => view! { <PersonBody data suspend reinstate end revoke_one revoke_all issue link unlink approve_link confirm/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PersonBody(
    data: AdminPersonDetail,
    suspend: ServerAction<AdminSuspend>,
    reinstate: ServerAction<AdminReinstate>,
    end: ServerAction<AdminEndSessions>,
    revoke_one: ServerAction<AdminRevokeGrant>,
    revoke_all: ServerAction<AdminRevokeHeld>,
    issue: ServerAction<AdminIssueCode>,
    link: ServerAction<AdminLinkSubject>,
    unlink: ServerAction<AdminUnlink>,
    approve_link: ServerAction<AdminApproveLink>,
    confirm: ServerAction<AdminConfirmStaff>,
) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let AdminPersonDetail {
        person,
        suspended_at,
        suspension_reason,
        sessions,
        grants,
        is_self,
        links,
        facility_has_provider,
        awaiting_confirmation,
        created_by_me,
    } = data;
    let confirm_id = person.account_id.clone();
    let link_id = person.account_id.clone();
    let account_id = person.account_id.clone();
    let (status_id, sessions_id, grants_id, code_id) = (account_id.clone(), account_id.clone(), account_id.clone(), account_id);
    let suspended = person.status == "suspended";
    let staff = person.role != "citizen";
    let clinician = person.clinician_id.is_some();
    view! {
        <section class="card" aria-labelledby="person">
            <h2 id="person" data-testid="person-name">{person.name.clone()}</h2>
            <dl class="facts">
                <dt>{t(Key::AdminRole)}</dt><dd>{t(Key::for_role(&person.role))}</dd>
                {person.facility.clone().map(|facility| view! {
                    <dt>{t(Key::AdminFacility)}</dt>
                    <dd><a href=format!("/admin/facilities/{}", person.facility_id.clone().unwrap_or_default())>{facility}</a></dd>
                })}
                <dt>{t(Key::StateColumn)}</dt><dd data-testid="person-status">{t(Key::for_account_status(&person.status))}</dd>
                {suspended_at.map(|at| view! { <dt>{t(Key::AdminSuspendedAt)}</dt><dd>{when(lang, &at)}</dd> })}
                {suspension_reason.map(|reason| view! { <dt>{t(Key::AdminReason)}</dt><dd>{reason}</dd> })}
            </dl>
            {move || outcome(confirm.value().get(), Key::ActionStaffConfirm)}
            {awaiting_confirmation.then(|| view! {
                <div class="notice notice-error" role="status" data-testid="awaiting-confirmation">
                    <p>{t(Key::AdminAwaitingConfirmation)}</p>
                    {if created_by_me {
                        view! { <p class="hint">{t(Key::AdminConfirmByAnother)}</p> }.into_any()
                    } else {
                        view! {
                            <ActionForm action=confirm>
                                <input type="hidden" name="account_id" value=confirm_id/>
                                <button type="submit" class="button-primary" data-testid="confirm-staff">{t(Key::AdminConfirmStaff)}</button>
                            </ActionForm>
                        }.into_any()
                    }}
                </div>
            })}
            {(!is_self).then(move || if suspended {
                view! {
                    <ActionForm action=reinstate>
                        <input type="hidden" name="account_id" value=status_id/>
                        <p class="hint">{t(Key::AdminReinstateNote)}</p>
                        <button type="submit" class="button-primary">{t(Key::AdminReinstate)}</button>
                    </ActionForm>
                }.into_any()
            } else {
                view! {
                    <ActionForm action=suspend>
                        <input type="hidden" name="account_id" value=status_id/>
                        <div class="field">
                            <label for="suspend-reason">{t(Key::AdminSuspendReason)}</label>
                            <input type="text" id="suspend-reason" name="reason" required minlength="5" maxlength="500"/>
                        </div>
                        <p class="hint">{t(Key::AdminSuspendNote)}</p>
                        <button type="submit" class="button-danger">{t(Key::AdminSuspend)}</button>
                    </ActionForm>
                }.into_any()
            })}
        </section>
        <section class="card" aria-labelledby="person-sessions">
            <h2 id="person-sessions">{t(Key::AdminSessionsTitle)}</h2>
            {if sessions.is_empty() {
                view! { <p>{t(Key::AdminNoSessions)}</p> }.into_any()
            } else {
                let account_id = sessions_id;
                view! {
                    <div class="table-wrap"><table>
                        <thead><tr>
                            <th scope="col">{t(Key::SessionSignedIn)}</th>
                            <th scope="col">{t(Key::SessionLastActive)}</th>
                            <th scope="col">{t(Key::Actions)}</th>
                        </tr></thead>
                        <tbody>
                            {sessions.into_iter().map(|session| {
                                let account_id = account_id.clone();
                                view! {
                                    <tr data-testid="person-session">
                                        <td>{when(lang, &session.signed_in_at)}</td>
                                        <td>{when(lang, &session.last_active_at)}</td>
                                        <td>{(!is_self).then(|| view! {
                                            <ActionForm action=end attr:class="inline-form">
                                                <input type="hidden" name="account_id" value=account_id/>
                                                <input type="hidden" name="session_id" value=session.session_id/>
                                                <button type="submit" class="button-secondary">{t(Key::SessionEnd)}</button>
                                            </ActionForm>
                                        })}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></div>
                    {(!is_self).then(|| view! {
                        <ActionForm action=end>
                            <input type="hidden" name="account_id" value=account_id/>
                            <button type="submit" class="button-danger">{t(Key::AdminEndAllSessions)}</button>
                        </ActionForm>
                    })}
                }.into_any()
            }}
        </section>
        {clinician.then(|| view! { <HeldGrants grants holder_kind="clinician" holder_id=grants_id revoke_one revoke_all/> })}
        {clinician.then(|| view! {
            <section class="card" aria-labelledby="links">
                <h2 id="links">{t(Key::LinksHeading)}</h2>
                {move || outcome(link.value().get(), Key::ActionLinkCreate)}
                {move || outcome(unlink.value().get(), Key::ActionLinkRemove)}
                {move || outcome(approve_link.value().get(), Key::ActionLinkApprove)}
                {if links.is_empty() {
                    view! { <p>{t(Key::LinksNone)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list">
                            {links.into_iter().map(|one| {
                                let approve_id = one.link_id.clone();
                                let can_approve = one.awaiting_approval && !one.created_by_me;
                                view! {
                                <li data-testid="federated-link">
                                    <code>{one.subject}</code>" · "{one.issuer}" · "{when(lang, &one.created_at)}
                                    {one.awaiting_approval.then(|| view! { " · "<strong data-testid="link-awaiting-approval">{t(Key::AdminAwaitingApproval)}</strong> })}
                                    {can_approve.then(move || view! {
                                        <ActionForm action=approve_link attr:class="inline-form">
                                            <input type="hidden" name="link_id" value=approve_id/>
                                            <button type="submit" class="button-primary" data-testid="approve-link">{t(Key::AdminApprove)}</button>
                                        </ActionForm>
                                    })}
                                    <ActionForm action=unlink attr:class="inline-form">
                                        <input type="hidden" name="link_id" value=one.link_id/>
                                        <button type="submit" class="button-secondary">{t(Key::LinkRemove)}</button>
                                    </ActionForm>
                                </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                {if facility_has_provider {
                    view! {
                        <ActionForm action=link>
                            <input type="hidden" name="account_id" value=link_id/>
                            <div class="field">
                                <label for="link-subject">{t(Key::LinkSubject)}</label>
                                <input type="text" id="link-subject" name="subject" required maxlength="255" autocomplete="off"/>
                            </div>
                            <button type="submit" class="button-primary">{t(Key::LinkAdd)}</button>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! { <p class="hint">{t(Key::LinkNoProvider)}</p> }.into_any()
                }}
            </section>
        })}
        {staff.then(|| view! {
            <section class="card" aria-labelledby="staff-code">
                <h2 id="staff-code">{t(Key::AdminStaffCode)}</h2>
                <p class="hint">{t(Key::AdminStaffCodeNote)}</p>
                <ActionForm action=issue>
                    <input type="hidden" name="account_id" value=code_id/>
                    <CccdField id="staff-cccd"/>
                    <button type="submit" class="button-primary">{t(Key::AdminIssueCode)}</button>
                </ActionForm>
                {move || issued(issue.value().get())}
            </section>
        })}
    }
}
