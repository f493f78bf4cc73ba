//! Enrolment codes: issue one for a citizen by the CCCD of their record; list and cancel unused codes.

use leptos::prelude::*;

use super::people::{issued, CccdField};
use super::{outcome, when, AdminFrame};
use crate::api::{AdminApproveCode, AdminCancelCode, AdminIssueCode};
use crate::components::error_notice::ErrorNotice;
use crate::dto::OpenCode;
use crate::i18n::{use_lang, use_t, Key};

#[component]
pub fn CodesPage() -> impl IntoView {
    let t = use_t();
    let issue = ServerAction::<AdminIssueCode>::new();
    let cancel = ServerAction::<AdminCancelCode>::new();
    let approve = ServerAction::<AdminApproveCode>::new();
    let codes =
        Resource::new(move || issue.version().get() + cancel.version().get() + approve.version().get(), |_| crate::api::admin_open_codes());
    view! {
        <AdminFrame title=Key::AdminNavCodes/>
        <section class="card" aria-labelledby="citizen-code">
            <h2 id="citizen-code">{t(Key::AdminCitizenCode)}</h2>
            <p class="hint">{t(Key::AdminCitizenCodeNote)}</p>
            <ActionForm action=issue>
                <CccdField id="citizen-cccd"/>
                <button type="submit" class="button-primary">{t(Key::AdminIssueCode)}</button>
            </ActionForm>
            {move || issued(issue.value().get())}
        </section>
        <section class="card" aria-labelledby="open-codes">
            <h2 id="open-codes">{t(Key::AdminOpenCodes)}</h2>
            {move || outcome(cancel.value().get(), Key::AdminCodeCancelled)}
            {move || outcome(approve.value().get(), Key::ActionCodeApprove)}
            <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match codes.await {
                        Ok(list) => view! { <CodeTable list cancel approve/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn CodeTable(list: Vec<OpenCode>, cancel: ServerAction<AdminCancelCode>, approve: ServerAction<AdminApproveCode>) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    if list.is_empty() {
        return view! { <p>{t(Key::AdminNoOpenCodes)}</p> }.into_any();
    }
    view! {
        <div class="table-wrap"><table>
            <thead><tr>
                <th scope="col">{t(Key::AdminFullName)}</th>
                <th scope="col">{t(Key::AdminRole)}</th>
                <th scope="col">{t(Key::CccdLabel)}</th>
                <th scope="col">{t(Key::AdminIssuedAt)}</th>
                <th scope="col">{t(Key::AdminExpiresAt)}</th>
                <th scope="col">{t(Key::Actions)}</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|code| {
                    let label = format!("{} {}", t(Key::AdminCancelCode), code.name);
                    let approve_id = code.code_id.clone();
                    let can_approve = code.awaiting_approval && !code.issued_by_me;
                    view! {
                        <tr data-testid="open-code">
                            <td>{code.name}</td>
                            <td>{if code.kind == "citizen" { t(Key::RoleCitizen) } else { t(Key::AdminStaff) }}</td>
                            <td><code>{code.cccd_hint}</code></td>
                            <td>{when(lang, &code.created_at)}</td>
                            <td>{lang.date(&code.expires_at)}</td>
                            <td>
                                {code.awaiting_approval.then(|| view! { <strong data-testid="code-awaiting-approval">{t(Key::AdminAwaitingApproval)}</strong>" " })}
                                {can_approve.then(move || view! {
                                    <ActionForm action=approve attr:class="inline-form">
                                        <input type="hidden" name="code_id" value=approve_id/>
                                        <button type="submit" class="button-primary" data-testid="approve-code">{t(Key::AdminApprove)}</button>
                                    </ActionForm>
                                })}
                                <ActionForm action=cancel attr:class="inline-form">
                                    <input type="hidden" name="code_id" value=code.code_id/>
                                    <button type="submit" class="button-danger" aria-label=label>{t(Key::AdminCancelCode)}</button>
                                </ActionForm>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    }
    .into_any()
}
