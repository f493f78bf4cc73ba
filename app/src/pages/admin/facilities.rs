//! Facilities: list and create; one facility's clinicians and the grants it holds.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{outcome, when, AdminFrame, HeldGrants};
use crate::api::{
    AdminCreateFacility, AdminIssueFacilityClient, AdminRemoveProvider, AdminRevokeFacilityClient, AdminRevokeGrant, AdminRevokeHeld,
    AdminSetProvider,
};
use crate::components::error_notice::ErrorNotice;
use crate::dto::{AdminFacility, AdminFacilityDetail, FacilityClientInfo, IssuedFacilityClient};
use crate::error::AppError;
use crate::i18n::{use_lang, use_t, Key};

#[component]
pub fn FacilitiesPage() -> impl IntoView {
    let t = use_t();
    let create = ServerAction::<AdminCreateFacility>::new();
    let list = Resource::new(move || create.version().get(), |_| crate::api::admin_facilities());
    view! {
        <AdminFrame title=Key::AdminNavFacilities/>
        <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! { <FacilityTable list/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
        <section class="card" aria-labelledby="new-facility">
            <h2 id="new-facility">{t(Key::AdminNewFacility)}</h2>
            <ActionForm action=create>
                <div class="field">
                    <label for="facility-name">{t(Key::AdminFacilityName)}</label>
                    <input type="text" id="facility-name" name="name" required minlength="2" maxlength="200"/>
                </div>
                <div class="field">
                    <label for="province">{t(Key::AdminProvinceCode)}</label>
                    <input type="text" id="province" name="province_code" inputmode="numeric" pattern="[0-9]{3}" maxlength="3"/>
                </div>
                <button type="submit" class="button-primary">{t(Key::AdminCreate)}</button>
            </ActionForm>
            {move || outcome(create.value().get(), Key::AdminFacilityCreated)}
        </section>
    }
}

#[component]
fn FacilityTable(list: Vec<AdminFacility>) -> impl IntoView {
    let t = use_t();
    view! {
        <div class="table-wrap"><table>
            <thead><tr>
                <th scope="col">{t(Key::AdminFacilityName)}</th>
                <th scope="col">{t(Key::AdminProvinceCode)}</th>
                <th scope="col">{t(Key::AdminClinicianCount)}</th>
                <th scope="col">{t(Key::AdminHeldGrants)}</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|facility| view! {
                    <tr data-testid="facility-row">
                        <td><a href=format!("/admin/facilities/{}", facility.facility_id)>{facility.name}</a></td>
                        <td>{facility.province_code}</td>
                        <td>{facility.clinicians}</td>
                        <td>{facility.live_grants}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
    }
}

#[component]
pub fn FacilityPage() -> impl IntoView {
    let t = use_t();
    let params = use_params_map();
    let revoke_one = ServerAction::<AdminRevokeGrant>::new();
    let revoke_all = ServerAction::<AdminRevokeHeld>::new();
    let set_provider = ServerAction::<AdminSetProvider>::new();
    let remove_provider = ServerAction::<AdminRemoveProvider>::new();
    let issue_client = ServerAction::<AdminIssueFacilityClient>::new();
    let revoke_client = ServerAction::<AdminRevokeFacilityClient>::new();
    let facility_id = move || params.read().get("facility_id").unwrap_or_default();
    let detail = Resource::new(
        move || {
            (
                facility_id(),
                revoke_one.version().get()
                    + revoke_all.version().get()
                    + set_provider.version().get()
                    + remove_provider.version().get()
                    + issue_client.version().get()
                    + revoke_client.version().get(),
            )
        },
        |(facility_id, _)| crate::api::admin_facility(facility_id),
    );
    view! {
        <AdminFrame title=Key::AdminFacility/>
        <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(data) => {
                        let clients = FacilityClients { issue: issue_client, revoke: revoke_client };
                        view! { <FacilityBody data revoke_one revoke_all set_provider remove_provider clients/> }.into_any()
                    }
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FacilityBody(
    data: AdminFacilityDetail,
    revoke_one: ServerAction<AdminRevokeGrant>,
    revoke_all: ServerAction<AdminRevokeHeld>,
    set_provider: ServerAction<AdminSetProvider>,
    remove_provider: ServerAction<AdminRemoveProvider>,
    clients: FacilityClients,
) -> impl IntoView {
    let t = use_t();
    let AdminFacilityDetail { facility, people, grants, provider, redirect_uri, clients: list, token_url, import_url } = data;
    let client_facility = facility.facility_id.clone();
    let (set_id, remove_id) = (facility.facility_id.clone(), facility.facility_id.clone());
    view! {
        <section class="card" aria-labelledby="facility">
            <h2 id="facility">{facility.name}</h2>
            <h3>{t(Key::AdminClinicians)}</h3>
            <ul class="plain-list">
                {people.into_iter().map(|person| view! {
                    <li><a href=format!("/admin/people/{}", person.account_id)>{person.name}</a>" · "{t(Key::for_account_status(&person.status))}</li>
                }).collect_view()}
            </ul>
        </section>
        <section class="card" aria-labelledby="provider">
            <h2 id="provider">{t(Key::ProviderHeading)}</h2>
            {move || outcome(set_provider.value().get(), Key::ProviderSaved)}
            {move || outcome(remove_provider.value().get(), Key::ActionProviderRemove)}
            {match provider.clone() {
                Some(provider) => view! {
                    <dl class="facts" data-testid="provider">
                        <dt>{t(Key::ProviderIssuer)}</dt><dd>{provider.issuer}</dd>
                        <dt>{t(Key::ProviderClientId)}</dt><dd>{provider.client_id}</dd>
                    </dl>
                    <ActionForm action=remove_provider>
                        <input type="hidden" name="facility_id" value=remove_id/>
                        <button type="submit" class="button-danger">{t(Key::ProviderRemove)}</button>
                    </ActionForm>
                }.into_any(),
                None => view! { <p>{t(Key::ProviderNone)}</p> }.into_any(),
            }}
            <p class="hint">{t(Key::ProviderRedirect)}": "<code>{redirect_uri}</code></p>
            <ActionForm action=set_provider>
                <input type="hidden" name="facility_id" value=set_id/>
                <div class="field">
                    <label for="provider-issuer">{t(Key::ProviderIssuer)}</label>
                    <input type="url" id="provider-issuer" name="issuer" required maxlength="500"
                        value=provider.as_ref().map(|p| p.issuer.clone()).unwrap_or_default()/>
                </div>
                <div class="field">
                    <label for="provider-client">{t(Key::ProviderClientId)}</label>
                    <input type="text" id="provider-client" name="client_id" required maxlength="200" autocomplete="off"
                        value=provider.as_ref().map(|p| p.client_id.clone()).unwrap_or_default()/>
                </div>
                <div class="field">
                    <label for="provider-secret">{t(Key::ProviderClientSecret)}</label>
                    <input type="password" id="provider-secret" name="client_secret" required maxlength="500" autocomplete="new-password"/>
                </div>
                <button type="submit" class="button-primary">{t(Key::ProviderSave)}</button>
            </ActionForm>
        </section>
        <ClientsSection facility_id=client_facility list token_url import_url actions=clients/>
        <HeldGrants grants holder_kind="facility" holder_id=facility.facility_id revoke_one revoke_all/>
    }
}

/// The facility page's two actions on machine credentials.
#[derive(Clone, Copy)]
struct FacilityClients {
    issue: ServerAction<AdminIssueFacilityClient>,
    revoke: ServerAction<AdminRevokeFacilityClient>,
}

/// The facility's systems that send FHIR bundles: issue credentials (the secret shown once),
/// see when each was last used, revoke.
#[component]
fn ClientsSection(
    facility_id: String,
    list: Vec<FacilityClientInfo>,
    token_url: String,
    import_url: String,
    actions: FacilityClients,
) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let FacilityClients { issue, revoke } = actions;
    let empty = list.is_empty();
    let rows = list
        .into_iter()
        .map(|client| {
            let label = format!("{} {}", t(Key::Revoke), client.name);
            let state = match &client.revoked_at {
                Some(at) => format!("{} {}", t(Key::StateRevoked), when(lang, at)),
                None => t(Key::StateActive).to_string(),
            };
            view! {
                <tr data-testid="facility-client">
                    <td>{client.name}<br/><code>{client.client_id.clone()}</code></td>
                    <td>{when(lang, &client.created_at)}</td>
                    <td>{client.last_used_at.map(|at| when(lang, &at)).unwrap_or_else(|| t(Key::Never).to_string())}</td>
                    <td>{state}</td>
                    <td>
                        {client.revoked_at.is_none().then(|| view! {
                            <ActionForm action=revoke attr:class="inline-form">
                                <input type="hidden" name="client_id" value=client.client_id/>
                                <button type="submit" class="button-danger" aria-label=label>{t(Key::Revoke)}</button>
                            </ActionForm>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="clients">
            <h2 id="clients">{t(Key::ClientsHeading)}</h2>
            <p>{t(Key::ClientsIntro)}</p>
            <dl class="facts">
                <dt>{t(Key::ClientsTokenUrl)}</dt><dd><code>{token_url}</code></dd>
                <dt>{t(Key::ClientsImportUrl)}</dt><dd><code>{import_url}</code></dd>
            </dl>
            {move || outcome(revoke.value().get(), Key::ClientRevoked)}
            {if empty {
                view! { <p>{t(Key::ClientsNone)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table>
                        <thead><tr>
                            <th scope="col">{t(Key::ClientName)}</th>
                            <th scope="col">{t(Key::AdminIssuedAt)}</th>
                            <th scope="col">{t(Key::ClientLastUsed)}</th>
                            <th scope="col">{t(Key::StateColumn)}</th>
                            <th scope="col">{t(Key::Actions)}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table></div>
                }.into_any()
            }}
            <ActionForm action=issue>
                <input type="hidden" name="facility_id" value=facility_id/>
                <div class="field">
                    <label for="client-name">{t(Key::ClientName)}</label>
                    <input type="text" id="client-name" name="name" required minlength="2" maxlength="200" autocomplete="off"/>
                </div>
                <button type="submit" class="button-primary">{t(Key::ClientIssue)}</button>
            </ActionForm>
            {move || issued_client(issue.value().get())}
        </section>
    }
}

/// Freshly issued credentials: the secret this once.
fn issued_client(value: Option<Result<IssuedFacilityClient, AppError>>) -> Option<AnyView> {
    let t = use_t();
    match value? {
        Ok(issued) => Some(
            view! {
                <div class="notice notice-ok" role="status" data-testid="issued-client">
                    <p>{t(Key::ClientIssued)}" "<strong>{issued.name}</strong></p>
                    <dl class="facts">
                        <dt>{t(Key::ProviderClientId)}</dt><dd><code data-testid="issued-client-id">{issued.client_id}</code></dd>
                        <dt>{t(Key::ProviderClientSecret)}</dt><dd><code class="code-once" data-testid="issued-client-secret">{issued.client_secret}</code></dd>
                    </dl>
                    <p>{t(Key::ClientSecretOnce)}</p>
                </div>
            }
            .into_any(),
        ),
        other => outcome(Some(other), Key::ClientIssued),
    }
}
