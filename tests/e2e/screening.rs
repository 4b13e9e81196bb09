//! Screening rules on a labelled set of display names (`tests/data/
//! display_names.tsv`: ad and fake accounts as operators judged them, and
//! ordinary members, Chinese and Latin). Prints precision and recall and
//! holds them above a floor, so a rule change that flags ordinary members or
//! lets ad accounts through fails here.

use hearth::rituals::screening::rules::{Rules, screen};

const LABELLED: &str = include_str!("../data/display_names.tsv");

#[test]
fn screening_finds_ad_accounts_and_spares_ordinary_members() {
    let rules = Rules::default();
    let (mut tp, mut fp, mut fn_, mut tn) = (0, 0, 0, 0);
    let mut missed = Vec::new();
    let mut wrongly = Vec::new();
    for line in LABELLED.lines().filter(|l| !l.starts_with('#')) {
        let (label, name) = line.split_once('\t').expect("label<TAB>name");
        let ad = match label {
            "ad" => true,
            "ok" => false,
            other => panic!("unknown label {other:?}"),
        };
        let flagged = screen(name, &rules).is_suspect(&rules);
        match (ad, flagged) {
            (true, true) => tp += 1,
            (false, true) => {
                fp += 1;
                wrongly.push(name);
            }
            (true, false) => {
                fn_ += 1;
                missed.push(name);
            }
            (false, false) => tn += 1,
        }
    }
    let total = tp + fp + fn_ + tn;
    assert!(total >= 200, "the set holds {total} names");
    let precision = f64::from(tp) / f64::from(tp + fp);
    let recall = f64::from(tp) / f64::from(tp + fn_);
    println!(
        "screening {total} names: precision {precision:.3}, recall {recall:.3} \
         ({tp} ads caught, {fn_} missed, {fp} ordinary flagged, {tn} ordinary spared)"
    );
    println!("missed: {missed:?}");
    println!("flagged by mistake: {wrongly:?}");
    assert!(precision >= 0.95, "precision {precision:.3}: {wrongly:?}");
    assert!(recall >= 0.90, "recall {recall:.3}: {missed:?}");
}
