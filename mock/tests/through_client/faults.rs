//! The fault instances and scripted faults through the client: this is client
//! fault coverage, kept here until it joins the workspace's client fault suite.

use std::time::Duration;

use huaweicloud_rds::types::ListBackupsResponse;
use huaweicloud_rds::{Error, InvalidResponse, ListBackups, TimeoutKind, WalkOptions};
use huaweicloud_rds_mock::faults::*;
use huaweicloud_rds_mock::*;

use super::support::*;

#[tokio::test]
async fn status_fault_instances() {
    within(async {
        let s = start().await;
        let c = client(&s);
        let list = |inst: &'static str| {
            let c = c.clone();
            async move { c.list_backups(&ListBackups::new(inst)).await }
        };

        // 500: retried, then the last answer.
        let e = list(FAULT_500).await.unwrap_err();
        let api = assert_api(&e, 500, Some("DBS.108000"), "Internal error.", &s);
        assert_eq!(api.retry_after, None);
        assert_eq!(s.requests(FAULT_500), 3);

        // 502 HTML page: retried; no code, an excerpt of the page.
        let e = list(FAULT_HTML_502).await.unwrap_err();
        let api = assert_api(&e, 502, None, "", &s);
        assert_eq!(api.error_msg, None);
        assert!(
            api.body_excerpt
                .as_deref()
                .is_some_and(|b| b.contains("502 Bad Gateway")),
            "{api:?}"
        );
        assert_eq!(s.requests(FAULT_HTML_502), 3);

        // Nested error object: read one level down, request id included.
        let e = list(FAULT_ERROR_NESTED).await.unwrap_err();
        assert_api(&e, 500, Some("DBS.108000"), "Internal error.", &s);
        assert_eq!(s.requests(FAULT_ERROR_NESTED), 3);

        // Older key names on a 400: read, not retried.
        let e = list(FAULT_ERROR_LEGACY_KEYS).await.unwrap_err();
        assert_api(&e, 400, Some("DBS.280001"), "Invalid parameter.", &s);
        assert_eq!(s.requests(FAULT_ERROR_LEGACY_KEYS), 1);

        // Odd requests 503 with `Retry-After: 0`: the retry succeeds, and the
        // next call (the third request) is answered.
        let page = list(FAULT_FLAKY_503).await.unwrap();
        check_page(&page, &data(FAULT_FLAKY_503), &Filter::default(), "flaky");
        assert_eq!(s.requests(FAULT_FLAKY_503), 2);
        let e = builder(&s)
            .max_attempts(1)
            .build()
            .unwrap()
            .list_backups(&ListBackups::new(FAULT_FLAKY_503))
            .await
            .unwrap_err();
        let api = assert_api(&e, 503, Some("DBS.108000"), "", &s);
        assert_eq!(api.retry_after, Some(Duration::ZERO));
        assert_eq!(s.requests(FAULT_FLAKY_503), 3);

        // 503 `Retry-After: 1` with a deadline too short for the wait: the client
        // stops at once with the service's answer.
        let hurried = builder(&s)
            .deadline(Duration::from_millis(500))
            .build()
            .unwrap();
        let e = hurried
            .list_backups(&ListBackups::new(FAULT_503))
            .await
            .unwrap_err();
        let api = assert_api(&e, 503, Some("DBS.108000"), "Service unavailable.", &s);
        assert_eq!(api.retry_after, Some(Duration::from_secs(1)));
        assert_eq!(s.requests(FAULT_503), 1);

        // 429 `Retry-After: 1`: the client waits the second asked, then gives up
        // after its two attempts.
        let two = builder(&s).max_attempts(2).build().unwrap();
        let started = std::time::Instant::now();
        let e = two
            .list_backups(&ListBackups::new(FAULT_429))
            .await
            .unwrap_err();
        assert!(started.elapsed() >= Duration::from_secs(1));
        let api = assert_api(&e, 429, Some("APIGW.0308"), "throttling", &s);
        assert_eq!(api.retry_after, Some(Duration::from_secs(1)));
        assert_eq!(s.requests(FAULT_429), 2);
    })
    .await;
}

#[tokio::test]
async fn timing_and_connection_fault_instances() {
    within(async {
        let s = start().await;
        let hasty = builder(&s).attempt_timeout(SHORT_ATTEMPT).build().unwrap();
        let patient = builder(&s)
            .attempt_timeout(MOCK_FAULT_DELAY * 3)
            .build()
            .unwrap();
        let slow = |inst: &'static str| {
            let (s, hasty, patient) = (&s, &hasty, &patient);
            async move {
                // Each attempt times out; three attempts.
                let e = hasty
                    .list_backups(&ListBackups::new(inst))
                    .await
                    .unwrap_err();
                assert!(
                    matches!(e, Error::Timeout(TimeoutKind::Attempt(d)) if d == SHORT_ATTEMPT),
                    "{inst}: {e:?}"
                );
                assert_eq!(s.requests(inst), 3, "{inst}");
                // A timeout long enough: one slow success.
                let page = patient.list_backups(&ListBackups::new(inst)).await.unwrap();
                check_page(&page, &data(inst), &Filter::default(), inst);
                assert_eq!(s.requests(inst), 4, "{inst}");
            }
        };
        // The two instances at once: each waits on its own fault.
        tokio::join!(slow(FAULT_DELAY), slow(FAULT_STALL_MID_BODY));
        // The call's deadline ends the first attempt: not retried.
        let deadline = Duration::from_millis(300);
        let short = builder(&s).deadline(deadline).build().unwrap();
        let e = short
            .list_backups(&ListBackups::new(FAULT_DELAY))
            .await
            .unwrap_err();
        assert!(
            matches!(e, Error::Timeout(TimeoutKind::Deadline(d)) if d == deadline),
            "{e:?}"
        );
        assert_eq!(s.requests(FAULT_DELAY), 5);

        // Connections closed before or during the answer: transport errors, retried.
        let c = client(&s);
        for inst in [FAULT_CLOSE_BEFORE_HEADERS, FAULT_CLOSE_MID_BODY] {
            let e = c.list_backups(&ListBackups::new(inst)).await.unwrap_err();
            assert!(matches!(e, Error::Transport { .. }), "{inst}: {e:?}");
            assert_eq!(s.requests(inst), 3, "{inst}");
        }
    })
    .await;
}

#[tokio::test]
async fn body_fault_instances() {
    within(async {
        let s = start().await;
        let c = client(&s);
        let list = |inst: &'static str| {
            let c = c.clone();
            async move { c.list_backups(&ListBackups::new(inst)).await }
        };
        // None of these is retried: a 200 with a bad body would be bad again.
        let e = list(FAULT_TRUNCATED_JSON).await.unwrap_err();
        match &e {
            Error::InvalidResponse(InvalidResponse::Body(b)) => {
                assert!(b.path().starts_with("backups["), "{e}");
                assert!(b.message().contains("EOF while parsing"), "{e}");
            }
            other => panic!("{other:?}"),
        }
        let e = list(FAULT_EMPTY_BODY).await.unwrap_err();
        assert_body_error(&e, ".", "the body is empty");
        let e = list(FAULT_INVALID_UTF8).await.unwrap_err();
        assert_body_error(&e, "backups[0].name", "invalid unicode");
        let e = list(FAULT_WRONG_SHAPE).await.unwrap_err();
        assert_body_error(&e, "backups", "invalid type: map, expected a sequence");
        let e = list(FAULT_ID_TYPO).await.unwrap_err();
        assert_body_error(&e, "backups[0]", "missing field `id`");
        for inst in [
            FAULT_TRUNCATED_JSON,
            FAULT_EMPTY_BODY,
            FAULT_INVALID_UTF8,
            FAULT_WRONG_SHAPE,
            FAULT_ID_TYPO,
        ] {
            assert_eq!(s.requests(inst), 1, "{inst}");
        }
        // Over the body cap, announced or chunked: refused, not retried.
        for inst in [FAULT_OVERSIZE, FAULT_OVERSIZE_CHUNKED] {
            let e = list(inst).await.unwrap_err();
            assert!(
                matches!(
                    e,
                    Error::InvalidResponse(InvalidResponse::TooLarge { limit }) if limit == BODY_LIMIT
                ),
                "{inst}: {e:?}"
            );
            assert_eq!(s.requests(inst), 1, "{inst}");
        }
        // The same bodies fit under a larger cap (valid JSON: one backup repeated).
        let roomy = builder(&s)
            .body_limit(OVERSIZE as usize)
            .build()
            .unwrap();
        for inst in [FAULT_OVERSIZE, FAULT_OVERSIZE_CHUNKED] {
            let page = roomy.list_backups(&ListBackups::new(inst)).await.unwrap();
            assert!(page.backups.len() > 100, "{inst}");
            // The newest backup, over and over.
            let newest = expect(&data(inst), &Filter::default()).1[0].clone();
            assert!(page.backups.iter().all(|b| b.id == newest), "{inst}");
        }
        // JSON labelled text/plain: the client reads it anyway.
        let page = list(FAULT_NON_JSON_CONTENT_TYPE).await.unwrap();
        check_page(
            &page,
            &data(FAULT_NON_JSON_CONTENT_TYPE),
            &Filter::default(),
            "text/plain",
        );
        // Through the generated builder: the same errors.
        let e = Error::from_generated(
            c.generated()
                .list_backups()
                .project_id(MOCK_PROJECT_ID)
                .instance_id(FAULT_ID_TYPO)
                .send()
                .await
                .unwrap_err(),
        )
        .await;
        assert_body_error(&e, "backups[0]", "missing field `id`");
        let e = Error::from_generated(
            c.generated()
                .list_backups()
                .project_id(MOCK_PROJECT_ID)
                .instance_id(FAULT_OVERSIZE)
                .send()
                .await
                .unwrap_err(),
        )
        .await;
        assert!(
            matches!(e, Error::InvalidResponse(InvalidResponse::TooLarge { .. })),
            "{e:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn paging_fault_instances_through_a_walk() {
    within(async {
        let s = start().await;
        let c = client(&s);
        // One page at a time, so that which request is "the second" is fixed.
        let one = WalkOptions::default().concurrency(1);
        let walk = |inst: &'static str| {
            let c = c.clone();
            async move { c.collect_all(ListBackups::new(inst), one).await }
        };
        let sorted = |inst: &str| {
            expect(
                &data(inst),
                &Filter {
                    limit: usize::MAX,
                    ..Filter::default()
                },
            )
            .1
        };

        // Every later page shows a new backup at the head, but page 1 never does:
        // `total_count` disagrees across pages on every pass, and the phantom is
        // never seen, so after three passes the walk reports what is missing.
        let e = walk(FAULT_SHIFT).await.unwrap_err();
        assert!(
            matches!(
                e,
                Error::Incomplete {
                    received: 250,
                    reported: 251
                }
            ),
            "{e:?}"
        );
        assert_eq!(s.requests(FAULT_SHIFT), 9, "three passes of three pages");
        // What it did receive is every backup once.
        let mut stream = c.list_all(ListBackups::new(FAULT_SHIFT), one);
        let mut got = Vec::new();
        while let Some(item) = stream.next().await {
            match item {
                Ok(b) => got.push(b.id),
                Err(e) => {
                    assert!(matches!(e, Error::Incomplete { .. }), "{e:?}");
                    break;
                }
            }
        }
        assert_eq!(got, sorted(FAULT_SHIFT));

        // `total_count` too high: every backup, then Incomplete.
        let e = walk(FAULT_TOTAL_COUNT_HIGH).await.unwrap_err();
        assert!(
            matches!(
                e,
                Error::Incomplete {
                    received: 250,
                    reported: 300
                }
            ),
            "{e:?}"
        );
        assert_eq!(s.requests(FAULT_TOTAL_COUNT_HIGH), 9);

        // `total_count` too low: the walk trusts it and stops after the page that
        // reaches it (200 of 250), without an error: nothing tells the client.
        let all = walk(FAULT_TOTAL_COUNT_LOW).await.unwrap();
        let got: Vec<String> = all.into_iter().map(|b| b.id).collect();
        assert_eq!(got, sorted(FAULT_TOTAL_COUNT_LOW)[..200]);
        assert_eq!(s.requests(FAULT_TOTAL_COUNT_LOW), 2);

        // The second request repeats page 1: the duplicates are dropped, the pass
        // is found short, and a second pass adds the missing page.
        let all = walk(FAULT_SAME_PAGE).await.unwrap();
        let want = sorted(FAULT_SAME_PAGE);
        let got: Vec<String> = all.into_iter().map(|b| b.id).collect();
        let order: Vec<String> = want[..100]
            .iter()
            .chain(&want[200..])
            .chain(&want[100..200])
            .cloned()
            .collect();
        assert_eq!(got, order);
        assert_eq!(s.requests(FAULT_SAME_PAGE), 6, "two passes of three pages");
    })
    .await;
}

#[tokio::test]
async fn scripted_faults() {
    within(async {
        let s = start().await;
        let c = builder(&s).attempt_timeout(SHORT_ATTEMPT).build().unwrap();
        let mysql = data(INSTANCE_MYSQL);
        // Runs one call of `request` against a fresh script; returns the outcome
        // and how many requests reached the mock.
        let run = |faults: Vec<Fault>, request: ListBackups| {
            let (s, c) = (&s, &c);
            async move {
                s.reset();
                s.script(INSTANCE_MYSQL, faults);
                let outcome = c.list_backups(&request).await;
                (outcome, s.requests(INSTANCE_MYSQL))
            }
        };
        let plain = || ListBackups::new(INSTANCE_MYSQL);
        let normal = |r: Result<ListBackupsResponse, Error>, ctx: &str| {
            let page = r.unwrap_or_else(|e| panic!("{ctx}: {e:?}"));
            check_page(&page, &mysql, &Filter::default(), ctx);
        };

        // Transient answers and failures, then a normal answer: retried to success.
        let long = Duration::from_secs(2);
        for (fault, ctx) in [
            (Fault::throttled(0), "429"),
            (Fault::unavailable(0), "503"),
            (Fault::error(500, "DBS.108000", "x"), "500"),
            (Fault::error(504, "APIGW.0103", "x"), "504"),
            (Fault::HtmlBadGateway, "502 html"),
            (Fault::delay(long), "delay"),
            (Fault::stall_mid_body(long), "stall"),
            (Fault::CloseBeforeHeaders, "drop before headers"),
            (Fault::close_mid_body(), "drop mid body"),
        ] {
            let (r, n) = run(vec![fault], plain()).await;
            normal(r, ctx);
            assert_eq!(n, 2, "{ctx}");
        }
        let (r, n) = run(
            vec![Fault::throttled(0), Fault::CloseBeforeHeaders, Fault::None],
            plain(),
        )
        .await;
        normal(r, "two retries");
        assert_eq!(n, 3);

        // Out of attempts: the last failure.
        let (r, n) = run(
            vec![
                Fault::unavailable(0),
                Fault::close_mid_body(),
                Fault::error(502, "APIGW.0202", "last"),
            ],
            plain(),
        )
        .await;
        let e = r.unwrap_err();
        assert_api(&e, 502, Some("APIGW.0202"), "last", &s);
        assert_eq!(n, 3);
        let (r, n) = run(vec![Fault::delay(long); 3], plain()).await;
        let e = r.unwrap_err();
        assert!(
            matches!(e, Error::Timeout(TimeoutKind::Attempt(d)) if d == SHORT_ATTEMPT),
            "{e:?}"
        );
        assert_eq!(n, 3);
        let (r, n) = run(vec![Fault::CloseBeforeHeaders; 3], plain()).await;
        assert!(matches!(r, Err(Error::Transport { .. })), "{r:?}");
        assert_eq!(n, 3);

        // Final answers: not retried.
        let (r, n) = run(
            vec![Fault::Reply(Reply::json(
                409,
                r#"{"error_code":"DBS.0001","error_msg":"busy","request_id":"{request_id}"}"#,
            ))],
            plain(),
        )
        .await;
        assert_api(&r.unwrap_err(), 409, Some("DBS.0001"), "busy", &s);
        assert_eq!(n, 1);
        let (r, n) = run(
            vec![Fault::Reply(
                Reply::new(404)
                    .header("Content-Type", "text/plain")
                    .body("not here"),
            )],
            plain(),
        )
        .await;
        let e = r.unwrap_err();
        let api = assert_api(&e, 404, None, "", &s);
        assert_eq!(api.body_excerpt.as_deref(), Some("not here"));
        assert_eq!(n, 1);
        for (fault, path, message) in [
            (Fault::TruncatedJson, None, "EOF while parsing"),
            (Fault::EmptyBody, Some("."), "the body is empty"),
            (Fault::InvalidUtf8, Some("backups[0].name"), "invalid unicode"),
            (Fault::WrongShape, Some("backups"), "invalid type: map"),
            (Fault::IdTypo, Some("backups[0]"), "missing field `id`"),
        ] {
            let (r, n) = run(vec![fault.clone()], plain()).await;
            match r {
                Err(Error::InvalidResponse(InvalidResponse::Body(b))) => {
                    if let Some(path) = path {
                        assert_eq!(b.path(), path, "{fault:?}");
                    }
                    assert!(b.message().contains(message), "{fault:?}: {b}");
                }
                other => panic!("{fault:?}: {other:?}"),
            }
            assert_eq!(n, 1, "{fault:?}");
        }
        for chunked in [false, true] {
            let fault = Fault::Oversize {
                bytes: BODY_LIMIT as u64 + 1,
                chunked,
            };
            let (r, n) = run(vec![fault], plain()).await;
            assert!(
                matches!(r, Err(Error::InvalidResponse(InvalidResponse::TooLarge { limit })) if limit == BODY_LIMIT),
                "{r:?}"
            );
            assert_eq!(n, 1);
            // Exactly at the cap is accepted.
            let fault = Fault::Oversize {
                bytes: BODY_LIMIT as u64,
                chunked,
            };
            let (r, _) = run(vec![fault], plain()).await;
            assert!(r.is_ok(), "{r:?}");
        }

        // Answers that are well-formed but say something else.
        let (r, n) = run(vec![Fault::NonJsonContentType], plain()).await;
        normal(r, "text/plain");
        assert_eq!(n, 1);
        let (r, _) = run(vec![Fault::TotalCountDelta(5)], plain()).await;
        let page = r.unwrap();
        assert_eq!(page.total_count, 18);
        assert_eq!(ids(&page), expect(&mysql, &Filter::default()).1);
        let (r, _) = run(vec![Fault::TotalCountDelta(-100)], plain()).await;
        assert_eq!(r.unwrap().total_count, 0, "clamped at 0");
        let paged = Filter {
            offset: 5,
            limit: 4,
            ..Filter::default()
        };
        let (r, _) = run(vec![Fault::IgnoreOffset], request(INSTANCE_MYSQL, &paged, 480)).await;
        let page = r.unwrap();
        let first = Filter {
            limit: 4,
            ..Filter::default()
        };
        check_page(&page, &mysql, &first, "offset ignored");
        let (r, _) = run(vec![Fault::ShiftByOne], request(INSTANCE_MYSQL, &paged, 480)).await;
        let page = r.unwrap();
        assert_eq!(page.total_count, 14);
        let before = Filter {
            offset: 4,
            limit: 4,
            ..Filter::default()
        };
        assert_eq!(ids(&page), expect(&mysql, &before).1, "everything moved one down");
        let (r, _) = run(vec![Fault::ShiftByOne], plain()).await;
        let page = r.unwrap();
        let phantom = &page.backups[0];
        assert!(!mysql.iter().any(|i| i.id == phantom.id));
        assert!(phantom.begin_time > page.backups[1].begin_time);
        assert_eq!(ids(&page)[1..], expect(&mysql, &Filter::default()).1);
        // `Fault::None` answers normally and the script then runs out.
        let (r, n) = run(vec![Fault::None], plain()).await;
        normal(r, "none");
        assert_eq!(n, 1);
        normal(c.list_backups(&plain()).await, "after the script");

        // A script through the generated builder: retried the same way.
        s.reset();
        s.script(INSTANCE_MYSQL, vec![Fault::throttled(0), Fault::close_mid_body()]);
        let page = c
            .generated()
            .list_backups()
            .project_id(MOCK_PROJECT_ID)
            .instance_id(INSTANCE_MYSQL)
            .send()
            .await
            .unwrap()
            .into_inner();
        check_page(&page, &mysql, &Filter::default(), "generated, scripted");
        assert_eq!(s.requests(INSTANCE_MYSQL), 3);
        s.script(INSTANCE_MYSQL, vec![Fault::CloseBeforeHeaders; 3]);
        let e = Error::from_generated(
            c.generated()
                .list_backups()
                .project_id(MOCK_PROJECT_ID)
                .instance_id(INSTANCE_MYSQL)
                .send()
                .await
                .unwrap_err(),
        )
        .await;
        assert!(matches!(e, Error::Transport { .. }), "{e:?}");
        assert_eq!(s.requests(INSTANCE_MYSQL), 6);
    })
    .await;
}
