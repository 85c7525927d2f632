//! Near-duplicate groups and families in the interface: the list folded to one row per group
//! (`z`), a conversation's group (`Z`) or family (`f`) listed, a member's differences from its
//! principal marked (`d`), and the offer, after a principal is coded, to code its group the
//! same way: one explicit bulk event that one undo reverts. Nothing is propagated unasked.

use serde_json::json;

use super::{App, Effect, LastCoding, Screen, Tone};
use crate::groups::coding;
use crate::query::Filter;
use crate::review::{Action as Coding, Draft};

/// The offer to code a group from its principal.
#[derive(Debug, Clone)]
pub struct GroupOffer {
    pub group: String,
    pub principal: String,
    pub tag: String,
    /// (similarity floor, other conversations at or above it), highest floor first.
    pub floors: Vec<(f64, usize)>,
    /// The floor chosen (index into `floors`).
    pub chosen: usize,
}

impl GroupOffer {
    pub fn floor(&self) -> (f64, usize) {
        self.floors[self.chosen]
    }
}

impl App {
    /// The matter's groups, when built.
    pub(super) fn placed(&mut self) -> Option<std::sync::Arc<crate::groups::place::Placed>> {
        match self.groups.get(&self.matter_dir) {
            Ok(p) => p,
            Err(e) => {
                self.say(format!("groups not readable: {e:#}"), Tone::Error);
                None
            }
        }
    }

    /// `z`: one row per group, or every row again.
    pub(super) fn toggle_fold(&mut self) -> Vec<Effect> {
        if self.placed().is_none() {
            self.say(
                "no near-duplicate groups yet (verbatim groups build)",
                Tone::Info,
            );
            return Vec::new();
        }
        self.results.fold = !self.results.fold;
        self.say(
            if self.results.fold {
                "one row per near-duplicate group (z: every row)"
            } else {
                "every row (z: one per group)"
            },
            Tone::Info,
        );
        self.screen = Screen::Search;
        let (q, sort) = (self.results.query.clone(), self.results.sort);
        self.search(&q, sort)
    }

    /// Runs `filter` as the query and shows the list (the reviewer opens the members in turn).
    fn list_by(&mut self, filter: Filter, what: String) -> Vec<Effect> {
        let q = crate::query::ast::filter_text(&filter);
        self.query.set(&q);
        self.results.fold = false;
        self.screen = Screen::Search;
        self.say(what, Tone::Info);
        let sort = self.results.sort;
        self.search(&q, sort)
    }

    /// `Z`: the members of the current conversation's group.
    pub(super) fn list_group(&mut self) -> Vec<Effect> {
        let Some(id) = self.current_id() else {
            return Vec::new();
        };
        let Some(placed) = self.placed() else {
            self.say(
                "no near-duplicate groups yet (verbatim groups build)",
                Tone::Info,
            );
            return Vec::new();
        };
        let Some(place) = placed.first(&id) else {
            self.say(
                format!(
                    "{} is in no near-duplicate group",
                    crate::textfmt::visible(&id)
                ),
                Tone::Info,
            );
            return Vec::new();
        };
        let (gid, n) = (place.group.id.clone(), place.conversations());
        self.list_by(
            Filter::Group(gid.clone()),
            format!("group {gid}: {n} conversations, the principal first by relevance"),
        )
    }

    /// `f`: the conversation's family (its branches, an Arena battle's sides, chosen and
    /// rejected).
    pub(super) fn list_family(&mut self) -> Vec<Effect> {
        let family = self
            .reading
            .as_ref()
            .filter(|_| self.screen != Screen::Search)
            .and_then(|rd| rd.loaded.as_ref())
            .map(|l| l.conversation.family.clone());
        match family {
            None => {
                self.say("open a conversation to see its family", Tone::Info);
                Vec::new()
            }
            Some(None) => {
                self.say("this conversation has no family (no branches)", Tone::Info);
                Vec::new()
            }
            Some(Some(f)) => {
                let what = format!("family {}", crate::textfmt::visible(&f));
                self.list_by(Filter::Family(f), what)
            }
        }
    }

    /// After `tag` was added to `id`: when it leads a group, offer the group the same call.
    pub(super) fn offer_group(&mut self, id: &str, tag: &str) -> bool {
        if self.blind.is_some() {
            return false;
        }
        let Some(placed) = self.placed() else {
            return false;
        };
        let Some(group) = coding::led_by(&placed.groups, id)
            .into_iter()
            .find(|g| !coding::targets(g, 0.8).is_empty())
        else {
            return false;
        };
        let floors: Vec<(f64, usize)> = coding::floors(group)
            .into_iter()
            .filter(|(f, _)| *f >= placed.groups.params.threshold - 1e-9)
            .collect();
        let chosen = floors
            .iter()
            .position(|(f, _)| (*f - 0.9).abs() < 1e-9)
            .unwrap_or(floors.len().saturating_sub(1));
        self.overlay = Some(super::Overlay::GroupOffer(GroupOffer {
            group: group.id.clone(),
            principal: id.to_string(),
            tag: tag.to_string(),
            floors,
            chosen,
        }));
        true
    }

    /// The offer's keys: ←/→ (or h/l, -/+) choose the floor, y applies, anything else declines.
    pub(super) fn offer_key(
        &mut self,
        mut o: GroupOffer,
        k: crossterm::event::KeyEvent,
    ) -> Vec<Effect> {
        use crossterm::event::KeyCode;
        match k.code {
            KeyCode::Left | KeyCode::Char('h') | KeyCode::Char('-') => {
                o.chosen = o.chosen.saturating_sub(1);
                self.overlay = Some(super::Overlay::GroupOffer(o));
            }
            KeyCode::Right | KeyCode::Char('l') | KeyCode::Char('+') => {
                o.chosen = (o.chosen + 1).min(o.floors.len().saturating_sub(1));
                self.overlay = Some(super::Overlay::GroupOffer(o));
            }
            KeyCode::Char('y') | KeyCode::Char('Y') => self.code_group(&o),
            _ => self.say(
                format!("group {} left as it was; nothing changed", o.group),
                Tone::Info,
            ),
        }
        Vec::new()
    }

    fn code_group(&mut self, o: &GroupOffer) {
        let Some(placed) = self.placed() else {
            return;
        };
        // The groups may have been rebuilt since the offer: the group is found again.
        let Some(group) = coding::find(&placed.groups, &o.group)
            .filter(|g| g.members[0].conversation == o.principal)
        else {
            self.say(
                format!("group {} changed since; nothing coded", o.group),
                Tone::Error,
            );
            return;
        };
        let (floor, _) = o.floor();
        let ids = coding::targets(group, floor);
        if ids.is_empty() {
            self.say("no member at that similarity; nothing changed", Tone::Info);
            return;
        }
        let n = ids.len();
        let replaces = self.palette.rivals(&o.tag);
        if let Some(ev) = self.code(vec![Draft {
            conversations: ids,
            action: Coding::Tag,
            value: json!(o.tag),
            replaces,
            via: Some(coding::via(group, floor)),
        }]) {
            let seq = ev.last().map(|e| e.seq).unwrap_or(0);
            self.say(
                format!(
                    "saved #{seq}: +{} on {n} members of {} (similarity ≥ {floor:.2}); u undoes it",
                    o.tag, o.group
                ),
                Tone::Saved,
            );
            self.last_coding = Some(LastCoding::Tag {
                tag: o.tag.clone(),
                add: true,
            });
        }
    }
}
