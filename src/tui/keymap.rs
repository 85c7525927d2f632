//! The key map: every command, its default keys and what it does. Help is generated from this
//! table, and a user's TOML file is layered over it (clashes are reported at start).

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Commands that keys can be bound to (outside text fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cmd {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Search,
    Open,
    NextPane,
    Back,
    Close,
    Quit,
    NextHit,
    PrevHit,
    NextConv,
    PrevConv,
    NextUnreviewed,
    Tag(u8),
    Note,
    Details,
    Designate,
    Undo,
    Repeat,
    BulkTag,
    Compare,
    Lock,
    NextArticle,
    PrevArticle,
    Progress,
    Help,
    Export,
    Sort,
    Mouse,
    Theme,
    Saved,
    Fold,
    GroupList,
    Family,
    Diff,
}

/// (command, config name, default keys, what it does)
const TABLE: &[(Cmd, &str, &[&str], &str)] = &[
    (Cmd::Up, "up", &["k", "up"], "move up / scroll up"),
    (Cmd::Down, "down", &["j", "down"], "move down / scroll down"),
    (Cmd::PageUp, "page_up", &["pageup", "ctrl-u"], "page up"),
    (
        Cmd::PageDown,
        "page_down",
        &["pagedown", "ctrl-d"],
        "page down",
    ),
    (
        Cmd::Top,
        "top",
        &["g", "home"],
        "first result / top of transcript",
    ),
    (
        Cmd::Bottom,
        "bottom",
        &["G", "end"],
        "last result / end of transcript",
    ),
    (
        Cmd::Search,
        "search",
        &["/"],
        "edit the query (Enter runs it, Up/Down: history)",
    ),
    (
        Cmd::Open,
        "open",
        &["enter"],
        "open the selected conversation",
    ),
    (
        Cmd::NextPane,
        "next_pane",
        &["tab"],
        "switch pane: query / results; show or hide the details beside a transcript",
    ),
    (
        Cmd::Back,
        "back",
        &["esc"],
        "back; stops a running search; never quits",
    ),
    (
        Cmd::Close,
        "close",
        &["q"],
        "back; quit from the result list",
    ),
    (Cmd::Quit, "quit", &["ctrl-c"], "quit now"),
    (
        Cmd::NextHit,
        "next_hit",
        &["n"],
        "next hit (compare: next span)",
    ),
    (
        Cmd::PrevHit,
        "prev_hit",
        &["N"],
        "previous hit (compare: previous span)",
    ),
    (
        Cmd::NextConv,
        "next_conversation",
        &["]"],
        "next conversation of the results",
    ),
    (
        Cmd::PrevConv,
        "prev_conversation",
        &["["],
        "previous conversation of the results",
    ),
    (
        Cmd::NextUnreviewed,
        "next_unreviewed",
        &["r"],
        "next unreviewed conversation of the results",
    ),
    (Cmd::Tag(1), "tag_1", &["1"], "toggle palette tag 1"),
    (Cmd::Tag(2), "tag_2", &["2"], "toggle palette tag 2"),
    (Cmd::Tag(3), "tag_3", &["3"], "toggle palette tag 3"),
    (Cmd::Tag(4), "tag_4", &["4"], "toggle palette tag 4"),
    (Cmd::Tag(5), "tag_5", &["5"], "toggle palette tag 5"),
    (Cmd::Tag(6), "tag_6", &["6"], "toggle palette tag 6"),
    (Cmd::Tag(7), "tag_7", &["7"], "toggle palette tag 7"),
    (Cmd::Tag(8), "tag_8", &["8"], "toggle palette tag 8"),
    (Cmd::Tag(9), "tag_9", &["9"], "toggle palette tag 9"),
    (
        Cmd::Note,
        "note",
        &["a"],
        "edit the note (Ctrl-S saves, Esc cancels)",
    ),
    (
        Cmd::Details,
        "details",
        &["i"],
        "every detail of the conversation, scrollable",
    ),
    (
        Cmd::Designate,
        "designate",
        &["D"],
        "next designation of this conversation (its own; none: the matter's)",
    ),
    (Cmd::Undo, "undo", &["u"], "undo your last coding action"),
    (
        Cmd::Repeat,
        "repeat",
        &["."],
        "repeat the last coding action here",
    ),
    (
        Cmd::BulkTag,
        "bulk_tag",
        &["B"],
        "tag every result of the query (asks, with the count)",
    ),
    (
        Cmd::Compare,
        "compare",
        &["c"],
        "compare the reply with the matched article",
    ),
    (
        Cmd::Lock,
        "lock",
        &["L"],
        "compare: lock or unlock the two panes' scrolling",
    ),
    (
        Cmd::NextArticle,
        "next_article",
        &[">"],
        "compare: next matched article",
    ),
    (
        Cmd::PrevArticle,
        "prev_article",
        &["<"],
        "compare: previous matched article",
    ),
    (Cmd::Progress, "progress", &["p"], "review progress"),
    (Cmd::Help, "help", &["?"], "this help"),
    (Cmd::Export, "export", &["e"], "export dialog"),
    (
        Cmd::Saved,
        "saved",
        &["'"],
        "saved searches and lists: pick one to run",
    ),
    (
        Cmd::Sort,
        "sort",
        &["s"],
        "sort: relevance, newest, oldest, finding score",
    ),
    (
        Cmd::Mouse,
        "mouse",
        &["m"],
        "mouse capture on/off (off: text can be selected)",
    ),
    (
        Cmd::Theme,
        "theme",
        &["t"],
        "next theme: dark, light, high contrast",
    ),
    (
        Cmd::Fold,
        "fold",
        &["z"],
        "one row per near-duplicate group / every row",
    ),
    (
        Cmd::GroupList,
        "group",
        &["Z"],
        "list the conversation's near-duplicate group",
    ),
    (
        Cmd::Family,
        "family",
        &["f"],
        "list the conversation's family (branches, sides)",
    ),
    (
        Cmd::Diff,
        "diff",
        &["d"],
        "transcript: mark words that differ from the principal on/off",
    ),
];

/// A key with its modifiers, as written in the config (`ctrl-d`, `G`, `pagedown`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCodeOrd,
    pub ctrl: bool,
    pub alt: bool,
}

/// KeyCode with an order, for maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCodeOrd {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Backspace,
    Delete,
    F(u8),
}

impl Key {
    pub fn parse(s: &str) -> Result<Key> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = s;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCodeOrd::Enter,
            "esc" => KeyCodeOrd::Esc,
            "tab" => KeyCodeOrd::Tab,
            "backtab" => KeyCodeOrd::BackTab,
            "up" => KeyCodeOrd::Up,
            "down" => KeyCodeOrd::Down,
            "left" => KeyCodeOrd::Left,
            "right" => KeyCodeOrd::Right,
            "pageup" => KeyCodeOrd::PageUp,
            "pagedown" => KeyCodeOrd::PageDown,
            "home" => KeyCodeOrd::Home,
            "end" => KeyCodeOrd::End,
            "backspace" => KeyCodeOrd::Backspace,
            "delete" => KeyCodeOrd::Delete,
            "space" => KeyCodeOrd::Char(' '),
            f if f.len() >= 2 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
                KeyCodeOrd::F(f[1..].parse().unwrap_or(1))
            }
            c if c.chars().count() == 1 => KeyCodeOrd::Char(c.chars().next().unwrap_or(' ')),
            _ => bail!("unknown key \"{s}\" (e.g. j, G, ctrl-d, pagedown, enter, f2)"),
        };
        Ok(Key { code, ctrl, alt })
    }

    pub fn of(ev: &KeyEvent) -> Option<Key> {
        let code = match ev.code {
            KeyCode::Char(c) => KeyCodeOrd::Char(c),
            KeyCode::Enter => KeyCodeOrd::Enter,
            KeyCode::Esc => KeyCodeOrd::Esc,
            KeyCode::Tab => KeyCodeOrd::Tab,
            KeyCode::BackTab => KeyCodeOrd::BackTab,
            KeyCode::Up => KeyCodeOrd::Up,
            KeyCode::Down => KeyCodeOrd::Down,
            KeyCode::Left => KeyCodeOrd::Left,
            KeyCode::Right => KeyCodeOrd::Right,
            KeyCode::PageUp => KeyCodeOrd::PageUp,
            KeyCode::PageDown => KeyCodeOrd::PageDown,
            KeyCode::Home => KeyCodeOrd::Home,
            KeyCode::End => KeyCodeOrd::End,
            KeyCode::Backspace => KeyCodeOrd::Backspace,
            KeyCode::Delete => KeyCodeOrd::Delete,
            KeyCode::F(n) => KeyCodeOrd::F(n),
            _ => return None,
        };
        Some(Key {
            code,
            ctrl: ev.modifiers.contains(KeyModifiers::CONTROL),
            alt: ev.modifiers.contains(KeyModifiers::ALT),
        })
    }

    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCodeOrd::Char(' ') => "space".to_string(),
            KeyCodeOrd::Char(c) => c.to_string(),
            KeyCodeOrd::Enter => "Enter".into(),
            KeyCodeOrd::Esc => "Esc".into(),
            KeyCodeOrd::Tab => "Tab".into(),
            KeyCodeOrd::BackTab => "S-Tab".into(),
            KeyCodeOrd::Up => "↑".into(),
            KeyCodeOrd::Down => "↓".into(),
            KeyCodeOrd::Left => "←".into(),
            KeyCodeOrd::Right => "→".into(),
            KeyCodeOrd::PageUp => "PgUp".into(),
            KeyCodeOrd::PageDown => "PgDn".into(),
            KeyCodeOrd::Home => "Home".into(),
            KeyCodeOrd::End => "End".into(),
            KeyCodeOrd::Backspace => "Bksp".into(),
            KeyCodeOrd::Delete => "Del".into(),
            KeyCodeOrd::F(n) => format!("F{n}"),
        };
        format!(
            "{}{}{base}",
            if self.ctrl { "C-" } else { "" },
            if self.alt { "M-" } else { "" }
        )
    }
}

pub struct KeyMap {
    by_key: BTreeMap<Key, Cmd>,
    by_cmd: BTreeMap<Cmd, Vec<Key>>,
}

impl KeyMap {
    pub fn defaults() -> KeyMap {
        let mut m = KeyMap {
            by_key: BTreeMap::new(),
            by_cmd: BTreeMap::new(),
        };
        for (cmd, _, keys, _) in TABLE {
            for k in *keys {
                let key = Key::parse(k).expect("default keys parse");
                m.by_key.insert(key, *cmd);
                m.by_cmd.entry(*cmd).or_default().push(key);
            }
        }
        m
    }

    /// The defaults with the user's `[keys]` table over them (`name = "key"` or a list).
    /// Returns the problems found (unknown names, bad keys, one key bound to two commands).
    pub fn with_overrides(keys: &toml::Table) -> (KeyMap, Vec<String>) {
        let mut m = KeyMap::defaults();
        let mut problems = Vec::new();
        let mut bound_by_user: BTreeMap<Key, &str> = BTreeMap::new();
        for (name, value) in keys {
            let Some((cmd, ..)) = TABLE.iter().find(|t| t.1 == name) else {
                problems.push(format!("keys: unknown command \"{name}\""));
                continue;
            };
            let list: Vec<&str> = match value {
                toml::Value::String(s) => vec![s.as_str()],
                toml::Value::Array(a) => a.iter().filter_map(|v| v.as_str()).collect(),
                _ => {
                    problems.push(format!("keys.{name}: expected a key or a list of keys"));
                    continue;
                }
            };
            let mut parsed = Vec::new();
            for k in list {
                match Key::parse(k) {
                    Ok(key) => parsed.push(key),
                    Err(e) => problems.push(format!("keys.{name}: {e}")),
                }
            }
            if parsed.is_empty() {
                continue;
            }
            // The command's default keys go; the new ones take over from whoever had them.
            for old in m.by_cmd.remove(cmd).unwrap_or_default() {
                m.by_key.remove(&old);
            }
            for key in &parsed {
                if let Some(other) = bound_by_user.get(key) {
                    problems.push(format!(
                        "keys: {} is bound to both {other} and {name}; {name} wins",
                        key.label()
                    ));
                } else if let Some(prev) = m.by_key.get(key).copied() {
                    problems.push(format!(
                        "keys: {} was the key of {}; it now means {name}",
                        key.label(),
                        name_of(prev)
                    ));
                    if let Some(v) = m.by_cmd.get_mut(&prev) {
                        v.retain(|k| k != key);
                    }
                }
                bound_by_user.insert(*key, name);
                m.by_key.insert(*key, *cmd);
            }
            m.by_cmd.insert(*cmd, parsed);
        }
        (m, problems)
    }

    pub fn lookup(&self, ev: &KeyEvent) -> Option<Cmd> {
        let mut key = Key::of(ev)?;
        if let Some(c) = self.by_key.get(&key) {
            return Some(*c);
        }
        // Terminals differ on whether Shift comes with upper-case letters; the char decides.
        key.alt = false;
        self.by_key.get(&key).copied()
    }

    /// The keys of a command, for hints ("n/N").
    pub fn keys(&self, cmd: Cmd) -> String {
        self.by_cmd
            .get(&cmd)
            .map(|v| v.iter().map(Key::label).collect::<Vec<_>>().join("/"))
            .unwrap_or_else(|| "(unbound)".into())
    }

    /// Every command with its keys and description, in table order: the help screen.
    pub fn help(&self) -> Vec<(String, &'static str, &'static str)> {
        TABLE
            .iter()
            .map(|(cmd, name, _, what)| (self.keys(*cmd), *name, *what))
            .collect()
    }
}

pub fn name_of(cmd: Cmd) -> &'static str {
    TABLE
        .iter()
        .find(|t| t.0 == cmd)
        .map(|t| t.1)
        .unwrap_or("?")
}

/// Keys of the text fields (query, note, export dialog), fixed so that typing always works.
pub const TEXT_KEYS: &[(&str, &str)] = &[
    ("Enter", "query: run it · note: new line · dialog: start"),
    ("C-s", "note: save"),
    ("Esc", "leave the field / cancel"),
    ("↑/↓", "query: history · dialog: field"),
    (
        "←/→ Home End",
        "move the cursor · dialog: change the choice",
    ),
    ("Bksp Del", "delete"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn defaults_have_no_clashes() {
        let m = KeyMap::defaults();
        let total: usize = TABLE.iter().map(|t| t.2.len()).sum();
        assert_eq!(m.by_key.len(), total, "a default key is bound twice");
        assert_eq!(m.lookup(&ev('j')), Some(Cmd::Down));
        assert_eq!(m.lookup(&ev('3')), Some(Cmd::Tag(3)));
        let cd = KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL);
        assert_eq!(m.lookup(&cd), Some(Cmd::PageDown));
    }

    #[test]
    fn overrides_and_clashes() {
        let t: toml::Table = toml::from_str(
            "next_hit = \"x\"\nprev_hit = [\"X\", \"j\"]\nnope = \"z\"\nhelp = \"ctrl-\"",
        )
        .unwrap();
        let (m, problems) = KeyMap::with_overrides(&t);
        assert_eq!(m.lookup(&ev('x')), Some(Cmd::NextHit));
        assert_eq!(m.lookup(&ev('n')), None);
        assert_eq!(m.lookup(&ev('j')), Some(Cmd::PrevHit));
        assert_eq!(m.keys(Cmd::Down), "↓");
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("j was the key of down")));
        assert!(
            problems
                .iter()
                .any(|p| p.contains("unknown command \"nope\""))
        );
        // Help follows the map.
        assert!(
            m.help()
                .iter()
                .any(|(k, n, _)| *n == "next_hit" && k == "x")
        );
    }
}
