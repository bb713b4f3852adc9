//! Opt-in validation (`scan --validate`): asking a secret's provider
//! whether it still works.
//!
//! A rule declares its check in YAML (`validation:`): one HTTPS request to
//! the provider's own endpoint, with the secret in a header, the body or
//! basic authentication (never in the URL), and what a response that means
//! valid or invalid looks like. AWS keys are checked with a signed STS
//! `GetCallerIdentity` call instead (`kind: aws-sts`), which needs the
//! access key ID that the rule captures beside the secret.
//!
//! What is sent where is fixed by the rule: the URL's host is literal, the
//! request goes over HTTPS, redirects are not followed, and neither the
//! secret nor the request is ever logged. Each distinct secret is checked
//! once per run, with a per-host rate limit and a timeout.

pub use crate::finding::{Checked, State};
pub use crate::rules::validation::{
    CheckSyntax, Kind, Method, ResponseMatch, any_url_host, fill, url_host,
};

#[cfg(feature = "validate")]
mod run;
pub mod sigv4;

#[cfg(feature = "validate")]
pub use run::{Options, validate};
