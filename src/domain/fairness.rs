//! Provably fair draws: commit, then reveal.
//!
//! When a draw opens, Hearth publishes the SHA-256 of a secret seed (the
//! commitment). When it closes, it reveals the seed and the frozen list of
//! entries. Anyone can then check that the seed matches the commitment and
//! re-run the draw: every random choice comes from a ChaCha20 stream keyed by
//! the seed, so the same seed and entries give the same winners. The seed
//! itself comes from a CSPRNG and is never shown in a chat or a log before
//! the draw closes (it rests in the database, which only the operator can
//! read; the commitment binds them to it all the same).

use rand::{CryptoRng, RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use sha2::{Digest, Sha256};

/// A draw's secret, 32 random bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Seed([u8; 32]);

impl Seed {
    /// A fresh seed from a cryptographically secure generator; the engine
    /// passes the operating system's (`rand::rngs::OsRng`), so the domain
    /// stays free of I/O.
    pub fn generate(csprng: &mut (impl RngCore + CryptoRng)) -> Self {
        let mut bytes = [0u8; 32];
        csprng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Reads a revealed seed (64 hex digits).
    pub fn from_hex(text: &str) -> Option<Self> {
        let bytes = hex::decode(text.trim()).ok()?;
        Some(Self(bytes.try_into().ok()?))
    }

    /// The seed as revealed: 64 hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// What is published when the draw opens: SHA-256 of the seed, in hex.
    pub fn commitment(&self) -> String {
        hex::encode(Sha256::digest(self.0))
    }

    /// Whether this seed is the one `commitment` promised.
    pub fn matches(&self, commitment: &str) -> bool {
        self.commitment().eq_ignore_ascii_case(commitment.trim())
    }

    /// The draw's random stream; the same seed always gives the same stream.
    pub fn rng(&self) -> ChaCha20Rng {
        ChaCha20Rng::from_seed(self.0)
    }
}

/// Never shown in logs: a seed revealed early would let anyone predict the draw.
impl std::fmt::Debug for Seed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Seed(…)")
    }
}

#[cfg(test)]
mod tests {
    use rand::{Rng, rngs::OsRng};

    use super::*;

    #[test]
    fn a_revealed_seed_matches_its_commitment_and_no_other() {
        let seed = Seed::generate(&mut OsRng);
        let commitment = seed.commitment();
        assert_eq!(commitment.len(), 64);
        let revealed = Seed::from_hex(&seed.to_hex()).unwrap();
        assert!(revealed.matches(&commitment));
        assert!(!Seed::generate(&mut OsRng).matches(&commitment));
    }

    #[test]
    fn the_commitment_is_sha256_of_the_seed_bytes() {
        // Anyone can check with `printf '\0…' | sha256sum`: 32 zero bytes.
        let zero = Seed::from_hex(&"00".repeat(32)).unwrap();
        assert_eq!(
            zero.commitment(),
            "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925"
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_stream() {
        let seed = Seed::generate(&mut OsRng);
        let a: Vec<u32> = (0..8).map(|_| seed.rng().r#gen()).collect();
        let mut rng = seed.rng();
        let b: Vec<u32> = (0..8).map(|_| rng.r#gen()).collect();
        assert_eq!(a[0], b[0]);
        assert_ne!(b[0], b[1], "a stream, not a constant");
    }

    #[test]
    fn malformed_seeds_are_refused() {
        assert!(Seed::from_hex("abc").is_none());
        assert!(Seed::from_hex(&"zz".repeat(32)).is_none());
        assert!(Seed::from_hex(&"00".repeat(31)).is_none());
    }

    #[test]
    fn debug_never_shows_the_seed() {
        let seed = Seed::generate(&mut OsRng);
        assert!(!format!("{seed:?}").contains(&seed.to_hex()[..8]));
    }
}
