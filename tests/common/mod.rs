//! Helpers shared by the integration tests (`mod common;`).

/// A fixed-seed xorshift that mutates valid programs: each call deletes, duplicates, swaps or
/// replaces (with a byte of `alphabet`) one to six bytes of its input.
pub struct Mutator {
    state: u64,
}

impl Mutator {
    pub fn new(seed: u64) -> Mutator {
        Mutator { state: seed }
    }

    fn next(&mut self) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state
    }

    pub fn mutate(&mut self, base: &[u8], alphabet: &[u8]) -> String {
        let mut b = base.to_vec();
        for _ in 0..(1 + self.next() % 6) {
            if b.is_empty() {
                break;
            }
            let i = (self.next() % b.len() as u64) as usize;
            match self.next() % 4 {
                0 => {
                    b.remove(i);
                }
                1 => {
                    let c = b[i];
                    b.insert(i, c);
                }
                2 => {
                    let j = (self.next() % b.len() as u64) as usize;
                    b.swap(i, j);
                }
                _ => b[i] = alphabet[(self.next() % alphabet.len() as u64) as usize],
            }
        }
        String::from_utf8_lossy(&b).to_string()
    }
}
