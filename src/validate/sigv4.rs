//! AWS Signature Version 4, for the STS `GetCallerIdentity` check: the one
//! request that any AWS access key may make and that changes nothing.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// What is signed: one request.
pub struct Request<'a> {
    /// `GET` or `POST`.
    pub method: &'a str,
    /// The host, as sent in the `host` header.
    pub host: &'a str,
    /// The path (`/`).
    pub path: &'a str,
    /// The query string, already in canonical order and encoding.
    pub query: &'a str,
    /// Headers other than `host` and `x-amz-date`, lower-case names, in
    /// order.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body.
    pub body: &'a [u8],
    /// `YYYYMMDDTHHMMSSZ`.
    pub amz_date: &'a str,
    /// The region (`us-east-1`).
    pub region: &'a str,
    /// The service (`sts`).
    pub service: &'a str,
}

/// The `Authorization` header value for `request`, signed with the access
/// key ID and secret access key.
pub fn authorization(request: &Request<'_>, key_id: &str, secret: &str) -> String {
    let date = &request.amz_date[..8];
    let scope = format!("{date}/{}/{}/aws4_request", request.region, request.service);
    let mut headers: Vec<(&str, &str)> =
        vec![("host", request.host), ("x-amz-date", request.amz_date)];
    headers.extend_from_slice(request.headers);
    headers.sort_unstable();
    let signed_headers = headers
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(";");
    let canonical_headers: String = headers
        .iter()
        .map(|(name, value)| format!("{name}:{}\n", value.trim()))
        .collect();
    let canonical = format!(
        "{}\n{}\n{}\n{canonical_headers}\n{signed_headers}\n{}",
        request.method,
        request.path,
        request.query,
        hex(&Sha256::digest(request.body))
    );
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
        request.amz_date,
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let key = signing_key(secret, date, request.region, request.service);
    let signature = hex(&hmac(&key, to_sign.as_bytes()));
    format!(
        "AWS4-HMAC-SHA256 Credential={key_id}/{scope}, SignedHeaders={signed_headers}, Signature={signature}"
    )
}

/// The key derived from the secret for one day, region and service.
pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    faster_hex::hex_string(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The example in AWS's Signature Version 4 documentation: IAM
    // ListUsers on 30 August 2015, with AWS's published example key.
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"; // leakhound:allow (AWS's documented example)

    #[test]
    fn derives_the_documented_signing_key() {
        let key = signing_key(SECRET, "20150830", "us-east-1", "iam");
        assert_eq!(
            hex(&key),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
    }

    #[test]
    fn signs_the_documented_request() {
        let request = Request {
            method: "GET",
            host: "iam.amazonaws.com",
            path: "/",
            query: "Action=ListUsers&Version=2010-05-08",
            headers: &[(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )],
            body: b"",
            amz_date: "20150830T123600Z",
            region: "us-east-1",
            service: "iam",
        };
        assert_eq!(
            authorization(&request, "AKIDEXAMPLE", SECRET),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, \
             Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        );
    }
}
