import Testing

@testable import Allot

/// The plain-data structures of the offer path checked against simple references.
@Suite struct HotPathStructureTests {
  /// OfferIndex must answer like a Dictionary under random inserts and removes, including
  /// long probe runs (sequence numbers that collide modulo the table size).
  @Test(arguments: [UInt64(1), 2, 3])
  func offerIndexMatchesDictionary(seed: UInt64) {
    var rng = SeededRandom(seed: seed)
    var index = OfferIndex()
    var reference: [UInt64: OfferSlot] = [:]
    var next: UInt64 = 1
    for step in 0..<20_000 {
      let roll = Int.random(in: 0..<10, using: &rng)
      if roll < 5 || reference.isEmpty {
        // Mostly consecutive, sometimes a jump that lands on an occupied home slot.
        next += roll == 0 ? UInt64(Int.random(in: 1...4096, using: &rng)) * 64 : 1
        let slot = OfferSlot(step)
        index.insert(next, slot)
        reference[next] = slot
      } else {
        let victim =
          roll < 9
          ? reference.keys.randomElement(using: &rng)!
          : next + 1_000_000  // absent: remove is a no-op
        index.remove(victim)
        reference[victim] = nil
      }
      if step % 97 == 0 {
        #expect(index.count == reference.count)
        for (k, v) in reference { #expect(index.lookup(k) == v) }
        #expect(index.lookup(next + 7) == nil)
        #expect(Set(index.slots.map(\.raw)) == Set(reference.values.map(\.raw)))
      }
    }
  }

  /// The packed 128-bit key orders exactly like (share, count, rank) within its ranges.
  @Test func sortEntryOrdersLikeTheTuple() {
    var rng = SeededRandom(seed: 9)
    let shares: [Double] = [0, 1e-300, 0.001, 1.0 / 3, 0.5, 2.0 / 3, 1, 7.5]
    func random() -> (Double, UInt64, UInt32) {
      (
        shares.randomElement(using: &rng)!, UInt64.random(in: 0...5, using: &rng),
        UInt32.random(in: 0...5, using: &rng)
      )
    }
    for _ in 0..<5_000 {
      let a = random()
      let b = random()
      let ea = SortEntry(share: a.0, count: a.1, rank: a.2, client: ClientIndex(0))
      let eb = SortEntry(share: b.0, count: b.1, rank: b.2, client: ClientIndex(1))
      #expect((ea < eb) == (a < b), "\(a) vs \(b)")
    }
    // Saturation: counts beyond 2^40 - 1 and ranks beyond 2^24 - 1 tie, never wrap.
    let big = SortEntry(share: 0.5, count: 1 << 41, rank: 1 << 25, client: ClientIndex(0))
    let max = SortEntry(share: 0.5, count: (1 << 40) - 1, rank: (1 << 24) - 1, client: .init(1))
    let less = SortEntry(share: 0.5, count: (1 << 40) - 2, rank: 0, client: ClientIndex(2))
    #expect(!(big < max) && !(max < big))
    #expect(less < big)
    #expect(big < SortEntry(share: 0.6, count: 0, rank: 0, client: ClientIndex(3)))
  }

  /// The OR-reduction forms of isZero, hasNegative, covers and == agree with lane loops for
  /// amounts up to the engine's bound (2^53 thousandths) in magnitude.
  @Test func scalarVectorReductionsMatchLaneLoops() {
    var rng = SeededRandom(seed: 4)
    let edge: [Int64] = [0, 1, -1, Quantity.maxMilli, -Quantity.maxMilli, 1000, -1000]
    func vector() -> ScalarVector {
      var v = ScalarVector()
      for k in 0..<ScalarVector.capacity where Int.random(in: 0..<3, using: &rng) == 0 {
        v[k] =
          Bool.random(using: &rng)
          ? edge.randomElement(using: &rng)!
          : Int64.random(in: -Quantity.maxMilli...Quantity.maxMilli, using: &rng)
      }
      return v
    }
    let lanes = 0..<ScalarVector.capacity
    for _ in 0..<5_000 {
      let a = vector()
      var b = Bool.random(using: &rng) ? vector() : a
      if Bool.random(using: &rng) { b[Int.random(in: lanes, using: &rng)] = 0 }
      #expect(a.isZero == lanes.allSatisfy { a[$0] == 0 })
      #expect(a.hasNegative == lanes.contains { a[$0] < 0 })
      #expect(a.covers(b) == lanes.allSatisfy { a[$0] >= b[$0] })
      #expect((a == b) == lanes.allSatisfy { a[$0] == b[$0] })
      let m = a.pointwiseMin(b)
      #expect(lanes.allSatisfy { m[$0] == Swift.min(a[$0], b[$0]) })
    }
  }
}
