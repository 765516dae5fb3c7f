//! The database every command opens, from `--db`, named without its password in messages.

use anyhow::{Context, Result};
use store::{OpenOptions, Store};

/// Opens (and migrates) the database with a pool of `pool` connections.
pub async fn open(url: &str, pool: u32) -> Result<Store> {
    Store::open(
        url,
        &OpenOptions {
            max_connections: pool,
            ..OpenOptions::default()
        },
    )
    .await
    .with_context(|| {
        format!(
            "không mở được cơ sở dữ liệu {} (cannot open the database)",
            redact(url)
        )
    })
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}
