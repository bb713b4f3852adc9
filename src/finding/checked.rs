//! What a provider said of a secret (`scan --validate`), as findings carry
//! it.

use std::fmt;

use serde::Serialize;

/// What a check found out about a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// The provider accepted the secret: it is live.
    Valid,
    /// The provider rejected the secret: revoked, expired or never real.
    Invalid,
    /// No answer says either way: the rule has no check, or the provider
    /// answered with something else (a rate limit, a server error).
    Unknown,
    /// The check could not be made: a timeout, a connection or TLS error.
    Error,
}

impl State {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Valid => "valid",
            State::Invalid => "invalid",
            State::Unknown => "unknown",
            State::Error => "error",
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A check's outcome: its state and why, such as `HTTP 401 from
/// api.github.com` (never the secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Checked {
    /// Valid, invalid, unknown or error.
    pub state: State,
    /// What the provider answered, or why there was no answer.
    pub detail: String,
}

impl Checked {
    /// An outcome with a detail.
    pub fn new(state: State, detail: impl Into<String>) -> Checked {
        Checked {
            state,
            detail: detail.into(),
        }
    }
}
