//! Running the checks: each distinct secret once, a few at a time, no more
//! than one request per interval to any host.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::bail;
use base64::Engine as _;

use super::{CheckSyntax, Checked, Kind, Method, State, fill, sigv4};
use crate::finding::Finding;
use crate::summary::ValidationCounts as Counts;

/// How checks are run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Longest wait for one response.
    pub timeout: Duration,
    /// Checks in flight at once.
    pub concurrency: usize,
    /// Least time between two requests to the same host.
    pub host_interval: Duration,
    /// For tests only: `http://127.0.0.1:PORT` (or another literal loopback
    /// address, `[::1]`)
    /// that replaces every check's scheme and host, so that tests talk to
    /// a local mock server. Anything but a loopback address is refused, so
    /// this can never send a secret anywhere but this machine.
    pub loopback_base: Option<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            timeout: Duration::from_secs(10),
            concurrency: 8,
            host_interval: Duration::from_millis(100),
            loopback_base: None,
        }
    }
}

/// Checks every finding whose rule declares a check and records the
/// outcome in `finding.validation`; findings of rules without one are
/// `unknown`. Fails only on a bad `loopback_base`.
pub fn validate(findings: &mut [Finding], options: &Options) -> anyhow::Result<Counts> {
    let base = options.loopback_base.as_deref().map(loopback).transpose()?;
    let mut jobs: Vec<Job> = Vec::new();
    let mut job_of: HashMap<JobKey, usize> = HashMap::new();
    let mut assignment = Vec::with_capacity(findings.len());
    for finding in findings.iter() {
        let Some(check) = &finding.rule.syntax.validation else {
            assignment.push(None);
            continue;
        };
        let key = (
            finding.rule.id().to_owned(),
            finding.secret.clone(),
            finding.pair.clone(),
        );
        let index = *job_of.entry(key).or_insert_with(|| {
            jobs.push(Job {
                check: check.clone(),
                secret: finding.secret_text(),
                pair: finding
                    .pair
                    .as_deref()
                    .map(|p| String::from_utf8_lossy(p).into_owned()),
            });
            jobs.len() - 1
        });
        assignment.push(Some(index));
    }
    let results = run_all(&jobs, options, base.as_deref());
    let mut counts = Counts {
        requests: jobs.len(),
        ..Counts::default()
    };
    for (finding, job) in findings.iter_mut().zip(assignment) {
        let checked = match job {
            Some(index) => results[index].clone(),
            None => Checked::new(State::Unknown, "no check for this rule"),
        };
        match checked.state {
            State::Valid => counts.valid += 1,
            State::Invalid => counts.invalid += 1,
            State::Unknown => counts.unknown += 1,
            State::Error => counts.error += 1,
        }
        finding.validation = Some(checked);
    }
    Ok(counts)
}

/// What makes two checks the same: rule, secret and pair.
type JobKey = (String, Vec<u8>, Option<Vec<u8>>);

/// One distinct check to make.
struct Job {
    check: CheckSyntax,
    secret: String,
    pair: Option<String>,
}

/// The scheme and host of a loopback base URL, without a trailing slash.
fn loopback(base: &str) -> anyhow::Result<String> {
    let trimmed = base.trim_end_matches('/');
    let host = trimmed
        .strip_prefix("http://")
        .or_else(|| trimmed.strip_prefix("https://"))
        .unwrap_or("");
    let name = host.rsplit_once(':').map_or(host, |(name, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            name
        } else {
            host
        }
    });
    // A literal address only: a name (even `localhost`) is resolved
    // through /etc/hosts and DNS, which may point anywhere.
    let ip: Option<std::net::IpAddr> = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name)
        .parse()
        .ok();
    if !ip.is_some_and(|ip| ip.is_loopback()) || host.contains('/') {
        bail!(
            "the validation base URL {base:?} is not a loopback address: it exists for tests against a local server (http://127.0.0.1:PORT) and cannot send secrets elsewhere"
        );
    }
    Ok(trimmed.to_owned())
}

fn run_all(jobs: &[Job], options: &Options, base: Option<&str>) -> Vec<Checked> {
    let agent = agent(options, base.is_some());
    let queue = Mutex::new((0..jobs.len()).collect::<VecDeque<_>>());
    let results = Mutex::new(vec![None; jobs.len()]);
    let limiter = HostLimiter::new(options.host_interval);
    let workers = options.concurrency.clamp(1, jobs.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let Some(index) = queue.lock().expect("queue").pop_front() else {
                        break;
                    };
                    let job = &jobs[index];
                    let checked = run_one(&agent, job, base, &limiter, options.timeout);
                    results.lock().expect("results")[index] = Some(checked);
                }
            });
        }
    });
    results
        .into_inner()
        .expect("results")
        .into_iter()
        .map(|r| r.expect("every job ran"))
        .collect()
}

fn agent(options: &Options, loopback: bool) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .https_only(!loopback)
        .user_agent(concat!("leakhound/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// Spaces out requests to each host.
struct HostLimiter {
    interval: Duration,
    next: Mutex<HashMap<String, Instant>>,
}

impl HostLimiter {
    fn new(interval: Duration) -> HostLimiter {
        HostLimiter {
            interval,
            next: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for this host's next free slot.
    fn wait(&self, host: &str) {
        let slot = self.reserve(host, Instant::now());
        let now = Instant::now();
        if slot > now {
            std::thread::sleep(slot - now);
        }
    }

    /// Takes this host's next free slot at or after `now`.
    fn reserve(&self, host: &str, now: Instant) -> Instant {
        let mut next = self.next.lock().expect("limiter");
        let slot = next.get(host).copied().filter(|&t| t > now).unwrap_or(now);
        next.insert(host.to_owned(), slot + self.interval);
        slot
    }
}

/// The URL a check is sent to: the rule's, or its path on the loopback
/// base.
fn target(url: &str, base: Option<&str>) -> String {
    match base {
        None => url.to_owned(),
        Some(base) => {
            let rest = url.strip_prefix("https://").unwrap_or(url);
            let path = rest.find('/').map_or("/", |i| &rest[i..]);
            format!("{base}{path}")
        }
    }
}

fn run_one(
    agent: &ureq::Agent,
    job: &Job,
    base: Option<&str>,
    limiter: &HostLimiter,
    timeout: Duration,
) -> Checked {
    match job.check.kind {
        Kind::Http => {
            let url = job.check.url.as_deref().unwrap_or_default();
            limiter.wait(host_of(url));
            http(agent, &job.check, &target(url, base), job, timeout)
        }
        Kind::AwsSts => {
            let url = "https://sts.amazonaws.com/";
            limiter.wait("sts.amazonaws.com");
            aws_sts(agent, &target(url, base), job, timeout)
        }
    }
}

/// Longest part of a response body read.
const BODY_LIMIT: u64 = 64 << 10;

fn http(
    agent: &ureq::Agent,
    check: &CheckSyntax,
    url: &str,
    job: &Job,
    timeout: Duration,
) -> Checked {
    if check.uses_pair() && job.pair.is_none() {
        return Checked::new(
            State::Unknown,
            "the check needs the other half of the pair, which was not found beside the secret",
        );
    }
    let pair = job.pair.as_deref().unwrap_or_default();
    let mut headers: Vec<(String, String)> = check
        .headers
        .iter()
        .map(|(name, value)| (name.clone(), fill(value, &job.secret, pair)))
        .collect();
    if let Some([user, password]) = &check.basic_auth {
        let credentials = format!(
            "{}:{}",
            fill(user, &job.secret, pair),
            fill(password, &job.secret, pair)
        );
        let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
        headers.push(("Authorization".to_owned(), format!("Basic {encoded}")));
    }
    let body = check
        .body
        .as_deref()
        .map(|b| fill(b, &job.secret, pair))
        .unwrap_or_default();
    let response = match check.method {
        Method::Get => {
            let mut request = agent.get(url);
            for (name, value) in &headers {
                request = request.header(name, value);
            }
            request.call()
        }
        Method::Post => {
            let mut request = agent.post(url);
            for (name, value) in &headers {
                request = request.header(name, value);
            }
            request.send(body.as_bytes())
        }
    };
    judge(response, url, timeout, |status, text| {
        if check.valid.as_ref().is_some_and(|m| m.fits(status, text)) {
            State::Valid
        } else if check.invalid.as_ref().is_some_and(|m| m.fits(status, text)) {
            State::Invalid
        } else {
            State::Unknown
        }
    })
}

const STS_BODY: &str = "Action=GetCallerIdentity&Version=2011-06-15";
const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";

fn aws_sts(agent: &ureq::Agent, url: &str, job: &Job, timeout: Duration) -> Checked {
    let Some(key_id) = job.pair.as_deref() else {
        return Checked::new(State::Unknown, "no access key ID beside the secret");
    };
    if key_id.starts_with("ASIA") {
        return Checked::new(
            State::Unknown,
            "a temporary key (ASIA...) works only with its session token, which is not checked",
        );
    }
    let host = host_of(url);
    let amz_date = amz_date(SystemTime::now());
    let request = sigv4::Request {
        method: "POST",
        host,
        path: "/",
        query: "",
        headers: &[("content-type", FORM)],
        body: STS_BODY.as_bytes(),
        amz_date: &amz_date,
        region: "us-east-1",
        service: "sts",
    };
    let authorization = sigv4::authorization(&request, key_id, &job.secret);
    let response = agent
        .post(url)
        .header("content-type", FORM)
        .header("x-amz-date", &amz_date)
        .header("authorization", &authorization)
        .send(STS_BODY.as_bytes());
    judge(response, url, timeout, |status, text| match status {
        200 if text.contains("GetCallerIdentityResult") => State::Valid,
        403 if text.contains("InvalidClientTokenId") || text.contains("SignatureDoesNotMatch") => {
            State::Invalid
        }
        _ => State::Unknown,
    })
}

/// Reads a response and judges it; says what happened without the secret.
fn judge(
    response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    url: &str,
    timeout: Duration,
    state: impl Fn(u16, &str) -> State,
) -> Checked {
    let host = host_of(url);
    match response {
        Ok(mut response) => {
            let status = response.status().as_u16();
            let text = response
                .body_mut()
                .with_config()
                .limit(BODY_LIMIT)
                .read_to_string()
                .unwrap_or_default();
            Checked::new(state(status, &text), format!("HTTP {status} from {host}"))
        }
        Err(ureq::Error::Timeout(_)) => Checked::new(
            State::Error,
            format!("no answer from {host} within {} s", timeout.as_secs_f32()),
        ),
        Err(error) => Checked::new(State::Error, format!("request to {host} failed: {error}")),
    }
}

/// The host (and port) of a URL a check is sent to.
fn host_of(url: &str) -> &str {
    super::any_url_host(url).unwrap_or(url)
}

/// `YYYYMMDDTHHMMSSZ` for a time.
fn amz_date(time: SystemTime) -> String {
    let seconds = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    jiff::Timestamp::from_second(i64::try_from(seconds).unwrap_or(i64::MAX))
        .map(|t| t.strftime("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_else(|_| "19700101T000000Z".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_bases_are_taken() {
        assert_eq!(
            loopback("http://127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(loopback("http://[::1]:9").is_ok());
        assert!(loopback("http://127.0.0.2:9").is_ok());
        for bad in [
            // A name is resolved, and /etc/hosts may send it elsewhere.
            "http://localhost:1",
            "http://127.0.0.1@evil.example:80",
            "http://[::ffff:10.0.0.1]:80",
            "http://evil.example:80",
            "http://127.0.0.1.evil.example",
            "http://127.0.0.1:80/path",
            "ftp://127.0.0.1",
            "127.0.0.1",
        ] {
            assert!(loopback(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn targets_keep_the_path() {
        assert_eq!(
            target("https://api.github.com/user", None),
            "https://api.github.com/user"
        );
        assert_eq!(
            target(
                "https://api.github.com/user?x=1",
                Some("http://127.0.0.1:9")
            ),
            "http://127.0.0.1:9/user?x=1"
        );
        assert_eq!(
            target("https://sts.amazonaws.com", Some("http://127.0.0.1:9")),
            "http://127.0.0.1:9/"
        );
    }

    #[test]
    fn dates_for_signing() {
        let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        assert_eq!(amz_date(time), "20150830T123600Z");
        let leap = UNIX_EPOCH + Duration::from_secs(19_782 * 86_400);
        assert_eq!(amz_date(leap), "20240229T000000Z");
    }

    #[test]
    fn hosts_are_spaced_out() {
        let interval = Duration::from_millis(100);
        let limiter = HostLimiter::new(interval);
        let now = Instant::now();
        assert_eq!(limiter.reserve("a", now), now);
        assert_eq!(
            limiter.reserve("b", now),
            now,
            "other hosts are not held up"
        );
        assert_eq!(limiter.reserve("a", now), now + interval);
        assert_eq!(limiter.reserve("a", now), now + interval * 2);
        let later = now + interval * 10;
        assert_eq!(
            limiter.reserve("a", later),
            later,
            "a free host goes at once"
        );
    }
}
