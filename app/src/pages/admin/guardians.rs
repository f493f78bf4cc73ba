//! Guardians: link a parent or legal guardian to a child's record after checking the papers, and
//! end a link. Both people see the link, its basis and who made it.

use leptos::prelude::*;

use super::{outcome, AdminFrame};
use crate::api::{AdminEndGuardianship, AdminLinkGuardian};
use crate::components::error_notice::ErrorNotice;
use crate::dto::{FamilyLink, GuardianBasis, LinkState};
use crate::i18n::{use_lang, use_t, Key};
use crate::pages::family::{basis_key, state_key};

#[component]
pub fn GuardiansPage() -> impl IntoView {
    let t = use_t();
    let link = ServerAction::<AdminLinkGuardian>::new();
    let end = ServerAction::<AdminEndGuardianship>::new();
    let links = Resource::new(move || link.version().get() + end.version().get(), |_| crate::api::admin_guardianships());
    view! {
        <AdminFrame title=Key::AdminNavGuardians/>
        <section class="card" aria-labelledby="new-link">
            <h2 id="new-link">{t(Key::AdminLinkGuardian)}</h2>
            <p class="hint">{t(Key::AdminLinkGuardianNote)}</p>
            <ActionForm action=link>
                <div class="field">
                    <label for="guardian-cccd">{t(Key::GuardianCccd)}</label>
                    <input type="text" id="guardian-cccd" name="guardian_cccd" required inputmode="numeric" pattern="[0-9]{12}" maxlength="12"/>
                </div>
                <div class="field">
                    <label for="child-cccd">{t(Key::ChildCccd)}</label>
                    <input type="text" id="child-cccd" name="child_cccd" required inputmode="numeric" pattern="[0-9]{12}" maxlength="12"/>
                </div>
                <div class="field">
                    <label for="basis">{t(Key::LinkBasis)}</label>
                    <select id="basis" name="basis">
                        {GuardianBasis::ALL.into_iter().map(|basis| view! { <option value=basis.as_str()>{t(basis_key(basis))}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="document-ref">{t(Key::DocumentRef)}</label>
                    <input type="text" id="document-ref" name="document_ref" required maxlength="64"/>
                </div>
                <button type="submit" class="button-primary">{t(Key::AdminLinkGuardian)}</button>
            </ActionForm>
            {move || outcome(link.value().get(), Key::AdminLinkMade)}
        </section>
        <section class="card" aria-labelledby="links">
            <h2 id="links">{t(Key::AdminRecentLinks)}</h2>
            {move || outcome(end.value().get(), Key::LinkEndedNote)}
            <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match links.await {
                        Ok(list) => view! { <LinkTable list end/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn LinkTable(list: Vec<FamilyLink>, end: ServerAction<AdminEndGuardianship>) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    if list.is_empty() {
        return view! { <p>{t(Key::AdminNoLinks)}</p> }.into_any();
    }
    view! {
        <div class="table-wrap"><table>
            <thead><tr>
                <th scope="col">{t(Key::GuardianColumn)}</th>
                <th scope="col">{t(Key::ChildColumn)}</th>
                <th scope="col">{t(Key::LinkBasis)}</th>
                <th scope="col">{t(Key::LinkState)}</th>
                <th scope="col">{t(Key::Actions)}</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|link| {
                    let id = link.guardianship_id.clone();
                    let label = format!("{} {} – {}", t(Key::EndLink), link.guardian_name, link.child_name);
                    let live = link.state != LinkState::Ended;
                    view! {
                        <tr data-testid="guardianship">
                            <td>{link.guardian_name.clone()}</td>
                            <td>{link.child_name.clone()}" "<span class="muted">{format!("({} {})", link.child_age, t(Key::YearsOld))}</span></td>
                            <td>{t(basis_key(link.basis))}" · "{link.document_ref.clone()}</td>
                            <td>{t(state_key(link.state))}" · "{lang.date(&link.since)}</td>
                            <td>{live.then(|| view! {
                                <ActionForm action=end attr:class="inline-form">
                                    <input type="hidden" name="guardianship_id" value=id/>
                                    <label class="visually-hidden" for=format!("reason-{}", link.guardianship_id)>{t(Key::ReasonColumn)}</label>
                                    <input type="text" id=format!("reason-{}", link.guardianship_id) name="reason" required minlength="5" maxlength="500" placeholder=t(Key::ReasonColumn)/>
                                    <button type="submit" class="button-danger" aria-label=label>{t(Key::EndLink)}</button>
                                </ActionForm>
                            })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    }
    .into_any()
}
