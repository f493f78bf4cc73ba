//! The reader's time zone through the real router: `/tz` sets it (an unknown name is a 400 that
//! sets nothing), "today" and a grant's days follow it, and pages show instants in it. The clock is
//! put at 2026-11-22 20:00 UTC: already 23/11 03:00 in Hà Nội, still 22/11 21:00 in Berlin.

use axum::http::{header, StatusCode};

use crate::security_kinds::table_counts;
use crate::support::TestApp;

const BERLIN: &str = "hoso_tz=Europe/Berlin";

#[test]
fn the_zone_is_set_by_tz_and_an_unknown_name_is_refused_with_nothing_set() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let set = app.get("/tz?zone=Europe/Berlin&back=/account/passkeys", None).await;
        assert!(set.status.is_redirection(), "{}", set.status);
        assert_eq!(set.headers[header::LOCATION], "/account/passkeys");
        let cookie = set.headers[header::SET_COOKIE].to_str().unwrap();
        assert!(cookie.starts_with("hoso_tz=Europe/Berlin;") && cookie.contains("SameSite=Lax"), "{cookie}");
        // Elsewhere than the portal is not a way back.
        let away = app.get("/tz?zone=Asia/Tokyo&back=https://example.org/", None).await;
        assert_eq!(away.headers[header::LOCATION], "/");

        let before = table_counts(&app).await;
        for bad in ["ICT", "%2B07:00", "Mars/Olympus_Mons", "", "Europe/Berlin%0D%0ASet-Cookie:%20x=1", "../../etc/passwd"] {
            let refused = app.get(&format!("/tz?zone={bad}&back=/"), None).await;
            assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{bad}");
            assert!(refused.headers.get(header::SET_COOKIE).is_none(), "{bad}");
            assert!(refused.body.contains("IANA"), "{bad}: {}", refused.body);
        }
        let missing = app.get("/tz?back=/", None).await;
        assert_eq!(missing.status, StatusCode::BAD_REQUEST);
        assert_eq!(table_counts(&app).await, before);
    });
}

#[test]
fn today_a_grants_days_and_shown_instants_follow_the_readers_zone() {
    crate::support::run(async {
        let _pages = crate::support::one_page_test_at_a_time();
        let app = TestApp::new().await;
        app.clock.advance_minutes(12 * 60); // 2026-11-22T20:00:00Z
        let patient = app.patients[2].clone();
        let citizen = app.enrol(&patient).await;
        let in_berlin = format!("{}; {BERLIN}", citizen.cookie);

        // "Today" is the reader's local day.
        assert_eq!(app.get("/api/sharing", Some(&citizen.cookie)).await.json()["today"], "2026-11-23");
        assert_eq!(app.get("/api/sharing", Some(&in_berlin)).await.json()["today"], "2026-11-22");

        // Tomorrow in Berlin begins at 23:00 UTC; the grant's last day lasts until Berlin's midnight.
        let doctor = format!("clinician:{}", app.clinicians[0].clinician_id);
        let body = format!("grantee={doctor}&purpose=treatment&categories[0]=immunizations&starts_on=2026-11-23&expires_on=2026-11-30");
        let created = app.post_form("/api/create_grant", &body, Some(&in_berlin)).await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        let sharing = app.get("/api/sharing", Some(&in_berlin)).await.json();
        let grant = &sharing["grants"][0];
        assert_eq!(
            (grant["starts_at"].as_str(), grant["expires_at"].as_str()),
            (Some("2026-11-22T23:00:00Z"), Some("2026-11-30T23:00:00Z"))
        );
        assert_eq!(grant["state"], "not_yet_started");
        // Shown as the days that were chosen, in Berlin; in Hà Nội the same instants are a day on.
        let page = app.get("/record/sharing", Some(&in_berlin)).await;
        let text = page.body.replace("<!>", "").replace("<!---->", "");
        assert!(text.contains("23/11/2026 – 30/11/2026"), "{}", page.body);
        let hanoi_page = app.get("/record/sharing", Some(&citizen.cookie)).await.body.replace("<!>", "").replace("<!---->", "");
        assert!(hanoi_page.contains("23/11/2026 – 01/12/2026"), "{hanoi_page}");

        // The access log's times: the read just made, at 20:00 UTC.
        app.get("/api/overview", Some(&citizen.cookie)).await;
        let berlin = app.get("/record/access-log", Some(&in_berlin)).await;
        assert!(berlin.body.contains("22/11/2026 21:00"), "Berlin time");
        assert!(!berlin.body.contains("23/11/2026 03:00"));
        let hanoi = app.get("/record/access-log", Some(&citizen.cookie)).await;
        assert!(hanoi.body.contains("23/11/2026 03:00"), "Hà Nội time by default");
        // The account page offers the zones, the current one selected.
        let account = app.get("/account/passkeys", Some(&in_berlin)).await;
        assert!(account.body.contains(r#"<option value="Europe/Berlin" selected"#), "selected");
    });
}

/// Every `Set-Cookie` of a response.
fn set_cookies(response: &crate::support::Response) -> Vec<String> {
    response.headers.get_all(header::SET_COOKIE).iter().map(|value| value.to_str().unwrap().to_string()).collect()
}

#[test]
fn a_zone_chosen_while_signed_in_follows_the_person_to_every_browser_they_sign_in_on() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[1].clone();
        let mut citizen = app.enrol(&patient).await;
        // Never chosen: signing in sends no zone, and the default (Hà Nội) applies.
        let before = crate::support::sign_in(&app, &mut citizen).await;
        assert_eq!(before.status, StatusCode::OK, "{}", before.body);
        assert!(set_cookies(&before).iter().all(|c| !c.starts_with("hoso_tz=")), "{:?}", set_cookies(&before));

        // Chosen while signed in: kept with the account as well as in this browser's cookie.
        let chosen = app.get("/tz?zone=Europe/Berlin&back=/record", Some(&citizen.cookie)).await;
        assert!(chosen.status.is_redirection(), "{}", chosen.status);
        assert!(set_cookies(&chosen).iter().any(|c| c.starts_with("hoso_tz=Europe/Berlin;")));
        // A new browser (no zone cookie): signing in brings the zone along.
        let elsewhere = crate::support::sign_in(&app, &mut citizen).await;
        assert_eq!(elsewhere.status, StatusCode::OK, "{}", elsewhere.body);
        let cookies = set_cookies(&elsewhere);
        assert!(cookies.iter().any(|c| c.starts_with("__Host-hoso_session=")), "{cookies:?}");
        assert!(cookies.iter().any(|c| c.starts_with("hoso_tz=Europe/Berlin;") && c.contains("SameSite=Lax")), "{cookies:?}");

        // A refused name and a choice made with an ended session change nothing on the account.
        let counts = table_counts(&app).await;
        assert_eq!(app.get("/tz?zone=Mars/Olympus_Mons&back=/", Some(&citizen.cookie)).await.status, StatusCode::BAD_REQUEST);
        let stale = app.get("/tz?zone=Asia/Tokyo&back=/", Some("__Host-hoso_session=ended-long-ago")).await;
        assert!(stale.status.is_redirection(), "{}", stale.status);
        assert!(set_cookies(&stale).iter().any(|c| c.starts_with("hoso_tz=Asia/Tokyo;")), "that browser still gets its choice");
        assert_eq!(table_counts(&app).await, counts);
        let again = crate::support::sign_in(&app, &mut citizen).await;
        assert!(set_cookies(&again).iter().any(|c| c.starts_with("hoso_tz=Europe/Berlin;")), "{:?}", set_cookies(&again));
    });
}
