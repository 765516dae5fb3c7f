//! Finding the same child listed twice across the province: the same student code at
//! two schools, or the same person under another code or none (name compared without
//! accents, case or spacing, one-letter typos and swapped given/middle names allowed,
//! the same date of birth, and an agreeing commune or parent's name). Two rows of one
//! school under different names are two children (twins, most often), and a name with
//! a typo or a reordering is not enough when the parent or the commune disagrees.
//!
//! Comparisons are limited to blocks of records that share the date of birth and part of
//! the name, so two million students are compared in seconds, not in days.

use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// One student as de-duplication sees it. Text fields are folded (lower case, no
/// accents, single spaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub id: i64,
    pub code: Option<String>,
    pub school_id: i64,
    pub name: String,
    /// `yyyy-mm-dd`.
    pub dob: String,
    pub commune: Option<String>,
    pub parent: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    SameCode,
    SamePerson,
}

/// Records that are probably one child, for a person to decide.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// Record ids, ascending.
    pub ids: Vec<i64>,
    pub reason: Reason,
    /// How sure: 1 for the same code; for the same person, the weakest link's score.
    pub score: f64,
}

/// Optimal string alignment distance, stopping early once above `max`.
pub fn edit_distance(a: &str, b: &str, max: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    let (n, m) = (a.len(), b.len());
    let mut prev2 = vec![0usize; m + 1];
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur = vec![0usize; m + 1];
    for i in 1..=n {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return max + 1;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[m]
}

/// How two folded names match: exactly, with the given and middle names swapped, or
/// with one typo. `None`: not the same name.
pub fn name_match(a: &str, b: &str) -> Option<f64> {
    if a == b {
        return Some(1.0);
    }
    let mut ta: Vec<&str> = a.split(' ').collect();
    let mut tb: Vec<&str> = b.split(' ').collect();
    if ta.len() == tb.len() && ta.len() >= 2 {
        ta.sort_unstable();
        tb.sort_unstable();
        if ta == tb {
            return Some(0.92);
        }
    }
    if a.replace(' ', "") == b.replace(' ', "") {
        return Some(0.95);
    }
    (edit_distance(a, b, 1) <= 1 && a.len().min(b.len()) >= 6).then_some(0.88)
}

fn agree(a: &Option<String>, b: &Option<String>) -> Option<bool> {
    match (a, b) {
        (Some(x), Some(y)) if !x.is_empty() && !y.is_empty() => {
            Some(x == y || edit_distance(x, y, 1) <= 1)
        }
        _ => None,
    }
}

/// The score of two records being one child, if they are likely to be.
pub fn same_person(a: &Record, b: &Record) -> Option<f64> {
    if a.dob != b.dob || a.id == b.id {
        return None;
    }
    if let (Some(x), Some(y)) = (&a.code, &b.code)
        && x == y
    {
        return None; // that is a same-code group
    }
    // One school lists each of its children once (the same code, or the same name and
    // birth date, is the same row): two of its rows under different names are two
    // children, most often twins (same parent, same birth date, names a letter apart).
    if a.school_id == b.school_id && a.name != b.name {
        return None;
    }
    let name = name_match(&a.name, &b.name)?;
    let commune = agree(&a.commune, &b.commune);
    let parent = agree(&a.parent, &b.parent);
    match (commune, parent) {
        (Some(true), Some(true)) => Some((name + 0.06).min(1.0)),
        (Some(true), None) | (None, Some(true)) => Some(name),
        // Conflicting evidence (another parent, or another commune) leaves only a name
        // written the same way: a typo or a reordering on top of it is another child.
        (Some(true), Some(false)) | (Some(false), Some(true)) if name >= 0.95 => Some(name - 0.15),
        _ => None,
    }
}

/// Blocks larger than this are skipped: a block that big is a data problem (the same
/// birth date typed for everyone), not a set of duplicates.
const MAX_BLOCK: usize = 2_000;
const MIN_SCORE: f64 = 0.7;

fn hash(parts: &[&str]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut h);
    h.finish()
}

/// Finds the groups among `records`. `different` holds pairs (lower id first) a person
/// already decided are different children: they are never proposed again.
pub fn find_groups(records: &[Record], different: &HashSet<(i64, i64)>) -> Vec<Group> {
    let mut groups = code_groups(
        records
            .iter()
            .filter_map(|r| Some((r.code.as_deref()?, r.id))),
        different,
    );
    groups.extend(person_groups(records, different));
    groups
}

/// Groups of records sharing a student code, from `(code, id)` pairs in any order.
pub fn code_groups<'a>(
    codes: impl IntoIterator<Item = (&'a str, i64)>,
    different: &HashSet<(i64, i64)>,
) -> Vec<Group> {
    let mut by_code: HashMap<&str, Vec<i64>> = HashMap::new();
    for (c, id) in codes {
        by_code.entry(c).or_default().push(id);
    }
    let mut groups: Vec<Group> = by_code
        .into_values()
        .filter(|v| v.len() > 1)
        .filter_map(|mut ids| {
            ids.sort_unstable();
            ids.dedup();
            let all_decided = ids
                .iter()
                .enumerate()
                .all(|(k, a)| ids[k + 1..].iter().all(|b| different.contains(&(*a, *b))));
            (ids.len() > 1 && !all_decided).then_some(Group {
                ids,
                reason: Reason::SameCode,
                score: 1.0,
            })
        })
        .collect();
    groups.sort_by(|a, b| a.ids.cmp(&b.ids));
    groups
}

/// Groups of records that are probably one child under different codes (or none).
/// Every comparison is between records of the same birth date, so records may be given
/// a few birth dates at a time, as long as no date is split between two calls.
pub fn person_groups(records: &[Record], different: &HashSet<(i64, i64)>) -> Vec<Group> {
    let mut groups = Vec::new();

    // Blocks: (birth date, the name's words in any order), (birth date, given name),
    // (birth date, all but the given name). A one-letter typo leaves one of them intact.
    let mut keys: Vec<(u64, u32)> = Vec::with_capacity(records.len() * 3);
    for (i, r) in records.iter().enumerate() {
        let words: Vec<&str> = r.name.split(' ').collect();
        let mut sorted = words.clone();
        sorted.sort_unstable();
        keys.push((hash(&[&r.dob, "s", &sorted.join(" ")]), i as u32));
        if let Some((given, rest)) = words.split_last() {
            keys.push((hash(&[&r.dob, "g", given]), i as u32));
            if !rest.is_empty() {
                keys.push((hash(&[&r.dob, "r", &rest.join(" ")]), i as u32));
            }
        }
    }
    keys.sort_unstable();
    let mut pairs: HashMap<(u32, u32), f64> = HashMap::new();
    let mut start = 0;
    while start < keys.len() {
        let mut end = start + 1;
        while end < keys.len() && keys[end].0 == keys[start].0 {
            end += 1;
        }
        let block = &keys[start..end];
        if block.len() > 1 && block.len() <= MAX_BLOCK {
            for (x, &(_, i)) in block.iter().enumerate() {
                for &(_, j) in &block[x + 1..] {
                    let (i, j) = (i.min(j), i.max(j));
                    if pairs.contains_key(&(i, j)) {
                        continue;
                    }
                    let (a, b) = (&records[i as usize], &records[j as usize]);
                    let pair = (a.id.min(b.id), a.id.max(b.id));
                    if different.contains(&pair) {
                        continue;
                    }
                    if let Some(s) = same_person(a, b).filter(|s| *s >= MIN_SCORE) {
                        pairs.insert((i, j), s);
                    }
                }
            }
        }
        start = end;
    }

    // Pairs to groups (union-find); a group's score is its weakest pair.
    let mut parent: HashMap<u32, u32> = HashMap::new();
    fn find(p: &mut HashMap<u32, u32>, x: u32) -> u32 {
        let mut r = x;
        while let Some(&n) = p.get(&r) {
            if n == r {
                break;
            }
            r = n;
        }
        p.insert(x, r);
        r
    }
    for &(i, j) in pairs.keys() {
        let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
        if ri != rj {
            parent.insert(ri.max(rj), ri.min(rj));
            parent.entry(ri.min(rj)).or_insert(ri.min(rj));
        }
    }
    let mut members: HashMap<u32, Vec<u32>> = HashMap::new();
    let mut weakest: HashMap<u32, f64> = HashMap::new();
    let mut seen: HashSet<u32> = HashSet::new();
    let all_pairs: Vec<((u32, u32), f64)> = pairs.iter().map(|(k, v)| (*k, *v)).collect();
    for ((i, j), s) in all_pairs {
        let r = find(&mut parent, i);
        let w = weakest.entry(r).or_insert(1.0);
        *w = w.min(s);
        for n in [i, j] {
            if seen.insert(n) {
                members.entry(r).or_default().push(n);
            }
        }
    }
    let mut person_groups: Vec<Group> = members
        .into_iter()
        .map(|(root, m)| {
            let score = weakest.get(&root).copied().unwrap_or(1.0);
            let mut ids: Vec<i64> = m.iter().map(|i| records[*i as usize].id).collect();
            ids.sort_unstable();
            Group {
                ids,
                reason: Reason::SamePerson,
                score: (score * 100.0).round() / 100.0,
            }
        })
        .collect();
    person_groups.sort_by(|a, b| a.ids.cmp(&b.ids));
    groups.extend(person_groups);
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(
        id: i64,
        code: Option<&str>,
        name: &str,
        dob: &str,
        commune: &str,
        parent: &str,
    ) -> Record {
        Record {
            id,
            code: code.map(str::to_string),
            school_id: id,
            name: name.into(),
            dob: dob.into(),
            commune: Some(commune.into()).filter(|c: &String| !c.is_empty()),
            parent: Some(parent.into()).filter(|c: &String| !c.is_empty()),
        }
    }

    /// A small deterministic generator (xorshift).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
            xs[(self.next() % xs.len() as u64) as usize]
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    const FAMILY: &[&str] = &[
        "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do",
        "ho", "ngo", "duong", "ly", "dieu", "k'", "h'", "y", "luong", "giang", "sung", "nong",
    ];
    const MIDDLE: &[&str] = &[
        "van", "thi", "huu", "duc", "minh", "ngoc", "thanh", "quoc", "anh", "kim", "thu", "hong",
        "xuan", "cong", "gia", "bao", "dinh",
    ];
    const GIVEN: &[&str] = &[
        "an", "anh", "bao", "binh", "chau", "chi", "cuong", "dung", "duy", "giang", "ha", "hai",
        "hanh", "hang", "hieu", "hoa", "hoang", "hung", "huy", "huong", "khang", "khanh", "khoa",
        "lan", "linh", "long", "mai", "manh", "minh", "my", "nam", "ngan", "ngoc", "nhung",
        "phong", "phuc", "phuong", "quan", "quang", "quynh", "son", "tai", "tam", "thao", "thang",
        "thanh", "thien", "tho", "thuy", "tien", "trang", "trung", "tuan", "tu", "uyen", "viet",
        "vy", "yen",
    ];

    fn typo(rng: &mut Rng, name: &str) -> String {
        let mut c: Vec<char> = name.chars().collect();
        let letters: Vec<usize> = (0..c.len())
            .filter(|i| c[*i].is_ascii_lowercase())
            .collect();
        let i = letters[rng.below(letters.len() as u64) as usize];
        match rng.below(3) {
            0 => c[i] = if c[i] == 'a' { 'e' } else { 'a' },
            1 if c.len() > 6 => {
                c.remove(i);
            }
            _ if i + 1 < c.len() && c[i + 1].is_ascii_lowercase() && c[i] != c[i + 1] => {
                c.swap(i, i + 1)
            }
            _ => c[i] = if c[i] == 'o' { 'u' } else { 'o' },
        }
        c.into_iter().collect()
    }

    /// Thousands of students with planted duplicates of every kind: at least 98% found,
    /// at least 95% of what is proposed right.
    #[test]
    fn planted_duplicates_are_found() {
        let mut rng = Rng(0x5eed_2022);
        let mut records = Vec::new();
        let communes: Vec<String> = (0..71).map(|i| format!("xa {i}")).collect();
        for id in 0..6000i64 {
            let name = format!(
                "{} {} {}",
                rng.pick(FAMILY),
                rng.pick(MIDDLE),
                rng.pick(GIVEN)
            );
            let dob = format!(
                "20{:02}-{:02}-{:02}",
                6 + rng.below(8),
                1 + rng.below(12),
                1 + rng.below(28)
            );
            let parent = format!(
                "{} {} {}",
                rng.pick(FAMILY),
                rng.pick(MIDDLE),
                rng.pick(GIVEN)
            );
            records.push(Record {
                id,
                code: Some(format!("67{:08}", rng.below(100_000_000))),
                school_id: rng.below(400) as i64,
                name,
                dob,
                commune: Some(communes[rng.below(71) as usize].clone()),
                parent: Some(parent),
            });
        }
        let mut truth: HashSet<(i64, i64)> = HashSet::new();
        let mut clusters: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut next_id = 100_000i64;
        for k in 0..600 {
            let orig = records[rng.below(6000) as usize].clone();
            let mut dup = orig.clone();
            dup.id = next_id;
            dup.school_id = (orig.school_id + 1 + rng.below(50) as i64) % 400;
            match k % 5 {
                0 => {}                                                           // same code, another school
                1 => dup.code = Some(format!("67{:08}", rng.below(100_000_000))), // other code, same name
                2 => dup.code = None,                                             // no code
                3 => {
                    dup.name = typo(&mut rng, &orig.name); // a typo, another code
                    dup.code = Some(format!("68{:08}", rng.below(100_000_000)));
                }
                _ => {
                    let w: Vec<&str> = orig.name.split(' ').collect(); // given/middle swapped
                    dup.name = format!("{} {} {}", w[0], w[2], w[1]);
                    dup.code = None;
                    dup.parent = None;
                }
            }
            if dup.name == orig.name && k % 5 == 3 {
                continue;
            }
            // An original may be copied twice: all its copies are one child.
            let family: Vec<i64> = clusters
                .entry(orig.id)
                .or_insert_with(|| vec![orig.id])
                .clone();
            for other in family {
                truth.insert((other.min(dup.id), other.max(dup.id)));
            }
            if let Some(c) = clusters.get_mut(&orig.id) {
                c.push(dup.id);
            }
            records.push(dup);
            next_id += 1;
        }
        let groups = find_groups(&records, &HashSet::new());
        let mut proposed: HashSet<(i64, i64)> = HashSet::new();
        for g in &groups {
            for (x, a) in g.ids.iter().enumerate() {
                for b in &g.ids[x + 1..] {
                    proposed.insert((*a, *b));
                }
            }
        }
        let found = truth.iter().filter(|p| proposed.contains(p)).count();
        let right = proposed.iter().filter(|p| truth.contains(p)).count();
        let recall = found as f64 / truth.len() as f64;
        let precision = right as f64 / proposed.len().max(1) as f64;
        if std::env::var("DEDUP_DEBUG").is_ok() {
            eprintln!(
                "recall {recall:.4} ({found}/{}), precision {precision:.4} ({right}/{})",
                truth.len(),
                proposed.len()
            );
            let by_id: HashMap<i64, &Record> = records.iter().map(|r| (r.id, r)).collect();
            for p in proposed.iter().filter(|p| !truth.contains(p)).take(10) {
                eprintln!("false: {:?}\n       {:?}", by_id[&p.0], by_id[&p.1]);
            }
        }
        assert!(
            recall >= 0.98,
            "recall {recall:.3} ({found}/{})",
            truth.len()
        );
        assert!(
            precision >= 0.95,
            "precision {precision:.3} ({right}/{})",
            proposed.len()
        );
    }

    /// Twins: same parent, same birth date, names a letter apart, at one school. Two
    /// children, however alike; the same two rows at two schools are one child.
    #[test]
    fn twins_at_one_school_are_two_children() {
        let mut a = rec(
            1,
            Some("6700000001"),
            "hoang quoc an",
            "2010-03-10",
            "xa duc minh",
            "nguyen thanh duyen",
        );
        let mut b = rec(
            2,
            Some("6700000002"),
            "hoang quoc anh",
            "2010-03-10",
            "xa duc minh",
            "nguyen thanh duyen",
        );
        a.school_id = 7;
        b.school_id = 7;
        assert_eq!(same_person(&a, &b), None);
        b.school_id = 8;
        assert!(same_person(&a, &b).is_some(), "a typo at another school");
        // A typo and another parent: another child.
        b.parent = Some("tran van binh".into());
        assert_eq!(same_person(&a, &b), None);
        // The same name and another parent: still asked, with a lower score.
        b.name = a.name.clone();
        assert!(same_person(&a, &b).is_some_and(|s| s < 0.9));
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("nguyen", "nguyen", 2), 0);
        assert_eq!(
            edit_distance("nguyen", "ngyuen", 2),
            1,
            "a transposition is one edit"
        );
        assert_eq!(edit_distance("nguyen", "nguyn", 2), 1);
        assert_eq!(edit_distance("hoang", "huong", 2), 2);
        assert_eq!(edit_distance("a", "abcdef", 2), 3);
    }

    #[test]
    fn names() {
        assert_eq!(name_match("nguyen van an", "nguyen van an"), Some(1.0));
        assert!(name_match("nguyen van an", "nguyen an van").is_some());
        assert!(name_match("nguyen van an", "nguyen van anh").is_some());
        assert!(name_match("nguyen thi hang", "nguyen thi huong").is_none());
        assert!(
            name_match("le an", "le anh").is_none(),
            "too short for a typo to be trusted"
        );
    }

    #[test]
    fn the_sample_pairs() {
        let r = vec![
            rec(
                1,
                Some("6737609260"),
                "nguyen anh tai",
                "2010-05-02",
                "xa dak lao",
                "nguyen van tai",
            ),
            rec(
                2,
                Some("6758656116"),
                "nguyen anh tai",
                "2010-05-02",
                "xa dak lao",
                "nguyen van tai",
            ),
            rec(
                3,
                Some("6716613186"),
                "nguyen duc viet",
                "2009-09-17",
                "xa dak lao",
                "nguyen van viet",
            ),
            rec(
                4,
                Some("6716613186"),
                "nguyen duc viet",
                "2009-09-17",
                "xa dak lao",
                "nguyen van viet",
            ),
            rec(
                5,
                Some("6700000001"),
                "nguyen anh tai",
                "2010-05-02",
                "xa nam da",
                "tran thi hoa",
            ),
        ];
        let g = find_groups(&r, &HashSet::new());
        assert_eq!(g.len(), 2);
        assert_eq!(
            (g[0].ids.clone(), g[0].reason),
            (vec![3, 4], Reason::SameCode)
        );
        assert_eq!(
            (g[1].ids.clone(), g[1].reason),
            (vec![1, 2], Reason::SamePerson),
            "not 5: another commune and parent"
        );
        let decided: HashSet<(i64, i64)> = [(1, 2), (3, 4)].into_iter().collect();
        assert!(
            find_groups(&r, &decided).is_empty(),
            "decisions are never asked again"
        );
    }
}
