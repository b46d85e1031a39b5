//! The admin port (`--admin-addr`), over HTTP: the operations routes move there and off the
//! webhook port; the page asks for the token (bearer or login cookie) and refuses a wrong one;
//! every answer carries the Content-Security-Policy; the list filters; one delivery shows its
//! headers, its retries and its violations marked; a hostile payload is text, never markup.

use std::process::{Command, Stdio};

use hookschema_testkit::{Serve, TOKEN};
use serde_json::json;

use crate::{agent, comfydeploy, kaizen, unix_now};

const ADMIN_TOKEN: &str = "admin-token-for-tests";

fn serve(store: &str) -> Serve {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookschema"));
    command
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--admin-addr",
            "127.0.0.1:0",
        ])
        .args(["--store", store])
        .env("HOOKSCHEMA_ADMIN_TOKEN", ADMIN_TOKEN)
        .env_remove("RUST_LOG")
        .stdout(Stdio::null());
    Serve::launch(command)
}

/// `GET base + path` with `authorization` (if any): status, headers, body.
fn get(
    base: &str,
    path: &str,
    authorization: Option<&str>,
) -> (u16, ureq::http::HeaderMap, String) {
    let mut request = agent().get(format!("{base}{path}"));
    if let Some(authorization) = authorization {
        request = request.header("Authorization", authorization);
    }
    let mut response = request.call().expect("the admin port answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (
        status,
        headers,
        response.body_mut().read_to_string().unwrap(),
    )
}

fn bearer() -> Option<&'static str> {
    Some("Bearer admin-token-for-tests")
}

/// The ids of the deliveries a list page links to, in order.
fn listed(page: &str) -> Vec<String> {
    page.split("href=\"/deliveries/")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect()
}

#[test]
fn the_admin_port_shows_what_arrived_to_whoever_has_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("d.db").display());
    let server = serve(&store);
    let admin = server.admin_base().unwrap().to_owned();

    // A valid ComfyDeploy delivery; a Kaizen one with a status its enum lacks (kept, invalid),
    // sent twice; and one carrying script and markup in every string a sender controls.
    let valid = json!({"run_id": "run_admin_1", "status": "success", "live_status": null,
        "progress": 1, "outputs": []});
    assert_eq!(
        comfydeploy(
            &server,
            TOKEN,
            "application/json",
            valid.to_string().as_bytes()
        )
        .0,
        200
    );
    let invalid = json!({"type": "execution.complete", "data": {"id": "exec_admin",
        "status": "Cancelled", "startTime": "2026-12-01T08:00:00Z"}})
    .to_string();
    for _ in 0..2 {
        let sent = kaizen(
            &server,
            "msg_admin_invalid",
            unix_now(),
            invalid.as_bytes(),
            invalid.as_bytes(),
        );
        assert_eq!(sent.0, 200);
    }
    let hostile = json!({"type": "execution.complete", "data": {
        "id": "<script>alert(1)</script>", "status": "<img src=x onerror=alert(2)>",
        "startTime": "2026-12-01T08:00:00Z"}})
    .to_string();
    let hostile_id = "msg_<b>bold</b>";
    assert_eq!(
        kaizen(
            &server,
            hostile_id,
            unix_now(),
            hostile.as_bytes(),
            hostile.as_bytes()
        )
        .0,
        200
    );

    // The operations routes are on the admin port, and the webhook port carries webhooks only.
    assert_eq!(get(server.base().as_str(), "/metrics", None).0, 404);
    assert_eq!(get(server.base().as_str(), "/readyz", None).0, 404);
    let (status, _, metrics) = get(&admin, "/metrics", bearer());
    assert_eq!(status, 200);
    assert!(metrics.contains("hookschema_deliveries_total"), "{metrics}");

    // No token, or a wrong one: 401 and the login form, with the policy on it too.
    for wrong in [
        None,
        Some("Bearer nope"),
        Some("Bearer admin-token-for-test"),
        Some("admin-token-for-tests"),
    ] {
        let (status, headers, page) = get(&admin, "/", wrong);
        assert_eq!(status, 401, "{wrong:?}");
        assert!(page.contains("name=\"token\""), "{page}");
        assert!(
            headers["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("default-src 'none'")
        );
        assert!(!page.contains("run_admin_1"));
    }
    assert_eq!(get(&admin, "/metrics", None).0, 401);
    // The login form sets a cookie that lets the browser in; a wrong token sets none.
    let login = |token: &str| {
        agent()
            .post(format!("{admin}/login"))
            .config()
            .max_redirects(0)
            .build()
            .send_form([("token", token)])
            .unwrap()
    };
    assert_eq!(login("nope").status().as_u16(), 401);
    let signed_in = login(ADMIN_TOKEN);
    assert_eq!(signed_in.status().as_u16(), 303);
    let cookie = signed_in.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let mut with_cookie = agent()
        .get(format!("{admin}/"))
        .header("Cookie", cookie.split(';').next().unwrap())
        .call()
        .unwrap();
    assert_eq!(with_cookie.status().as_u16(), 200);
    let page = with_cookie.body_mut().read_to_string().unwrap();
    assert_eq!(listed(&page).len(), 3, "{page}");

    // The list, newest first, and its filters.
    let (status, headers, page) = get(&admin, "/", bearer());
    assert_eq!(status, 200);
    let policy = headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let all = listed(&page);
    assert_eq!(all.len(), 3);
    let (_, _, comfy) = get(&admin, "/?vendor=comfydeploy", bearer());
    assert_eq!(listed(&comfy), [all[2].clone()]);
    let (_, _, broken) = get(&admin, "/?verdict=invalid", bearer());
    assert_eq!(listed(&broken), [all[0].clone(), all[1].clone()]);
    let (_, _, kaizen) = get(&admin, "/?webhook=kaizen%2Fwebhook-event", bearer());
    assert_eq!(listed(&kaizen), [all[0].clone(), all[1].clone()]);
    let (_, _, searched) = get(&admin, "/?id=msg_admin", bearer());
    assert_eq!(listed(&searched), [all[1].clone()]);

    // One invalid delivery: its retry counted, its headers, the violation marked where it points.
    let (status, _, shown) = get(&admin, &format!("/deliveries/{}", all[1]), bearer());
    assert_eq!(status, 200);
    assert!(shown.contains("<dt>Retries</dt><dd>1</dd>"), "{shown}");
    assert!(shown.contains("<th>x-webhooks-signature</th>"), "{shown}");
    assert!(shown.contains("data-pointer=\"/data/status\""), "{shown}");
    assert!(!shown.to_lowercase().contains("authorization"), "{shown}");

    // The hostile one: every piece of it text.
    let (_, _, shown) = get(&admin, &format!("/deliveries/{}", all[0]), bearer());
    for markup in ["<script>", "<img", "<b>bold"] {
        assert!(
            !shown.contains(markup),
            "{markup} rendered as markup: {shown}"
        );
    }
    assert!(
        shown.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{shown}"
    );
    assert!(shown.contains("msg_&lt;b&gt;bold&lt;/b&gt;"), "{shown}");

    // The drift view: the status the enum lacks, proposed as a diff of the schema.
    let (status, _, drift) = get(&admin, "/drift", bearer());
    assert_eq!(status, 200, "{drift}");
    assert!(drift.contains("<h2>kaizen/webhook-event</h2>"), "{drift}");
    assert!(drift.contains("<span class=\"add\">+ "), "{drift}");
    assert!(drift.contains("&quot;Cancelled&quot;"), "{drift}");
    assert!(!drift.contains("<script>"), "{drift}");

    assert_eq!(get(&admin, "/deliveries/999999", bearer()).0, 404);
    server.shut_down();
}

#[test]
fn off_loopback_the_admin_port_needs_a_token() {
    let output = Command::new(env!("CARGO_BIN_EXE_hookschema"))
        .args([
            "serve",
            "--check",
            "--admin-addr",
            "0.0.0.0:0",
            "--store",
            "jsonl:-",
        ])
        .env("HOOKSCHEMA_COMFYDEPLOY_TOKEN", TOKEN)
        .env_remove("HOOKSCHEMA_ADMIN_TOKEN")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("needs a token; set HOOKSCHEMA_ADMIN_TOKEN"),
        "{said}"
    );
}
