//! Generated container names, by moby's rule (`internal/namesgenerator`, `daemon/names.go`).

use super::rng::Rng;

const LEFT: &str = include_str!("names_left.txt");
const RIGHT: &str = include_str!("names_right.txt");

/// `GetRandomName(retry)`: `adjective_surname`, never `boring_wozniak`, a digit appended on retries.
pub fn random_name(rng: &mut Rng, retry: u32) -> String {
    let left: Vec<&str> = LEFT.lines().collect();
    let right: Vec<&str> = RIGHT.lines().collect();
    loop {
        let l = left[rng.below(left.len() as u64) as usize];
        let r = right[rng.below(right.len() as u64) as usize];
        if l == "boring" && r == "wozniak" {
            continue;
        }
        let mut name = format!("{l}_{r}");
        if retry > 0 {
            name.push(char::from(b'0' + rng.below(10) as u8));
        }
        return name;
    }
}

/// A free generated name: six attempts, then the short ID (`generateIDAndName`).
pub fn generate(rng: &mut Rng, taken: impl Fn(&str) -> bool, short_id: &str) -> String {
    for retry in 0..6 {
        let name = random_name(rng, retry);
        if !taken(&name) {
            return name;
        }
    }
    short_id.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_lists_match_the_conformance_copy() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/conformance/namesgenerator.json"
        );
        let text = std::fs::read_to_string(path)
            .expect("../shared/conformance/namesgenerator.json is missing");
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let list = |k: &str| -> Vec<String> {
            json[k]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(LEFT.lines().collect::<Vec<_>>(), list("left"));
        assert_eq!(RIGHT.lines().collect::<Vec<_>>(), list("right"));
    }

    #[test]
    fn names_follow_the_rule() {
        let mut rng = Rng::new(1);
        for _ in 0..1000 {
            let n = random_name(&mut rng, 0);
            assert_ne!(n, "boring_wozniak");
            assert_eq!(n.matches('_').count(), 1);
        }
        let n = random_name(&mut rng, 1);
        assert!(n.chars().last().unwrap().is_ascii_digit());
        assert_eq!(generate(&mut rng, |_| true, "abc"), "abc");
    }
}
