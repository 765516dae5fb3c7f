//! The two interface languages: Vietnamese first, English available.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// Parses `vi`/`en` (and common spellings such as `vi-VN`); anything else is `None`.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s == "vi" || s.starts_with("vi-") || s.starts_with("vi_") {
            Some(Lang::Vi)
        } else if s == "en" || s.starts_with("en-") || s.starts_with("en_") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Picks the Vietnamese or the English text.
    pub fn pick<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}
