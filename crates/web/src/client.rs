//! Where a request comes from: the client's address. `X-Forwarded-For` is read only when
//! the connection itself comes from a configured proxy (`--trusted-proxy`), walked from
//! the right past the proxies, and every address is parsed, never kept as sent.

use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// The client's address, if the connection has one (tests calling the router directly
/// have none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub Option<IpAddr>);

impl ClientAddr {
    /// As stored and counted: the address, or `-` when there is none.
    pub fn text(&self) -> String {
        self.0.map(|a| a.to_string()).unwrap_or_else(|| "-".into())
    }
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientAddr(client_addr(
            peer,
            &parts.headers,
            &state.config.trusted_proxies,
        )))
    }
}

/// The client behind `peer`: `peer` itself unless it is a trusted proxy; then the
/// right-most address of `X-Forwarded-For` that is not a trusted proxy (a malformed one
/// stops the walk at the last proxy that sent it).
pub fn client_addr(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> Option<IpAddr> {
    let mut client = peer?;
    let trusts = |a: &IpAddr| trusted.iter().any(|n| n.contains(a));
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.iter().rev() {
        if !trusts(&client) {
            break;
        }
        match hop.parse::<IpAddr>() {
            Ok(a) => client = a,
            Err(_) => break,
        }
    }
    Some(client)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn forwarded_for_is_read_from_trusted_proxies_only() {
        let proxies: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()];
        let spoofed = headers(&["10.9.8.7<script>"]);
        // A client talking to us directly cannot claim another address.
        assert_eq!(
            client_addr(ip("203.0.113.5"), &spoofed, &proxies),
            ip("203.0.113.5")
        );
        assert_eq!(
            client_addr(ip("203.0.113.5"), &headers(&["198.51.100.1"]), &proxies),
            ip("203.0.113.5")
        );
        // Through our proxy, the address it saw.
        assert_eq!(
            client_addr(ip("10.0.0.2"), &headers(&["198.51.100.1"]), &proxies),
            ip("198.51.100.1")
        );
        // Through two of our proxies, with a client that tried to forge the first hop.
        assert_eq!(
            client_addr(
                ip("10.0.0.2"),
                &headers(&["1.2.3.4, 198.51.100.1", "10.0.0.3"]),
                &proxies
            ),
            ip("198.51.100.1")
        );
        // A malformed value is never taken: the last proxy is the best we know.
        assert_eq!(
            client_addr(ip("10.0.0.2"), &spoofed, &proxies),
            ip("10.0.0.2")
        );
        assert_eq!(
            client_addr(ip("::1"), &headers(&["2001:db8::7"]), &proxies),
            ip("2001:db8::7")
        );
        // No proxies configured: the header means nothing.
        assert_eq!(
            client_addr(ip("10.0.0.2"), &headers(&["198.51.100.1"]), &[]),
            ip("10.0.0.2")
        );
        assert_eq!(
            client_addr(None, &headers(&["198.51.100.1"]), &proxies),
            None
        );
    }
}
