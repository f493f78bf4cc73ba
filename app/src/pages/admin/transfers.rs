//! Exports and imports: start a complete export on the server, and follow it and the facility
//! imports arriving, with their progress (refreshed every two seconds while one is running).

use leptos::prelude::*;

use super::{outcome, when, AdminFrame};
use crate::api::AdminStartExport;
use crate::components::error_notice::ErrorNotice;
use crate::dto::{TransferInfo, Transfers};
use crate::i18n::{use_lang, use_t, Key};

#[component]
pub fn TransfersPage() -> impl IntoView {
    let t = use_t();
    let start = ServerAction::<AdminStartExport>::new();
    let (tick, set_tick) = signal(0u32);
    let (running, set_running) = signal(false);
    let list = Resource::new(move || (start.version().get(), tick.get()), |_| crate::api::admin_transfers());
    Effect::new(move |_| {
        if let Some(Ok(data)) = list.get() {
            set_running.set(data.transfers.iter().any(|transfer| transfer.state == "running"));
        }
    });
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || {
                if running.get_untracked() {
                    set_tick.update(|n| *n += 1);
                }
            },
            std::time::Duration::from_secs(2),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    view! {
        <AdminFrame title=Key::AdminNavTransfers/>
        <section class="card" aria-labelledby="export">
            <h2 id="export">{t(Key::TransfersExportHeading)}</h2>
            <p>{t(Key::TransfersExportIntro)}</p>
            <ActionForm action=start>
                <button type="submit" class="button-primary">{t(Key::TransfersExportStart)}</button>
            </ActionForm>
            {move || outcome(start.value().get(), Key::TransfersExportStarted)}
        </section>
        <section class="card" aria-labelledby="transfers">
            <h2 id="transfers">{t(Key::TransfersHeading)}</h2>
            <p class="hint">{t(Key::TransfersIntro)}</p>
            <Transition fallback=move || view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(data) => view! { <TransferTable data/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn TransferTable(data: Transfers) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let root = view! { <p class="hint">{t(Key::TransfersExportRoot)}": "<code data-testid="export-root">{data.export_root}</code></p> };
    if data.transfers.is_empty() {
        return view! { {root}<p>{t(Key::TransfersNone)}</p> }.into_any();
    }
    view! {
        {root}
        <div class="table-wrap"><table>
            <thead><tr>
                <th scope="col">{t(Key::TransferWhat)}</th>
                <th scope="col">{t(Key::TransferStarted)}</th>
                <th scope="col">{t(Key::TransferProgress)}</th>
                <th scope="col">{t(Key::TransferResult)}</th>
            </tr></thead>
            <tbody>
                {data.transfers.into_iter().map(|transfer| view! { <TransferRow transfer lang/> }).collect_view()}
            </tbody>
        </table></div>
    }
    .into_any()
}

#[component]
fn TransferRow(transfer: TransferInfo, lang: crate::i18n::Lang) -> impl IntoView {
    let t = use_t();
    let kind = if transfer.kind == "export" { Key::TransferKindExport } else { Key::TransferKindImport };
    let (state, class) = match transfer.state.as_str() {
        "running" => (Key::TransferRunning, "badge"),
        "done" => (Key::TransferDone, "badge badge-ok"),
        _ => (Key::TransferFailed, "badge badge-error"),
    };
    let stage = match transfer.detail.is_empty() {
        true => t(Key::for_stage(&transfer.stage)).to_string(),
        false => format!("{} {}", t(Key::for_stage(&transfer.stage)), transfer.detail),
    };
    let progress = (transfer.state == "running").then(|| {
        let label = format!("{stage}: {} / {}", transfer.done, transfer.total);
        view! {
            <p>{stage.clone()}</p>
            {(transfer.total > 0).then(|| view! {
                <progress max=transfer.total.to_string() value=transfer.done.to_string() aria-label=label.clone()>{label.clone()}</progress>
                <span>" "{transfer.done}" / "{transfer.total}</span>
            })}
        }
    });
    let facts = transfer
        .facts
        .into_iter()
        .filter_map(|(code, value)| Some((Key::for_fact(&code)?, code, value)))
        .map(|(key, code, value)| {
            let long = code == "directory" || code == "sha256";
            view! {
                <dt>{t(key)}</dt>
                <dd data-fact=code>{if long { view! { <code>{value}</code> }.into_any() } else { value.into_any() }}</dd>
            }
        })
        .collect_view();
    view! {
        <tr data-testid="transfer" data-kind=transfer.kind.clone() data-state=transfer.state.clone()>
            <td>{t(kind)}<br/><span class="hint">{transfer.label}</span></td>
            <td>{when(lang, &transfer.started_at)}</td>
            <td><span class=class>{t(state)}</span>{progress}</td>
            <td>
                <dl class="facts">{facts}</dl>
                {(!transfer.problem.is_empty()).then(|| view! { <p class="notice notice-error">{transfer.problem}</p> })}
            </td>
        </tr>
    }
}
