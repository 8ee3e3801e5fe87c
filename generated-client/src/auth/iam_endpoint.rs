//! Which IAM endpoint the project id lookup asks, in the official SDK's
//! order: the credentials file's `iam_endpoint`, else
//! `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else the SDK's table
//! (huaweicloudsdkcore `auth/endpoint.py`), else the global endpoint.

use super::environment::Environment;
use crate::credentials::env;

/// The global IAM endpoint, for regions the table does not list.
pub const DEFAULT: &str = "https://iam.myhuaweicloud.com";

/// Regions with their own IAM endpoint, `https://iam.{region}.myhuaweicloud.com`:
/// the 27 of huaweicloudsdkcore 3.1.219's `auth/endpoint.py`.
pub const REGIONAL: &[&str] = &[
    "cn-north-2",
    "cn-north-4",
    "cn-north-1",
    "cn-east-2",
    "cn-east-3",
    "cn-south-1",
    "cn-south-2",
    "cn-southwest-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "af-south-1",
    "sa-brazil-1",
    "la-south-2",
    "na-mexico-1",
    "la-north-2",
    "cn-north-9",
    "eu-west-0",
    "my-kualalumpur-1",
    "ru-moscow-1",
    "me-east-1",
    "ap-southeast-4",
    "ae-ad-1",
    "cn-east-4",
    "cn-east-5",
    "tr-west-1",
    "cn-north-12",
];

/// The table's endpoint for `region`, else [`DEFAULT`].
pub fn for_region(region: &str) -> String {
    if REGIONAL.contains(&region) {
        format!("https://iam.{region}.myhuaweicloud.com")
    } else {
        DEFAULT.to_owned()
    }
}

/// The endpoint to ask: `configured` (the builder's or the credentials
/// file's) first, then the variable, then the table.
pub(crate) fn resolve(configured: Option<&str>, environment: &Environment, region: &str) -> String {
    configured
        .map(str::to_owned)
        .or_else(|| environment.get(env::IAM_ENDPOINT))
        .unwrap_or_else(|| for_region(region))
        .trim_end_matches('/')
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_file_then_variable_then_table_then_global() {
        let none = Environment::empty();
        let set = Environment::from_fn(|n| {
            (n == env::IAM_ENDPOINT).then(|| "http://127.0.0.1:7/".into())
        });
        assert_eq!(
            resolve(Some("http://file"), &set, "cn-north-4"),
            "http://file"
        );
        assert_eq!(resolve(None, &set, "cn-north-4"), "http://127.0.0.1:7");
        assert_eq!(
            resolve(None, &none, "cn-north-4"),
            "https://iam.cn-north-4.myhuaweicloud.com"
        );
        assert_eq!(resolve(None, &none, "eu-west-101"), DEFAULT);
        assert_eq!(REGIONAL.len(), 27);
    }
}
