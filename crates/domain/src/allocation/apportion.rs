//! Largest-remainder (Hamilton) apportionment in exact integer arithmetic, and exact
//! quotas. No floating point anywhere: a quota is a fraction of integers, remainders are
//! compared as integers over one common denominator, and ties go by a recorded key.

use serde::{Deserialize, Serialize};

/// An exact non-negative fraction `num / den`, `den ≥ 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quota {
    pub num: u128,
    pub den: u128,
}

impl Quota {
    pub fn whole(n: u64) -> Quota {
        Quota {
            num: u128::from(n),
            den: 1,
        }
    }

    pub fn floor(self) -> u64 {
        (self.num / self.den) as u64
    }

    pub fn ceil(self) -> u64 {
        self.num.div_ceil(self.den) as u64
    }

    /// `n + self`.
    pub fn plus(self, n: u64) -> Quota {
        Quota {
            num: self.num + u128::from(n) * self.den,
            den: self.den,
        }
    }

    /// The quota to 4 decimals, rounded half up: `"12.3456"` (a dot, as JSON and the
    /// arithmetic shown to officials both read it).
    pub fn to_4dp(self) -> String {
        let scaled = (self.num * 20_000 + self.den) / (2 * self.den);
        format!("{}.{:04}", scaled / 10_000, scaled % 10_000)
    }

    /// The quota to 4 decimals the Vietnamese way: `"12,3456"`.
    pub fn to_4dp_vi(self) -> String {
        self.to_4dp().replace('.', ",")
    }
}

/// One claimant's share of a Hamilton apportionment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    /// The exact quota `seats × demand / total`.
    pub quota: Quota,
    /// The remainder over the common denominator (`seats × demand mod total`).
    pub remainder: u128,
    /// Rank by remainder (largest first, ties by the recorded key), from 1; `None` for a
    /// claimant with no remainder.
    pub rank: Option<u32>,
    /// Whether one of the leftover seats went to this claimant.
    pub extra: bool,
    /// What the claimant gets: the floor of its quota, plus one if `extra`.
    pub seats: u64,
}

/// Shares `seats` among claimants with the given demands (and tie keys) by the largest
/// remainders. Each gets the floor or the ceiling of `seats × demand / Σ demand`, never
/// more than its demand; the leftover seats go to the largest remainders, equal
/// remainders in the order of their tie keys. When `seats ≥ Σ demand` everyone gets their
/// demand.
pub fn hamilton(seats: u64, claimants: &[(u64, [u8; 32])]) -> Vec<Share> {
    let total: u128 = claimants.iter().map(|(d, _)| u128::from(*d)).sum();
    if total == 0 || u128::from(seats) >= total {
        return claimants
            .iter()
            .map(|(d, _)| Share {
                quota: Quota::whole(*d),
                remainder: 0,
                rank: None,
                extra: false,
                seats: *d,
            })
            .collect();
    }
    let s = u128::from(seats);
    let mut shares: Vec<Share> = claimants
        .iter()
        .map(|(d, _)| {
            let p = s * u128::from(*d);
            Share {
                quota: Quota { num: p, den: total },
                remainder: p % total,
                rank: None,
                extra: false,
                seats: (p / total) as u64,
            }
        })
        .collect();
    let given: u64 = shares.iter().map(|x| x.seats).sum();
    let leftover = (seats - given) as usize;
    let mut order: Vec<usize> = (0..shares.len())
        .filter(|&i| shares[i].remainder > 0)
        .collect();
    order.sort_by(|&a, &b| {
        shares[b]
            .remainder
            .cmp(&shares[a].remainder)
            .then_with(|| claimants[a].1.cmp(&claimants[b].1))
            .then_with(|| a.cmp(&b))
    });
    for (r, &i) in order.iter().enumerate() {
        shares[i].rank = Some(r as u32 + 1);
        if r < leftover {
            shares[i].extra = true;
            shares[i].seats += 1;
        }
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(b: u8) -> [u8; 32] {
        [b; 32]
    }

    #[test]
    fn quotas_print_to_four_decimals() {
        assert_eq!(Quota { num: 10, den: 3 }.to_4dp(), "3.3333");
        assert_eq!(Quota { num: 20, den: 3 }.to_4dp(), "6.6667");
        assert_eq!(
            Quota {
                num: 1,
                den: 20_000
            }
            .to_4dp(),
            "0.0001"
        );
        assert_eq!(Quota::whole(12).to_4dp(), "12.0000");
        assert_eq!(Quota { num: 5, den: 2 }.plus(3).to_4dp_vi(), "5,5000");
    }

    #[test]
    fn the_textbook_case() {
        // 10 seats, demands 6, 6, 2: quotas 4.2857, 4.2857, 1.4286; one leftover seat to
        // the largest remainder (the third).
        let s = hamilton(10, &[(6, k(1)), (6, k(2)), (2, k(3))]);
        assert_eq!(s.iter().map(|x| x.seats).collect::<Vec<_>>(), [4, 4, 2]);
        assert_eq!(s[2].rank, Some(1));
        assert_eq!(s[0].quota.to_4dp(), "4.2857");
    }

    #[test]
    fn equal_remainders_go_by_the_tie_key_not_the_order_given() {
        let a = hamilton(1, &[(1, k(9)), (1, k(3))]);
        assert_eq!(a.iter().map(|x| x.seats).collect::<Vec<_>>(), [0, 1]);
        let b = hamilton(1, &[(1, k(3)), (1, k(9))]);
        assert_eq!(b.iter().map(|x| x.seats).collect::<Vec<_>>(), [1, 0]);
    }

    #[test]
    fn enough_seats_serve_every_demand() {
        let s = hamilton(50, &[(6, k(1)), (0, k(2)), (2, k(3))]);
        assert_eq!(s.iter().map(|x| x.seats).collect::<Vec<_>>(), [6, 0, 2]);
        assert!(hamilton(3, &[]).is_empty());
    }
}
