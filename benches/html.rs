//! HTML article pages reduced to their article (`articles::html::reduce`): MB/s of page markup
//! over real BBC and Reuters texts saved as realistic pages (tests/common/pages.rs), median of
//! 5 passes. Needs ../shared/data/articles; says so and stops without it.
//!
//! cargo bench --bench html

use std::time::Instant;

#[path = "../tests/common/pages.rs"]
mod pages;

#[path = "common/mod.rs"]
mod common;
use common::median;

fn main() {
    let (Some(bbc), Some(reuters)) = (pages::bbc(2_000), pages::reuters(2_000)) else {
        println!("skipped: ../shared/data/articles is not here");
        return;
    };
    let mut html: Vec<String> = bbc
        .iter()
        .enumerate()
        .map(|(k, s)| pages::bbc_page(s, k).html)
        .collect();
    html.extend(
        reuters
            .iter()
            .enumerate()
            .map(|(k, s)| pages::reuters_page(s, k).html),
    );
    let bytes: usize = html.iter().map(String::len).sum();
    let mut times = Vec::new();
    let mut kept = 0;
    for _ in 0..5 {
        let t = Instant::now();
        kept = html
            .iter()
            .map(|h| verbatim::articles::html::reduce(h).text.len())
            .sum::<usize>();
        times.push(t.elapsed().as_secs_f64());
    }
    let t = median(&mut times);
    println!(
        "| {} pages, {:.1} MB of HTML | {:.3} s, {:.1} MB/s | {:.1} MB of text kept |",
        html.len(),
        bytes as f64 / 1e6,
        t,
        bytes as f64 / t / 1e6,
        kept as f64 / 1e6
    );
}
