//! Compares a run's figures with the committed baseline, or makes them the
//! new baseline. `scripts/bench` calls it after the benches:
//!
//! ```text
//! cargo bench --bench figures -- compare target/bench/figures.tsv benches/baseline.json
//! cargo bench --bench figures -- save    target/bench/figures.tsv benches/baseline.json
//! ```
//!
//! Each figure is printed with the baseline's value and the ratio; a ratio
//! is marked when the figure got worse by more than the noise its kind
//! shows (instruction counts repeat to a fraction of a percent; wall-clock
//! figures on a shared machine move by tens of percent).

use std::collections::BTreeMap;

use anyhow::Context;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Figure {
    value: f64,
    unit: String,
}

type Figures = BTreeMap<String, Figure>;

fn read_run(path: &str) -> anyhow::Result<Figures> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    let mut out = Figures::new();
    for (n, line) in text.lines().enumerate() {
        let mut parts = line.split('\t');
        let (Some(name), Some(value), Some(unit)) = (parts.next(), parts.next(), parts.next())
        else {
            anyhow::bail!("{path}:{}: expected name, value and unit", n + 1);
        };
        let value = value
            .parse()
            .with_context(|| format!("{path}:{}: `{value}` is not a number", n + 1))?;
        out.insert(
            name.to_owned(),
            Figure {
                value,
                unit: unit.to_owned(),
            },
        );
    }
    Ok(out)
}

fn read_baseline(path: &str) -> anyhow::Result<Figures> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).with_context(|| format!("reading {path}")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Figures::new()),
        Err(e) => Err(e).with_context(|| format!("reading {path}")),
    }
}

/// How much worse a figure may get before it is marked: instructions are
/// counted, the rest timed on a shared machine.
fn tolerance(unit: &str) -> f64 {
    if unit.starts_with("instructions") {
        0.03
    } else {
        0.35
    }
}

/// How much worse `now` is than `then`, as a fraction (negative: better).
fn worse_by(unit: &str, now: f64, then: f64) -> f64 {
    if unit.ends_with("/s") {
        then / now - 1.0
    } else {
        now / then - 1.0
    }
}

fn compare(run: &Figures, baseline: &Figures) -> usize {
    let mut marked = 0;
    println!(
        "{:<52} {:>14} {:>14} {:>8}",
        "figure", "this run", "baseline", "ratio"
    );
    for (name, now) in run {
        let unit = &now.unit;
        match baseline.get(name) {
            Some(then) if then.value > 0.0 && now.value > 0.0 => {
                let ratio = now.value / then.value;
                let worse = worse_by(unit, now.value, then.value);
                let mark = if worse > tolerance(unit) {
                    marked += 1;
                    "  worse"
                } else {
                    ""
                };
                println!(
                    "{name:<52} {:>14} {:>14} {ratio:>7.2}x{mark}",
                    show(now.value, unit),
                    show(then.value, unit),
                );
            }
            _ => println!("{name:<52} {:>14} {:>14}", show(now.value, unit), "(new)"),
        }
    }
    marked
}

fn show(value: f64, unit: &str) -> String {
    if value >= 100.0 {
        format!("{value:.0} {unit}")
    } else {
        format!("{value:.3} {unit}")
    }
}

fn main() -> anyhow::Result<()> {
    // `cargo bench` adds `--bench`; the rest are ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let [verb, run, baseline] = args.as_slice() else {
        anyhow::bail!("usage: figures compare|save <run.tsv> <baseline.json>");
    };
    let figures = read_run(run)?;
    match verb.as_str() {
        "compare" => {
            let marked = compare(&figures, &read_baseline(baseline)?);
            if marked > 0 {
                println!("{marked} figure(s) worse than the baseline beyond their noise");
            }
        }
        "save" => {
            let mut kept = read_baseline(baseline)?;
            kept.extend(figures);
            let text = serde_json::to_string_pretty(&kept)?;
            std::fs::write(baseline, text + "\n").with_context(|| format!("writing {baseline}"))?;
            println!("{} figures kept in {baseline}", kept.len());
        }
        other => anyhow::bail!("`{other}`: expected compare or save"),
    }
    Ok(())
}
