//! `rds-mock`: serves the mock RDS list-backups API on 127.0.0.1 until interrupted.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use huaweicloud_rds_mock::throttle::DEFAULT_BURST;
use huaweicloud_rds_mock::{MockConfig, MockServer, ThrottleConfig};

/// Mock of the Huawei Cloud RDS "list backups" API (GET /v3/{project_id}/backups).
///
/// Prints `listening on http://127.0.0.1:PORT` once ready and serves until SIGINT or
/// SIGTERM. Test credentials, instance ids and faults are documented in the
/// huaweicloud-rds-mock crate docs.
#[derive(Debug, Parser)]
#[command(name = "rds-mock", version)]
struct Args {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Accept every request without checking credentials (for running behind a
    /// proxy that rewrites Host, or for unsigned clients).
    #[arg(long)]
    no_verify_signature: bool,
    /// Lifetime of the temporary credentials the metadata endpoint hands out,
    /// in seconds (default a day; a few seconds make a client refresh them).
    #[arg(long, value_name = "SECONDS")]
    metadata_ttl: Option<u64>,
    /// The metadata endpoint hands out no metadata token (the token request
    /// answers 404), as an older metadata service.
    #[arg(long)]
    no_metadata_token: bool,
    /// Milliseconds to wait before the headers of every answer, as a distant
    /// service would.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    latency: u64,
    /// Admit at most N requests per second across every instance (a token
    /// bucket); the others get 429 APIGW.0308, as the API Gateway answers.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    rate_limit: Option<u32>,
    /// Requests the bucket admits at once above the rate.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_BURST, requires = "rate_limit",
          value_parser = clap::value_parser!(u32).range(1..))]
    burst: u32,
    /// Send `Retry-After: S` with every throttled answer (none by default, as
    /// the gateway usually sends none).
    #[arg(long, value_name = "S", requires = "rate_limit")]
    retry_after: Option<u64>,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut throttle = ThrottleConfig::default().latency(Duration::from_millis(args.latency));
    if let Some(rate) = args.rate_limit {
        throttle = throttle.rate_limit(rate, args.burst);
    }
    if let Some(secs) = args.retry_after {
        throttle = throttle.retry_after(secs);
    }
    let config = MockConfig::default()
        .addr(SocketAddr::from(([127, 0, 0, 1], args.port)))
        .verify_signature(!args.no_verify_signature)
        .metadata_tokens(!args.no_metadata_token)
        .throttle(throttle);
    let config = match args.metadata_ttl {
        Some(secs) => config.metadata_ttl(std::time::Duration::from_secs(secs)),
        None => config,
    };
    let server = match MockServer::start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("rds-mock: cannot listen on 127.0.0.1:{}: {e}", args.port);
            return ExitCode::FAILURE;
        }
    };
    // Handlers first: a supervisor may send SIGTERM as soon as it reads the
    // address line, and an unhandled SIGTERM would kill the process uncleanly.
    let stop = stop_signal();
    {
        let mut out = std::io::stdout().lock();
        if writeln!(out, "listening on {}", server.base_url())
            .and_then(|()| out.flush())
            .is_err()
        {
            return ExitCode::FAILURE;
        }
    }
    stop.await;
    server.shutdown().await;
    ExitCode::SUCCESS
}

/// A future that completes on SIGINT or SIGTERM; the handlers are installed
/// when this is called, not when it is first polled.
#[cfg(unix)]
fn stop_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{SignalKind, signal};
    let term = signal(SignalKind::terminate());
    let int = signal(SignalKind::interrupt());
    async move {
        match (term, int) {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
}

#[cfg(not(unix))]
fn stop_signal() -> impl std::future::Future<Output = ()> {
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
