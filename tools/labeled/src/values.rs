//! Synthetic secrets in their providers' formats, and decoy values.
//!
//! Every value is drawn from the seeded [`Rng`]: right prefix, length and
//! alphabet (and checksum where the format has one: GitHub, npm, PyPI,
//! Atlassian, Grafana, age), never a real credential.

use super::rng::{
    ALNUM, BASE32, DIGITS, HEX, LETTERS, LOWER, LOWER_ALNUM, Rng, UPPER, UPPER_ALNUM, URLSAFE,
    base62, base64, base64url, wrap,
};

/// One secret as it is written into a file.
pub struct Planted {
    /// Label kind.
    pub kind: &'static str,
    /// Variable name, `UPPER_SNAKE`; hosts convert it to their own case.
    pub name: String,
    /// The value as written in a string literal (a connection string, a
    /// URL, or the secret itself).
    pub value: String,
    /// The secret, as a scanner should report it.
    pub secret: String,
}

impl Planted {
    fn new(kind: &'static str, name: &str, value: String) -> Planted {
        Planted {
            kind,
            name: name.to_owned(),
            secret: value.clone(),
            value,
        }
    }

    fn inside(kind: &'static str, name: &str, value: String, secret: String) -> Planted {
        Planted {
            kind,
            name: name.to_owned(),
            value,
            secret,
        }
    }
}

/// Provider formats drawn in rotation for the slots of ordinary files.
/// `aws-key-pair` plants two labels (key id and secret access key).
pub const PROVIDERS: &[&str] = &[
    "aws-key-pair",
    "github-pat-classic",
    "github-oauth-token",
    "github-app-user-token",
    "github-app-installation-token",
    "github-refresh-token",
    "github-pat-fine-grained",
    "gitlab-pat",
    "gitlab-pipeline-trigger-token",
    "gitlab-runner-token",
    "gitlab-deploy-token",
    "slack-bot-token",
    "slack-user-token",
    "slack-app-token",
    "slack-webhook-url",
    "stripe-secret-key",
    "stripe-restricted-key",
    "stripe-webhook-secret",
    "openai-project-key",
    "openai-legacy-key",
    "anthropic-api-key",
    "google-api-key",
    "gcp-oauth-client-secret",
    "jwt",
    "postgres-url-password",
    "mysql-url-password",
    "mongodb-url-password",
    "redis-url-password",
    "amqp-url-password",
    "twilio-auth-token",
    "twilio-api-secret",
    "sendgrid-api-key",
    "npm-token",
    "pypi-upload-token",
    "discord-bot-token",
    "discord-webhook-url",
    "telegram-bot-token",
    "azure-storage-account-key",
    "huggingface-token",
    "digitalocean-token",
    "shopify-access-token",
    "mailgun-api-key",
    "mailchimp-api-key",
    "datadog-api-key",
    "newrelic-user-api-key",
    "vault-token",
    "databricks-token",
    "dockerhub-pat",
    "postman-api-key",
    "linear-api-key",
    "square-access-token",
    "rubygems-api-key",
    "atlassian-api-token",
    "heroku-api-key",
    "terraform-cloud-token",
    "azure-client-secret",
    "doppler-token",
    "grafana-service-account-token",
    "cloudflare-api-token",
    "okta-api-token",
    "sentry-auth-token",
    "age-secret-key",
    "url-credentials-password",
    "jdbc-url-password",
    "connection-string-password",
    "django-secret-key",
    "rails-secret-key-base",
    "laravel-app-key",
];

/// GitHub/npm token: prefix + 30 base62 characters + their CRC32 in 6
/// base62 digits.
pub fn crc_token(rng: &mut Rng, prefix: &str) -> String {
    let random = rng.string(ALNUM, 30);
    let check = base62(u64::from(crc32fast::hash(random.as_bytes())), 6);
    format!("{prefix}{random}{check}")
}

/// Words that would make a value look like a placeholder or a dummy.
const IMPLAUSIBLE: &[&str] = &[
    "example",
    "placeholder",
    "change",
    "replace",
    "your",
    "redacted",
    "dummy",
    "insert",
    "secret",
    "passw",
    "test",
    "sample",
    "default",
    "admin",
    "qwerty",
    "letmein",
    "xxx",
    "todo",
    "fake",
    "token",
    "notreal",
    "null",
    "none",
    "true",
    "false",
];

/// Whether a generated value reads as random (the generator redraws it
/// otherwise, as a real key generator never emits `example`).
pub fn plausible(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    !IMPLAUSIBLE.iter().any(|w| lower.contains(w))
        && !value.starts_with("$(")
        && !value.starts_with("%(")
        && !value.contains("${")
        && !value.contains("#{")
}

/// Draws until the value is [`plausible`].
pub fn draw(rng: &mut Rng, mut make: impl FnMut(&mut Rng) -> String) -> String {
    loop {
        let v = make(rng);
        if plausible(&v) {
            return v;
        }
    }
}

const PASSWORD_SYMBOLS: &str = "!@#%^*-_.+=~";

/// A human-chosen looking password: 12-22 characters mixing upper and lower
/// case, digits and a symbol or two, starting with a letter or digit.
pub fn password(rng: &mut Rng) -> String {
    draw(rng, |rng| {
        let len = rng.range(12, 22);
        let mut chars: Vec<u8> = rng.string(ALNUM, len).into_bytes();
        chars[0] = rng.string(LETTERS, 1).as_bytes()[0];
        let symbols = rng.range(1, 2);
        for _ in 0..symbols {
            let at = rng.range(2, len - 2);
            chars[at] = rng.string(PASSWORD_SYMBOLS, 1).as_bytes()[0];
        }
        let at = rng.range(1, len - 1);
        chars[at] = rng.string(DIGITS, 1).as_bytes()[0];
        let at = rng.range(1, len - 1);
        chars[at] = rng.string(UPPER, 1).as_bytes()[0];
        let at = rng.range(1, len - 1);
        chars[at] = rng.string(LOWER, 1).as_bytes()[0];
        String::from_utf8(chars).expect("ASCII")
    })
}

/// A password of letters and digits only (for URLs).
pub fn url_password(rng: &mut Rng) -> String {
    draw(rng, |rng| {
        let len = rng.range(16, 24);
        rng.string(ALNUM, len)
    })
}

/// A machine-generated API key or token without a provider prefix.
pub fn api_key(rng: &mut Rng) -> String {
    draw(rng, |rng| match rng.below(3) {
        0 => rng.string(HEX, 40),
        1 => rng.string(ALNUM, 32),
        _ => rng.string(URLSAFE, 43),
    })
}

const DB_USERS: &[&str] = &["app", "orders", "svc_reports", "billing", "api", "etl"];
const DB_HOSTS: &[&str] = &[
    "db.acme.internal",
    "orders-db.prod.acme.net",
    "10.12.4.17",
    "pg-primary.svc.cluster.local",
    "reports.cluster-c1x9.eu-west-1.rds.amazonaws.com",
];

/// A JSON Web Token with a signature.
pub fn jwt(rng: &mut Rng) -> String {
    let alg = if rng.chance(50) { "HS256" } else { "RS256" };
    let header = base64url(format!("{{\"alg\":\"{alg}\",\"typ\":\"JWT\"}}").as_bytes());
    let iat = 1_700_000_000 + rng.below(20_000_000);
    let payload = format!(
        "{{\"sub\":\"{}\",\"iss\":\"https://auth.acme.io\",\"aud\":\"orders-api\",\"iat\":{iat},\"exp\":{},\"scope\":\"orders:write\"}}",
        rng.uuid(),
        iat + 31_536_000
    );
    let signature = if alg == "HS256" {
        rng.bytes(32)
    } else {
        rng.bytes(256)
    };
    format!(
        "{header}.{}.{}",
        base64url(payload.as_bytes()),
        base64url(&signature)
    )
}

/// `body` followed by the upper-case hex CRC32 of `body` (Atlassian,
/// Trello and Bitbucket tokens).
fn with_crc32_hex(body: String) -> String {
    let crc = crc32fast::hash(body.as_bytes());
    format!("{body}{crc:08X}")
}

/// A Grafana service account token: `glsa_` + 32 characters + `_` + the
/// hex of the little-endian CRC32 of what precedes the `_`.
fn grafana_token(random: &str) -> String {
    let body = format!("glsa_{random}");
    let crc: String = crc32fast::hash(body.as_bytes())
        .to_le_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{body}_{crc}")
}

/// An age secret key: Bech32 (BIP 173) of 32 key bytes under the
/// human-readable part `age-secret-key-`, in upper case.
fn age_secret_key(key: &[u8]) -> String {
    const HRP: &str = "age-secret-key-";
    let data = to_five_bits(key);
    let mut values: Vec<u8> = HRP.bytes().map(|b| b >> 5).collect();
    values.push(0);
    values.extend(HRP.bytes().map(|b| b & 31));
    values.extend(&data);
    values.extend([0; 6]);
    let polymod = bech32_polymod(&values) ^ 1;
    let checksum = (0..6).map(|i| ((polymod >> (5 * (5 - i))) & 31) as u8);
    let chars: String = data
        .iter()
        .copied()
        .chain(checksum)
        .map(|v| BECH32_CHARS[v as usize] as char)
        .collect();
    format!("{HRP}1{chars}").to_ascii_uppercase()
}

const BECH32_CHARS: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

fn to_five_bits(bytes: &[u8]) -> Vec<u8> {
    let (mut acc, mut bits, mut out) = (0u32, 0u32, Vec::new());
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(((acc >> bits) & 31) as u8);
        }
    }
    if bits > 0 {
        out.push(((acc << (5 - bits)) & 31) as u8);
    }
    out
}

fn bech32_polymod(values: &[u8]) -> u32 {
    const GEN: [u32; 5] = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
    let mut chk = 1u32;
    for &v in values {
        let top = chk >> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

/// A PyPI upload token: `pypi-` + a macaroon serialised in URL-safe base64.
pub fn pypi_token(rng: &mut Rng, test: bool) -> String {
    let mut m: Vec<u8> = vec![0x02, 0x01];
    let location: &[u8] = if test { b"test.pypi.org" } else { b"pypi.org" };
    m.push(location.len() as u8);
    m.extend_from_slice(location);
    let identifier = rng.uuid();
    m.push(0x02);
    m.push(identifier.len() as u8);
    m.extend_from_slice(identifier.as_bytes());
    m.push(0x00);
    let caveat = format!(
        "{{\"version\": 1, \"permissions\": {{\"projects\": [\"acme-{}\"]}}}}",
        rng.string(LOWER, 6)
    );
    // One caveat section (its identifier), then an empty section that ends
    // the caveats, then the 32-byte signature.
    m.push(0x02);
    m.push(caveat.len() as u8);
    m.extend_from_slice(caveat.as_bytes());
    m.extend_from_slice(&[0x00, 0x00, 0x06, 0x20]);
    m.extend(rng.bytes(32));
    format!("pypi-{}", base64url(&m))
}

/// A Discord bot token: base64 of the bot's user id, a timestamp part and
/// an HMAC part.
pub fn discord_bot_token(rng: &mut Rng) -> String {
    let id = format!("1{}", rng.string(DIGITS, 18));
    format!(
        "{}.{}.{}",
        base64url(id.as_bytes()),
        rng.string(URLSAFE, 6),
        rng.string(URLSAFE, 38)
    )
}

/// The secret part of an Azure storage account key (64 random bytes).
pub fn azure_storage_key(rng: &mut Rng) -> String {
    loop {
        let key = base64(&rng.bytes(64));
        if !key.contains("+ASt") {
            return key;
        }
    }
}

/// The planted values of one provider slot.
pub fn provider(entry: &str, rng: &mut Rng) -> Vec<Planted> {
    let one = |kind: &'static str, name: &str, value: String| vec![Planted::new(kind, name, value)];
    match entry {
        "aws-key-pair" => vec![
            Planted::new(
                "aws-access-key-id",
                "AWS_ACCESS_KEY_ID",
                format!("AKIA{}", draw(rng, |r| r.string(BASE32, 16))),
            ),
            Planted::new(
                "aws-secret-access-key",
                "AWS_SECRET_ACCESS_KEY",
                draw(rng, |r| r.string(super::rng::BASE64, 40)),
            ),
        ],
        "github-pat-classic" => one(entry_kind(entry), "GITHUB_TOKEN", crc_token(rng, "ghp_")),
        "github-oauth-token" => one(entry_kind(entry), "GH_OAUTH_TOKEN", crc_token(rng, "gho_")),
        "github-app-user-token" => one(
            entry_kind(entry),
            "GITHUB_USER_ACCESS_TOKEN",
            crc_token(rng, "ghu_"),
        ),
        "github-app-installation-token" => one(
            entry_kind(entry),
            "GITHUB_INSTALLATION_TOKEN",
            crc_token(rng, "ghs_"),
        ),
        "github-refresh-token" => one(
            entry_kind(entry),
            "GITHUB_REFRESH_TOKEN",
            crc_token(rng, "ghr_"),
        ),
        "github-pat-fine-grained" => one(
            entry_kind(entry),
            "GH_PAT",
            format!(
                "github_pat_11{}_{}",
                rng.string(UPPER_ALNUM, 20),
                rng.string(ALNUM, 59)
            ),
        ),
        "gitlab-pat" => one(
            entry_kind(entry),
            "GITLAB_TOKEN",
            format!("glpat-{}", draw(rng, |r| r.string(URLSAFE, 20))),
        ),
        "gitlab-pipeline-trigger-token" => one(
            entry_kind(entry),
            "GITLAB_TRIGGER_TOKEN",
            format!("glptt-{}", rng.string(HEX, 40)),
        ),
        "gitlab-runner-token" => one(
            entry_kind(entry),
            "CI_RUNNER_TOKEN",
            format!("glrt-{}", draw(rng, |r| r.string(URLSAFE, 20))),
        ),
        "gitlab-deploy-token" => one(
            entry_kind(entry),
            "GITLAB_DEPLOY_TOKEN",
            format!("gldt-{}", draw(rng, |r| r.string(URLSAFE, 20))),
        ),
        "slack-bot-token" => one(
            entry_kind(entry),
            "SLACK_BOT_TOKEN",
            format!(
                "xoxb-{}-{}-{}",
                rng.digits(11),
                rng.digits(13),
                draw(rng, |r| r.string(ALNUM, 24))
            ),
        ),
        "slack-user-token" => one(
            entry_kind(entry),
            "SLACK_USER_TOKEN",
            format!(
                "xoxp-{}-{}-{}-{}",
                rng.digits(11),
                rng.digits(11),
                rng.digits(13),
                rng.string(HEX, 32)
            ),
        ),
        "slack-app-token" => one(
            entry_kind(entry),
            "SLACK_APP_TOKEN",
            format!(
                "xapp-1-A{}-{}-{}",
                rng.string(UPPER_ALNUM, 10),
                rng.digits(13),
                rng.string(HEX, 64)
            ),
        ),
        "slack-webhook-url" => one(
            entry_kind(entry),
            "SLACK_WEBHOOK_URL",
            format!(
                "https://hooks.slack.com/services/T{}/B{}/{}",
                rng.string(UPPER_ALNUM, 8),
                rng.string(UPPER_ALNUM, 10),
                draw(rng, |r| r.string(ALNUM, 24))
            ),
        ),
        "stripe-secret-key" => one(
            entry_kind(entry),
            "STRIPE_SECRET_KEY",
            format!("sk_live_51{}", draw(rng, |r| r.string(ALNUM, 97))),
        ),
        "stripe-restricted-key" => one(
            entry_kind(entry),
            "STRIPE_RESTRICTED_KEY",
            format!("rk_live_51{}", draw(rng, |r| r.string(ALNUM, 97))),
        ),
        "stripe-webhook-secret" => one(
            entry_kind(entry),
            "STRIPE_WEBHOOK_SECRET",
            format!("whsec_{}", draw(rng, |r| r.string(ALNUM, 32))),
        ),
        "openai-project-key" => one(
            entry_kind(entry),
            "OPENAI_API_KEY",
            format!(
                "sk-proj-{}T3BlbkFJ{}",
                draw(rng, |r| r.string(URLSAFE, 64)),
                draw(rng, |r| r.string(URLSAFE, 64))
            ),
        ),
        "openai-legacy-key" => one(
            entry_kind(entry),
            "OPENAI_KEY",
            format!(
                "sk-{}T3BlbkFJ{}",
                draw(rng, |r| r.string(ALNUM, 20)),
                draw(rng, |r| r.string(ALNUM, 20))
            ),
        ),
        "anthropic-api-key" => one(
            entry_kind(entry),
            "ANTHROPIC_API_KEY",
            format!("sk-ant-api03-{}AA", draw(rng, |r| r.string(URLSAFE, 93))),
        ),
        "google-api-key" => one(
            entry_kind(entry),
            "GOOGLE_API_KEY",
            format!("AIzaSy{}", draw(rng, |r| r.string(URLSAFE, 33))),
        ),
        "gcp-oauth-client-secret" => one(
            entry_kind(entry),
            "GOOGLE_CLIENT_SECRET",
            format!("GOCSPX-{}", draw(rng, |r| r.string(URLSAFE, 28))),
        ),
        "jwt" => one(entry_kind(entry), "SERVICE_JWT", jwt(rng)),
        "postgres-url-password" => {
            let pw = url_password(rng);
            let value = format!(
                "postgres://{}:{pw}@{}:5432/orders",
                rng.pick(DB_USERS),
                rng.pick(DB_HOSTS)
            );
            vec![Planted::inside(
                entry_kind(entry),
                "DATABASE_URL",
                value,
                pw,
            )]
        }
        "mysql-url-password" => {
            let pw = url_password(rng);
            let value = format!(
                "mysql://{}:{pw}@{}:3306/shop",
                rng.pick(DB_USERS),
                rng.pick(DB_HOSTS)
            );
            vec![Planted::inside(entry_kind(entry), "MYSQL_URL", value, pw)]
        }
        "mongodb-url-password" => {
            let pw = url_password(rng);
            let value = format!(
                "mongodb+srv://{}:{pw}@cluster0.{}.mongodb.net/app?retryWrites=true&w=majority",
                rng.pick(DB_USERS),
                rng.string(LOWER_ALNUM, 5)
            );
            vec![Planted::inside(entry_kind(entry), "MONGO_URI", value, pw)]
        }
        "redis-url-password" => {
            let pw = url_password(rng);
            let value = format!("redis://default:{pw}@cache.acme.internal:6379/0");
            vec![Planted::inside(entry_kind(entry), "REDIS_URL", value, pw)]
        }
        "amqp-url-password" => {
            let pw = url_password(rng);
            let value = format!(
                "amqps://{}:{pw}@mq.acme.internal:5671/orders",
                rng.pick(DB_USERS)
            );
            vec![Planted::inside(entry_kind(entry), "AMQP_URL", value, pw)]
        }
        "twilio-auth-token" => one(entry_kind(entry), "TWILIO_AUTH_TOKEN", rng.string(HEX, 32)),
        "twilio-api-secret" => one(
            entry_kind(entry),
            "TWILIO_API_SECRET",
            draw(rng, |r| r.string(ALNUM, 32)),
        ),
        "sendgrid-api-key" => one(
            entry_kind(entry),
            "SENDGRID_API_KEY",
            format!(
                "SG.{}.{}",
                draw(rng, |r| r.string(URLSAFE, 22)),
                draw(rng, |r| r.string(URLSAFE, 43))
            ),
        ),
        "npm-token" => one(entry_kind(entry), "NPM_TOKEN", crc_token(rng, "npm_")),
        "pypi-upload-token" => one(entry_kind(entry), "PYPI_API_TOKEN", pypi_token(rng, false)),
        "discord-bot-token" => one(
            entry_kind(entry),
            "DISCORD_BOT_TOKEN",
            discord_bot_token(rng),
        ),
        "discord-webhook-url" => one(
            entry_kind(entry),
            "DISCORD_WEBHOOK_URL",
            format!(
                "https://discord.com/api/webhooks/1{}/{}",
                rng.string(DIGITS, 18),
                draw(rng, |r| r.string(URLSAFE, 68))
            ),
        ),
        "telegram-bot-token" => one(
            entry_kind(entry),
            "TELEGRAM_BOT_TOKEN",
            format!(
                "{}:AA{}",
                rng.digits(10),
                draw(rng, |r| r.string(URLSAFE, 33))
            ),
        ),
        "azure-storage-account-key" => {
            let key = azure_storage_key(rng);
            let value = format!(
                "DefaultEndpointsProtocol=https;AccountName=acme{};AccountKey={key};EndpointSuffix=core.windows.net",
                rng.string(LOWER_ALNUM, 6)
            );
            vec![Planted::inside(
                entry_kind(entry),
                "AZURE_STORAGE_CONNECTION_STRING",
                value,
                key,
            )]
        }
        "huggingface-token" => one(
            entry_kind(entry),
            "HF_TOKEN",
            format!("hf_{}", draw(rng, |r| r.string(LETTERS, 34))),
        ),
        "digitalocean-token" => one(
            entry_kind(entry),
            "DIGITALOCEAN_TOKEN",
            format!("dop_v1_{}", rng.string(HEX, 64)),
        ),
        "shopify-access-token" => one(
            entry_kind(entry),
            "SHOPIFY_ACCESS_TOKEN",
            format!("shpat_{}", rng.string(HEX, 32)),
        ),
        "mailgun-api-key" => one(
            entry_kind(entry),
            "MAILGUN_API_KEY",
            format!("key-{}", rng.string(HEX, 32)),
        ),
        "mailchimp-api-key" => one(
            entry_kind(entry),
            "MAILCHIMP_API_KEY",
            format!("{}-us{}", rng.string(HEX, 32), rng.range(1, 21)),
        ),
        "datadog-api-key" => one(entry_kind(entry), "DD_API_KEY", rng.string(HEX, 32)),
        "newrelic-user-api-key" => one(
            entry_kind(entry),
            "NEW_RELIC_API_KEY",
            format!("NRAK-{}", rng.string(UPPER_ALNUM, 27)),
        ),
        "vault-token" => one(
            entry_kind(entry),
            "VAULT_TOKEN",
            format!("hvs.{}", draw(rng, |r| r.string(ALNUM, 24))),
        ),
        "databricks-token" => one(
            entry_kind(entry),
            "DATABRICKS_TOKEN",
            format!("dapi{}", rng.string(HEX, 32)),
        ),
        "dockerhub-pat" => one(
            entry_kind(entry),
            "DOCKERHUB_TOKEN",
            format!("dckr_pat_{}", draw(rng, |r| r.string(URLSAFE, 27))),
        ),
        "postman-api-key" => one(
            entry_kind(entry),
            "POSTMAN_API_KEY",
            format!("PMAK-{}-{}", rng.string(HEX, 24), rng.string(HEX, 34)),
        ),
        "linear-api-key" => one(
            entry_kind(entry),
            "LINEAR_API_KEY",
            format!("lin_api_{}", draw(rng, |r| r.string(ALNUM, 40))),
        ),
        "square-access-token" => one(
            entry_kind(entry),
            "SQUARE_ACCESS_TOKEN",
            format!("EAAA{}", draw(rng, |r| r.string(URLSAFE, 60))),
        ),
        "rubygems-api-key" => one(
            entry_kind(entry),
            "GEM_HOST_API_KEY",
            format!("rubygems_{}", rng.string(HEX, 48)),
        ),
        "atlassian-api-token" => one(
            entry_kind(entry),
            "JIRA_API_TOKEN",
            with_crc32_hex(format!(
                "ATATT3xFfGF0{}=",
                draw(rng, |r| r.string(URLSAFE, 170))
            )),
        ),
        "heroku-api-key" => one(
            entry_kind(entry),
            "HEROKU_API_KEY",
            format!("HRKU-AA{}", draw(rng, |r| r.string(URLSAFE, 58))),
        ),
        "terraform-cloud-token" => one(
            entry_kind(entry),
            "TFC_TOKEN",
            format!(
                "{}.atlasv1.{}",
                draw(rng, |r| r.string(ALNUM, 14)),
                draw(rng, |r| r.string(ALNUM, 67))
            ),
        ),
        "azure-client-secret" => one(
            entry_kind(entry),
            "AZURE_CLIENT_SECRET",
            format!(
                "{}8Q~{}",
                rng.string(ALNUM, 3),
                draw(rng, |r| r.string(
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.-",
                    34
                ))
            ),
        ),
        "doppler-token" => one(
            entry_kind(entry),
            "DOPPLER_TOKEN",
            format!("dp.pt.{}", draw(rng, |r| r.string(ALNUM, 43))),
        ),
        "grafana-service-account-token" => one(
            entry_kind(entry),
            "GRAFANA_SERVICE_ACCOUNT_TOKEN",
            grafana_token(&draw(rng, |r| r.string(ALNUM, 32))),
        ),
        "cloudflare-api-token" => one(
            entry_kind(entry),
            "CLOUDFLARE_API_TOKEN",
            draw(rng, |r| r.string(URLSAFE, 40)),
        ),
        "okta-api-token" => one(
            entry_kind(entry),
            "OKTA_API_TOKEN",
            format!("00{}", draw(rng, |r| r.string(URLSAFE, 40))),
        ),
        "sentry-auth-token" => one(
            entry_kind(entry),
            "SENTRY_AUTH_TOKEN",
            format!("sntryu_{}", rng.string(HEX, 64)),
        ),
        "age-secret-key" => one(
            entry_kind(entry),
            "SOPS_AGE_KEY",
            age_secret_key(&rng.bytes(32)),
        ),
        "url-credentials-password" => {
            let pw = url_password(rng);
            let value = format!("https://deploy:{pw}@git.acme.io/platform/infrastructure.git");
            vec![Planted::inside(
                entry_kind(entry),
                "GIT_REMOTE_URL",
                value,
                pw,
            )]
        }
        "jdbc-url-password" => {
            let pw = url_password(rng);
            let value = format!(
                "jdbc:postgresql://{}:5432/orders?user=app&password={pw}&ssl=true",
                rng.pick(DB_HOSTS)
            );
            vec![Planted::inside(entry_kind(entry), "JDBC_URL", value, pw)]
        }
        "connection-string-password" => {
            let pw = password(rng);
            let value = format!(
                "Server=tcp:sql-prod.acme.net,1433;Initial Catalog=orders;User ID=app;Password={pw};Encrypt=True;"
            );
            vec![Planted::inside(
                entry_kind(entry),
                "SQL_CONNECTION_STRING",
                value,
                pw,
            )]
        }
        "django-secret-key" => one(
            entry_kind(entry),
            "SECRET_KEY",
            draw(rng, |r| {
                r.string("abcdefghijklmnopqrstuvwxyz0123456789!@#%^&*(-_=+)", 50)
            }),
        ),
        "rails-secret-key-base" => one(entry_kind(entry), "SECRET_KEY_BASE", rng.string(HEX, 128)),
        "laravel-app-key" => one(
            entry_kind(entry),
            "APP_KEY",
            format!("base64:{}", base64(&rng.bytes(32))),
        ),
        other => panic!("unknown provider entry {other}"),
    }
}

/// The label kind of a provider entry (the entry name itself, but
/// `'static`).
fn entry_kind(entry: &str) -> &'static str {
    PROVIDERS
        .iter()
        .find(|k| **k == entry)
        .copied()
        .expect("known entry")
}

/// The label kinds [`provider`] can produce.
pub fn provider_kinds() -> Vec<&'static str> {
    let mut kinds: Vec<&'static str> = PROVIDERS
        .iter()
        .filter(|k| **k != "aws-key-pair")
        .copied()
        .collect();
    kinds.extend(["aws-access-key-id", "aws-secret-access-key"]);
    kinds
}

/// DER length bytes.
fn der_len(len: usize) -> Vec<u8> {
    if len < 0x80 {
        vec![len as u8]
    } else if len < 0x100 {
        vec![0x81, len as u8]
    } else {
        vec![0x82, (len >> 8) as u8, len as u8]
    }
}

fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend(der_len(content.len()));
    out.extend_from_slice(content);
    out
}

fn der_int(rng: &mut Rng, len: usize) -> Vec<u8> {
    let mut bytes = rng.bytes(len);
    bytes[0] |= 0x80;
    let mut content = vec![0u8];
    content.extend(bytes);
    der(0x02, &content)
}

/// A PKCS#1 RSA private key structure (random numbers, right shape).
fn rsa_der(rng: &mut Rng, bits: usize) -> Vec<u8> {
    let n = bits / 8;
    let mut seq = vec![0x02, 0x01, 0x00];
    seq.extend(der_int(rng, n));
    seq.extend([0x02, 0x03, 0x01, 0x00, 0x01]);
    seq.extend(der_int(rng, n));
    for _ in 0..5 {
        seq.extend(der_int(rng, n / 2));
    }
    der(0x30, &seq)
}

const RSA_OID: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
];

/// A PEM block: `-----BEGIN {label}-----`, base64 in lines of 64, END.
pub fn pem(label: &str, der: &[u8]) -> String {
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----",
        wrap(&base64(der), 64)
    )
}

/// The label word of a PEM private key block.
fn private(kind: &str) -> String {
    format!("{kind}PRIVATE KEY")
}

/// A private key in PEM form, by label kind.
pub fn private_key(kind: &str, rng: &mut Rng) -> String {
    match kind {
        "private-key-rsa" => pem(&private("RSA "), &rsa_der(rng, 2048)),
        "private-key-pkcs8" => {
            let inner = rsa_der(rng, 2048);
            let mut seq = vec![0x02, 0x01, 0x00];
            seq.extend_from_slice(RSA_OID);
            seq.extend(der(0x04, &inner));
            pem(&private(""), &der(0x30, &seq))
        }
        "private-key-ec" => {
            let mut seq = vec![0x02, 0x01, 0x01];
            seq.extend(der(0x04, &rng.bytes(32)));
            seq.extend([
                0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
            ]);
            let mut point = vec![0x00, 0x04];
            point.extend(rng.bytes(64));
            seq.extend(der(0xa1, &der(0x03, &point)));
            pem(&private("EC "), &der(0x30, &seq))
        }
        "private-key-openssh" => {
            fn string(out: &mut Vec<u8>, s: &[u8]) {
                out.extend((s.len() as u32).to_be_bytes());
                out.extend_from_slice(s);
            }
            let public = rng.bytes(32);
            let mut pubkey = Vec::new();
            string(&mut pubkey, b"ssh-ed25519");
            string(&mut pubkey, &public);
            let mut key = b"openssh-key-v1\0".to_vec();
            string(&mut key, b"none");
            string(&mut key, b"none");
            string(&mut key, b"");
            key.extend(1u32.to_be_bytes());
            string(&mut key, &pubkey);
            let mut private_part = Vec::new();
            let check = rng.bytes(4);
            private_part.extend(&check);
            private_part.extend(&check);
            string(&mut private_part, b"ssh-ed25519");
            string(&mut private_part, &public);
            let mut secret = rng.bytes(32);
            secret.extend(&public);
            string(&mut private_part, &secret);
            string(&mut private_part, b"deploy@ci-runner");
            let mut pad = 1u8;
            while private_part.len() % 8 != 0 {
                private_part.push(pad);
                pad += 1;
            }
            string(&mut key, &private_part);
            let label = private("OPENSSH ");
            format!(
                "-----BEGIN {label}-----\n{}\n-----END {label}-----",
                wrap(&base64(&key), 70)
            )
        }
        other => panic!("unknown private key kind {other}"),
    }
}

/// A PEM public key (decoy).
pub fn public_key_pem(rng: &mut Rng) -> String {
    let mut rsa = der_int(rng, 256);
    rsa.extend([0x02, 0x03, 0x01, 0x00, 0x01]);
    let mut bits = vec![0x00];
    bits.extend(der(0x30, &rsa));
    let mut seq = RSA_OID.to_vec();
    seq.extend(der(0x03, &bits));
    pem("PUBLIC KEY", &der(0x30, &seq))
}

/// A PEM X.509 certificate (decoy; random contents of the right shape).
pub fn certificate_pem(rng: &mut Rng) -> String {
    let mut tbs = vec![0xa0, 0x03, 0x02, 0x01, 0x02];
    tbs.extend(der(0x02, &rng.bytes(20)));
    tbs.extend(der(
        0x30,
        &[
            0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00,
        ],
    ));
    tbs.extend(der(0x30, b"\x31\x0b\x30\x09\x06\x03\x55\x04\x06\x13\x02DE"));
    tbs.extend(der(0x30, &rng.bytes(30)));
    tbs.extend(der(
        0x30,
        b"\x31\x13\x30\x11\x06\x03\x55\x04\x03\x0c\x0aacme.local",
    ));
    let mut spki = der_int(rng, 256);
    spki.extend([0x02, 0x03, 0x01, 0x00, 0x01]);
    tbs.extend(der(0x30, &spki));
    tbs.extend(der(0xa3, &rng.bytes(120)));
    let mut cert = der(0x30, &tbs);
    cert.extend(der(
        0x30,
        &[
            0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00,
        ],
    ));
    let mut sig = vec![0x00];
    sig.extend(rng.bytes(256));
    cert.extend(der(0x03, &sig));
    pem("CERTIFICATE", &der(0x30, &cert))
}

/// An OpenSSH public key line (decoy).
pub fn ssh_public_key(rng: &mut Rng, comment: &str) -> String {
    fn string(out: &mut Vec<u8>, s: &[u8]) {
        out.extend((s.len() as u32).to_be_bytes());
        out.extend_from_slice(s);
    }
    let mut blob = Vec::new();
    if rng.chance(50) {
        string(&mut blob, b"ssh-ed25519");
        string(&mut blob, &rng.bytes(32));
        format!("ssh-ed25519 {} {comment}", base64(&blob))
    } else {
        string(&mut blob, b"ssh-rsa");
        string(&mut blob, &[0x01, 0x00, 0x01]);
        let mut n = vec![0x00];
        n.extend(rng.bytes(384));
        string(&mut blob, &n);
        format!("ssh-rsa {} {comment}", base64(&blob))
    }
}

/// A Mapbox public token (`pk.`; decoy).
pub fn mapbox_public_token(rng: &mut Rng) -> String {
    let payload = format!(
        "{{\"u\":\"acme-maps\",\"a\":\"c{}\"}}",
        rng.string(LOWER_ALNUM, 24)
    );
    format!(
        "pk.{}.{}",
        base64url(payload.as_bytes()),
        rng.string(URLSAFE, 22)
    )
}

/// A SOPS-encrypted value (decoy).
pub fn sops_value(rng: &mut Rng) -> String {
    format!(
        "ENC[AES256_GCM,data:{},iv:{},tag:{},type:str]",
        base64(&rng.bytes(18)),
        base64(&rng.bytes(32)),
        base64(&rng.bytes(16))
    )
}

/// A sha512 or sha384 integrity string (decoy).
pub fn integrity(rng: &mut Rng, bits: usize) -> String {
    format!("sha{bits}-{}", base64(&rng.bytes(bits / 8)))
}
