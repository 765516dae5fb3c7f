//! Small-count suppression for published tables of children.
//!
//! A table of counts (rows × columns) is published with its row totals, column totals and
//! grand total. Any published number from 1 to 9 could point at a few identifiable
//! children (the three near-poor pupils of one school), so it is hidden (primary
//! suppression). Hiding is not enough when the totals are published: a row with one hidden
//! cell gives it away by subtraction, and so does any hidden cell that the row and column
//! sums pin down together. Secondary (complementary) suppression hides more cells until no
//! hidden one can be worked out.
//!
//! The table with its margins is a grid of `(rows + 1) × (cols + 1)` entries in which every
//! grid row and grid column is one linear equation (the cells sum to the total). Seeing
//! entries as edges between a row vertex and a column vertex, a set of hidden entries is
//! solvable for one of them exactly when that entry is a bridge of the hidden graph (it lies
//! on no cycle: the equations of one side of the bridge, added up, give its value). So every
//! hidden entry must lie on a cycle: each entry that does not gets the cheapest rectangle
//! through it (three more entries, preferring small non-zero inner cells; zeros only when
//! nothing else will do, because an alternating cycle through zeros can be pinned by
//! non-negativity; the grand total last of all). A rectangle of non-zero counts always
//! leaves at least two possible values for each of its entries.

/// The smallest count published as it is; 1 to `SMALLEST_SHOWN - 1` are hidden.
pub const SMALLEST_SHOWN: i64 = 10;

/// A table with its margins, each entry shown or hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Masked {
    rows: usize,
    cols: usize,
    /// `(rows + 1) × (cols + 1)`, row-major; the last row and column are the totals.
    values: Vec<i64>,
    hidden: Vec<bool>,
}

const ZERO_COST: i64 = 1 << 40;
const MARGIN_COST: i64 = 1_000;
const GRAND_COST: i64 = 1 << 50;

impl Masked {
    /// Computes the margins of `cells` (each row `cols` long, counts not negative) and
    /// hides what must be hidden.
    pub fn new(cells: &[Vec<i64>], cols: usize) -> Masked {
        let rows = cells.len();
        let w = cols + 1;
        let mut values = vec![0i64; (rows + 1) * w];
        for (r, row) in cells.iter().enumerate() {
            for c in 0..cols {
                let v = row.get(c).copied().unwrap_or(0).max(0);
                values[r * w + c] = v;
                values[r * w + cols] += v;
                values[rows * w + c] += v;
                values[rows * w + cols] += v;
            }
        }
        let hidden = values
            .iter()
            .map(|v| (1..SMALLEST_SHOWN).contains(v))
            .collect();
        let mut m = Masked {
            rows,
            cols,
            values,
            hidden,
        };
        if rows > 0 && cols > 0 {
            m.complete();
        }
        m
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    fn at(&self, r: usize, c: usize) -> usize {
        r * (self.cols + 1) + c
    }

    /// The entry at row `r` and column `c` as published: `r == rows()` is the row of
    /// column totals, `c == cols()` the column of row totals; `None` when hidden.
    pub fn shown(&self, r: usize, c: usize) -> Option<i64> {
        let i = self.at(r, c);
        (!self.hidden[i]).then_some(self.values[i])
    }

    pub fn is_hidden(&self, r: usize, c: usize) -> bool {
        self.hidden[self.at(r, c)]
    }

    pub fn row_total(&self, r: usize) -> Option<i64> {
        self.shown(r, self.cols)
    }

    pub fn col_total(&self, c: usize) -> Option<i64> {
        self.shown(self.rows, c)
    }

    pub fn total(&self) -> Option<i64> {
        self.shown(self.rows, self.cols)
    }

    /// How many entries (margins included) are hidden.
    pub fn hidden_count(&self) -> usize {
        self.hidden.iter().filter(|h| **h).count()
    }

    fn cost(&self, r: usize, c: usize) -> i64 {
        let i = self.at(r, c);
        if self.hidden[i] {
            return 0;
        }
        let v = self.values[i];
        if r == self.rows && c == self.cols {
            GRAND_COST + v
        } else if v == 0 {
            ZERO_COST
        } else if r == self.rows || c == self.cols {
            MARGIN_COST + v
        } else {
            v
        }
    }

    fn complete(&mut self) {
        loop {
            let Some((r, c)) = self.first_bridge() else {
                return;
            };
            let mut best: Option<(i64, usize, usize)> = None;
            for r2 in (0..=self.rows).filter(|x| *x != r) {
                for c2 in (0..=self.cols).filter(|x| *x != c) {
                    let cost = self.cost(r, c2) + self.cost(r2, c) + self.cost(r2, c2);
                    if best.is_none_or(|b| cost < b.0) {
                        best = Some((cost, r2, c2));
                    }
                }
            }
            let Some((_, r2, c2)) = best else { return };
            for (a, b) in [(r, c2), (r2, c), (r2, c2)] {
                let i = self.at(a, b);
                self.hidden[i] = true;
            }
        }
    }

    /// A hidden entry on no cycle of hidden entries, if any (scanning row-major).
    fn first_bridge(&self) -> Option<(usize, usize)> {
        let (h, w) = (self.rows + 1, self.cols + 1);
        // Vertices: rows 0..h, columns h..h+w.
        let mut adj: Vec<Vec<usize>> = vec![Vec::new(); h + w];
        let mut edges = Vec::new();
        for r in 0..h {
            for c in 0..w {
                if self.hidden[r * w + c] {
                    adj[r].push(h + c);
                    adj[h + c].push(r);
                    edges.push((r, c));
                }
            }
        }
        edges.into_iter().find(|&(r, c)| {
            // Is the column vertex reachable from the row vertex without this edge?
            let (from, to) = (r, h + c);
            let mut seen = vec![false; h + w];
            let mut stack = vec![from];
            seen[from] = true;
            while let Some(v) = stack.pop() {
                for &u in &adj[v] {
                    if (v == from && u == to) || (v == to && u == from) || seen[u] {
                        continue;
                    }
                    if u == to {
                        return false;
                    }
                    seen[u] = true;
                    stack.push(u);
                }
            }
            true
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An attacker who knows every published entry and that counts are whole numbers not
    /// below zero: every value each hidden entry can take, by search (small tables only).
    /// Independent of the bridge reasoning above.
    fn possible_values(m: &Masked, cap: i64) -> Vec<std::collections::BTreeSet<i64>> {
        let (h, w) = (m.rows + 1, m.cols + 1);
        let hidden: Vec<usize> = (0..h * w).filter(|i| m.hidden[*i]).collect();
        let mut out = vec![std::collections::BTreeSet::new(); hidden.len()];
        let mut x: Vec<Option<i64>> = (0..h * w)
            .map(|i| (!m.hidden[i]).then_some(m.values[i]))
            .collect();
        fn lines_ok(x: &[Option<i64>], h: usize, w: usize) -> bool {
            // Each grid row: cells sum to the last; each grid column: likewise.
            let check = |idx: &mut dyn Iterator<Item = usize>, total: usize| {
                let mut sum = 0;
                for i in idx {
                    match x[i] {
                        Some(v) => sum += v,
                        None => return true,
                    }
                }
                match x[total] {
                    Some(t) => t == sum,
                    None => true,
                }
            };
            (0..h).all(|r| check(&mut (0..w - 1).map(|c| r * w + c), r * w + w - 1))
                && (0..w).all(|c| check(&mut (0..h - 1).map(|r| r * w + c), (h - 1) * w + c))
        }
        fn go(
            k: usize,
            hidden: &[usize],
            x: &mut Vec<Option<i64>>,
            out: &mut [std::collections::BTreeSet<i64>],
            h: usize,
            w: usize,
            cap: i64,
        ) {
            if !lines_ok(x, h, w) {
                return;
            }
            if k == hidden.len() {
                for (j, i) in hidden.iter().enumerate() {
                    out[j].insert(x[*i].unwrap());
                }
                return;
            }
            for v in 0..=cap {
                x[hidden[k]] = Some(v);
                go(k + 1, hidden, x, out, h, w, cap);
            }
            x[hidden[k]] = None;
        }
        go(0, &hidden, &mut x, &mut out, h, w, cap);
        out
    }

    #[test]
    fn a_lone_small_cell_takes_a_rectangle_with_it() {
        // District B has 3 near-poor pupils: hiding 3 alone gives it away (row total 28).
        let m = Masked::new(&[vec![40, 25, 12], vec![20, 3, 5]], 3);
        assert!(m.is_hidden(1, 1) && m.is_hidden(1, 2));
        // Each of the hidden cells has a partner in its row and its column.
        for r in 0..=2 {
            let n = (0..=3).filter(|c| m.is_hidden(r, *c)).count();
            assert!(n != 1, "row {r} hides one entry only");
        }
        for c in 0..=3 {
            let n = (0..=2).filter(|r| m.is_hidden(*r, c)).count();
            assert!(n != 1, "column {c} hides one entry only");
        }
        assert_eq!(m.total(), Some(105));
        assert_eq!(m.shown(0, 0), Some(40));
    }

    #[test]
    fn nothing_small_nothing_hidden() {
        let m = Masked::new(&[vec![40, 25], vec![20, 10], vec![0, 0]], 2);
        assert_eq!(m.hidden_count(), 0);
        assert_eq!(m.row_total(0), Some(65));
        assert_eq!(m.col_total(1), Some(35));
        assert_eq!(m.shown(2, 1), Some(0));
        let empty = Masked::new(&[], 3);
        assert_eq!(empty.total(), Some(0));
    }

    #[test]
    fn a_chain_of_pairs_is_not_enough() {
        // Two small cells in one row are each other's partner in that row, but each is
        // alone in its column: the column totals give both away.
        let m = Masked::new(&[vec![4, 5, 30], vec![30, 30, 30]], 3);
        let seen = possible_values(&m, 40);
        assert!(seen.iter().all(|s| s.len() >= 2), "{m:?}: {seen:?}");
    }

    fn table() -> impl Strategy<Value = (Vec<Vec<i64>>, usize)> {
        (1usize..=3, 1usize..=3).prop_flat_map(|(rows, cols)| {
            let cell = prop_oneof![3 => 0i64..=12, 1 => 10i64..=20];
            (
                proptest::collection::vec(proptest::collection::vec(cell, cols), rows),
                Just(cols),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

        /// Every small count is hidden, what is shown is true, and the attacker's search
        /// finds at least two values for every hidden entry that is not zero.
        #[test]
        fn no_hidden_count_can_be_worked_out((cells, cols) in table()) {
            let m = Masked::new(&cells, cols);
            for r in 0..=m.rows {
                for c in 0..=m.cols {
                    let v = m.values[m.at(r, c)];
                    if (1..SMALLEST_SHOWN).contains(&v) {
                        prop_assert!(m.is_hidden(r, c));
                    }
                    if let Some(s) = m.shown(r, c) {
                        prop_assert_eq!(s, v);
                    }
                }
            }
            // The search is exponential in hidden entries: bound the work.
            let hidden: Vec<usize> = (0..m.values.len()).filter(|i| m.hidden[*i]).collect();
            let cap = m.values.iter().copied().max().unwrap_or(0);
            prop_assume!(hidden.len() <= 7 && cap <= 30);
            let seen = possible_values(&m, cap);
            for (j, i) in hidden.iter().enumerate() {
                let v = m.values[*i];
                prop_assert!(seen[j].contains(&v));
                if v > 0 {
                    prop_assert!(seen[j].len() >= 2, "entry {} = {} is pinned in {:?}", i, v, m);
                }
            }
        }
    }
}
