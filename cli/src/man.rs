//! Man pages from the command definition: one for the program, one per
//! visible subcommand (`rds-backups-list.1`, ...), as git and cargo ship them.
//!
//! `rds-backups man-pages --out-dir DIR` writes them (for `cargo xtask man`).
//! It is added to the parser only, never to the definition that completions
//! and the pages themselves are made from, so no user ever sees it.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

const SUBCOMMAND: &str = "man-pages";
const OUT_DIR: &str = "out-dir";

/// The hidden `man-pages` subcommand.
pub fn command() -> clap::Command {
    clap::Command::new(SUBCOMMAND).hide(true).arg(
        clap::Arg::new(OUT_DIR)
            .long(OUT_DIR)
            .value_name("DIR")
            .required(true)
            .value_parser(clap::value_parser!(PathBuf)),
    )
}

/// The folder to write into, when `man-pages` was asked for.
pub fn requested(matches: &clap::ArgMatches) -> Option<&Path> {
    let (name, sub) = matches.subcommand()?;
    (name == SUBCOMMAND)
        .then(|| sub.get_one::<PathBuf>(OUT_DIR))
        .flatten()
        .map(PathBuf::as_path)
}

/// Write the pages into `dir` (created if missing); returns their paths.
pub fn write_pages(mut command: clap::Command, dir: &Path) -> io::Result<Vec<PathBuf>> {
    // Building propagates global options into each subcommand and names
    // subcommands `rds-backups-list`, which becomes their page title.
    command.build();
    std::fs::create_dir_all(dir)?;
    let mut written = vec![write_page(&command, dir)?];
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        written.push(write_page(sub, dir)?);
    }
    Ok(written)
}

fn write_page(command: &clap::Command, dir: &Path) -> io::Result<PathBuf> {
    let man = clap_mangen::Man::new(command.clone());
    let path = dir.join(man.get_filename());
    let mut out = BufWriter::new(File::create(&path)?);
    man.render(&mut out)?;
    out.flush()?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;
    use crate::args::Cli;

    #[test]
    fn the_parser_with_man_pages_is_consistent() {
        Cli::command().subcommand(command()).debug_assert();
    }

    #[test]
    fn man_pages_is_recognised_only_by_name() {
        let parser = || Cli::command().subcommand(command());
        let m = parser()
            .try_get_matches_from(["rds-backups", "man-pages", "--out-dir", "pages"])
            .unwrap();
        assert_eq!(requested(&m), Some(Path::new("pages")));
        let m = parser()
            .try_get_matches_from(["rds-backups", "list", "--instance-id", "i"])
            .unwrap();
        assert_eq!(requested(&m), None);
    }
}
