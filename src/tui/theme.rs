//! Themes: dark, light and high contrast. With `NO_COLOR` every colour is dropped and the
//! marks that matter (hits, reproduced and echoed spans, the selection) stay visible through
//! reverse video, underline, bold and italics.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeName {
    Dark,
    Light,
    HighContrast,
}

impl ThemeName {
    pub fn parse(s: &str) -> Option<ThemeName> {
        match s {
            "dark" => Some(ThemeName::Dark),
            "light" => Some(ThemeName::Light),
            "high-contrast" | "high_contrast" | "contrast" => Some(ThemeName::HighContrast),
            _ => None,
        }
    }

    /// The theme named in the config, or dark.
    pub fn named(name: Option<&str>) -> ThemeName {
        name.and_then(ThemeName::parse).unwrap_or(ThemeName::Dark)
    }

    pub fn next(self) -> ThemeName {
        match self {
            ThemeName::Dark => ThemeName::Light,
            ThemeName::Light => ThemeName::HighContrast,
            ThemeName::HighContrast => ThemeName::Dark,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::HighContrast => "high contrast",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Theme {
    pub name: ThemeName,
    pub color: bool,
    pub base: Style,
    pub dim: Style,
    pub title: Style,
    pub border: Style,
    pub selected: Style,
    pub hit: Style,
    pub current_hit: Style,
    pub reproduced: Style,
    pub echoed: Style,
    /// Article text the user supplied (the compare view's article pane, user messages).
    pub supplied: Style,
    /// A near-duplicate's words that differ from its principal's.
    pub changed: Style,
    /// The highlight set's colours (`review::highlights::COLOURS` order); without colour,
    /// distinct modifiers.
    pub highlights: [Style; 6],
    pub user: Style,
    pub assistant: Style,
    pub other_role: Style,
    pub tag: Style,
    pub error: Style,
    pub ok: Style,
    pub bar: Color,
}

impl Theme {
    pub fn new(name: ThemeName, color: bool) -> Theme {
        let b = Style::default();
        let bold = Modifier::BOLD;
        let (fg, dimc, accent, hitbg, rep, echo, user, asst, okc, errc) = match name {
            ThemeName::Dark => (
                Color::Gray,
                Color::DarkGray,
                Color::Cyan,
                Color::Yellow,
                Color::LightRed,
                Color::LightBlue,
                Color::LightGreen,
                Color::LightMagenta,
                Color::Green,
                Color::Red,
            ),
            ThemeName::Light => (
                Color::Black,
                Color::DarkGray,
                Color::Blue,
                Color::Yellow,
                Color::Red,
                Color::Blue,
                Color::Green,
                Color::Magenta,
                Color::Green,
                Color::Red,
            ),
            ThemeName::HighContrast => (
                Color::White,
                Color::White,
                Color::Yellow,
                Color::Yellow,
                Color::LightRed,
                Color::LightCyan,
                Color::LightGreen,
                Color::LightYellow,
                Color::LightGreen,
                Color::LightRed,
            ),
        };
        let c = |s: Style, col: Color| if color { s.fg(col) } else { s };
        let hit = if color {
            b.bg(hitbg).fg(Color::Black).add_modifier(bold)
        } else {
            b.add_modifier(Modifier::REVERSED)
        };
        Theme {
            name,
            color,
            base: c(b, fg),
            dim: if color {
                b.fg(dimc)
            } else {
                b.add_modifier(Modifier::DIM)
            },
            title: c(b, accent).add_modifier(bold),
            border: c(
                b,
                if name == ThemeName::HighContrast {
                    Color::White
                } else {
                    dimc
                },
            ),
            selected: if color {
                b.bg(if name == ThemeName::Light {
                    Color::Gray
                } else {
                    Color::DarkGray
                })
                .add_modifier(bold)
            } else {
                // Not reverse video: hits are, and must stay visible on the selected row.
                b.add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
            },
            hit,
            current_hit: hit.add_modifier(Modifier::UNDERLINED),
            reproduced: c(b, rep).add_modifier(bold | Modifier::UNDERLINED),
            echoed: c(b, echo).add_modifier(Modifier::ITALIC),
            supplied: c(b, echo).add_modifier(Modifier::DIM),
            changed: c(b, Color::Magenta).add_modifier(Modifier::ITALIC | Modifier::UNDERLINED),
            highlights: if color {
                [
                    Color::Yellow,
                    Color::Cyan,
                    Color::Magenta,
                    Color::Green,
                    Color::Blue,
                    Color::Red,
                ]
                .map(|col| {
                    b.underline_color(col)
                        .fg(col)
                        .add_modifier(Modifier::UNDERLINED)
                })
            } else {
                [
                    Modifier::UNDERLINED,
                    Modifier::ITALIC,
                    Modifier::UNDERLINED | Modifier::ITALIC,
                    Modifier::CROSSED_OUT,
                    Modifier::BOLD | Modifier::UNDERLINED,
                    Modifier::BOLD | Modifier::ITALIC,
                ]
                .map(|m| b.add_modifier(m))
            },
            user: c(b, user).add_modifier(bold),
            assistant: c(b, asst).add_modifier(bold),
            other_role: c(b, dimc).add_modifier(bold),
            tag: c(b, accent),
            error: c(b, errc).add_modifier(bold),
            ok: c(b, okc),
            bar: if color { accent } else { Color::Reset },
        }
    }

    /// The theme for this process: the configured one, colourless under `NO_COLOR`.
    pub fn from_env(name: ThemeName) -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme::new(name, !no_color)
    }
}
