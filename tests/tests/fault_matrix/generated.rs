//! The generated builder (`RdsClient::generated`) shares the transport: the
//! same retries, and through `Error::from_generated` the same errors.

use std::time::Duration;

use huaweicloud_rds::types::ListBackupsResponse;
use huaweicloud_rds::{Error, InvalidResponse, RdsClient};
use huaweicloud_rds_mock::faults::{FAULT_ID_TYPO, FAULT_OVERSIZE};
use huaweicloud_rds_mock::{Fault, INSTANCE_MYSQL, MOCK_PROJECT_ID, Script};

use crate::support::{MYSQL_BACKUPS, client, guarded, mock};

async fn generated(c: &RdsClient, instance: &str) -> Result<ListBackupsResponse, Error> {
    match c
        .generated()
        .list_backups()
        .project_id(MOCK_PROJECT_ID)
        .instance_id(instance)
        .send()
        .await
    {
        Ok(page) => Ok(page.into_inner()),
        Err(e) => Err(Error::from_generated(e).await),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_generated_builder_retries_and_reports_as_the_client_does() {
    guarded(Duration::from_secs(2), async {
        let server = mock().await;
        let c = client(&server).body_limit(1 << 20).build().unwrap();

        server.script(
            INSTANCE_MYSQL,
            vec![Fault::throttled(0), Fault::close_mid_body()],
        );
        let page = generated(&c, INSTANCE_MYSQL).await.unwrap();
        assert_eq!(page.backups.len(), MYSQL_BACKUPS);
        assert_eq!(server.requests(INSTANCE_MYSQL), 3);

        server.script(
            INSTANCE_MYSQL,
            Script::new([Fault::ResetBeforeHeaders]).repeat_last(),
        );
        let e = generated(&c, INSTANCE_MYSQL).await.unwrap_err();
        assert!(matches!(e, Error::Transport { .. }), "{e:?}");
        assert_eq!(server.requests(INSTANCE_MYSQL), 6);

        let e = generated(&c, FAULT_ID_TYPO).await.unwrap_err();
        match &e {
            Error::InvalidResponse(InvalidResponse::Body(parse)) => {
                assert_eq!(parse.path(), "backups[0]");
                assert!(parse.message().starts_with("missing field `id`"), "{e}");
            }
            other => panic!("{other:?}"),
        }
        let e = generated(&c, FAULT_OVERSIZE).await.unwrap_err();
        assert!(
            matches!(e, Error::InvalidResponse(InvalidResponse::TooLarge { .. })),
            "{e:?}"
        );

        server.reset();
        server.script(
            INSTANCE_MYSQL,
            vec![Fault::error_body_in_200(
                "DBS.280343",
                "Backup query failed.",
            )],
        );
        let e = generated(&c, INSTANCE_MYSQL).await.unwrap_err();
        let api = e.api().expect("an API error");
        assert_eq!(api.error_code.as_deref(), Some("DBS.280343"));
        assert_eq!(server.requests(INSTANCE_MYSQL), 1);

        server.script(
            INSTANCE_MYSQL,
            vec![Fault::redirect(307, "http://127.0.0.2:9/")],
        );
        let e = generated(&c, INSTANCE_MYSQL).await.unwrap_err();
        assert!(matches!(e, Error::Redirect { .. }), "{e:?}");
    })
    .await;
}
