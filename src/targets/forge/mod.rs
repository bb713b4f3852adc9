//! Listing an organisation's repositories through a forge's REST API:
//! GitHub organisations and users ([`github`]), GitLab groups with their
//! subgroups ([`gitlab`]), on the public services or self-hosted ones.
//!
//! Pages are followed through `Link: <…>; rel="next"` headers. A 403 or
//! 429 that says the rate limit is spent (`Retry-After`, or a remaining
//! count of 0 and a reset time) is waited out if the wait is at most
//! [`Forge::max_wait`], else it is an error saying when to try again. The
//! token (`GITHUB_TOKEN`, `GITLAB_TOKEN`) goes only in a request header,
//! only over HTTPS (plain HTTP only to this machine's loopback address,
//! for tests), never into a URL or a message; redirects are not
//! followed, so it is never sent to another host.

pub mod github;
pub mod gitlab;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, anyhow, bail};

use super::Target;

/// A repository a forge listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repository {
    /// `owner/name` (GitHub), `group/subgroup/name` (GitLab).
    pub name: String,
    /// Its HTTPS clone URL.
    pub https: String,
    /// Its ssh clone URL.
    pub ssh: String,
    /// Whether it is a fork.
    pub fork: bool,
    /// Whether it is archived.
    pub archived: bool,
}

/// Which repositories to keep, and how to clone them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Selection {
    /// Keep forks.
    pub forks: bool,
    /// Leave out archived repositories.
    pub no_archived: bool,
    /// Clone over ssh rather than HTTPS.
    pub ssh: bool,
}

impl Selection {
    /// The targets of the repositories selected, sorted by name.
    pub fn targets(&self, mut repositories: Vec<Repository>) -> Vec<Target> {
        repositories.retain(|r| (self.forks || !r.fork) && !(self.no_archived && r.archived));
        repositories.sort_by(|a, b| a.name.cmp(&b.name));
        repositories
            .into_iter()
            .map(|r| Target::Url(if self.ssh { r.ssh } else { r.https }))
            .collect()
    }
}

/// A forge's API: where it is, the token, the longest rate-limit wait.
pub struct Forge {
    /// What messages call it: `GitHub`, `GitLab`.
    pub name: &'static str,
    /// The API's base URL, without a trailing `/`.
    pub api: String,
    /// The token's header and value, if there is a token.
    auth: Option<(&'static str, String)>,
    /// Longest wait for a rate limit to reset.
    pub max_wait: Duration,
    agent: ureq::Agent,
}

/// Most pages followed for one listing (100 repositories a page).
const MAX_PAGES: usize = 1000;

impl Forge {
    /// A client for the API at `api`, with the token of `token_var` from the
    /// environment (if set) sent in `header`.
    pub fn new(
        name: &'static str,
        api: &str,
        token_var: &str,
        header: &'static str,
        bearer: bool,
        max_wait: Duration,
    ) -> anyhow::Result<Forge> {
        let api = api.trim_end_matches('/').to_owned();
        let loopback = api.starts_with("http://127.0.0.1:") || api.starts_with("http://[::1]:");
        if !api.starts_with("https://") && !loopback {
            bail!(
                "the {name} API URL must start with https:// (the token is sent to it): {}",
                super::mask_url(&api)
            );
        }
        let auth = std::env::var(token_var)
            .ok()
            .filter(|t| !t.trim().is_empty())
            .map(|t| {
                let value = if bearer {
                    format!("Bearer {}", t.trim())
                } else {
                    t.trim().to_owned()
                };
                (header, value)
            });
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(60)))
            .http_status_as_error(false)
            .max_redirects(0)
            .https_only(!loopback)
            .user_agent(concat!("leakhound/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Ok(Forge {
            name,
            api,
            auth,
            max_wait,
            agent,
        })
    }

    /// Every page of the JSON list at `url` (relative to the API), what
    /// the listing is called in messages being `what`.
    pub fn pages(&self, url: &str, what: &str) -> anyhow::Result<Vec<serde_json::Value>> {
        let mut next = Some(format!("{}{url}", self.api));
        let mut items = Vec::new();
        let mut pages = 0;
        while let Some(url) = next.take() {
            pages += 1;
            if pages > MAX_PAGES {
                bail!("{what}: more than {MAX_PAGES} pages; stopped");
            }
            let (body, link) = self.get(&url, what)?;
            let page: serde_json::Value = serde_json::from_str(&body)
                .with_context(|| format!("{what}: the {} API's answer is not JSON", self.name))?;
            let serde_json::Value::Array(page) = page else {
                bail!("{what}: the {} API's answer is not a list", self.name);
            };
            items.extend(page);
            next = link.as_deref().and_then(next_link);
            // Never follow a link off the API (the token would go with it).
            if let Some(url) = &next
                && !url.starts_with(&self.api)
            {
                bail!(
                    "{what}: the next page is not on the {} API: {}",
                    self.name,
                    super::mask_url(url)
                );
            }
        }
        Ok(items)
    }

    /// One GET, rate limits waited out: the body and the `Link` header.
    fn get(&self, url: &str, what: &str) -> anyhow::Result<(String, Option<String>)> {
        for _attempt in 0..5 {
            let mut request = self.agent.get(url).header("Accept", "application/json");
            if let Some((header, value)) = &self.auth {
                request = request.header(*header, value.as_str());
            }
            let mut response = request
                .call()
                .map_err(|e| anyhow!("{what}: the {} API cannot be reached: {e}", self.name))?;
            let status = response.status().as_u16();
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let link = header("link");
            let wait = rate_limit_wait(status, &header);
            let body = response
                .body_mut()
                .with_config()
                .limit(64 << 20)
                .read_to_string()
                .unwrap_or_default();
            match (status, wait) {
                (200..=299, _) => return Ok((body, link)),
                (403 | 429, Some(wait)) if wait <= self.max_wait => {
                    log::warn!(
                        "{what}: the {} API's rate limit is spent: waiting {} s for it to reset",
                        self.name,
                        wait.as_secs()
                    );
                    std::thread::sleep(wait);
                }
                (403 | 429, Some(wait)) => bail!(
                    "{what}: the {} API's rate limit is spent and resets in {} s, longer than \
                     --rate-limit-wait ({} s); try again later, or with a token ({})",
                    self.name,
                    wait.as_secs(),
                    self.max_wait.as_secs(),
                    if self.name == "GitHub" {
                        "GITHUB_TOKEN"
                    } else {
                        "GITLAB_TOKEN"
                    }
                ),
                (401, _) => bail!("{what}: the {} API refused the token (HTTP 401)", self.name),
                (404, _) => bail!(
                    "{what}: not found (HTTP 404): check the name, and that the token can see it"
                ),
                _ => bail!("{what}: the {} API answered HTTP {status}", self.name),
            }
        }
        bail!(
            "{what}: the {} API's rate limit is still spent after 5 waits",
            self.name
        )
    }
}

/// How long a rate-limited answer says to wait: `Retry-After` seconds, or
/// until the reset time when no requests remain; `None` if the answer is
/// not about the rate limit.
fn rate_limit_wait(status: u16, header: &dyn Fn(&str) -> Option<String>) -> Option<Duration> {
    if status != 403 && status != 429 {
        return None;
    }
    if let Some(seconds) = header("retry-after").and_then(|v| v.trim().parse::<u64>().ok()) {
        return Some(Duration::from_secs(seconds));
    }
    let remaining = header("x-ratelimit-remaining").or_else(|| header("ratelimit-remaining"));
    if remaining.as_deref().map(str::trim) != Some("0") {
        return None;
    }
    let reset = header("x-ratelimit-reset")
        .or_else(|| header("ratelimit-reset"))
        .and_then(|v| v.trim().parse::<u64>().ok())?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Some(Duration::from_secs(reset.saturating_sub(now) + 1))
}

/// The `rel="next"` URL of a `Link` header.
fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|p| p.trim().replace(' ', "") == "rel=\"next\"")
            .then(|| {
                url.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_owned()
            })
    })
}

/// A path segment, percent-encoded (a GitLab group path's `/` too).
pub fn encode(segment: &str) -> String {
    crate::text::percent_encode(segment, b"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers() {
        let link = "<https://api.github.com/orgs/o/repos?page=2>; rel=\"next\", <https://api.github.com/orgs/o/repos?page=5>; rel=\"last\"";
        assert_eq!(
            next_link(link).as_deref(),
            Some("https://api.github.com/orgs/o/repos?page=2")
        );
        assert_eq!(next_link("<https://x/?page=1>; rel=\"prev\""), None);
    }

    #[test]
    fn rate_limit_answers() {
        let none = |_: &str| None;
        assert_eq!(rate_limit_wait(403, &none), None);
        let retry = |h: &str| (h == "retry-after").then(|| "7".to_owned());
        assert_eq!(rate_limit_wait(429, &retry), Some(Duration::from_secs(7)));
        assert_eq!(rate_limit_wait(200, &retry), None);
        let spent = |h: &str| match h {
            "x-ratelimit-remaining" => Some("0".to_owned()),
            "x-ratelimit-reset" => Some("0".to_owned()),
            _ => None,
        };
        assert_eq!(rate_limit_wait(403, &spent), Some(Duration::from_secs(1)));
    }

    #[test]
    fn plain_http_only_to_loopback() {
        let wait = Duration::from_secs(1);
        assert!(Forge::new("GitHub", "http://example.org", "NONE", "a", true, wait).is_err());
        assert!(Forge::new("GitHub", "http://127.0.0.1:8080", "NONE", "a", true, wait).is_ok());
        assert_eq!(encode("a/b c"), "a%2Fb%20c");
    }
}
