//! Every page of several instances on one walk, sharing one budget of
//! requests in flight, each instance folded into its own tally as pages
//! arrive (nothing but the tallies is kept).

use huaweicloud_rds::types::Backup;
use huaweicloud_rds::{Error, ListBackups, RdsClient, WalkEvent, WalkOptions};

/// What is kept of an instance's backups.
pub trait Tally {
    fn add(&mut self, backup: Backup);
}

/// Walks each request to its end into its tally. The results are in the
/// order of `jobs`; an error ends that instance's walk only.
pub async fn tally_each<T: Tally>(
    client: &RdsClient,
    jobs: Vec<(ListBackups, T)>,
    options: WalkOptions,
) -> Vec<Result<T, Error>> {
    let (requests, mut tallies): (Vec<_>, Vec<_>) = jobs.into_iter().unzip();
    let mut ends: Vec<Option<Result<(), Error>>> = tallies.iter().map(|_| None).collect();
    let mut stream = client.list_instances(requests, options);
    while let Some(event) = stream.next_event().await {
        let (instance, end) = match event {
            WalkEvent::Backups { instance, backups } => {
                if let Some(tally) = tallies.get_mut(instance) {
                    backups.into_iter().for_each(|backup| tally.add(backup));
                }
                continue;
            }
            WalkEvent::Finished { instance, .. } => (instance, Ok(())),
            WalkEvent::Failed { instance, error } => (instance, Err(error)),
            _ => continue,
        };
        if let Some(slot) = ends.get_mut(instance) {
            *slot = Some(end);
        }
    }
    tallies
        .into_iter()
        .zip(ends)
        .map(|(tally, end)| match end {
            Some(Ok(())) => Ok(tally),
            Some(Err(e)) => Err(e),
            // Every instance the walk reaches ends with Finished or Failed:
            // without either, it was not listed to its end.
            None => Err(Error::Config(
                "the walk stopped before this instance was listed to its end".into(),
            )),
        })
        .collect()
}
