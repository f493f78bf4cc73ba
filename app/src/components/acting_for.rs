//! Whose record is open: the reader's own, or a child's they are the guardian of (`?for=<id>`).
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
            {move || Suspend::new(async move {
                let Some(id) = acting_for.get_untracked() else { return ().into_any() };
                let Some(family) = family.await else { return ().into_any() };
                let live: Vec<_> = family.children.into_iter().filter(|link| link.state == crate::dto::LinkState::Live).collect();
                let name = live.iter().find(|link| link.child_patient_id == id).map(|link| link.child_name.clone());
                view! {
                    <aside class="banner-acting" aria-labelledby="acting-for" data-testid="acting-for">
                        <p id="acting-for">
                            {match name {
                                Some(name) => view! { <strong>{format!("{} {}", t(Key::ActingFor), name)}</strong>" "{t(Key::ActingForNote)} }.into_any(),
                                None => view! { <strong>{t(Key::ActingForUnknown)}</strong> }.into_any(),
                            }}
                        </p>
                        <nav aria-label=t(Key::SwitchRecord)>
                            <ul class="nav-list">
                                <li><a href="/record">{t(Key::MyOwnRecord)}</a></li>
                                {live.into_iter().filter(|link| link.child_patient_id != id).map(|link| view! {
                                    <li><a href=with_for("/record", Some(&link.child_patient_id))>{link.child_name}</a></li>
                                }).collect_view()}
                            </ul>
                        </nav>
                    </aside>
                }.into_any()
            })}
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
