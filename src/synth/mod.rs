//! Placeholder until the generator lands.
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SynthFormat {
    ShareGpt,
    OpenAi,
    ChatGpt,
}
impl std::str::FromStr for SynthFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "sharegpt" => Ok(SynthFormat::ShareGpt),
            "openai" => Ok(SynthFormat::OpenAi),
            "chatgpt" => Ok(SynthFormat::ChatGpt),
            _ => Err(format!("unknown format {s}")),
        }
    }
}
pub struct SynthOptions {
    pub conversations: u64,
    pub articles: u64,
    pub seed: u64,
    pub format: SynthFormat,
    pub out: PathBuf,
    pub plant_rate: f64,
}
pub struct SynthSummary {
    pub conversations: u64,
    pub articles: u64,
    pub cases: BTreeMap<String, u64>,
    pub bytes_written: u64,
    pub files: Vec<PathBuf>,
}
pub fn synth(_o: &SynthOptions, _p: &mut dyn FnMut(u64)) -> anyhow::Result<SynthSummary> {
    anyhow::bail!("not yet")
}
