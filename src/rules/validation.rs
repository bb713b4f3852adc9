//! A rule's `validation:` block: how `scan --validate` asks the provider
//! whether a secret works. Only the schema and its checks at load time live
//! here; making the requests is `crate::validate`'s job.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How a check is made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// One HTTPS request described by the rule.
    #[default]
    Http,
    /// AWS STS `GetCallerIdentity`, signed with Signature Version 4 by the
    /// access key ID (`pair`) and the secret access key.
    AwsSts,
}

/// HTTP methods a check may use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub enum Method {
    /// GET (no body).
    #[default]
    #[serde(rename = "GET")]
    Get,
    /// POST with the rule's body.
    #[serde(rename = "POST")]
    Post,
}

/// A rule's `validation:` block.
///
/// ```yaml
/// validation:
///   url: https://api.github.com/user
///   headers: {Authorization: 'Bearer {{secret}}'}
///   valid: {status: [200]}
///   invalid: {status: [401]}
/// ```
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSyntax {
    /// `http` (the default) or `aws-sts`.
    #[serde(default)]
    pub kind: Kind,
    /// GET (the default) or POST.
    #[serde(default)]
    pub method: Method,
    /// The provider's endpoint: `https://` and a literal host.
    #[serde(default)]
    pub url: Option<String>,
    /// Request headers; values may use `{{secret}}` and `{{pair}}`.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Basic authentication as `[user, password]`, each may use
    /// `{{secret}}` and `{{pair}}`.
    #[serde(default)]
    pub basic_auth: Option<[String; 2]>,
    /// Request body for POST; may use `{{secret}}` and `{{pair}}`.
    #[serde(default)]
    pub body: Option<String>,
    /// A response that means the secret works.
    #[serde(default)]
    pub valid: Option<ResponseMatch>,
    /// A response that means the secret does not work.
    #[serde(default)]
    pub invalid: Option<ResponseMatch>,
}

/// What a response must look like: one of the statuses and, if given, a
/// piece of text in the body.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseMatch {
    /// HTTP status codes.
    pub status: Vec<u16>,
    /// Text the body must contain.
    #[serde(default)]
    pub body: Option<String>,
}

impl ResponseMatch {
    /// Whether a response with this status and body fits.
    pub fn fits(&self, status: u16, body: &str) -> bool {
        self.status.contains(&status) && self.body.as_deref().is_none_or(|b| body.contains(b))
    }
}

const SECRET: &str = "{{secret}}";
const PAIR: &str = "{{pair}}";

impl CheckSyntax {
    /// Checks the block when its rule is loaded; `has_pair` says whether
    /// the rule's regex captures a `pair` group.
    pub fn check(&self, has_pair: bool) -> Result<(), String> {
        match self.kind {
            Kind::AwsSts => {
                if !has_pair {
                    return Err(
                        "kind aws-sts needs a `pair` group (the access key ID) in the rule's regex"
                            .into(),
                    );
                }
                Ok(())
            }
            Kind::Http => self.check_http(has_pair),
        }
    }

    fn check_http(&self, has_pair: bool) -> Result<(), String> {
        let url = self.url.as_deref().ok_or("an http check needs a `url`")?;
        let host = url_host(url)
            .ok_or_else(|| format!("url {url:?} must start with https:// and name a host"))?;
        if host.contains('{') || url.contains(SECRET) || url.contains(PAIR) {
            return Err(format!(
                "url {url:?}: the secret goes in a header, the body or basic_auth, never in the URL, and the host must be literal"
            ));
        }
        if self.valid.is_none() {
            return Err("an http check needs `valid` (the response that means live)".into());
        }
        if self.method == Method::Get && self.body.is_some() {
            return Err("a GET check cannot have a body".into());
        }
        let templates: Vec<&str> = self
            .headers
            .values()
            .map(String::as_str)
            .chain(self.basic_auth.iter().flatten().map(String::as_str))
            .chain(self.body.as_deref())
            .collect();
        if !templates.iter().any(|t| t.contains(SECRET)) {
            return Err("no header, basic_auth or body uses {{secret}}".into());
        }
        if !has_pair && templates.iter().any(|t| t.contains(PAIR)) {
            return Err("{{pair}} is used but the rule's regex has no `pair` group".into());
        }
        if let Some(bad) = templates.iter().find_map(|t| unknown_placeholder(t)) {
            return Err(format!(
                "unknown placeholder {bad:?}: only {{{{secret}}}} and {{{{pair}}}}"
            ));
        }
        Ok(())
    }
}

impl CheckSyntax {
    /// Whether a template of the request uses `{{pair}}`.
    pub fn uses_pair(&self) -> bool {
        self.headers
            .values()
            .chain(self.basic_auth.iter().flatten())
            .chain(self.body.as_ref())
            .any(|t| t.contains(PAIR))
    }
}

/// The first `{{...}}` in `text` that is not `{{secret}}` or `{{pair}}`.
fn unknown_placeholder(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let end = rest[start..]
            .find("}}")
            .map_or(rest.len(), |e| start + e + 2);
        let found = &rest[start..end];
        if found != SECRET && found != PAIR {
            return Some(found.to_owned());
        }
        rest = &rest[end..];
    }
    None
}

/// The host of an `https://` URL (with its port, if any): what a check is
/// sent to, and what its rate limit and signature are keyed by.
///
/// Written here rather than parsed with an HTTP crate: a rule's URL is a
/// template that may hold `{{secret}}` where a host should be, and loading
/// must say so (a URI parser would only say the URL is malformed); and the
/// rules, plain data, need no HTTP client.
pub fn url_host(url: &str) -> Option<&str> {
    host_of(url.strip_prefix("https://")?)
}

/// The host of a URL of any scheme (the loopback test server is `http://`).
pub fn any_url_host(url: &str) -> Option<&str> {
    host_of(url.split_once("://")?.1)
}

fn host_of(rest: &str) -> Option<&str> {
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty() && !host.contains('@')).then_some(host)
}

/// Fills `{{secret}}` and `{{pair}}` in a template.
pub fn fill(template: &str, secret: &str, pair: &str) -> String {
    template.replace(SECRET, secret).replace(PAIR, pair)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(url: &str, header: &str) -> CheckSyntax {
        CheckSyntax {
            url: Some(url.to_owned()),
            headers: [("Authorization".to_owned(), header.to_owned())].into(),
            valid: Some(ResponseMatch {
                status: vec![200],
                body: None,
            }),
            ..CheckSyntax::default()
        }
    }

    #[test]
    fn checks_are_checked_when_loaded() {
        assert!(
            http("https://api.github.com/user", "Bearer {{secret}}")
                .check(false)
                .is_ok()
        );
        let errors = [
            (
                http("http://api.github.com/user", "Bearer {{secret}}"),
                "https://",
            ),
            (
                http("https://{{secret}}.acme.io/", "x {{secret}}"),
                "never in the URL",
            ),
            (
                http("https://api.acme.io/?key={{secret}}", "x"),
                "never in the URL",
            ),
            (http("https://user@acme.io/", "x {{secret}}"), "https://"),
            (http("https://api.acme.io/", "Bearer"), "uses {{secret}}"),
            (
                http("https://api.acme.io/", "{{secret}}:{{pair}}"),
                "no `pair` group",
            ),
            (
                http("https://api.acme.io/", "{{secret}} {{token}}"),
                "unknown placeholder",
            ),
        ];
        for (check, message) in errors {
            let error = check.check(false).expect_err(message);
            assert!(error.contains(message), "{error} should say {message}");
        }
        let sts = CheckSyntax {
            kind: Kind::AwsSts,
            ..CheckSyntax::default()
        };
        assert!(sts.check(false).is_err());
        assert!(sts.check(true).is_ok());
    }

    #[test]
    fn responses_fit_by_status_and_body() {
        let ok = ResponseMatch {
            status: vec![200],
            body: Some("\"ok\":true".into()),
        };
        assert!(ok.fits(200, r#"{"ok":true,"user":"u"}"#));
        assert!(!ok.fits(200, r#"{"ok":false,"error":"invalid_auth"}"#));
        assert!(!ok.fits(401, r#"{"ok":true}"#));
    }

    #[test]
    fn templates_are_filled() {
        assert_eq!(fill("{{pair}}:{{secret}}", "s", "p"), "p:s");
        assert_eq!(
            url_host("https://api.acme.io:8443/v1"),
            Some("api.acme.io:8443")
        );
    }
}
