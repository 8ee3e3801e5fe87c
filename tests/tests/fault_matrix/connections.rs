//! Connections refused, closed (FIN) or reset (RST) before the headers or in
//! the middle of the body: retried as transport failures, up to the attempts.

use std::time::{Duration, Instant};

use huaweicloud_rds_mock::faults::{
    FAULT_CLOSE_BEFORE_HEADERS, FAULT_CLOSE_MID_BODY, FAULT_RESET_BEFORE_HEADERS,
};
use huaweicloud_rds_mock::{Fault, INSTANCE_MYSQL, Script};

use crate::support::{
    MYSQL_BACKUPS, call, call_default, client, client_for, guarded, list, mock, page_of,
    transport_message,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_refused_is_retried_then_a_transport_error() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let url = server.base_url();
        server.shutdown().await; // nothing listens there any more
        let c = client_for(&url)
            .backoff(Duration::from_millis(100), Duration::from_millis(100))
            .build()
            .unwrap();
        let started = Instant::now();
        let err = list(&c, INSTANCE_MYSQL).await.unwrap_err();
        assert!(
            err.to_string()
                .starts_with("transport error: connection failed: "),
            "{err}"
        );
        let message = transport_message::<()>(Err(err));
        assert!(message.starts_with("connection failed"), "{message}");
        // Nothing reaches a server to count: the two backoffs between the
        // three attempts (each at least half of 100 ms) show the retries.
        assert!(started.elapsed() >= Duration::from_millis(100));
    })
    .await;
}

/// Each script is played once, then the instance answers normally: the
/// retries get the page, one request per fault.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_before_or_during_the_answer_are_retried_then_succeed() {
    guarded(Duration::from_secs(2), async {
        for script in [
            vec![Fault::CloseBeforeHeaders],
            vec![Fault::ResetBeforeHeaders],
            vec![Fault::close_mid_body()],
            vec![Fault::ResetBeforeHeaders, Fault::CloseBeforeHeaders],
            vec![Fault::throttled(0), Fault::ResetBeforeHeaders],
        ] {
            let n = script.len() as u64;
            let what = format!("{script:?}");
            let c = call_default(script).await;
            page_of(c.result, MYSQL_BACKUPS);
            assert_eq!(c.requests, n + 1, "{what}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_or_reset_before_the_headers_every_time_is_a_transport_error() {
    guarded(Duration::from_secs(1), async {
        // The reset's text is the operating system's ("Connection reset by
        // peer (os error 104)" on Linux).
        for (fault, message) in [
            (
                Fault::CloseBeforeHeaders,
                "sending the request failed: connection closed before message completed",
            ),
            (
                Fault::ResetBeforeHeaders,
                "sending the request failed: connection reset",
            ),
        ] {
            let what = format!("{fault:?}");
            let c = call(Script::new([fault]).repeat_last(), |b| b.max_attempts(4)).await;
            let got = transport_message(c.result);
            assert!(got.to_lowercase().starts_with(message), "{what}: {got}");
            assert_eq!(c.requests, 4, "{what}");
        }
        // The fault instances: the same, by their rules.
        let server = mock().await;
        let c = client(&server).max_attempts(4).build().unwrap();
        for (instance, message) in [
            (
                FAULT_CLOSE_BEFORE_HEADERS,
                "sending the request failed: connection closed before message completed",
            ),
            (
                FAULT_RESET_BEFORE_HEADERS,
                "sending the request failed: connection reset",
            ),
        ] {
            let got = transport_message(list(&c, instance).await);
            assert!(got.to_lowercase().starts_with(message), "{instance}: {got}");
            assert_eq!(server.requests(instance), 4, "{instance}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_mid_body_every_time_is_a_body_transport_error() {
    guarded(Duration::from_secs(1), async {
        let c = call_default(Script::new([Fault::close_mid_body()]).repeat_last()).await;
        assert_eq!(
            transport_message(c.result),
            "connection failed while reading the body: end of file before message length reached"
        );
        assert_eq!(c.requests, 3);
        let server = mock().await;
        let c = client(&server).build().unwrap();
        let message = transport_message(list(&c, FAULT_CLOSE_MID_BODY).await);
        assert!(
            message.starts_with("connection failed while reading the body"),
            "{message}"
        );
        assert_eq!(server.requests(FAULT_CLOSE_MID_BODY), 3);
    })
    .await;
}
