//! Why the program stops early, and the exit code each reason gives.

use huaweicloud_rds::Error;

/// Exit code for a failure after a request was attempted.
pub(crate) const EXIT_FAILURE: u8 = 1;
/// Exit code for invalid usage or values: nothing was sent.
pub(crate) const EXIT_USAGE: u8 = 2;
/// Exit code of a run stopped by ctrl-c: 128 + SIGINT, as shells report it.
pub(crate) const EXIT_INTERRUPTED: u8 = 130;

/// Why the program stops early.
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: EXIT_USAGE,
            message: message.into(),
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        let code = if error.is_invalid_request() {
            EXIT_USAGE
        } else {
            EXIT_FAILURE
        };
        Failure {
            code,
            message: error.to_string(),
        }
    }
}
