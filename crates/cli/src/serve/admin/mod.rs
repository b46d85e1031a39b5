//! The admin port (`--admin-addr`): the operations routes and a read-only page of what arrived,
//! apart from the webhook port, so that the port vendors call carries webhooks only.
//!
//! The page lists the stored deliveries newest first, filtered by vendor, webhook, schema,
//! verdict and delivery id, and shows one delivery with its headers of record and its body, each
//! violation marked where it points; what `hookschema drift` would propose; and the last day's
//! deliveries per webhook as a chart. It reads the store as `deliveries export` does, on a
//! blocking thread, one indexed query a page; it writes nothing. Its stylesheet is in the
//! binary.

mod access;
mod activity;
mod body;
mod drift;
mod pages;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router, middleware};
use hookschema_catalog::Catalog;
use hookschema_store::{Filter, Location};
use serde::Deserialize;

use access::Token;

/// The variable the admin token is read from.
pub const TOKEN_VARIABLE: &str = "HOOKSCHEMA_ADMIN_TOKEN";

/// Deliveries on one page.
const PAGE: usize = 50;
/// The newest deliveries the drift view reads.
const DRIFT_WINDOW: i64 = 10_000;

/// What the admin routes read.
struct Admin {
    location: Location,
    catalog: Catalog,
    /// The schemas' folder, when the catalog was read from one: the drift view checks its
    /// proposals against the examples there.
    folder: Option<PathBuf>,
}

/// The admin routes: `operations` (the receiver's `/healthz`, `/readyz`, `/metrics`), the
/// page, its stylesheet and its login form, behind the token when there is one.
pub fn router(
    catalog: &Catalog,
    folder: Option<&std::path::Path>,
    location: &Location,
    token: Option<&str>,
    operations: Router,
) -> Router {
    let admin = Arc::new(Admin {
        location: location.clone(),
        catalog: catalog.clone(),
        folder: folder.map(std::path::Path::to_path_buf),
    });
    let token = Token::new(token);
    let login_token = token.clone();
    Router::new()
        .route("/", get(list))
        .route("/deliveries/{id}", get(delivery))
        .route("/drift", get(drift_view))
        .route("/activity", get(activity_view))
        .with_state(admin)
        .route("/assets/admin.css", get(stylesheet))
        .route(
            "/login",
            get(|| async {
                Html(pages::refused("Give the admin token to look at deliveries.").into_string())
            })
            .post(move |form: Form<Login>| login(login_token.clone(), form)),
        )
        .merge(operations)
        .layer(middleware::from_fn_with_state(token, access::require))
        .layer(middleware::from_fn(access::harden))
}

/// Why the admin port cannot serve at `addr`: a token is needed off loopback.
pub fn refuse_without_token(addr: &[SocketAddr], token: Option<&str>) -> Result<(), String> {
    if token.is_none() && addr.iter().any(|addr| !addr.ip().is_loopback()) {
        return Err(format!(
            "--admin-addr {}: off loopback the admin page needs a token; set {TOKEN_VARIABLE}",
            addr.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(())
}

#[derive(Deserialize)]
struct Login {
    token: String,
}

/// The login form's answer: the cookie and the list, or the form again.
async fn login(token: Token, Form(login): Form<Login>) -> Response {
    if !token.admits(Some(&login.token)) {
        let page = pages::refused("That is not the admin token.");
        return (StatusCode::UNAUTHORIZED, Html(page.into_string())).into_response();
    }
    let cookie = format!(
        "{}={}; HttpOnly; SameSite=Strict; Path=/",
        access::COOKIE,
        login.token
    );
    ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
}

async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("admin.css"),
    )
        .into_response()
}

/// The list's query: each filter, empty for none.
#[derive(Deserialize, Default, Clone)]
struct ListQuery {
    vendor: Option<String>,
    webhook: Option<String>,
    schema: Option<String>,
    verdict: Option<String>,
    id: Option<String>,
    before: Option<i64>,
}

impl ListQuery {
    /// A filter's value as given: `None` for an empty one.
    fn given(value: &Option<String>) -> Option<&str> {
        value.as_deref().filter(|v| !v.is_empty())
    }

    /// The filter it asks for, with `among` the schemas of its webhook.
    fn filter<'a>(&'a self, among: Option<&'a [&'a str]>) -> Filter<'a> {
        Filter {
            vendor: Self::given(&self.vendor),
            schema: Self::given(&self.schema),
            among,
            valid: match Self::given(&self.verdict) {
                Some("valid") => Some(true),
                Some("invalid") => Some(false),
                _ => None,
            },
            id_contains: Self::given(&self.id),
            before: self.before,
        }
    }

    /// The address of the page after the one that ends at `last`.
    fn next(&self, last: i64) -> String {
        let mut next = form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("vendor", &self.vendor),
            ("webhook", &self.webhook),
            ("schema", &self.schema),
            ("verdict", &self.verdict),
            ("id", &self.id),
        ] {
            if let Some(value) = Self::given(value) {
                next.append_pair(name, value);
            }
        }
        next.append_pair("before", &last.to_string());
        format!("/?{}", next.finish())
    }
}

async fn list(State(admin): State<Arc<Admin>>, Query(query): Query<ListQuery>) -> Response {
    // A webhook is the schemas it keeps (one, or one per event it dispatches).
    let among: Option<Vec<String>> = ListQuery::given(&query.webhook).map(|name| {
        admin
            .catalog
            .webhook(name)
            .map(crate::drift::schemas_of)
            .unwrap_or_default()
    });
    let read = {
        let (admin, query, among) = (Arc::clone(&admin), query.clone(), among.clone());
        tokio::task::spawn_blocking(move || {
            let among: Option<Vec<&str>> = among
                .as_ref()
                .map(|a| a.iter().map(String::as_str).collect());
            hookschema_store::page(&admin.location, &query.filter(among.as_deref()), PAGE + 1)
        })
        .await
    };
    let mut found = match read {
        Ok(Ok(found)) => found,
        Ok(Err(error)) => return unavailable(&error),
        Err(error) => return unavailable(&error),
    };
    let next = (found.len() > PAGE).then(|| {
        found.truncate(PAGE);
        query.next(found.last().map_or(0, |d| d.id))
    });
    let choices = pages::Choices {
        vendors: admin
            .catalog
            .vendors()
            .iter()
            .map(|v| v.name.as_str())
            .collect(),
        webhooks: admin.catalog.webhooks().map(|w| w.name()).collect(),
        schemas: admin.catalog.schemas().iter().map(|s| s.name()).collect(),
        webhook: ListQuery::given(&query.webhook),
    };
    let page = pages::list(&query.filter(None), &choices, &found, next);
    Html(page.into_string()).into_response()
}

async fn delivery(State(admin): State<Arc<Admin>>, Path(id): Path<i64>) -> Response {
    let read =
        tokio::task::spawn_blocking(move || hookschema_store::one(&admin.location, id)).await;
    match read {
        Ok(Ok(Some(shown))) => Html(pages::delivery(&shown).into_string()).into_response(),
        Ok(Ok(None)) => {
            let page = pages::missing(&format!("No delivery is stored under {id}."));
            (StatusCode::NOT_FOUND, Html(page.into_string())).into_response()
        }
        Ok(Err(error)) => unavailable(&error),
        Err(error) => unavailable(&error),
    }
}

/// What `hookschema drift` would propose for the newest [`DRIFT_WINDOW`] deliveries, each
/// widening a diff of its schema: a page must answer while a person waits, and the command
/// reads the whole store.
async fn drift_view(State(admin): State<Arc<Admin>>) -> Response {
    let read = tokio::task::spawn_blocking(move || {
        let newest = hookschema_store::page(&admin.location, &Filter::default(), 1)
            .map_err(|error| error.to_string())?;
        let after = newest.first().map(|d| d.id - DRIFT_WINDOW);
        let (proposals, unattributed) = crate::drift::proposed(
            &admin.catalog,
            admin.folder.as_deref(),
            &admin.location,
            after,
        )?;
        let with_text: Vec<_> = proposals
            .into_iter()
            .map(|proposal| {
                let text = admin
                    .catalog
                    .schema(&proposal.schema)
                    .map(|schema| schema.text().to_owned())
                    .unwrap_or_default();
                (proposal, text)
            })
            .collect();
        let view = drift::view(&with_text, unattributed, DRIFT_WINDOW);
        Ok::<_, String>(pages::layout("Drift", view))
    })
    .await;
    match read {
        Ok(Ok(page)) => Html(page.into_string()).into_response(),
        Ok(Err(error)) => unavailable(&error),
        Err(error) => unavailable(&error),
    }
}

/// The last day's deliveries per webhook, hour and verdict, as a chart.
async fn activity_view(State(admin): State<Arc<Admin>>) -> Response {
    let now = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now());
    let read = tokio::task::spawn_blocking(move || {
        let counts = hookschema_store::counts(&admin.location, &activity::since(now))?;
        Ok::<_, hookschema_store::StoreError>(pages::layout(
            "Activity",
            activity::view(&admin.catalog, &counts, now),
        ))
    })
    .await;
    match read {
        Ok(Ok(page)) => Html(page.into_string()).into_response(),
        Ok(Err(error)) => unavailable(&error),
        Err(error) => unavailable(&error),
    }
}

/// The answer when the store cannot be read (or the read's thread stopped).
fn unavailable(error: &dyn std::fmt::Display) -> Response {
    tracing::warn!(%error, "the admin page cannot read the store");
    let page = pages::missing(&format!("The store cannot be read: {error}"));
    (StatusCode::SERVICE_UNAVAILABLE, Html(page.into_string())).into_response()
}
