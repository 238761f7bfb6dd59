//! `random`: CPython's Mersenne Twister and its derived algorithms (`randbelow`, `shuffle`,
//! `sample`, `choices`, `gauss`), so `random.seed(42)` gives CPython's sequence. Unseeded,
//! it starts from the process seed.

use std::rc::Rc;

use super::ops::{as_f64, as_int, int_of_big};
use super::value::*;
use super::vm::{PyResult, Vm};
use crate::proc::program::Ctx;

const N: usize = 624;

#[derive(Clone, Debug)]
pub struct Mt {
    mt: Vec<u32>,
    idx: usize,
    gauss_next: Option<f64>,
}

impl Mt {
    pub fn new(seed: u64) -> Mt {
        let mut m = Mt {
            mt: vec![0; N],
            idx: N + 1,
            gauss_next: None,
        };
        m.init_by_array(&[seed as u32, (seed >> 32) as u32]);
        m
    }

    fn init_genrand(&mut self, s: u32) {
        self.mt[0] = s;
        for i in 1..N {
            let prev = self.mt[i - 1];
            self.mt[i] = 1812433253u32.wrapping_mul(prev ^ (prev >> 30)).wrapping_add(i as u32);
        }
        self.idx = N;
    }

    pub fn init_by_array(&mut self, key: &[u32]) {
        self.init_genrand(19650218);
        let key = if key.is_empty() { &[0u32][..] } else { key };
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..N.max(key.len()) {
            let prev = self.mt[i - 1];
            self.mt[i] = (self.mt[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1664525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                self.mt[0] = self.mt[N - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            let prev = self.mt[i - 1];
            self.mt[i] = (self.mt[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1566083941)).wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                self.mt[0] = self.mt[N - 1];
                i = 1;
            }
        }
        self.mt[0] = 0x8000_0000;
        self.gauss_next = None;
    }

    pub fn next_u32(&mut self) -> u32 {
        if self.idx >= N {
            for k in 0..N {
                let y = (self.mt[k] & 0x8000_0000) | (self.mt[(k + 1) % N] & 0x7fff_ffff);
                let mut v = self.mt[(k + 397) % N] ^ (y >> 1);
                if y & 1 != 0 {
                    v ^= 0x9908_b0df;
                }
                self.mt[k] = v;
            }
            self.idx = 0;
        }
        let mut y = self.mt[self.idx];
        self.idx += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^= y >> 18;
        y
    }

    pub fn random(&mut self) -> f64 {
        let a = (self.next_u32() >> 5) as f64;
        let b = (self.next_u32() >> 6) as f64;
        (a * 67108864.0 + b) * (1.0 / 9007199254740992.0)
    }

    /// `getrandbits(k)` for k ≤ 64.
    pub fn getrandbits(&mut self, k: u32) -> u64 {
        if k == 0 {
            return 0;
        }
        if k <= 32 {
            return (self.next_u32() >> (32 - k)) as u64;
        }
        let lo = self.next_u32() as u64;
        let hi = (self.next_u32() >> (64 - k)) as u64;
        lo | (hi << 32)
    }

    pub fn randbelow(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let k = 64 - n.leading_zeros();
        loop {
            let r = self.getrandbits(k);
            if r < n {
                return r;
            }
        }
    }
}

fn seed_value(vm: &mut Vm, ctx: &mut Ctx, v: &Value) -> PyResult<Vec<u32>> {
    let words_of = |mut mag: Vec<u32>| {
        while mag.len() > 1 && mag.last() == Some(&0) {
            mag.pop();
        }
        mag
    };
    Ok(match v {
        Value::None => vec![ctx.seed as u32, (ctx.seed >> 32) as u32],
        Value::Int(i) => {
            let u = i.unsigned_abs();
            words_of(vec![u as u32, (u >> 32) as u32])
        }
        Value::Bool(b) => vec![*b as u32],
        Value::Big(b) => {
            let hex = b.abs().to_radix(16);
            let mut words = Vec::new();
            let bytes = hex.as_bytes();
            let mut end = bytes.len();
            while end > 0 {
                let start = end.saturating_sub(8);
                let w = u32::from_str_radix(&hex[start..end], 16).unwrap_or(0);
                words.push(w);
                end = start;
            }
            words_of(words)
        }
        Value::Float(f) => {
            let h = super::builtins::hash_key(&vm.key(v)?);
            let _ = f;
            let u = h.unsigned_abs();
            words_of(vec![u as u32, (u >> 32) as u32])
        }
        Value::Str(s) => {
            use sha2::{Digest, Sha512};
            let mut bytes = s.as_bytes().to_vec();
            bytes.extend_from_slice(&Sha512::digest(s.as_bytes()));
            // int.from_bytes(…, 'big') as little-endian 32-bit words.
            let mut words = Vec::new();
            let mut end = bytes.len();
            while end > 0 {
                let start = end.saturating_sub(4);
                let mut w = 0u32;
                for &b in &bytes[start..end] {
                    w = (w << 8) | b as u32;
                }
                words.push(w);
                end = start;
            }
            words_of(words)
        }
        _ => {
            let t = vm.type_name(v);
            return Err(vm.type_error(format!(
                "The only supported seed types are: None,\nint, float, str, bytes, and bytearray. (got {t})"
            )));
        }
    })
}

fn int_arg(vm: &mut Vm, v: Option<&Value>, what: &str) -> PyResult<i64> {
    match v {
        Some(x) => match as_int(x) {
            Some(i) => Ok(i),
            None => {
                let t = vm.type_name(x);
                Err(vm.type_error(format!("'{t}' object cannot be interpreted as an integer")))
            }
        },
        None => Err(vm.type_error(format!("{what}() missing 1 required positional argument"))),
    }
}

fn randrange(vm: &mut Vm, start: i64, stop: Option<i64>, step: i64) -> PyResult<i64> {
    let (start, stop) = match stop {
        None => {
            if start > 0 {
                return Ok(vm.rng.randbelow(start as u64) as i64);
            }
            return Err(vm.value_error("empty range for randrange()"));
        }
        Some(s) => (start, s),
    };
    let width = stop - start;
    if step == 1 {
        if width > 0 {
            return Ok(start + vm.rng.randbelow(width as u64) as i64);
        }
        let msg = if vm.version.at_least(12) {
            format!("empty range in randrange({start}, {stop})")
        } else {
            format!("empty range for randrange() ({start}, {stop}, {width})")
        };
        return Err(vm.value_error(msg));
    }
    if step == 0 {
        return Err(vm.value_error("zero step for randrange()"));
    }
    let n = if step > 0 {
        (width + step - 1) / step
    } else {
        (width + step + 1) / step
    };
    if n <= 0 {
        return Err(vm.value_error("empty range for randrange()"));
    }
    Ok(start + step * vm.rng.randbelow(n as u64) as i64)
}

pub fn call(vm: &mut Vm, ctx: &mut Ctx, f: &str, args: &[Value], kwargs: &[(Rc<str>, Value)]) -> PyResult {
    let kw = |n: &str| kwargs.iter().find(|(k, _)| &**k == n).map(|(_, v)| v.clone());
    Ok(match f {
        "seed" => {
            let v = args.first().cloned().unwrap_or(Value::None);
            let key = seed_value(vm, ctx, &v)?;
            vm.rng.init_by_array(&key);
            Value::None
        }
        "random" => Value::Float(vm.rng.random()),
        "getrandbits" => {
            let k = int_arg(vm, args.first(), "getrandbits")?;
            if k < 0 {
                return Err(vm.value_error("number of bits must be non-negative"));
            }
            if k > 64 {
                let mut acc = super::bigint::BigInt::from_i64(0);
                let mut shift = super::bigint::BigInt::from_i64(1);
                let mut left = k;
                while left > 0 {
                    let take = left.min(32) as u32;
                    let w = vm.rng.getrandbits(take);
                    acc = acc.add(&super::bigint::BigInt::from_i64(w as i64).mul(&shift));
                    shift = shift.mul(&super::bigint::BigInt::from_i64(1i64 << 32));
                    left -= 32;
                }
                int_of_big(acc)
            } else {
                let r = vm.rng.getrandbits(k as u32);
                if r > i64::MAX as u64 {
                    int_of_big(super::bigint::BigInt::parse_radix(&r.to_string(), 10).unwrap_or_else(|| super::bigint::BigInt::from_i64(0)))
                } else {
                    Value::Int(r as i64)
                }
            }
        }
        "randint" => {
            let a = int_arg(vm, args.first(), "randint")?;
            let b = int_arg(vm, args.get(1), "randint")?;
            Value::Int(randrange(vm, a, Some(b.saturating_add(1)), 1)?)
        }
        "randrange" => {
            let a = int_arg(vm, args.first(), "randrange")?;
            let b = match args.get(1) {
                Some(v) if !v.is_none() => Some(int_arg(vm, Some(v), "randrange")?),
                _ => None,
            };
            let s = match args.get(2) {
                Some(v) => int_arg(vm, Some(v), "randrange")?,
                None => 1,
            };
            Value::Int(randrange(vm, a, b, s)?)
        }
        "choice" => {
            let Some(seq) = args.first() else {
                return Err(vm.type_error("Random.choice() missing 1 required positional argument: 'seq'"));
            };
            let n = vm.len_of(ctx, seq)?;
            if n == 0 {
                return Err(vm.exc(super::vm::exc::INDEX, "Cannot choose from an empty sequence"));
            }
            let i = vm.rng.randbelow(n as u64) as i64;
            vm.getitem(ctx, seq, &Value::Int(i))?
        }
        "shuffle" => {
            let Some(x) = args.first() else {
                return Err(vm.type_error("Random.shuffle() missing 1 required positional argument: 'x'"));
            };
            let mut items = match vm.obj(x) {
                Some(Obj::List(l)) => l.clone(),
                _ => {
                    let t = vm.type_name(x);
                    return Err(vm.type_error(format!("'{t}' object does not support item assignment")));
                }
            };
            for i in (1..items.len()).rev() {
                let j = vm.rng.randbelow(i as u64 + 1) as usize;
                items.swap(i, j);
            }
            if let Some(Obj::List(l)) = vm.obj_mut(x) {
                *l = items;
            }
            Value::None
        }
        "uniform" => {
            let a = args.first().and_then(as_f64).unwrap_or(0.0);
            let b = args.get(1).and_then(as_f64).unwrap_or(1.0);
            Value::Float(a + (b - a) * vm.rng.random())
        }
        "triangular" => {
            let low = args.first().and_then(as_f64).unwrap_or(0.0);
            let high = args.get(1).and_then(as_f64).unwrap_or(1.0);
            let mut u = vm.rng.random();
            let mut c = match args.get(2).and_then(as_f64) {
                Some(m) if high != low => (m - low) / (high - low),
                _ => 0.5,
            };
            let (mut lo, mut hi) = (low, high);
            if u > c {
                u = 1.0 - u;
                c = 1.0 - c;
                std::mem::swap(&mut lo, &mut hi);
            }
            Value::Float(lo + (hi - lo) * (u * c).sqrt())
        }
        "gauss" => {
            let mu = args.first().and_then(as_f64).unwrap_or(0.0);
            let sigma = args.get(1).and_then(as_f64).unwrap_or(1.0);
            let z = match vm.rng.gauss_next.take() {
                Some(z) => z,
                None => {
                    let x2pi = vm.rng.random() * std::f64::consts::TAU;
                    let g2rad = (-2.0 * (1.0 - vm.rng.random()).ln()).sqrt();
                    vm.rng.gauss_next = Some(x2pi.sin() * g2rad);
                    x2pi.cos() * g2rad
                }
            };
            Value::Float(mu + z * sigma)
        }
        "sample" => {
            let Some(pop) = args.first() else {
                return Err(vm.type_error("Random.sample() missing 2 required positional arguments: 'population' and 'k'"));
            };
            let pool0 = vm.collect(ctx, pop)?;
            if matches!(vm.obj(pop), Some(Obj::Set(_))) {
                return Err(vm.type_error("Population must be a sequence.  For dicts or sets, use sorted(d)."));
            }
            let k = int_arg(vm, args.get(1).or(kw("k").as_ref()), "sample")?;
            let n = pool0.len() as i64;
            if k < 0 || k > n {
                return Err(vm.value_error("Sample larger than population or is negative"));
            }
            let k = k as usize;
            let mut setsize = 21usize;
            if k > 5 {
                let e = ((k as f64 * 3.0).ln() / 4f64.ln()).ceil() as u32;
                setsize += 4usize.pow(e);
            }
            let mut result = Vec::with_capacity(k);
            if pool0.len() <= setsize {
                let mut pool = pool0;
                let n = pool.len();
                for i in 0..k {
                    let j = vm.rng.randbelow((n - i) as u64) as usize;
                    result.push(pool[j].clone());
                    pool[j] = pool[n - i - 1].clone();
                }
            } else {
                let mut selected = std::collections::BTreeSet::new();
                for _ in 0..k {
                    let mut j = vm.rng.randbelow(n as u64);
                    while selected.contains(&j) {
                        j = vm.rng.randbelow(n as u64);
                    }
                    selected.insert(j);
                    result.push(pool0[j as usize].clone());
                }
            }
            vm.new_list(result)
        }
        "choices" => {
            let Some(pop) = args.first() else {
                return Err(vm.type_error("Random.choices() missing 1 required positional argument: 'population'"));
            };
            let pool = vm.collect(ctx, pop)?;
            let k = match kw("k") {
                Some(v) => int_arg(vm, Some(&v), "choices")?,
                None => 1,
            };
            let n = pool.len();
            let weights = args.get(1).cloned().or(kw("weights")).filter(|w| !w.is_none());
            let mut out = Vec::new();
            match weights {
                None => {
                    if n == 0 && k > 0 {
                        return Err(vm.exc(super::vm::exc::INDEX, "Cannot choose from an empty sequence"));
                    }
                    for _ in 0..k.max(0) {
                        let i = (vm.rng.random() * n as f64).floor() as usize;
                        out.push(pool[i.min(n.saturating_sub(1))].clone());
                    }
                }
                Some(w) => {
                    let ws = vm.collect(ctx, &w)?;
                    if ws.len() != n {
                        return Err(vm.value_error("The number of weights does not match the population"));
                    }
                    let mut cum = Vec::with_capacity(n);
                    let mut t = 0.0;
                    for x in &ws {
                        t += as_f64(x).unwrap_or(0.0);
                        cum.push(t);
                    }
                    if t <= 0.0 {
                        return Err(vm.value_error("Total of weights must be greater than zero"));
                    }
                    for _ in 0..k.max(0) {
                        let r = vm.rng.random() * t;
                        let i = cum[..n.saturating_sub(1)].partition_point(|&c| c <= r);
                        out.push(pool[i].clone());
                    }
                }
            }
            vm.new_list(out)
        }
        _ => return Err(vm.unsupported(&format!("random.{f}()"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpython_sequence_for_seed_42() {
        // random.seed(42); [random.random() for _ in range(2)], random.randint(1, 100)
        let mut m = Mt::new(0);
        m.init_by_array(&[42]);
        assert_eq!(super::super::format::float_repr(m.random()), "0.6394267984578837");
        assert_eq!(super::super::format::float_repr(m.random()), "0.025010755222666936");
        let mut m = Mt::new(0);
        m.init_by_array(&[42]);
        assert_eq!(m.randbelow(100) + 1, 82);
    }
}
