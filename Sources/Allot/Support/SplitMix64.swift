/// SplitMix64 (Steele, Lea and Flood, OOPSLA 2014): a small, fast, deterministic generator.
///
/// The engine's seeded agent shuffle draws from it, and tests and benchmarks use it so that
/// a run replays from its seed:
///
///     var rng = SplitMix64(seed: 42)
///     let roll = Int.random(in: 0..<6, using: &rng)
///
/// Not for anything that needs unpredictability.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  /// The generator's state: the next output is a mix of this plus the golden-ratio step.
  public var state: UInt64

  /// Creates a generator whose first output mixes `seed` plus the step.
  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  ///
  /// - Complexity: O(1): an add, three xor-shifts and two multiplies.
  @inlinable
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
