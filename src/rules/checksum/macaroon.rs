//! PyPI API tokens: `pypi-` + unpadded URL-safe base64 of a macaroon in the
//! version 2 binary format.
//!
//! The format (libmacaroons, pymacaroons): a version byte 2, then sections
//! of fields, each a varint type, a varint length and the data, closed by a
//! type 0 (end of section). The first section holds the location (type 1)
//! and the identifier (2); then one section per caveat (location, identifier
//! and verification id: 1, 2, 4); an empty section ends the caveats; last
//! comes the 32-byte signature (type 6).
//! <https://github.com/rescrv/libmacaroons/blob/master/doc/format.txt>

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

const LOCATION: u64 = 1;
const IDENTIFIER: u64 = 2;
const VERIFICATION_ID: u64 = 4;
const SIGNATURE: u64 = 6;

/// Locations of tokens issued by PyPI and TestPyPI.
const LOCATIONS: [&[u8]; 2] = [b"pypi.org", b"test.pypi.org"];

/// Whether `secret` is `pypi-` + a well-formed macaroon issued by PyPI or
/// TestPyPI.
pub(super) fn verify_pypi(secret: &[u8]) -> bool {
    let Some(encoded) = secret.strip_prefix(b"pypi-") else {
        return false;
    };
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(encoded) else {
        return false;
    };
    parse(&bytes).is_some_and(|location| LOCATIONS.contains(&location))
}

/// The location of a well-formed version 2 macaroon with a location.
fn parse(bytes: &[u8]) -> Option<&[u8]> {
    let mut reader = Reader { bytes, at: 0 };
    if reader.byte()? != 2 {
        return None;
    }
    let (LOCATION, location) = reader.field()? else {
        return None;
    };
    let (IDENTIFIER, identifier) = reader.field()? else {
        return None;
    };
    if identifier.is_empty() || reader.field()?.0 != 0 {
        return None;
    }
    // Caveats, each a section with an identifier; an empty section ends them.
    loop {
        let mut previous = 0;
        let mut has_identifier = false;
        loop {
            let (kind, _) = reader.field()?;
            if kind == 0 {
                break;
            }
            if kind <= previous || ![LOCATION, IDENTIFIER, VERIFICATION_ID].contains(&kind) {
                return None;
            }
            has_identifier |= kind == IDENTIFIER;
            previous = kind;
        }
        if previous == 0 {
            break;
        }
        if !has_identifier {
            return None;
        }
    }
    let (SIGNATURE, signature) = reader.field()? else {
        return None;
    };
    (signature.len() == 32 && reader.at == bytes.len()).then_some(location)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let byte = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(byte)
    }

    /// An unsigned LEB128 integer of at most 9 bytes.
    fn varint(&mut self) -> Option<u64> {
        let mut value = 0;
        for shift in (0..63).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    /// A field's type and data; type 0 (end of section) has no data.
    fn field(&mut self) -> Option<(u64, &'a [u8])> {
        let kind = self.varint()?;
        if kind == 0 {
            return Some((0, &[]));
        }
        let len = usize::try_from(self.varint()?).ok()?;
        let end = self
            .at
            .checked_add(len)
            .filter(|&end| end <= self.bytes.len())?;
        let data = &self.bytes[self.at..end];
        self.at = end;
        Some((kind, data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(out: &mut Vec<u8>, kind: u8, data: &[u8]) {
        out.push(kind);
        let mut len = data.len();
        while len >= 0x80 {
            out.push((len & 0x7f) as u8 | 0x80);
            len >>= 7;
        }
        out.push(len as u8);
        out.extend_from_slice(data);
    }

    /// A synthetic token: the structure PyPI issues, a made-up signature.
    fn token(location: &str, caveats: &[&str]) -> String {
        let mut bytes = vec![2];
        field(&mut bytes, 1, location.as_bytes());
        field(&mut bytes, 2, b"4d2a6f0e-6a1b-4c3e-9f57-0b8d2e61c7a4");
        bytes.push(0);
        for caveat in caveats {
            field(&mut bytes, 2, caveat.as_bytes());
            bytes.push(0);
        }
        bytes.push(0);
        field(&mut bytes, 6, &[0x5a; 32]);
        format!("pypi-{}", URL_SAFE_NO_PAD.encode(bytes))
    }

    const CAVEATS: [&str; 2] = [
        r#"{"version": 1, "permissions": {"projects": ["acme-client"]}}"#,
        r#"[0,1767225600,1798761600]"#,
    ];

    #[test]
    fn accepts_well_formed_tokens() {
        assert!(verify_pypi(token("pypi.org", &CAVEATS).as_bytes()));
        assert!(verify_pypi(
            token("test.pypi.org", &CAVEATS[..1]).as_bytes()
        ));
        assert!(verify_pypi(token("pypi.org", &[]).as_bytes()));
        // A 200-byte caveat needs a two-byte length.
        let long = "x".repeat(200);
        assert!(verify_pypi(token("pypi.org", &[&long]).as_bytes()));
    }

    #[test]
    fn rejects_other_issuers_and_broken_structure() {
        assert!(!verify_pypi(token("example.org", &CAVEATS).as_bytes()));
        let good = token("pypi.org", &CAVEATS);
        // Truncated, extended, or one character changed in the lengths.
        assert!(!verify_pypi(&good.as_bytes()[..good.len() - 4]));
        assert!(!verify_pypi(format!("{good}AAAA").as_bytes()));
        let mut changed = good.clone().into_bytes();
        changed[21] = if changed[21] == b'C' { b'D' } else { b'C' };
        assert!(!verify_pypi(&changed));
        // Random characters after a valid start.
        assert!(!verify_pypi(
            b"pypi-AgEIcHlwaS5vcmceLURlX-H7_yZriR_xgQwuRTUfnz8IFVRxoGBXlikgmFx"
        ));
        assert!(!verify_pypi(b"pypi-"));
        assert!(!verify_pypi(b"npm_AgEIcHlwaS5vcmc"));
    }
}
