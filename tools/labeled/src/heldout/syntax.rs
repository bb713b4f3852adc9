//! The syntaxes of the held-out grammar: how a name and a value are written
//! in each, how a file of each is framed, and how each refers to a value
//! kept elsewhere.

use super::super::rng::Rng;
use super::names::{Name, Style};
use super::values::Val;

/// A file syntax of the held-out grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    ComposeMap,
    ComposeList,
    GithubEnv,
    IniCrlf,
    Toml,
    YamlNested,
    Properties,
    Dotenv,
    Hcl,
    Gradle,
    Jenkinsfile,
    Kotlin,
    Swift,
    GoStruct,
    RustConst,
    CSharp,
    Java,
    Ruby,
    Php,
    Elixir,
    Helm,
    Ansible,
    Nginx,
    Apache,
    XmlAttr,
    Systemd,
    Makefile,
    Dockerfile,
    Shell,
    PowerShell,
    JsonNested,
    Python,
    Js,
    Registry,
}

/// Every syntax of [`Syntax`], in a fixed order.
pub const SYNTAXES: &[Syntax] = &[
    Syntax::ComposeMap,
    Syntax::ComposeList,
    Syntax::GithubEnv,
    Syntax::IniCrlf,
    Syntax::Toml,
    Syntax::YamlNested,
    Syntax::Properties,
    Syntax::Dotenv,
    Syntax::Hcl,
    Syntax::Gradle,
    Syntax::Jenkinsfile,
    Syntax::Kotlin,
    Syntax::Swift,
    Syntax::GoStruct,
    Syntax::RustConst,
    Syntax::CSharp,
    Syntax::Java,
    Syntax::Ruby,
    Syntax::Php,
    Syntax::Elixir,
    Syntax::Helm,
    Syntax::Ansible,
    Syntax::Nginx,
    Syntax::Apache,
    Syntax::XmlAttr,
    Syntax::Systemd,
    Syntax::Makefile,
    Syntax::Dockerfile,
    Syntax::Shell,
    Syntax::PowerShell,
    Syntax::JsonNested,
    Syntax::Python,
    Syntax::Js,
    Syntax::Registry,
];

/// One name and value as written: the text (one line or a block, with its
/// indentation), the container it goes in (`slot`), the sections above it
/// in nested syntaxes, and how its name is written.
pub struct Entry {
    pub slot: usize,
    pub section: Vec<String>,
    pub text: String,
    pub style: String,
}

fn dq(v: &Val) -> String {
    match v {
        Val::Str(s) => format!("\"{s}\""),
        Val::Raw(r) => r.clone(),
    }
}

fn sq(v: &Val) -> String {
    match v {
        Val::Str(s) => format!("'{s}'"),
        Val::Raw(r) => r.clone(),
    }
}

/// A YAML scalar: plain, single- or double-quoted.
fn yaml(rng: &mut Rng, v: &Val) -> String {
    let s = match v {
        Val::Raw(r) => return r.clone(),
        Val::Str(s) => s,
    };
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && !matches!(
            s.as_str(),
            "true" | "false" | "null" | "none" | "yes" | "no"
        );
    match rng.below(3) {
        0 if plain => s.clone(),
        1 => format!("'{s}'"),
        _ => format!("\"{s}\""),
    }
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `X-Relay-Api-Key` from the words of a name.
fn header(name: &Name) -> String {
    let words: Vec<String> = name
        .words()
        .iter()
        .map(|w| w[..1].to_ascii_uppercase() + &w[1..])
        .collect();
    format!("X-{}", words.join("-"))
}

fn entry(slot: usize, text: String, style: Style) -> Entry {
    Entry {
        slot,
        section: Vec::new(),
        text,
        style: style.id().to_owned(),
    }
}

/// An entry under sections named by the service words, its key the
/// credential words in `style`.
fn nested(name: &Name, text: String, style: Style) -> Entry {
    Entry {
        slot: 0,
        section: name.service.clone(),
        text,
        style: format!("nested {}", style.id()),
    }
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_bool(s: &str) -> bool {
    s == "true" || s == "false"
}

/// The declared type of a value: `[number, boolean, string]`, the first two
/// only for a raw (unquoted) number or boolean.
fn type_name(raw: bool, v: &str, [number, boolean, string]: [&'static str; 3]) -> &'static str {
    if raw && is_number(v) {
        number
    } else if raw && is_bool(v) {
        boolean
    } else {
        string
    }
}

impl Syntax {
    /// The facet and kind suffix: `generic-compose-env-map`.
    pub fn id(self) -> &'static str {
        match self {
            Syntax::ComposeMap => "compose-env-map",
            Syntax::ComposeList => "compose-env-list",
            Syntax::GithubEnv => "github-actions-env",
            Syntax::IniCrlf => "ini-crlf",
            Syntax::Toml => "toml-tables",
            Syntax::YamlNested => "yaml-nested",
            Syntax::Properties => "spring-properties",
            Syntax::Dotenv => "dotenv",
            Syntax::Hcl => "hcl",
            Syntax::Gradle => "gradle-groovy",
            Syntax::Jenkinsfile => "jenkinsfile",
            Syntax::Kotlin => "kotlin",
            Syntax::Swift => "swift",
            Syntax::GoStruct => "go-struct-literal",
            Syntax::RustConst => "rust-const",
            Syntax::CSharp => "csharp-member",
            Syntax::Java => "java-member",
            Syntax::Ruby => "ruby",
            Syntax::Php => "php",
            Syntax::Elixir => "elixir-config",
            Syntax::Helm => "helm-values",
            Syntax::Ansible => "ansible-vars",
            Syntax::Nginx => "nginx",
            Syntax::Apache => "apache",
            Syntax::XmlAttr => "xml-attribute",
            Syntax::Systemd => "systemd-unit",
            Syntax::Makefile => "makefile",
            Syntax::Dockerfile => "dockerfile",
            Syntax::Shell => "shell",
            Syntax::PowerShell => "powershell",
            Syntax::JsonNested => "json-nested",
            Syntax::Python => "python-env-default",
            Syntax::Js => "js-config",
            Syntax::Registry => "windows-registry",
        }
    }

    /// Whether values are written unquoted (so they hold no `#`, `$`,
    /// `%` or spaces).
    pub fn bare(self) -> bool {
        matches!(
            self,
            Syntax::ComposeList
                | Syntax::IniCrlf
                | Syntax::Properties
                | Syntax::Makefile
                | Syntax::Dockerfile
                | Syntax::Systemd
                | Syntax::Apache
                | Syntax::Dotenv
        )
    }

    /// How `name = val` is written, in one of the syntax's forms.
    pub fn write(self, rng: &mut Rng, name: &Name, val: &Val) -> Entry {
        use Style::*;
        let upper = name.render(UpperSnake);
        let snake = name.render(LowerSnake);
        let camel = name.render(Camel);
        let pascal = name.render(Pascal);
        let raw = matches!(val, Val::Raw(_));
        let v = val.text();
        match self {
            Syntax::ComposeMap => {
                entry(0, format!("      {upper}: {}", yaml(rng, val)), UpperSnake)
            }
            Syntax::ComposeList => entry(0, format!("      - {upper}={v}"), UpperSnake),
            Syntax::GithubEnv => {
                let slot = rng.below(2);
                let indent = if slot == 0 { 6 } else { 10 };
                let text = format!("{:indent$}{upper}: {}", "", yaml(rng, val));
                entry(slot, text, UpperSnake)
            }
            Syntax::IniCrlf => {
                let style = *rng.pick(&[&LowerSnake, &Kebab, &Pascal, &Dotted]);
                let sep = rng.pick(&["=", " = ", ": "]);
                if rng.chance(50) {
                    let key = style.render(&name.leaf());
                    nested(name, format!("{key}{sep}{v}"), style)
                } else {
                    entry(0, format!("{}{sep}{v}", name.render(style)), style)
                }
            }
            Syntax::Toml => {
                let style = *rng.pick(&[&LowerSnake, &Kebab]);
                match rng.below(3) {
                    0 => nested(
                        name,
                        format!("{} = {}", style.render(&name.leaf()), dq(val)),
                        style,
                    ),
                    1 => {
                        let mut key: Vec<String> = vec!["clients".to_owned()];
                        key.extend(name.service.clone());
                        key.push(style.render(&name.leaf()));
                        let text = format!("{} = {}", key.join("."), dq(val));
                        entry(0, text, Dotted)
                    }
                    _ => entry(0, format!("{} = {}", name.render(style), dq(val)), style),
                }
            }
            Syntax::YamlNested => {
                let style = *rng.pick(&[&LowerSnake, &Camel, &Kebab]);
                let text = format!("{}: {}", style.render(&name.leaf()), yaml(rng, val));
                nested(name, text, style)
            }
            Syntax::Helm => {
                let text = format!("{}: {}", Camel.render(&name.leaf()), yaml(rng, val));
                let mut e = nested(name, text, Camel);
                if rng.chance(50) {
                    e.section.push("auth".to_owned());
                }
                e
            }
            Syntax::JsonNested => {
                let style = *rng.pick(&[&Camel, &LowerSnake, &Kebab]);
                let text = format!("\"{}\": {}", style.render(&name.leaf()), dq(val));
                nested(name, text, style)
            }
            Syntax::Properties => {
                let style = *rng.pick(&[&Dotted, &Kebab, &Camel]);
                let sep = rng.pick(&["=", ": ", " = "]);
                let mut key: Vec<String> = vec!["relay".to_owned()];
                key.extend(name.service.clone());
                key.push(style.render(&name.leaf()));
                entry(0, format!("{}{sep}{v}", key.join(".")), Dotted)
            }
            Syntax::Dotenv => {
                let text = match (raw, rng.below(4)) {
                    (true, _) | (_, 0) => format!("{upper}={v}"),
                    (_, 1) => format!("{upper}=\"{v}\""),
                    (_, 2) => format!("{upper}='{v}'"),
                    _ => format!("export {upper}={v}"),
                };
                entry(0, text, UpperSnake)
            }
            Syntax::Hcl => {
                if rng.chance(60) {
                    entry(0, format!("  {snake} = {}", dq(val)), LowerSnake)
                } else {
                    let ty = type_name(raw, v, ["number", "bool", "string"]);
                    let text = format!(
                        "variable \"{snake}\" {{\n  type    = {ty}\n  default = {}\n}}",
                        dq(val)
                    );
                    entry(1, text, LowerSnake)
                }
            }
            Syntax::Gradle => match rng.below(3) {
                0 => entry(0, format!("def {camel} = {}", sq(val)), Camel),
                1 => entry(0, format!("ext.{camel} = {}", dq(val)), Camel),
                _ => entry(1, format!("    {camel} = {}", sq(val)), Camel),
            },
            Syntax::Jenkinsfile => entry(0, format!("        {upper} = {}", sq(val)), UpperSnake),
            Syntax::Kotlin => {
                let number = raw && is_number(v);
                match rng.below(3) {
                    0 if !raw || number => entry(
                        0,
                        format!("    const val {upper} = {}", dq(val)),
                        UpperSnake,
                    ),
                    1 => entry(0, format!("    private val {camel} = {}", dq(val)), Camel),
                    _ => entry(0, format!("    val {camel} = {}", dq(val)), Camel),
                }
            }
            Syntax::Swift => match rng.below(3) {
                0 => entry(0, format!("    static let {camel} = {}", dq(val)), Camel),
                1 if !raw => entry(0, format!("    let {camel}: String = {}", dq(val)), Camel),
                _ => entry(0, format!("    static let k{pascal} = {}", dq(val)), Pascal),
            },
            Syntax::GoStruct => {
                if raw || rng.chance(70) {
                    entry(0, format!("\t{pascal}: {},", dq(val)), Pascal)
                } else {
                    entry(1, format!("\t{camel} = []byte({})", dq(val)), Camel)
                }
            }
            Syntax::RustConst => {
                let ty = type_name(raw, v, ["u32", "bool", "&str"]);
                if !raw && rng.chance(30) {
                    entry(0, format!("static {upper}: &[u8] = b\"{v}\";"), UpperSnake)
                } else {
                    entry(
                        0,
                        format!("pub const {upper}: {ty} = {};", dq(val)),
                        UpperSnake,
                    )
                }
            }
            Syntax::CSharp => {
                let ty = type_name(raw, v, ["int", "bool", "string"]);
                match rng.below(3) {
                    0 if !raw || ty != "string" => entry(
                        0,
                        format!("    private const {ty} {pascal} = {};", dq(val)),
                        Pascal,
                    ),
                    1 => entry(
                        0,
                        format!("    public {ty} {pascal} {{ get; set; }} = {};", dq(val)),
                        Pascal,
                    ),
                    _ => entry(
                        0,
                        format!("    internal static readonly {ty} {pascal} = {};", dq(val)),
                        Pascal,
                    ),
                }
            }
            Syntax::Java => {
                let ty = type_name(raw, v, ["int", "boolean", "String"]);
                match rng.below(3) {
                    0 => entry(
                        0,
                        format!("    static final {ty} {upper} = {};", dq(val)),
                        UpperSnake,
                    ),
                    1 => entry(0, format!("    private {ty} {camel} = {};", dq(val)), Camel),
                    _ => {
                        let key = name.render(Dotted);
                        let value = if raw {
                            format!("String.valueOf({v})")
                        } else {
                            dq(val)
                        };
                        entry(
                            1,
                            format!("        DEFAULTS.put(\"{key}\", {value});"),
                            Dotted,
                        )
                    }
                }
            }
            Syntax::Ruby => match rng.below(3) {
                0 if !raw => entry(0, format!("  {upper} = {}.freeze", sq(val)), UpperSnake),
                1 => entry(1, format!("  config.{snake} = {}", sq(val)), LowerSnake),
                _ => entry(2, format!("  {snake}: {},", sq(val)), LowerSnake),
            },
            Syntax::Php => match rng.below(3) {
                0 => entry(0, format!("    '{snake}' => {},", sq(val)), LowerSnake),
                1 => entry(1, format!("define('{upper}', {});", sq(val)), UpperSnake),
                _ => entry(1, format!("${camel} = {};", dq(val)), Camel),
            },
            Syntax::Elixir => {
                if rng.chance(60) {
                    entry(0, format!("  {snake}: {}", dq(val)), LowerSnake)
                } else {
                    entry(
                        1,
                        format!("config :relay, {snake}: {}", dq(val)),
                        LowerSnake,
                    )
                }
            }
            Syntax::Ansible => entry(0, format!("{snake}: {}", yaml(rng, val)), LowerSnake),
            Syntax::Nginx => {
                if rng.chance(50) {
                    entry(0, format!("        set ${snake} {};", dq(val)), LowerSnake)
                } else {
                    let text = format!("        proxy_set_header {} {};", header(name), dq(val));
                    Entry {
                        style: "Header-Case".to_owned(),
                        ..entry(0, text, Pascal)
                    }
                }
            }
            Syntax::Apache => {
                if rng.chance(60) {
                    entry(0, format!("    SetEnv {upper} {v}"), UpperSnake)
                } else {
                    let text = format!("    RequestHeader set {} \"{v}\"", header(name));
                    Entry {
                        style: "Header-Case".to_owned(),
                        ..entry(0, text, Pascal)
                    }
                }
            }
            Syntax::XmlAttr => {
                let v = xml(v);
                if rng.chance(50) {
                    entry(
                        0,
                        format!("    <property name=\"{camel}\" value=\"{v}\"/>"),
                        Camel,
                    )
                } else {
                    let element = name.service.join("-");
                    let style = *rng.pick(&[&Camel, &Kebab]);
                    let attr = style.render(&name.leaf());
                    let text = format!("    <{element} user=\"svc_relay\" {attr}=\"{v}\"/>");
                    Entry {
                        style: format!("attribute {}", style.id()),
                        ..entry(0, text, style)
                    }
                }
            }
            Syntax::Systemd => {
                if rng.chance(50) {
                    entry(0, format!("Environment=\"{upper}={v}\""), UpperSnake)
                } else {
                    entry(0, format!("Environment={upper}={v}"), UpperSnake)
                }
            }
            Syntax::Makefile => {
                let op = rng.pick(&["?=", ":=", "="]);
                if rng.chance(25) {
                    entry(0, format!("export {upper} {op} {v}"), UpperSnake)
                } else {
                    entry(0, format!("{upper} {op} {v}"), UpperSnake)
                }
            }
            Syntax::Dockerfile => match rng.below(3) {
                0 => entry(0, format!("ENV {upper}={v}"), UpperSnake),
                1 => entry(0, format!("ENV {upper} {v}"), UpperSnake),
                _ => entry(1, format!("ARG {upper}={v}"), UpperSnake),
            },
            Syntax::Shell => {
                let text = match (raw, rng.below(4)) {
                    (true, _) | (_, 0) => format!("export {upper}={}", sq(val)),
                    (_, 1) => format!("export {upper}={v}"),
                    (_, 2) => format!("declare -x {upper}=\"{v}\""),
                    _ => format!("readonly {upper}=\"{v}\""),
                };
                entry(0, text, UpperSnake)
            }
            Syntax::PowerShell => match rng.below(3) {
                0 => entry(0, format!("${camel} = {}", sq(val)), Camel),
                1 => entry(0, format!("$env:{upper} = {}", dq(val)), UpperSnake),
                _ if !raw => entry(
                    0,
                    format!("[Environment]::SetEnvironmentVariable('{upper}', '{v}', 'Machine')"),
                    UpperSnake,
                ),
                _ => entry(0, format!("${pascal} = {v}"), Pascal),
            },
            Syntax::Python => match rng.below(3) {
                0 if !raw => entry(
                    0,
                    format!("os.environ.setdefault(\"{upper}\", \"{v}\")"),
                    UpperSnake,
                ),
                1 if !raw => entry(
                    0,
                    format!("{snake} = os.getenv(\"{upper}\", \"{v}\")"),
                    LowerSnake,
                ),
                _ => {
                    let ty = type_name(raw, v, ["int", "bool", "str"]);
                    let v = match (raw, v) {
                        (true, "true") => "True".to_owned(),
                        (true, "false") => "False".to_owned(),
                        _ => dq(val),
                    };
                    entry(1, format!("    {snake}: {ty} = {v}"), LowerSnake)
                }
            },
            Syntax::Js => match rng.below(3) {
                0 => entry(0, format!("  {camel}: {},", sq(val)), Camel),
                1 if !raw => entry(1, format!("process.env.{upper} ??= '{v}';"), UpperSnake),
                _ if !raw => entry(
                    1,
                    format!("const {camel} = process.env.{upper} || '{v}';"),
                    Camel,
                ),
                _ => entry(1, format!("const {camel} = {v};"), Camel),
            },
            Syntax::Registry => {
                let text = if raw && is_number(v) {
                    let n: u32 = v.parse().expect("a number");
                    format!("\"{pascal}\"=dword:{n:08x}")
                } else {
                    format!("\"{pascal}\"=\"{v}\"")
                };
                entry(0, text, Pascal)
            }
        }
    }

    /// A reference to a value kept elsewhere, as this syntax writes it:
    /// (decoy kind, value).
    pub fn reference(self, name: &Name, flavour: usize) -> Option<(&'static str, Val)> {
        use Style::*;
        let upper = name.render(UpperSnake);
        let snake = name.render(LowerSnake);
        let lookup = |s: String| Some(("env-lookup", Val::Raw(s)));
        let template = |s: String| Some(("placeholder-template", Val::Raw(s)));
        let stored = |s: String| Some(("secret-reference", Val::Raw(s)));
        match self {
            Syntax::ComposeMap | Syntax::ComposeList => {
                if flavour.is_multiple_of(2) {
                    lookup(format!("${{{upper}:?set {upper}}}"))
                } else {
                    template(format!("${{{upper}}}"))
                }
            }
            Syntax::GithubEnv => {
                if flavour.is_multiple_of(2) {
                    stored(format!("${{{{ secrets.{upper} }}}}"))
                } else {
                    template(format!("${{{{ vars.{upper} }}}}"))
                }
            }
            Syntax::IniCrlf => template(format!("%({snake})s")),
            Syntax::Toml | Syntax::JsonNested => template(format!("\"${{{upper}}}\"")),
            Syntax::YamlNested | Syntax::Properties => template(format!("${{{upper}}}")),
            Syntax::Dotenv => template(format!("${{{upper}}}")),
            Syntax::Hcl => {
                if flavour.is_multiple_of(2) {
                    lookup(format!("var.{snake}"))
                } else {
                    stored(format!("data.aws_ssm_parameter.{snake}.value"))
                }
            }
            Syntax::Gradle => lookup(format!("System.getenv('{upper}')")),
            Syntax::Jenkinsfile => stored(format!("credentials('{}')", name.render(Kebab))),
            Syntax::Kotlin | Syntax::Java => lookup(format!("System.getenv(\"{upper}\")")),
            Syntax::Swift => lookup(format!(
                "ProcessInfo.processInfo.environment[\"{upper}\"] ?? \"\""
            )),
            Syntax::GoStruct => lookup(format!("os.Getenv(\"{upper}\")")),
            Syntax::RustConst => lookup(format!("env!(\"{upper}\")")),
            Syntax::CSharp => lookup(format!("Environment.GetEnvironmentVariable(\"{upper}\")")),
            Syntax::Ruby => lookup(format!("ENV.fetch('{upper}')")),
            Syntax::Php => lookup(format!("env('{upper}')")),
            Syntax::Elixir => lookup(format!("System.get_env(\"{upper}\")")),
            Syntax::Helm => stored(format!("{{{{ .Values.global.{} }}}}", name.render(Camel))),
            Syntax::Ansible => {
                if flavour.is_multiple_of(2) {
                    lookup(format!("\"{{{{ lookup('env', '{upper}') }}}}\""))
                } else {
                    stored(format!("\"{{{{ vault_{snake} }}}}\""))
                }
            }
            Syntax::Nginx => template(format!("$http_{snake}")),
            Syntax::Apache => template(format!("${{{upper}}}")),
            Syntax::XmlAttr => template(format!("${{{}}}", name.render(Dotted))),
            Syntax::Systemd => template(format!("%d/{snake}")),
            Syntax::Makefile => stored(format!("$(shell cat /run/secrets/{snake})")),
            Syntax::Dockerfile => lookup(format!("${{{upper}}}")),
            Syntax::Shell => lookup(format!("\"${{{upper}:?}}\"")),
            Syntax::PowerShell => {
                if flavour.is_multiple_of(2) {
                    lookup(format!("$env:{upper}"))
                } else {
                    stored(format!("(Get-Secret -Name '{snake}' -AsPlainText)"))
                }
            }
            Syntax::Python => lookup(format!("os.environ[\"{upper}\"]")),
            Syntax::Js => lookup(format!("process.env.{upper}")),
            Syntax::Registry => None,
        }
    }

    /// The whole file: `slots` are the entries of each container.
    pub fn frame(self, title: &str, slots: &[Vec<Entry>]) -> String {
        let lines = |slot: usize| -> String {
            slots
                .get(slot)
                .map(|entries| {
                    entries
                        .iter()
                        .filter(|e| e.section.is_empty())
                        .map(|e| e.text.clone())
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .unwrap_or_default()
        };
        let all: Vec<&Entry> = slots.iter().flatten().collect();
        let (a, b, c) = (lines(0), lines(1), lines(2));
        match self {
            Syntax::ComposeMap => format!(
                "# {title}\nservices:\n  e2e:\n    image: ghcr.io/acme/relay-e2e:1.8.0\n    depends_on: [mq, ldap]\n    environment:\n{a}\n  mq:\n    image: rabbitmq:3.13-management\n"
            ),
            Syntax::ComposeList => format!(
                "# {title}\nservices:\n  replica:\n    image: ghcr.io/acme/relay:1.8.0\n    restart: unless-stopped\n    environment:\n{a}\n    volumes:\n      - ./data:/var/lib/relay\n"
            ),
            Syntax::GithubEnv => format!(
                "# {title}\nname: e2e\non:\n  pull_request:\n  workflow_dispatch:\njobs:\n  e2e:\n    runs-on: ubuntu-24.04\n    env:\n{a}\n    steps:\n      - uses: actions/checkout@v4\n      - name: Run the suite\n        env:\n          CI_SHARD: \"1\"\n{b}\n        run: make e2e\n"
            ),
            Syntax::IniCrlf => {
                format!(
                    "; {title}\n[relay]\n{a}\n\n{}",
                    ini_sections(&all, "[", "]")
                )
            }
            Syntax::Toml => format!("# {title}\n{a}\n\n{}", ini_sections(&all, "[", "]")),
            Syntax::YamlNested => format!("# {title}\n{a}\n{}", yaml_tree(&all, 0)),
            Syntax::Helm => format!(
                "# {title}\nreplicaCount: 2\nimage:\n  repository: ghcr.io/acme/relay\n  tag: 1.8.0\n{a}\n{}",
                yaml_tree(&all, 0)
            ),
            Syntax::JsonNested => {
                let mut items: Vec<String> = slots
                    .iter()
                    .flatten()
                    .filter(|e| e.section.is_empty())
                    .map(|e| format!("  {}", e.text))
                    .collect();
                items.extend(json_tree(&all, 0, 1));
                format!("{{\n{}\n}}\n", items.join(",\n"))
            }
            Syntax::Properties => format!("# {title}\nserver.port=8443\n{a}\n"),
            Syntax::Dotenv => format!("# {title}\n{a}\n"),
            Syntax::Hcl => format!(
                "# {title}\nterraform {{\n  required_version = \">= 1.7\"\n}}\n\nlocals {{\n{a}\n}}\n\n{}\n",
                b.replace("\n}\nvariable", "\n}\n\nvariable")
            ),
            Syntax::Gradle => format!(
                "// {title}\nplugins {{\n    id 'java-library'\n    id 'maven-publish'\n}}\n\n{a}\n\next {{\n{b}\n}}\n\nrepositories {{\n    mavenCentral()\n}}\n"
            ),
            Syntax::Jenkinsfile => format!(
                "// {title}\npipeline {{\n    agent any\n    environment {{\n{a}\n    }}\n    stages {{\n        stage('e2e') {{\n            steps {{\n                sh 'make e2e'\n            }}\n        }}\n    }}\n}}\n"
            ),
            Syntax::Kotlin => {
                format!("package com.acme.relay\n\n// {title}\nobject RelayConfig {{\n{a}\n}}\n")
            }
            Syntax::Swift => {
                format!("// {title}\nimport Foundation\n\nenum RelayConfig {{\n{a}\n}}\n")
            }
            Syntax::GoStruct => format!(
                "// Package relay: {title}.\npackage relay\n\nimport \"os\"\n\nvar _ = os.Getenv\n\nvar defaults = Config{{\n{a}\n}}\n\nvar (\n{b}\n)\n"
            ),
            Syntax::RustConst => format!("//! {title}\n\n{a}\n"),
            Syntax::CSharp => format!(
                "namespace Acme.Relay;\n\n// {title}\npublic sealed class RelayOptions\n{{\n{a}\n}}\n"
            ),
            Syntax::Java => format!(
                "package com.acme.relay;\n\nimport java.util.HashMap;\nimport java.util.Map;\n\n/** {title} */\npublic final class RelayDefaults {{\n    static final Map<String, String> DEFAULTS = new HashMap<>();\n{a}\n\n    static {{\n{b}\n    }}\n}}\n"
            ),
            Syntax::Ruby => format!(
                "# frozen_string_literal: true\n\n# {title}\nmodule Relay\n{a}\nend\n\nRelay.configure do |config|\n{b}\nend\n\nRELAY_OPTIONS = {{\n{c}\n}}.freeze\n"
            ),
            Syntax::Php => format!("<?php\n\n// {title}\n\n{b}\n\nreturn [\n{a}\n];\n"),
            Syntax::Elixir => {
                let keywords = slots
                    .first()
                    .map(|e| e.iter().map(|e| e.text.clone()).collect::<Vec<_>>())
                    .unwrap_or_default()
                    .join(",\n");
                format!(
                    "# {title}\nimport Config\n\nconfig :relay, Relay.Client,\n{keywords}\n\n{b}\n"
                )
            }
            Syntax::Ansible => format!("---\n# {title}\n{a}\n"),
            Syntax::Nginx => format!(
                "# {title}\nupstream relay {{\n    server 127.0.0.1:8443;\n}}\n\nserver {{\n    listen 443 ssl;\n    server_name relay.acme.io;\n\n    location / {{\n{a}\n        proxy_pass http://relay;\n    }}\n}}\n"
            ),
            Syntax::Apache => format!(
                "# {title}\n<VirtualHost *:443>\n    ServerName relay.acme.io\n{a}\n    ProxyPass / http://127.0.0.1:8443/\n</VirtualHost>\n"
            ),
            Syntax::XmlAttr => format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- {title} -->\n<beans xmlns=\"http://www.springframework.org/schema/beans\">\n  <bean id=\"relay\" class=\"com.acme.relay.RelayClient\">\n{a}\n  </bean>\n</beans>\n"
            ),
            Syntax::Systemd => format!(
                "# {title}\n[Unit]\nDescription=Acme relay\nAfter=network-online.target\n\n[Service]\nType=simple\nUser=relay\n{a}\nExecStart=/opt/relay/bin/relay --config /etc/relay/relay.toml\nRestart=on-failure\n\n[Install]\nWantedBy=multi-user.target\n"
            ),
            Syntax::Makefile => {
                format!("# {title}\n{a}\n\n.PHONY: e2e\ne2e:\n\t./scripts/e2e.sh\n")
            }
            Syntax::Dockerfile => format!(
                "# {title}\nFROM eclipse-temurin:21-jre\n{b}\n{a}\nCOPY build/libs/relay.jar /opt/relay/relay.jar\nENTRYPOINT [\"java\", \"-jar\", \"/opt/relay/relay.jar\"]\n"
            ),
            Syntax::Shell => format!(
                "#!/usr/bin/env bash\n# {title}\nset -euo pipefail\n\n{a}\n\nexec /opt/relay/bin/relay \"$@\"\n"
            ),
            Syntax::PowerShell => format!(
                "# {title}\n$ErrorActionPreference = 'Stop'\n\n{a}\n\n& \"$PSScriptRoot\\relay.exe\" --service\n"
            ),
            Syntax::Python => format!(
                "\"\"\"{title}\"\"\"\n\nimport os\nfrom dataclasses import dataclass\n\n{a}\n\n\n@dataclass\nclass RelaySettings:\n{b}\n"
            ),
            Syntax::Js => format!("// {title}\n{b}\n\nexport default {{\n{a}\n}};\n"),
            Syntax::Registry => format!(
                "Windows Registry Editor Version 5.00\n\n; {title}\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Acme\\Relay]\n{a}\n"
            ),
        }
    }
}

/// Entries under sections, as `[a.b]` tables (TOML, INI).
fn ini_sections(entries: &[&Entry], open: &str, close: &str) -> String {
    let mut order: Vec<String> = Vec::new();
    for e in entries.iter().filter(|e| !e.section.is_empty()) {
        let key = e.section.join(".");
        if !order.contains(&key) {
            order.push(key);
        }
    }
    let mut out = String::new();
    for key in order {
        out.push_str(&format!("{open}{key}{close}\n"));
        for e in entries.iter().filter(|e| e.section.join(".") == key) {
            out.push_str(&e.text);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// The first-seen order of the section keys at `depth`.
fn keys_at(entries: &[&Entry], depth: usize) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for e in entries.iter().filter(|e| e.section.len() > depth) {
        if !keys.contains(&e.section[depth]) {
            keys.push(e.section[depth].clone());
        }
    }
    keys
}

/// Entries with sections as nested YAML mappings (entries without sections
/// are left to the caller).
fn yaml_tree(entries: &[&Entry], depth: usize) -> String {
    let indent = "  ".repeat(depth);
    let mut out = String::new();
    if depth > 0 {
        for e in entries.iter().filter(|e| e.section.len() == depth) {
            out.push_str(&format!("{indent}{}\n", e.text));
        }
    }
    for key in keys_at(entries, depth) {
        let group: Vec<&Entry> = entries
            .iter()
            .filter(|e| e.section.len() > depth && e.section[depth] == key)
            .copied()
            .collect();
        out.push_str(&format!("{indent}{key}:\n"));
        out.push_str(&yaml_tree(&group, depth + 1));
    }
    out
}

/// Entries with sections as nested JSON objects: the items at `depth`.
fn json_tree(entries: &[&Entry], depth: usize, level: usize) -> Vec<String> {
    let indent = "  ".repeat(level);
    let mut items = Vec::new();
    if depth > 0 {
        for e in entries.iter().filter(|e| e.section.len() == depth) {
            items.push(format!("{indent}{}", e.text));
        }
    }
    for key in keys_at(entries, depth) {
        let group: Vec<&Entry> = entries
            .iter()
            .filter(|e| e.section.len() > depth && e.section[depth] == key)
            .copied()
            .collect();
        let inner = json_tree(&group, depth + 1, level + 1);
        items.push(format!(
            "{indent}\"{key}\": {{\n{}\n{indent}}}",
            inner.join(",\n")
        ));
    }
    items
}
