//! The default report is for findings a person must act on: test keys and
//! documented examples are counted, not shown, and `--min-confidence low`
//! lists them.

use crate::util::{
    Tree, encrypted_rsa_private_key, gitlab_pat, locations_of, rsa_private_key, run_json,
};

fn scan(tree: &Tree, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut cmd = tree.cmd();
    cmd.args(["scan", ".", "--no-git", "-f", "json", "--no-progress"])
        .args(extra);
    run_json(&mut cmd)
}

/// The paths and confidences of the locations of `secret`.
fn places(json: &serde_json::Value, secret: &str) -> Vec<(String, String)> {
    locations_of(json, secret)
        .into_iter()
        .map(|l| {
            (
                l["path"].as_str().unwrap().to_owned(),
                l["confidence"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_test_key_is_counted_not_shown_and_listed_at_low() {
    let tree = Tree::new();
    let key = rsa_private_key(401);
    tree.write("tests/fixtures/x.pem", &key);
    let (code, json) = scan(&tree, &[]);
    assert_eq!(code, 0, "{json}");
    assert!(places(&json, &key).is_empty(), "{json}");
    let summary = &json["summary"];
    assert_eq!(summary["below_min_confidence"], 1);
    assert_eq!(summary["below_min_confidence_test"], 1);

    let output = tree
        .cmd()
        .args(["scan", ".", "--no-git", "--no-progress"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("1 location below --min-confidence not shown (1 in test code; --min-confidence low lists them)"),
        "{stderr}"
    );
    assert!(!stderr.contains(&key[40..80]), "{stderr}");

    let html = tree
        .cmd()
        .args(["scan", ".", "--no-git", "--no-progress", "-f", "html"])
        .output()
        .unwrap();
    let html = String::from_utf8(html.stdout).unwrap();
    assert!(
        html.contains("1 (1 in test code)"),
        "the HTML header says it too"
    );

    let (code, json) = scan(&tree, &["--min-confidence", "low"]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(
        places(&json, &key),
        [("tests/fixtures/x.pem".to_owned(), "low".to_owned())]
    );
}

#[test]
fn a_test_key_also_outside_tests_keeps_full_confidence() {
    let tree = Tree::new();
    let key = rsa_private_key(402);
    tree.write("tests/fixtures/x.pem", &key);
    tree.write("config/prod.pem", &key);
    let (code, json) = scan(&tree, &[]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(
        places(&json, &key),
        [
            ("config/prod.pem".to_owned(), "high".to_owned()),
            ("tests/fixtures/x.pem".to_owned(), "high".to_owned()),
        ]
    );
    assert!(json["summary"].get("below_min_confidence").is_none());
}

#[test]
fn a_test_key_elsewhere_in_the_history_keeps_full_confidence() {
    let tree = crate::git::repo();
    let key = rsa_private_key(403);
    tree.write("deploy/server.pem", &key);
    crate::git::commit(&tree, "add the server key");
    std::fs::remove_file(tree.path().join("deploy/server.pem")).unwrap();
    tree.write("testdata/server.pem", &key);
    crate::git::commit(&tree, "move it to the tests");
    let mut cmd = tree.cmd();
    cmd.args(["scan", ".", "-f", "json", "--no-progress"]);
    let (code, json) = run_json(&mut cmd);
    assert_eq!(code, 1, "{json}");
    assert_eq!(
        places(&json, &key),
        [
            ("deploy/server.pem".to_owned(), "high".to_owned()),
            ("testdata/server.pem".to_owned(), "high".to_owned()),
        ]
    );
}

#[test]
fn an_encrypted_key_is_lowered_and_says_why() {
    let tree = Tree::new();
    let key = encrypted_rsa_private_key(404);
    tree.write("config/legacy.pem", &key);
    let (code, json) = scan(&tree, &[]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["summary"]["below_min_confidence"], 1);
    let (code, json) = scan(&tree, &["--min-confidence", "low"]);
    assert_eq!(code, 1, "{json}");
    let location = &json["findings"][0]["locations"][0];
    assert_eq!(location["confidence"], "low");
    assert!(
        location["note"]
            .as_str()
            .is_some_and(|n| n.contains("passphrase")),
        "{location}"
    );
}

#[test]
fn keys_in_ordinary_code_stay_in_the_default_report() {
    let tree = Tree::new();
    let key = rsa_private_key(405);
    let token = gitlab_pat(406);
    tree.write(
        "src/config.py",
        format!("TOKEN = \"{token}\"\nKEY = \"\"\"{key}\"\"\"\n"),
    );
    let (code, json) = scan(&tree, &[]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(
        places(&json, &key),
        [("src/config.py".to_owned(), "high".to_owned())],
        "{json}"
    );
    assert_eq!(
        places(&json, &token),
        [("src/config.py".to_owned(), "high".to_owned())]
    );
}

#[test]
fn test_contexts_and_documented_examples() {
    let tree = Tree::new();
    let keys: Vec<String> = (410..416).map(rsa_private_key).collect();
    // A C++ test constant, named on the line before its value.
    tree.write(
        "crypto/keys.cc",
        format!("static const char kTestKey[] = R\"(\n{}\n)\";\n", keys[0]),
    );
    tree.write("dummyserver/certs/server.key", &keys[1]);
    tree.write("samples/app/server.key", &keys[2]);
    tree.write(
        "botocore/data/iot/2015-05-28/examples-1.json",
        format!("{{\"key\": \"{}\"}}\n", keys[3].replace('\n', "\\n")),
    );
    tree.write(
        "api/openapi.json",
        format!("{{\"example\": \"{}\"}}\n", keys[4].replace('\n', "\\n")),
    );
    tree.write("src/server.key", &keys[5]);
    let (code, json) = scan(&tree, &[]);
    assert_eq!(code, 1, "{json}");
    for key in &keys[..5] {
        assert!(places(&json, key).is_empty(), "{json}");
    }
    assert_eq!(
        places(&json, &keys[5]),
        [("src/server.key".to_owned(), "high".to_owned())]
    );
    let summary = &json["summary"];
    assert_eq!(summary["below_min_confidence"], 5, "{summary}");
    assert_eq!(summary["below_min_confidence_test"], 2, "{summary}");
    assert_eq!(summary["below_min_confidence_example"], 3, "{summary}");
}
