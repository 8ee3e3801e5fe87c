//! Keys and a request shared by the unit tests of every module.

use crate::credentials::SigningKey;
use crate::request::RequestParts;
use crate::sign::{Signed, sign};

pub(crate) const AK: &str = "HPUAEXAMPLEAK0000001";
pub(crate) const SK: &str = "ExampleSK0123456789abcdefghijklmnopqrstuv";
pub(crate) const DATE: &str = "20180806T044114Z";
pub(crate) const HOST: &str = "rds.cn-north-4.myhuaweicloud.com";
pub(crate) const PATH: &str = "/v3/0483b6b16e954cb88930a360d2c4e663/backups";

pub(crate) fn creds() -> SigningKey {
    SigningKey::new(AK, SK)
}

pub(crate) fn base_headers() -> Vec<(&'static str, &'static str)> {
    vec![("Content-Type", "application/json"), ("X-Sdk-Date", DATE)]
}

pub(crate) fn req<'a>(
    query: &'a [(&'a str, &'a str)],
    headers: &'a [(&'a str, &'a str)],
) -> RequestParts<'a> {
    RequestParts {
        method: "GET",
        host: HOST,
        path: PATH,
        query,
        headers,
        body: b"",
    }
}

pub(crate) fn sign_ok(r: &RequestParts<'_>) -> Signed {
    sign(r, &creds(), DATE).expect("signs")
}

/// Headers as a server would see them after the client sent `signed`.
pub(crate) fn sent(signed: &Signed) -> Vec<(&str, &str)> {
    signed
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}
