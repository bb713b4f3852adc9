//! The held-out grammar's files of one kind each: documentation with curl
//! examples and clone URLs, `Authorization: Basic` headers, Docker
//! `config.json` auths, split pairs, private keys in new places, WireGuard,
//! SQL, `.pgpass`, `.git-credentials`, a Kubernetes Secret, base64 in a
//! workflow, and decoy-only files (lock files, public keys, sealed
//! secrets).

use super::super::generate::Gen;
use super::super::repo::Repo;
use super::super::rng::{
    ALNUM, DIGITS, HEX, UPPER_ALNUM, URLSAFE, base64, base64url, percent_encode,
};
use super::super::values::{crc_token, integrity, private_key, provider, url_password};
use super::names::Style;
use super::values::{Shape, generic};
use super::{context::*, facets, next_provider};

/// A secret of a file kind: its label with the four facets.
struct Secret<'a> {
    kind: &'a str,
    value: &'a str,
    ctx: &'static str,
    needle: &'a str,
    syntax: &'a str,
    style: &'a str,
    word: &'a str,
    shape: &'a str,
}

fn secret(g: &mut Gen, s: Secret) {
    let index = g.positive(s.kind, s.value, s.ctx, s.needle);
    facets(g, index, s.syntax, s.style, s.word, s.shape);
}

/// A decoy found by `needle`, with its syntax.
fn decoy(g: &mut Gen, kind: &str, value: &str, needle: &str, syntax: &str) {
    let index = g.negative(kind, value, HEAD, needle);
    g.facet(index, "syntax", syntax);
}

/// A provider token written as itself (not inside a URL or a connection
/// string), writable unquoted.
fn next_token(g: &mut Gen) -> (&'static str, String) {
    loop {
        let p = next_provider(g, true);
        if p.value == p.secret {
            return (p.kind, p.secret);
        }
    }
}

/// README, docs, lock files, public keys, sealed secrets: the first
/// commit.
pub fn base_files(g: &mut Gen, repo: &mut Repo) {
    readme(g, repo);
    operations_doc(g, repo);
    api_doc(g, repo);
    lock_files(g, repo);
    public_keys(g, repo);
    sealed_secret(g, repo);
    repo.write(".gitignore", "/build\n/target\nnode_modules/\n.env\n");
    repo.commit("relay: import the service, its docs and lock files");
}

fn readme(g: &mut Gen, repo: &mut Repo) {
    let (kind, token) = next_token(g);
    let start = format!("RELAY_MAIL_KEY={token} npm start");
    secret(
        g,
        Secret {
            kind,
            value: &token,
            ctx: HEAD,
            needle: &token,
            syntax: "readme-snippet",
            style: "UPPER_SNAKE",
            word: "key",
            shape: "provider-format",
        },
    );
    let ghp = crc_token(&mut g.rng, "ghp_");
    secret(
        g,
        Secret {
            kind: "github-pat-classic",
            value: &ghp,
            ctx: HEAD,
            needle: &ghp,
            syntax: "readme-snippet",
            style: "cli-flag",
            word: "-p",
            shape: "provider-format",
        },
    );
    let login = format!("docker login ghcr.io -u acme-ci -p {ghp}");
    let angle = "export RELAY_TOKEN=<paste-your-token>";
    decoy(
        g,
        "placeholder-angle",
        "<paste-your-token>",
        angle,
        "readme-snippet",
    );
    let stdin = "docker login ghcr.io -u acme-ci --password-stdin < ~/.config/relay/ghcr-pat";
    decoy(
        g,
        "file-path",
        "~/.config/relay/ghcr-pat",
        stdin,
        "readme-snippet",
    );
    repo.write(
        "README.md",
        format!(
            "# relay\n\nThe message relay between the order services and partners.\n\n## Quick start\n\n```sh\nnpm ci\n{start}\n```\n\nPull the images first:\n\n```sh\n{login}\n```\n\nOr keep the token out of your history:\n\n```sh\n{angle}\n{stdin}\n```\n"
        ),
    );
}

fn operations_doc(g: &mut Gen, repo: &mut Repo) {
    let mut lines: Vec<String> = Vec::new();
    let pw = generic(&mut g.rng, Shape::Human, true);
    secret(
        g,
        Secret {
            kind: "generic-curl-user-password",
            value: &pw,
            ctx: HEAD,
            needle: &pw,
            syntax: "markdown-curl",
            style: "cli-flag",
            word: "-u",
            shape: Shape::Human.id(),
        },
    );
    lines.push(format!(
        "curl -u relay-admin:{pw} https://relay.acme.io/api/v1/queues"
    ));
    let (kind, token) = next_token(g);
    secret(
        g,
        Secret {
            kind,
            value: &token,
            ctx: HEAD,
            needle: &token,
            syntax: "markdown-curl",
            style: "Header-Case",
            word: "bearer",
            shape: "provider-format",
        },
    );
    lines.push(format!(
        "curl -H \"Authorization: Bearer {token}\" https://relay.acme.io/api/v1/partners"
    ));
    let key = generic(&mut g.rng, Shape::Alnum, true);
    secret(
        g,
        Secret {
            kind: "generic-curl-header",
            value: &key,
            ctx: HEAD,
            needle: &key,
            syntax: "markdown-curl",
            style: "Header-Case",
            word: "key",
            shape: Shape::Alnum.id(),
        },
    );
    lines.push(format!(
        "curl -H \"X-Relay-Key: {key}\" https://relay.acme.io/api/v1/replay"
    ));
    let clone_pw = url_password(&mut g.rng);
    secret(
        g,
        Secret {
            kind: "clone-url-password",
            value: &clone_pw,
            ctx: HEAD,
            needle: &clone_pw,
            syntax: "markdown-clone-url",
            style: "url-userinfo",
            word: "userinfo",
            shape: Shape::Alnum.id(),
        },
    );
    lines.push(format!(
        "git clone https://deploy:{clone_pw}@git.acme.io/platform/relay.git"
    ));
    let raw = generic(&mut g.rng, Shape::Human, false);
    let odd = format!("{}@{}/{}", &raw[..4], &raw[4..8], &raw[8..]);
    let encoded = percent_encode(&odd);
    secret(
        g,
        Secret {
            kind: "clone-url-password",
            value: &odd,
            ctx: PERCENT,
            needle: &encoded,
            syntax: "markdown-clone-url",
            style: "url-userinfo",
            word: "userinfo",
            shape: Shape::Human.id(),
        },
    );
    lines.push(format!(
        "git clone https://ci-bot:{encoded}@git.acme.io/platform/relay-tools.git"
    ));
    let decoys = [
        (
            "env-lookup",
            "$RELAY_ADMIN_PASS",
            "curl -u \"relay-admin:$RELAY_ADMIN_PASS\" https://relay.acme.io/api/v1/queues",
        ),
        (
            "placeholder-angle",
            "<token>",
            "curl -H \"Authorization: Bearer <token>\" https://relay.acme.io/api/v1/partners",
        ),
        (
            "url-no-password",
            "https://github.com/acme/relay.git",
            "git clone https://github.com/acme/relay.git",
        ),
        (
            "placeholder-angle",
            "<app-password>",
            "git clone https://<user>:<app-password>@git.acme.io/platform/relay.git",
        ),
        (
            "documented-example",
            "QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
            "curl -H \"Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\" https://httpbin.org/basic-auth/Aladdin/open%20sesame",
        ),
        (
            "env-lookup",
            "$(cat ~/.relay/creds)",
            "curl -u \"$(cat ~/.relay/creds)\" https://relay.acme.io/api/v1/health",
        ),
    ];
    for (kind, value, line) in decoys {
        decoy(g, kind, value, line, "markdown-curl");
        lines.push(line.to_owned());
    }
    g.rng.shuffle(&mut lines);
    let (first, rest) = lines.split_at(lines.len() / 2);
    repo.write(
        "docs/operations/relay.md",
        format!(
            "# Operating the relay\n\n## Checking the queues\n\n```sh\n{}\n```\n\n## Getting the code and replaying messages\n\n```sh\n{}\n```\n",
            first.join("\n"),
            rest.join("\n")
        ),
    );
}

fn api_doc(g: &mut Gen, repo: &mut Repo) {
    let pw = generic(&mut g.rng, Shape::Human, false);
    secret(
        g,
        Secret {
            kind: "generic-python-auth-tuple",
            value: &pw,
            ctx: HEAD,
            needle: &pw,
            syntax: "markdown-python",
            style: "positional",
            word: "auth",
            shape: Shape::Human.id(),
        },
    );
    let key = generic(&mut g.rng, Shape::Hex, false);
    secret(
        g,
        Secret {
            kind: "generic-js-header",
            value: &key,
            ctx: HEAD,
            needle: &key,
            syntax: "markdown-js",
            style: "Header-Case",
            word: "api key",
            shape: Shape::Hex.id(),
        },
    );
    let env = "resp = requests.get(URL, auth=(\"svc_relay\", os.environ[\"RELAY_PW\"]))";
    decoy(
        g,
        "env-lookup",
        "os.environ[\"RELAY_PW\"]",
        env,
        "markdown-python",
    );
    let angle = "resp = requests.get(URL, auth=(\"svc_relay\", \"<password>\"))";
    decoy(
        g,
        "placeholder-angle",
        "<password>",
        angle,
        "markdown-python",
    );
    let js_env =
        "const res = await fetch(url, { headers: { \"X-Api-Key\": process.env.RELAY_API_KEY } });";
    decoy(
        g,
        "env-lookup",
        "process.env.RELAY_API_KEY",
        js_env,
        "markdown-js",
    );
    repo.write(
        "docs/api.md",
        format!(
            "# Relay API\n\n## Python\n\n```python\nimport requests\n\nURL = \"https://relay.acme.io/api/v1/queues\"\nresp = requests.get(URL, auth=(\"svc_relay\", \"{pw}\"))\nresp.raise_for_status()\n```\n\nIn CI, read the password from the environment:\n\n```python\n{env}\n```\n\nTemplate for your own scripts:\n\n```python\n{angle}\n```\n\n## JavaScript\n\n```js\nconst res = await fetch(url, {{ headers: {{ \"X-Api-Key\": \"{key}\" }} }});\n{js_env}\n```\n"
        ),
    );
}

fn lock_files(g: &mut Gen, repo: &mut Repo) {
    let mut poetry = String::from(
        "# This file is automatically @generated by Poetry 1.8.2 and should not be changed by hand.\n",
    );
    for name in ["certifi", "idna", "requests", "urllib3", "pika"] {
        let hash = format!("sha256:{}", g.rng.string(HEX, 64));
        let line = format!("    {{file = \"{name}-2.31.0-py3-none-any.whl\", hash = \"{hash}\"}},");
        decoy(g, "lockfile-hash", &hash, line.trim(), "poetry-lock");
        poetry.push_str(&format!(
            "\n[[package]]\nname = \"{name}\"\nversion = \"2.31.0\"\noptional = false\npython-versions = \">=3.8\"\nfiles = [\n{line}\n]\n"
        ));
    }
    repo.write("relay/poetry.lock", poetry);

    let mut pnpm = String::from("lockfileVersion: '9.0'\n\npackages:\n");
    let mut yarn = String::from(
        "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n",
    );
    for name in ["amqplib", "ldapjs", "nodemailer", "ioredis", "kafkajs"] {
        let sri = integrity(&mut g.rng, 512);
        let line = format!("  {name}@1.2.3:\n    resolution: {{integrity: {sri}}}");
        decoy(
            g,
            "lockfile-hash",
            &sri,
            &format!("resolution: {{integrity: {sri}}}"),
            "pnpm-lock",
        );
        pnpm.push_str(&format!("\n{line}\n"));
        let sri = integrity(&mut g.rng, 512);
        decoy(
            g,
            "lockfile-hash",
            &sri,
            &format!("integrity {sri}"),
            "yarn-lock",
        );
        yarn.push_str(&format!(
            "\n{name}@^1.2.0:\n  version \"1.2.3\"\n  resolved \"https://registry.yarnpkg.com/{name}/-/{name}-1.2.3.tgz\"\n  integrity {sri}\n"
        ));
    }
    repo.write("web/pnpm-lock.yaml", pnpm);
    repo.write("tools/ui/yarn.lock", yarn);

    let mut composer = Vec::new();
    for name in ["guzzlehttp/guzzle", "monolog/monolog", "symfony/mailer"] {
        let reference = g.rng.string(HEX, 40);
        let shasum = g.rng.string(HEX, 40);
        decoy(
            g,
            "lockfile-hash",
            &reference,
            &format!("\"reference\": \"{reference}\""),
            "composer-lock",
        );
        decoy(
            g,
            "lockfile-hash",
            &shasum,
            &format!("\"shasum\": \"{shasum}\""),
            "composer-lock",
        );
        composer.push(format!(
            "        {{\n            \"name\": \"{name}\",\n            \"version\": \"7.8.1\",\n            \"source\": {{\n                \"type\": \"git\",\n                \"reference\": \"{reference}\"\n            }},\n            \"dist\": {{\n                \"type\": \"zip\",\n                \"shasum\": \"{shasum}\"\n            }}\n        }}"
        ));
    }
    repo.write(
        "php/composer.lock",
        format!(
            "{{\n    \"_readme\": [\"This file locks the dependencies of your project to a known state\"],\n    \"packages\": [\n{}\n    ]\n}}\n",
            composer.join(",\n")
        ),
    );

    let mut nodes = Vec::new();
    for name in ["nixpkgs", "flake-utils"] {
        let nar = format!("sha256-{}", base64(&g.rng.bytes(32)));
        let rev = g.rng.string(HEX, 40);
        decoy(
            g,
            "lockfile-hash",
            &nar,
            &format!("\"narHash\": \"{nar}\""),
            "flake-lock",
        );
        decoy(
            g,
            "lockfile-hash",
            &rev,
            &format!("\"rev\": \"{rev}\""),
            "flake-lock",
        );
        nodes.push(format!(
            "    \"{name}\": {{\n      \"locked\": {{\n        \"lastModified\": 1712345678,\n        \"narHash\": \"{nar}\",\n        \"owner\": \"NixOS\",\n        \"repo\": \"{name}\",\n        \"rev\": \"{rev}\",\n        \"type\": \"github\"\n      }}\n    }}"
        ));
    }
    repo.write(
        "flake.lock",
        format!(
            "{{\n  \"nodes\": {{\n{}\n  }},\n  \"version\": 7\n}}\n",
            nodes.join(",\n")
        ),
    );
}

fn public_keys(g: &mut Gen, repo: &mut Repo) {
    let mut hosts = Vec::new();
    for host in ["git.acme.io", "relay-1.acme.internal", "bastion.acme.io"] {
        let key = super::super::values::ssh_public_key(&mut g.rng, "");
        let key = key.trim_end().to_owned();
        let line = format!("{host} {key}");
        decoy(g, "public-key", &key, &line, "known-hosts");
        hosts.push(line);
    }
    repo.write("ops/ssh/known_hosts", hosts.join("\n") + "\n");

    let n = base64url(&g.rng.bytes(256));
    decoy(g, "public-key", &n, &format!("\"n\": \"{n}\""), "jwks");
    let kid = g.rng.string(HEX, 16);
    decoy(
        g,
        "identifier-word",
        &kid,
        &format!("\"kid\": \"{kid}\""),
        "jwks",
    );
    repo.write(
        "config/jwks.json",
        format!(
            "{{\n  \"keys\": [\n    {{\n      \"kty\": \"RSA\",\n      \"use\": \"sig\",\n      \"alg\": \"RS256\",\n      \"kid\": \"{kid}\",\n      \"n\": \"{n}\",\n      \"e\": \"AQAB\"\n    }}\n  ]\n}}\n"
        ),
    );

    let body = super::super::rng::wrap(&base64(&g.rng.bytes(420)), 64);
    let block = format!(
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n{body}\n={}\n-----END PGP PUBLIC KEY BLOCK-----",
        base64(&g.rng.bytes(3))
    );
    decoy(g, "public-key", &block, &block, "pgp-public-key");
    repo.write("keys/release-signing.asc", format!("{block}\n"));
}

fn sealed_secret(g: &mut Gen, repo: &mut Repo) {
    let mut data = Vec::new();
    for key in ["ldapBindPw", "smtpPasswd", "webhookHmac"] {
        let value = format!("AgB{}", base64(&g.rng.bytes(270)));
        let line = format!("    {key}: {value}");
        decoy(g, "encrypted-value", &value, line.trim(), "sealed-secret");
        data.push(line);
    }
    repo.write(
        "deploy/k8s/relay-sealed.yaml",
        format!(
            "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: relay\n  namespace: relay\nspec:\n  encryptedData:\n{}\n",
            data.join("\n")
        ),
    );
}

/// Files of one kind each, committed together.
pub fn special_files(g: &mut Gen, repo: &mut Repo) {
    basic_auth(g, repo);
    docker_config(g, repo);
    split_pairs(g, repo);
    private_keys(g, repo);
    wireguard(g, repo);
    sql(g, repo);
    pgpass(g, repo);
    git_credentials(g, repo);
    k8s_secret(g, repo);
    workflow_base64(g, repo);
    repo.commit("relay: scripts, registry auth, keys and database roles");
}

/// `user:password` base64-encoded, as in `Authorization: Basic`.
fn basic(user: &str, password: &str) -> String {
    base64(format!("{user}:{password}").as_bytes())
}

/// A basic-auth credential: labels the password, found by its base64.
fn plant_basic(g: &mut Gen, user: &str, shape: Shape) -> String {
    let pw = generic(&mut g.rng, shape, false);
    let encoded = basic(user, &pw);
    secret(
        g,
        Secret {
            kind: "basic-auth-header",
            value: &pw,
            ctx: BASE64_BLOB,
            needle: &encoded,
            syntax: "basic-auth-header",
            style: "Header-Case",
            word: "basic",
            shape: shape.id(),
        },
    );
    encoded
}

fn basic_auth(g: &mut Gen, repo: &mut Repo) {
    let health = plant_basic(g, "relay-monitor", Shape::Human);
    let mailgun = provider("mailgun-api-key", &mut g.rng).remove(0).secret;
    let mailgun_b64 = basic("api", &mailgun);
    secret(
        g,
        Secret {
            kind: "mailgun-api-key",
            value: &mailgun,
            ctx: BASE64_BLOB,
            needle: &mailgun_b64,
            syntax: "basic-auth-header",
            style: "Header-Case",
            word: "basic",
            shape: "provider-format",
        },
    );
    let env = "  -H \"Authorization: Basic $(printf '%s:%s' \"$RELAY_USER\" \"$RELAY_PASS\" | base64)\" \\";
    decoy(
        g,
        "env-lookup",
        "$RELAY_PASS",
        env.trim(),
        "basic-auth-header",
    );
    let rfc =
        "# The header looks like: Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ== (RFC 7617)";
    decoy(
        g,
        "documented-example",
        "QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
        rfc,
        "basic-auth-header",
    );
    repo.write(
        "scripts/healthcheck.sh",
        format!(
            "#!/usr/bin/env bash\nset -euo pipefail\n{rfc}\ncurl -fsS -H \"Authorization: Basic {health}\" https://relay.acme.io/healthz\ncurl -fsS \\\n{env}\n  https://relay.acme.io/api/v1/queues\ncurl -fsS -H \"Authorization: Basic {mailgun_b64}\" https://api.mailgun.net/v3/domains\n"
        ),
    );

    let sync = plant_basic(g, "svc_sync", Shape::Alnum);
    repo.write(
        "relay/sync.py",
        format!(
            "\"\"\"Pulls partner events.\"\"\"\nimport requests\n\nHEADERS = {{\n    \"Accept\": \"application/json\",\n    \"Authorization\": \"Basic {sync}\",\n}}\n\n\ndef pull(url):\n    return requests.get(url, headers=HEADERS, timeout=10).json()\n"
        ),
    );
    let upstream = plant_basic(g, "relay", Shape::Base64);
    let pass_on = "proxy_set_header Authorization $http_authorization;";
    decoy(
        g,
        "placeholder-template",
        "$http_authorization",
        pass_on,
        "basic-auth-header",
    );
    repo.write(
        "ops/nginx/partner-upstream.conf",
        format!(
            "location /partner/ {{\n    proxy_set_header Authorization \"Basic {upstream}\";\n    proxy_pass https://partner.example.net/;\n}}\n\nlocation /passthrough/ {{\n    {pass_on}\n    proxy_pass https://partner.example.net/;\n}}\n"
        ),
    );
    let ps = plant_basic(g, "relay-sync", Shape::Human);
    repo.write(
        "windows/sync.ps1",
        format!(
            "$headers = @{{ Authorization = 'Basic {ps}' }}\nInvoke-RestMethod -Uri 'https://relay.acme.io/api/v1/sync' -Headers $headers -Method Post\n"
        ),
    );
}

/// A `config.json` auth entry: labels the token, found by the base64.
fn plant_docker_auth(
    g: &mut Gen,
    user: &str,
    token: &str,
    shape: &str,
    ctx: &'static str,
) -> String {
    let auth = basic(user, token);
    secret(
        g,
        Secret {
            kind: "docker-config-auth",
            value: token,
            ctx,
            needle: &auth,
            syntax: "docker-config-json",
            style: "json",
            word: "auth",
            shape,
        },
    );
    auth
}

fn docker_config(g: &mut Gen, repo: &mut Repo) {
    let robot = g.rng.string(ALNUM, 32);
    let harbor = plant_docker_auth(g, "robot$relay+ci", &robot, "alnum", BASE64_BLOB);
    let ghp = crc_token(&mut g.rng, "ghp_");
    let ghcr = plant_docker_auth(g, "acme-ci", &ghp, "provider-format", BASE64_BLOB);
    let glpat = provider("gitlab-pat", &mut g.rng).remove(0).secret;
    let gitlab = plant_docker_auth(g, "gitlab-ci-token", &glpat, "provider-format", BASE64_BLOB);
    let ecr = "\"123456789012.dkr.ecr.eu-central-1.amazonaws.com\": \"ecr-login\"";
    decoy(g, "identifier-word", "ecr-login", ecr, "docker-config-json");
    let store = "\"credsStore\": \"desktop\"";
    decoy(g, "identifier-word", "desktop", store, "docker-config-json");
    repo.write(
        "deploy/registry/config.json",
        format!(
            "{{\n  \"auths\": {{\n    \"harbor.acme.io\": {{\n      \"auth\": \"{harbor}\"\n    }},\n    \"ghcr.io\": {{\n      \"auth\": \"{ghcr}\"\n    }},\n    \"registry.gitlab.com\": {{\n      \"auth\": \"{gitlab}\"\n    }},\n    \"https://index.docker.io/v1/\": {{}}\n  }},\n  \"credHelpers\": {{\n    {ecr}\n  }},\n  {store}\n}}\n"
        ),
    );
}

/// A Docker `config.json` committed and later deleted.
pub fn deleted_docker_config(g: &mut Gen, repo: &mut Repo) {
    let token = provider("dockerhub-pat", &mut g.rng).remove(0).secret;
    let auth = plant_docker_auth(g, "acmebot", &token, "provider-format", DELETED_FILE);
    let empty = "\"quay.io\": {\n      \"auth\": \"\"\n    }";
    decoy(g, "empty-value", "", empty, "docker-config-json");
    repo.write(
        "ci/old-docker-config.json",
        format!(
            "{{\n  \"auths\": {{\n    \"https://index.docker.io/v1/\": {{\n      \"auth\": \"{auth}\"\n    }},\n    {empty}\n  }}\n}}\n"
        ),
    );
}

/// An identifier on one line, the secret that goes with it on the next.
fn split_pairs(g: &mut Gen, repo: &mut Repo) {
    let pair = |g: &mut Gen, kind: &str, value: &str, word: &str, shape: &str| {
        secret(
            g,
            Secret {
                kind,
                value,
                ctx: HEAD,
                needle: value,
                syntax: "split-pair",
                style: "UPPER_SNAKE",
                word,
                shape,
            },
        );
    };
    // Python: Twilio and Mailjet.
    let sid = format!("AC{}", g.rng.string(HEX, 32));
    let twilio = g.rng.string(HEX, 32);
    let public = g.rng.string(HEX, 32);
    let private = g.rng.string(HEX, 32);
    let sid_line = format!("SMS_SID = \"{sid}\"");
    decoy(g, "paired-identifier", &sid, &sid_line, "split-pair");
    pair(g, "twilio-auth-token", &twilio, "auth", "hex");
    let public_line = format!("MJ_APIKEY_PUBLIC = \"{public}\"");
    decoy(g, "paired-identifier", &public, &public_line, "split-pair");
    pair(g, "mailjet-secret-key", &private, "apikey private", "hex");
    repo.write(
        "relay/notify/providers.py",
        format!(
            "\"\"\"SMS and mail providers of the notifier.\"\"\"\n\n{sid_line}\nSMS_AUTH = \"{twilio}\"\n\n{public_line}\nMJ_APIKEY_PRIVATE = \"{private}\"\n"
        ),
    );

    // TypeScript: an AWS key pair in an S3 client.
    let aws = provider("aws-key-pair", &mut g.rng);
    let (id, key) = (&aws[0].secret, &aws[1].secret);
    secret(
        g,
        Secret {
            kind: "aws-access-key-id",
            value: id,
            ctx: HEAD,
            needle: id,
            syntax: "split-pair",
            style: "camelCase",
            word: "access key id",
            shape: "provider-format",
        },
    );
    secret(
        g,
        Secret {
            kind: "aws-secret-access-key",
            value: key,
            ctx: HEAD,
            needle: key,
            syntax: "split-pair",
            style: "camelCase",
            word: "secret access key",
            shape: "provider-format",
        },
    );
    repo.write(
        "web/src/storage.ts",
        format!(
            "import {{ S3Client }} from \"@aws-sdk/client-s3\";\n\nexport const s3 = new S3Client({{\n  region: \"eu-central-1\",\n  credentials: {{\n    accessKeyId: \"{id}\",\n    secretAccessKey: \"{key}\",\n  }},\n}});\n"
        ),
    );

    // YAML: Pusher, Cloudinary, Algolia.
    let app_id = g.rng.digits(7);
    let pusher_key = g.rng.string(HEX, 20);
    let pusher_secret = g.rng.string(HEX, 20);
    let cloud_key = g.rng.digits(15);
    let cloud_secret = g.rng.string(URLSAFE, 27);
    let algolia_app = g.rng.string(UPPER_ALNUM, 10);
    let algolia_admin = g.rng.string(HEX, 32);
    for (value, line) in [
        (&app_id, format!("app_id: \"{app_id}\"")),
        (&pusher_key, format!("key: {pusher_key}")),
        (&cloud_key, format!("api_key: \"{cloud_key}\"")),
        (&algolia_app, format!("application_id: {algolia_app}")),
    ] {
        decoy(g, "paired-identifier", value, &line, "split-pair");
    }
    pair(g, "pusher-app-secret", &pusher_secret, "secret", "hex");
    pair(
        g,
        "cloudinary-api-secret",
        &cloud_secret,
        "api secret",
        "urlsafe",
    );
    pair(
        g,
        "algolia-admin-key",
        &algolia_admin,
        "admin api key",
        "hex",
    );
    repo.write(
        "config/notify.yml",
        format!(
            "pusher:\n  app_id: \"{app_id}\"\n  key: {pusher_key}\n  secret: {pusher_secret}\n  cluster: eu\ncloudinary:\n  cloud_name: acme-media\n  api_key: \"{cloud_key}\"\n  api_secret: {cloud_secret}\nalgolia:\n  application_id: {algolia_app}\n  admin_api_key: {algolia_admin}\n"
        ),
    );

    // Java: Twilio as two constants.
    let sid = format!("AC{}", g.rng.string(HEX, 32));
    let token = g.rng.string(HEX, 32);
    let sid_line = format!("static final String ACCOUNT = \"{sid}\";");
    decoy(g, "paired-identifier", &sid, &sid_line, "split-pair");
    pair(g, "twilio-auth-token", &token, "auth", "hex");
    repo.write(
        "relay/src/main/java/com/acme/relay/Sms.java",
        format!(
            "package com.acme.relay;\n\nimport com.twilio.Twilio;\n\nfinal class Sms {{\n    {sid_line}\n    static final String AUTH = \"{token}\";\n\n    static void init() {{\n        Twilio.init(ACCOUNT, AUTH);\n    }}\n}}\n"
        ),
    );
}

fn private_keys(g: &mut Gen, repo: &mut Repo) {
    let key = private_key("private-key-openssh", &mut g.rng);
    secret(
        g,
        Secret {
            kind: "private-key-openssh",
            value: &key,
            ctx: HEAD,
            needle: &key,
            syntax: "hcl-heredoc",
            style: "lower_snake",
            word: "key",
            shape: "pem",
        },
    );
    repo.write(
        "infra/relay/bastion.tf",
        format!(
            "resource \"aws_instance\" \"bastion\" {{\n  ami           = \"ami-0a1b2c3d4e5f67890\"\n  instance_type = \"t3.micro\"\n}}\n\nlocals {{\n  bastion_ssh_key = <<EOT\n{key}\nEOT\n}}\n"
        ),
    );

    let key = private_key("private-key-pkcs8", &mut g.rng);
    let escaped = format!("{}\\n", key.replace('\n', "\\n"));
    secret(
        g,
        Secret {
            kind: "private-key-pkcs8",
            value: &key,
            ctx: HEAD,
            needle: &escaped,
            syntax: "dotenv-escaped-pem",
            style: "UPPER_SNAKE",
            word: "pem",
            shape: "pem",
        },
    );
    repo.write(
        ".env.signing",
        format!("RELAY_SIGNING_PEM=\"{escaped}\"\nRELAY_SIGNING_KID=relay-2024-06\n"),
    );

    let key = private_key("private-key-ec", &mut g.rng);
    let indented: String = key.lines().map(|l| format!("  {l}\n")).collect();
    secret(
        g,
        Secret {
            kind: "private-key-ec",
            value: &key,
            ctx: HEAD,
            needle: indented.trim_end(),
            syntax: "yaml-block",
            style: "lower_snake",
            word: "key",
            shape: "pem",
        },
    );
    let vault_lines: Vec<String> = (0..5)
        .map(|_| format!("  {}", g.rng.string(HEX, 80)))
        .collect();
    let vault = format!("$ANSIBLE_VAULT;1.1;AES256\n{}", vault_lines.join("\n"));
    decoy(g, "encrypted-value", &vault, &vault, "ansible-vars");
    repo.write(
        "ops/ansible/host_vars/relay-1.yml",
        format!("---\nrelay_tls_key: |\n{indented}relay_db_pass: !vault |\n  {vault}\n"),
    );

    let key = private_key("private-key-rsa", &mut g.rng);
    secret(
        g,
        Secret {
            kind: "private-key-rsa",
            value: &key,
            ctx: HEAD,
            needle: &key,
            syntax: "kotlin-raw-string",
            style: "UPPER_SNAKE",
            word: "signing key",
            shape: "pem",
        },
    );
    repo.write(
        "android/relay/src/main/kotlin/com/acme/relay/Signing.kt",
        format!(
            "package com.acme.relay\n\nobject Signing {{\n    val SIGNING_KEY = \"\"\"\n{key}\n\"\"\".trimIndent()\n}}\n"
        ),
    );
}

/// A WireGuard key: 32 random bytes, clamped, base64.
fn wireguard_key(g: &mut Gen) -> String {
    let mut bytes = g.rng.bytes(32);
    bytes[0] &= 248;
    bytes[31] = (bytes[31] & 127) | 64;
    base64(&bytes)
}

fn wireguard(g: &mut Gen, repo: &mut Repo) {
    let private = wireguard_key(g);
    secret(
        g,
        Secret {
            kind: "wireguard-private-key",
            value: &private,
            ctx: HEAD,
            needle: &private,
            syntax: "wireguard",
            style: "PascalCase",
            word: "private key",
            shape: "base64",
        },
    );
    let psk = base64(&g.rng.bytes(32));
    secret(
        g,
        Secret {
            kind: "wireguard-preshared-key",
            value: &psk,
            ctx: HEAD,
            needle: &psk,
            syntax: "wireguard",
            style: "PascalCase",
            word: "preshared key",
            shape: "base64",
        },
    );
    let peers: Vec<String> = (0..2).map(|_| wireguard_key(g)).collect();
    for peer in &peers {
        decoy(
            g,
            "public-key",
            peer,
            &format!("PublicKey = {peer}"),
            "wireguard",
        );
    }
    repo.write(
        "ops/vpn/wg0.conf",
        format!(
            "[Interface]\nAddress = 10.8.0.1/24\nListenPort = 51820\nPrivateKey = {private}\n\n[Peer]\n# relay-2\nPublicKey = {}\nPresharedKey = {psk}\nAllowedIPs = 10.8.0.2/32\n\n[Peer]\n# relay-3\nPublicKey = {}\nAllowedIPs = 10.8.0.3/32\nEndpoint = relay-3.acme.io:51820\n",
            peers[0], peers[1]
        ),
    );
}

fn sql(g: &mut Gen, repo: &mut Repo) {
    let forms: &[(&str, &str)] = &[
        ("identified by", "CREATE USER relay_app IDENTIFIED BY '{}';"),
        (
            "password",
            "CREATE ROLE relay_etl WITH LOGIN PASSWORD '{}';",
        ),
        ("password", "ALTER USER relay_ro WITH PASSWORD '{}';"),
        (
            "password =",
            "CREATE LOGIN relay_reports WITH PASSWORD = '{}';",
        ),
        (
            "identified with",
            "ALTER USER 'relay_sync'@'%' IDENTIFIED WITH mysql_native_password BY '{}';",
        ),
    ];
    let mut lines = Vec::new();
    for (i, (word, form)) in forms.iter().enumerate() {
        let shape = [Shape::Human, Shape::Alnum, Shape::Base64][i % 3];
        let pw = generic(&mut g.rng, shape, false);
        secret(
            g,
            Secret {
                kind: "generic-sql-password",
                value: &pw,
                ctx: HEAD,
                needle: &pw,
                syntax: "sql",
                style: "statement",
                word,
                shape: shape.id(),
            },
        );
        lines.push(form.replace("{}", &pw));
    }
    let decoys = [
        (
            "non-secret-value",
            "EXTERNALLY",
            "CREATE USER relay_ops IDENTIFIED EXTERNALLY;",
        ),
        (
            "non-secret-value",
            "NULL",
            "ALTER ROLE relay_legacy WITH PASSWORD NULL;",
        ),
        (
            "placeholder-template",
            "&&relay_pw",
            "CREATE USER relay_batch IDENTIFIED BY \"&&relay_pw\";",
        ),
        (
            "placeholder-template",
            ":'relay_pw'",
            "CREATE ROLE relay_api WITH LOGIN PASSWORD :'relay_pw';",
        ),
    ];
    for (kind, value, line) in decoys {
        decoy(g, kind, value, line, "sql");
        lines.push(line.to_owned());
    }
    g.rng.shuffle(&mut lines);
    repo.write(
        "db/migrations/V7__relay_roles.sql",
        format!(
            "-- Roles of the relay.\n{}\nGRANT SELECT ON ALL TABLES IN SCHEMA relay TO relay_ro;\n",
            lines.join("\n")
        ),
    );
}

fn pgpass(g: &mut Gen, repo: &mut Repo) {
    let mut lines = vec!["# hostname:port:database:username:password".to_owned()];
    decoy(
        g,
        "placeholder-word",
        "password",
        "# hostname:port:database:username:password",
        "pgpass",
    );
    for (host, user) in [
        ("pg-primary.acme.internal", "relay_app"),
        ("pg-replica.acme.internal", "relay_ro"),
        ("*", "replicator"),
    ] {
        let shape = if user == "replicator" {
            Shape::Hex
        } else {
            Shape::Human
        };
        let pw = generic(&mut g.rng, shape, true);
        secret(
            g,
            Secret {
                kind: "generic-pgpass",
                value: &pw,
                ctx: HEAD,
                needle: &pw,
                syntax: "pgpass",
                style: "positional",
                word: "password",
                shape: shape.id(),
            },
        );
        lines.push(format!("{host}:5432:relay:{user}:{pw}"));
    }
    repo.write("ops/db/.pgpass", lines.join("\n") + "\n");
}

fn git_credentials(g: &mut Gen, repo: &mut Repo) {
    let ghp = crc_token(&mut g.rng, "ghp_");
    let pw = url_password(&mut g.rng);
    let glpat = provider("gitlab-pat", &mut g.rng).remove(0).secret;
    for (kind, value, shape) in [
        ("github-pat-classic", &ghp, "provider-format"),
        ("clone-url-password", &pw, "alnum"),
        ("gitlab-pat", &glpat, "provider-format"),
    ] {
        secret(
            g,
            Secret {
                kind,
                value,
                ctx: HEAD,
                needle: value,
                syntax: "git-credentials",
                style: "url-userinfo",
                word: "userinfo",
                shape,
            },
        );
    }
    let user_only = "https://x-access-token@github.com";
    decoy(
        g,
        "url-no-password",
        user_only,
        user_only,
        "git-credentials",
    );
    repo.write(
        "ops/ci/.git-credentials",
        format!(
            "https://ci-bot:{ghp}@github.com\nhttps://deploy:{pw}@git.acme.io\nhttps://oauth2:{glpat}@gitlab.com\n{user_only}\n"
        ),
    );
}

fn k8s_secret(g: &mut Gen, repo: &mut Repo) {
    let mut data = Vec::new();
    for (i, shape) in [Shape::Human, Shape::Hex, Shape::Alnum]
        .into_iter()
        .enumerate()
    {
        let name = super::names::secret_name(&mut g.rng);
        let key = format!("{}{i}", name.render(Style::Camel));
        let value = generic(&mut g.rng, shape, false);
        let encoded = base64(value.as_bytes());
        secret(
            g,
            Secret {
                kind: "generic-k8s-secret-data",
                value: &value,
                ctx: K8S_SECRET,
                needle: &encoded,
                syntax: "k8s-secret-data",
                style: "camelCase",
                word: &name.word_id(),
                shape: shape.id(),
            },
        );
        data.push(format!("  {key}: {encoded}"));
    }
    let (kind, token) = next_token(g);
    let encoded = base64(token.as_bytes());
    secret(
        g,
        Secret {
            kind,
            value: &token,
            ctx: K8S_SECRET,
            needle: &encoded,
            syntax: "k8s-secret-data",
            style: "camelCase",
            word: "api key",
            shape: "provider-format",
        },
    );
    data.push(format!("  partnerApiKey: {encoded}"));
    for (key, value) in [
        ("ldapUser", "svc_relay"),
        ("ldapHost", "ldap.acme.internal"),
    ] {
        let line = format!("{key}: {}", base64(value.as_bytes()));
        decoy(g, "non-secret-value", value, &line, "k8s-secret-data");
        data.push(format!("  {line}"));
    }
    g.rng.shuffle(&mut data);
    repo.write(
        "deploy/k8s/relay-secret.yaml",
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: relay-credentials\n  namespace: relay\ntype: Opaque\ndata:\n{}\n",
            data.join("\n")
        ),
    );
}

fn workflow_base64(g: &mut Gen, repo: &mut Repo) {
    let pw = generic(&mut g.rng, Shape::Alnum, true);
    let env = base64(format!("KAFKA_SASL_PASSPHRASE={pw}\nRELAY_REGION=eu-central-1\n").as_bytes());
    secret(
        g,
        Secret {
            kind: "generic-dotenv",
            value: &pw,
            ctx: BASE64_BLOB,
            needle: &env,
            syntax: "github-actions-base64",
            style: "UPPER_SNAKE",
            word: "passphrase",
            shape: Shape::Alnum.id(),
        },
    );
    let (kind, token) = next_token(g);
    let json = base64(format!("{{\"partner\": {{\"authKey\": \"{token}\"}}}}").as_bytes());
    secret(
        g,
        Secret {
            kind,
            value: &token,
            ctx: BASE64_BLOB,
            needle: &json,
            syntax: "github-actions-base64",
            style: "camelCase",
            word: "auth key",
            shape: "provider-format",
        },
    );
    let mut pins = Vec::new();
    for action in ["actions/checkout", "actions/setup-java"] {
        let sha = g.rng.string(HEX, 40);
        let line = format!("- uses: {action}@{sha}");
        decoy(g, "checksum", &sha, &line, "github-actions");
        pins.push(format!("      {line}"));
    }
    let tag = g.rng.string(DIGITS, 3);
    repo.write(
        ".github/workflows/release.yml",
        format!(
            "name: release\non:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-24.04\n    env:\n      RELAY_ENV_B64: {env}\n    steps:\n{}\n      - run: echo \"$RELAY_ENV_B64\" | base64 -d > .env\n      - run: echo \"{json}\" | base64 --decode > partner.json\n      - run: ./gradlew publish -Pbuild={tag}\n",
            pins.join("\n")
        ),
    );
}

/// Operator notes on the unmerged branch.
pub fn branch_docs(g: &mut Gen, repo: &mut Repo) {
    let pw = generic(&mut g.rng, Shape::Human, true);
    secret(
        g,
        Secret {
            kind: "generic-curl-user-password",
            value: &pw,
            ctx: OTHER_BRANCH,
            needle: &pw,
            syntax: "markdown-curl",
            style: "cli-flag",
            word: "-u",
            shape: Shape::Human.id(),
        },
    );
    let clone = url_password(&mut g.rng);
    secret(
        g,
        Secret {
            kind: "clone-url-password",
            value: &clone,
            ctx: OTHER_BRANCH,
            needle: &clone,
            syntax: "markdown-clone-url",
            style: "url-userinfo",
            word: "userinfo",
            shape: Shape::Alnum.id(),
        },
    );
    let angle = "curl -u relay-admin:<admin-pass> https://relay-v2.acme.io/api/v2/queues";
    let index = g.negative("placeholder-angle", "<admin-pass>", OTHER_BRANCH, angle);
    g.facet(index, "syntax", "markdown-curl");
    repo.write(
        "docs/relay-v2.md",
        format!(
            "# Relay v2 notes\n\nTry the new API:\n\n```sh\ncurl -u relay-admin:{pw} https://relay-v2.acme.io/api/v2/queues\n```\n\nGeneric form:\n\n```sh\n{angle}\n```\n\nThe v2 code lives in its own repository:\n\n```sh\ngit clone https://relay-bot:{clone}@git.acme.io/platform/relay-v2.git\n```\n"
        ),
    );
}
