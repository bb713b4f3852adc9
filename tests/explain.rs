//! `leakhound explain RULE`.

use crate::util::{leakhound, run_json};

#[test]
fn explain_a_rule_with_provider_rotation_steps() {
    let output = leakhound()
        .args(["explain", "github-pat-classic"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("GitHub personal access token (classic) [github-pat-classic]\n"));
    for part in [
        "confidence  high",
        "keywords    ghp_",
        "checksum    crc32-base62",
        "Classic personal access tokens",
        "References\n  https://",
        "If it leaked: revoke and rotate it\n  1. If the token is yours, delete it",
        "POST /credentials/revoke",
        "  See https://docs.github.com/",
    ] {
        assert!(text.contains(part), "no {part:?} in\n{text}");
    }
    // Wrapped for a terminal; URLs are not cut.
    assert!(
        text.lines()
            .all(|l| l.chars().count() <= 78 || l.contains("https://"))
    );
}

#[test]
fn explain_a_rule_without_rotation_steps_gives_the_checklist() {
    let output = leakhound()
        .args(["explain", "pushbullet-access-token"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("Pushbullet"), "{text}");
    let checklist = text
        .split("If it leaked (a general checklist: this rule names no provider steps)\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no checklist in\n{text}"));
    for (n, start) in [
        (1, "Revoke or disable the credential where it was issued"),
        (2, "Issue a replacement"),
        (3, "Keep the new one out of the code"),
        (4, "Check the issuer's audit or access logs"),
    ] {
        assert!(
            checklist.contains(&format!("  {n}. {start}")),
            "{checklist}"
        );
    }
    assert!(!checklist.contains("  5. ") && !checklist.contains("See https://"));
}

#[test]
fn explain_an_unknown_rule_suggests_the_closest_ids() {
    for (wanted, suggested) in [
        (
            "github-pat",
            "github-pat-classic, github-pat-fine-grained, ",
        ),
        ("stripe-secret", "stripe-secret-key"),
        ("gitlab_pat", "gitlab-pat"),
    ] {
        let output = leakhound().args(["explain", wanted]).output().unwrap();
        assert_eq!(output.status.code(), Some(2));
        assert!(output.stdout.is_empty());
        let stderr = String::from_utf8(output.stderr).unwrap();
        let expected =
            format!("leakhound: error: no rule has the id '{wanted}'; did you mean {suggested}");
        assert!(stderr.starts_with(&expected), "{stderr}");
        assert!(
            stderr.ends_with("? (see `leakhound rules list`)\n"),
            "{stderr}"
        );
    }
    let output = leakhound().args(["explain", "qqqqqqqq"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr,
        "leakhound: error: no rule has the id 'qqqqqqqq' (see `leakhound rules list`)\n"
    );
}

#[test]
fn explain_as_json() {
    let (code, json) =
        run_json(leakhound().args(["explain", "aws-access-key-id", "--format", "json"]));
    assert_eq!(code, 0);
    assert_eq!(json["id"], "aws-access-key-id");
    assert_eq!(json["confidence"], "high");
    assert_eq!(json["rotation"]["generic"], false);
    assert!(json["rotation"]["steps"].as_array().unwrap().len() >= 3);
    assert!(
        json["rotation"]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://docs.aws.amazon.com/")
    );
    let (_, json) =
        run_json(leakhound().args(["explain", "generic-secret-assignment", "--format", "json"]));
    assert_eq!(json["rotation"]["generic"], true);
    assert!(json["rotation"].get("url").is_none());
}

/// The rule families the issue names each have provider steps for their
/// main rules.
#[test]
fn main_rules_have_provider_rotation_steps() {
    for rule in [
        "github-pat-classic",
        "github-pat-fine-grained",
        "gitlab-pat",
        "slack-bot-token",
        "stripe-secret-key",
        "openai-project-api-key",
        "anthropic-api-key",
        "sendgrid-api-key",
        "twilio-auth-token",
        "npm-access-token",
        "pypi-upload-token",
        "huggingface-access-token",
        "datadog-api-key",
        "aws-access-key-id",
        "aws-secret-access-key",
    ] {
        let (code, json) = run_json(leakhound().args(["explain", rule, "--format", "json"]));
        assert_eq!(code, 0, "{rule}");
        assert_eq!(json["rotation"]["generic"], false, "{rule}");
        assert!(
            json["rotation"]["url"]
                .as_str()
                .is_some_and(|u| u.starts_with("https://")),
            "{rule}"
        );
    }
}

#[test]
fn explain_a_custom_rule_from_a_config() {
    let tree = crate::util::Tree::new();
    tree.write(
        "lh.yml",
        "rules:\n- id: acme-key\n  name: Acme key\n  regex: 'acme_(?P<secret>[a-z0-9]{16})'\n  keywords: [acme_]\n  rotation:\n    steps: Ask the Acme admin to revoke it.\n",
    );
    let output = tree
        .cmd()
        .args(["explain", "acme-key", "--config", "lh.yml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("  1. Ask the Acme admin to revoke it.\n"),
        "{text}"
    );
}
