//! The client's address behind trusted reverse proxies. Only a connection from a proxy named
//! in the configuration may say who the client is (`Forwarded: for=…` or `X-Forwarded-For`);
//! the client is the rightmost address in that chain that is not itself a trusted proxy, so a
//! client cannot put a made-up address in front of the real ones.

use std::net::IpAddr;

/// Trusted proxies: addresses and CIDR ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proxies(Vec<(IpAddr, u8)>);

impl Proxies {
    /// Parses a comma-separated list of addresses and ranges (`10.0.0.0/8, ::1`); `Err` names
    /// the first entry that is neither.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut out = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (addr, bits) = entry.split_once('/').unwrap_or((entry, ""));
            let addr: IpAddr = addr.parse().map_err(|_| entry.to_owned())?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let bits = if bits.is_empty() {
                max
            } else {
                bits.parse::<u8>()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(|| entry.to_owned())?
            };
            out.push((addr, bits));
        }
        Ok(Self(out))
    }

    /// Whether `ip` is one of the trusted proxies.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0
            .iter()
            .any(|(net, bits)| match (canonical(*net), ip) {
                (IpAddr::V4(n), IpAddr::V4(a)) => {
                    let mask = u32::MAX.checked_shl(32 - u32::from(*bits)).unwrap_or(0);
                    u32::from(n) & mask == u32::from(a) & mask
                }
                (IpAddr::V6(n), IpAddr::V6(a)) => {
                    let mask = u128::MAX.checked_shl(128 - u32::from(*bits)).unwrap_or(0);
                    u128::from(n) & mask == u128::from(a) & mask
                }
                _ => false,
            })
    }

    /// The client's address for a connection from `peer` with these request headers
    /// (`forwarded`: the `Forwarded` header's values; `x_forwarded_for`: that header's).
    pub fn client(&self, peer: IpAddr, forwarded: &[&str], x_forwarded_for: &[&str]) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        // RFC 7239 first; the older header only when there is no `Forwarded`.
        let chain: Vec<IpAddr> = if forwarded.is_empty() {
            x_forwarded_for
                .iter()
                .flat_map(|v| v.split(','))
                .filter_map(|a| parse_hop(a.trim()))
                .collect()
        } else {
            forwarded
                .iter()
                .flat_map(|v| v.split(','))
                .filter_map(|element| {
                    element.split(';').find_map(|pair| {
                        let (k, v) = pair.trim().split_once('=')?;
                        k.eq_ignore_ascii_case("for")
                            .then(|| parse_hop(v.trim().trim_matches('"')))
                            .flatten()
                    })
                })
                .collect()
        };
        let mut client = peer;
        for hop in chain.into_iter().rev() {
            client = hop;
            if !self.trusts(hop) {
                break;
            }
        }
        client
    }
}

/// An IPv4 address carried as IPv6 (`::ffff:10.0.0.1`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// One hop: `1.2.3.4`, `1.2.3.4:5678`, `[2001:db8::1]`, `[2001:db8::1]:443` or `2001:db8::1`.
/// Obfuscated and `unknown` hops are not addresses.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Some(rest) = hop.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    hop.rsplit_once(':')?.0.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn ranges_and_single_addresses_are_trusted_and_bad_entries_named() {
        let p = Proxies::parse(" 10.0.0.0/8, 192.168.1.7 ,fd00::/8").expect("valid");
        assert!(p.trusts(ip("10.200.3.4")));
        assert!(p.trusts(ip("::ffff:10.1.1.1")), "IPv4 carried in IPv6");
        assert!(p.trusts(ip("192.168.1.7")));
        assert!(!p.trusts(ip("192.168.1.8")));
        assert!(p.trusts(ip("fd12::1")));
        assert!(!p.trusts(ip("2001:db8::1")));
        assert_eq!(Proxies::parse("10.0.0.0/33"), Err("10.0.0.0/33".into()));
        assert_eq!(Proxies::parse("proxy.local"), Err("proxy.local".into()));
        assert_eq!(Proxies::parse(""), Ok(Proxies::default()));
        assert!(
            Proxies::parse("0.0.0.0/0")
                .expect("all")
                .trusts(ip("8.8.8.8"))
        );
    }

    #[test]
    fn the_client_is_the_rightmost_untrusted_hop_and_only_a_proxy_may_say_so() {
        let p = Proxies::parse("10.0.0.0/8").expect("valid");
        let proxy = ip("10.0.0.2");
        // A stranger's made-up header is ignored.
        assert_eq!(
            p.client(ip("203.0.113.5"), &[], &["1.1.1.1"]),
            ip("203.0.113.5")
        );
        // The client prepends a lie; the proxy appends the real address.
        assert_eq!(
            p.client(proxy, &[], &["1.1.1.1, 198.51.100.7", "10.0.0.9"]),
            ip("198.51.100.7")
        );
        assert_eq!(
            p.client(
                proxy,
                &[r#"for="[2001:db8::7]:4711";proto=https, for=10.0.0.3"#],
                &["9.9.9.9"]
            ),
            ip("2001:db8::7"),
            "Forwarded wins over X-Forwarded-For"
        );
        assert_eq!(
            p.client(proxy, &["for=198.51.100.8:1234"], &[]),
            ip("198.51.100.8")
        );
        assert_eq!(
            p.client(proxy, &[], &["unknown, _hidden"]),
            proxy,
            "no address: the proxy"
        );
        assert_eq!(p.client(proxy, &[], &[]), proxy);
        assert_eq!(
            p.client(proxy, &[], &["10.0.0.7, 10.0.0.8"]),
            ip("10.0.0.7"),
            "all trusted: the leftmost"
        );
    }
}
