//! What the figures were taken on: CPU, memory, OS, toolchains, load.

use crate::process;

#[derive(Debug)]
pub(super) struct Machine {
    pub(super) cpu: String,
    pub(super) cpus: usize,
    pub(super) memory: String,
    pub(super) os: String,
    pub(super) rustc: String,
    pub(super) python: String,
    pub(super) date: String,
    pub(super) load_before: String,
    pub(super) load_after: String,
}

impl Machine {
    pub(super) fn probe(load_before: String, load_after: String, python: &str) -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .and_then(|l| l.split_once(':'))
            .map_or("unknown".to_owned(), |(_, v)| v.trim().to_owned());
        let memory = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|m| {
                m.lines()
                    .find_map(|l| l.strip_prefix("MemTotal:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            })
            .map_or("unknown".to_owned(), |kb| {
                format!("{:.1} GiB", kb / 1048576.0)
            });
        Machine {
            cpu,
            cpus: std::thread::available_parallelism().map_or(0, |n| n.get()),
            memory,
            os: process::first_line("uname", &["-sr"]).unwrap_or_else(|| "unknown".into()),
            rustc: process::first_line("rustc", &["-V"]).unwrap_or_else(|| "unknown".into()),
            python: python.to_owned(),
            date: process::first_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"])
                .unwrap_or_else(|| "unknown".into()),
            load_before,
            load_after,
        }
    }
}

pub(super) fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
}

pub(super) fn today() -> String {
    process::first_line("date", &["-u", "+%Y-%m-%d"]).unwrap_or_else(|| "unknown".into())
}
