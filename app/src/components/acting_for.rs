//! Whose record is open: the reader's own, a child's they are the guardian of, or that of an
//! adult who chose them as helper (`?for=<id>`).
//!
//! The child's record id travels in the address (`/record/vaccinations?for=…`), so every page,
//! link and form works with JavaScript off, and the server decides on every request whether the
//! reader may open it (the policy's guardian rule). The banner names the child on every page.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::i18n::{use_t, Key};

/// The record id in `?for=`, or `None` for the reader's own record.
pub fn use_acting_for() -> Memo<Option<String>> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get("for").filter(|id| !id.is_empty()))
}

/// `path` with `for=<id>` added to its query when acting for someone.
pub fn with_for(path: &str, acting_for: Option<&str>) -> String {
    match acting_for {
        None => path.to_string(),
        Some(id) => {
            let separator = if path.contains('?') { '&' } else { '?' };
            let mut encoded = String::new();
            for byte in id.bytes() {
                if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
                    encoded.push(char::from(byte));
                } else {
                    encoded.push_str(&format!("%{byte:02X}"));
                }
            }
            format!("{path}{separator}for={encoded}")
        }
    }
}

/// "You are acting for <name>", and a switch between the reader's own record and each child's,
/// on every page opened with `?for=`. Shows nothing otherwise.
#[component]
pub fn ActingForBanner() -> impl IntoView {
    let t = use_t();
    let acting_for = use_acting_for();
    let family = Resource::new(
        move || acting_for.get(),
        |id| async move {
            match id {
                Some(_) => crate::api::family().await.ok(),
                None => None,
            }
        },
    );
    view! {
        <Suspense fallback=|| ()>
            // The id is read tracked, outside the async block: the banner sits in the layout, which
            // outlives client-side navigations, so it must re-render when `?for=` changes even when
            // the family resource's value does not.
            {move || { let id = acting_for.get(); Suspend::new(async move {
                let Some(id) = id else { return ().into_any() };
                let Some(family) = family.await else { return ().into_any() };
                // The records the reader may open for someone: live children, then live helpers.
                let mut live: Vec<(String, String, String, Key)> = family
                    .children
                    .into_iter()
                    .filter(|link| link.state == crate::dto::LinkState::Live)
                    .map(|link| (with_for("/record", Some(&link.child_patient_id)), link.child_patient_id, link.child_name, Key::ActingForNote))
                    .collect();
                live.extend(
                    family
                        .helping
                        .into_iter()
                        .filter(|link| link.state == crate::dto::HelperState::Live)
                        // A helper may see only some parts: the family page lists the ones chosen.
                        .map(|link| ("/record/family".to_string(), link.person_patient_id, link.person_name, Key::ActingForHelperNote)),
                );
                let name = live.iter().find(|(_, patient_id, _, _)| *patient_id == id).map(|(_, _, name, note)| (name.clone(), *note));
                view! {
                    <aside class="banner-acting" aria-labelledby="acting-for" data-testid="acting-for">
                        <p id="acting-for">
                            {match name {
                                Some((name, note)) => view! { <strong>{format!("{} {}", t(Key::ActingFor), name)}</strong>" "{t(note)} }.into_any(),
                                None => view! { <strong>{t(Key::ActingForUnknown)}</strong> }.into_any(),
                            }}
                        </p>
                        <nav aria-label=t(Key::SwitchRecord)>
                            <ul class="nav-list">
                                <li><a href="/record">{t(Key::MyOwnRecord)}</a></li>
                                {live.into_iter().filter(|(_, patient_id, _, _)| *patient_id != id).map(|(href, _, name, _)| view! {
                                    <li><a href=href>{name}</a></li>
                                }).collect_view()}
                            </ul>
                        </nav>
                    </aside>
                }.into_any()
            })}}
        </Suspense>
    }
}

#[cfg(test)]
mod tests {
    use super::with_for;

    #[test]
    fn the_record_id_is_added_to_the_query_and_escaped() {
        assert_eq!(with_for("/record", None), "/record");
        assert_eq!(with_for("/record", Some("abc-1")), "/record?for=abc-1");
        assert_eq!(
            with_for("/record/vaccinations/card?selection=all", Some("a b&c")),
            "/record/vaccinations/card?selection=all&for=a%20b%26c"
        );
    }
}
