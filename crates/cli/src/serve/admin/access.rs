//! Who may look, and what a browser may do with what it is shown. The admin port asks for the
//! token (`HOOKSCHEMA_ADMIN_TOKEN`) as a bearer token or as the cookie the login form sets,
//! compared in constant time; without a token it serves loopback only. Every answer carries a
//! Content-Security-Policy that lets the page load its own stylesheet and nothing else: no
//! script, no frame, no form to another site.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The cookie the login form sets.
pub const COOKIE: &str = "hookschema_admin";

/// The token's digest: comparing digests takes the same time whatever the token's length.
#[derive(Clone)]
pub struct Token(Option<[u8; 32]>);

impl Token {
    /// `None`: every request is let in (a loopback address only).
    pub fn new(token: Option<&str>) -> Token {
        Token(token.map(digest))
    }

    /// Whether `given` is the token (always, when there is none).
    pub fn admits(&self, given: Option<&str>) -> bool {
        match (&self.0, given) {
            (None, _) => true,
            (Some(expected), Some(given)) => expected.ct_eq(&digest(given)).into(),
            (Some(_), None) => false,
        }
    }
}

fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// The token a request carries: `Authorization: Bearer …`, else the login cookie.
fn presented(request: &Request) -> Option<&str> {
    let headers = request.headers();
    if let Some(bearer) = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
    {
        return Some(bearer);
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .find_map(|cookie| cookie.trim().strip_prefix(COOKIE)?.strip_prefix('='))
}

/// Lets in a request that carries the token (and the login form, which asks for it); answers
/// any other 401 with the login form's address.
pub async fn require(State(token): State<Token>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path == "/login" || path.starts_with("/assets/") || token.admits(presented(&request)) {
        return next.run(request).await;
    }
    let page = super::pages::refused("This page needs the admin token.");
    (StatusCode::UNAUTHORIZED, Html(page.into_string())).into_response()
}

/// The headers every answer of the admin port carries.
pub async fn harden(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_token_is_admitted() {
        let token = Token::new(Some("s3cret"));
        assert!(token.admits(Some("s3cret")));
        assert!(!token.admits(Some("s3cret ")));
        assert!(!token.admits(Some("")));
        assert!(!token.admits(None));
        assert!(Token::new(None).admits(None));
    }

    #[test]
    fn the_token_is_read_from_a_bearer_header_or_the_cookie() {
        let request = |name: header::HeaderName, value: &str| {
            Request::builder()
                .header(name, value)
                .body(axum::body::Body::empty())
                .unwrap()
        };
        let bearer = request(header::AUTHORIZATION, "Bearer abc");
        assert_eq!(presented(&bearer), Some("abc"));
        let cookie = request(header::COOKIE, "theme=dark; hookschema_admin=xyz");
        assert_eq!(presented(&cookie), Some("xyz"));
        let other = request(header::COOKIE, "hookschema_adminx=1");
        assert_eq!(presented(&other), None);
    }
}
