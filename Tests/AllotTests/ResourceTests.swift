import Testing

@testable import Allot

@Suite struct QuantityTests {
  @Test(
    arguments: [
      ("4", 4000), ("0.5", 500), ("0.125", 125), ("0.0005", 1), ("0.0004", 0), ("1e3", 1_000_000),
      ("1.5E-3", 2), ("-0", 0), ("-0.0004", 0), ("0.1", 100), ("2.9995", 3000), ("12.3456", 12346),
      ("9007199254740.992", 9_007_199_254_740_992), ("0e10", 0), ("1e-400", 0),
    ] as [(String, Int64)])
  func parsesDecimalTextHalfUp(text: String, milli: Int64) throws {
    #expect(try Quantity(parsing: text).milli == milli)
  }

  @Test(arguments: ["-1", "-0.0005", "-1e-3"])
  func rejectsNegative(text: String) {
    #expect(throws: AllotError.self) { try Quantity(parsing: text) }
    do {
      _ = try Quantity(parsing: text, field: "resources.cpus")
    } catch {
      #expect(error.kind == .invalidParams)
      #expect(error.field == "resources.cpus")
      #expect(error.message.contains("negative"))
    }
  }

  @Test(arguments: ["9007199254740.993", "1e16", "1e400", "99999999999999999999"])
  func rejectsTooLarge(text: String) {
    #expect(throws: AllotError.self) { try Quantity(parsing: text) }
  }

  @Test(arguments: ["", "abc", "1.", ".5", "01", "1e", "+1", "1 ", "--1", "0x10", "NaN"])
  func rejectsMalformed(text: String) {
    #expect(throws: AllotError.self) { try Quantity(parsing: text) }
  }

  @Test func doubleConvenienceGoesThroughShortestDecimal() throws {
    let values: [Double] = [0.1, 2.675, 0.0005, .nan, -.infinity, -1]
    #expect(try Quantity(values[0]).milli == 100)
    #expect(try Quantity(values[1]).milli == 2675)
    #expect(try Quantity(values[2]).milli == 1)
    #expect(throws: AllotError.self) { try Quantity(values[3]) }
    #expect(throws: AllotError.self) { try Quantity(values[4]) }
    #expect(throws: AllotError.self) { try Quantity(values[5]) }
  }

  @Test(
    arguments: [
      (4000, "4"), (500, "0.5"), (125, "0.125"), (1, "0.001"), (0, "0"),
      (10, "0.01"), (1_234_500, "1234.5"),
    ] as [(Int64, String)])
  func formatsShortest(milli: Int64, text: String) {
    #expect(Quantity(milli: milli).description == text)
  }

  @Test func additionNeverDrifts() throws {
    let a = try Quantity(parsing: "0.1")
    let b = try Quantity(parsing: "0.2")
    var sum = Quantity.zero
    for _ in 0..<1_000_000 { sum = sum + a + b }
    #expect(sum.milli == 300_000_000)
    #expect(sum.description == "300000")
  }
}

@Suite struct RangeSetTests {
  @Test func mergesOnInput() {
    let r = RangeSet([31000...31999, 8080...8080, 8081...8081, 31500...32000])
    #expect(r.intervals == [8080...8081, 31000...32000])
    #expect(r.count == 1003)
  }

  @Test func subtractSplitsIntervals() {
    var r = RangeSet([1...10])
    r.subtract(RangeSet([3...4, 7...7]))
    #expect(r.intervals == [1...2, 5...6, 8...10])
    r.subtract(RangeSet([0...100]))
    #expect(r.isEmpty)
  }

  @Test func unionAndContains() {
    var r = RangeSet([1...2, 8...9])
    r.formUnion(RangeSet([3...7]))
    #expect(r.intervals == [1...9])
    #expect(r.contains(RangeSet([2...5])))
    #expect(!r.contains(RangeSet([9...10])))
    #expect(RangeSet().contains(RangeSet()))
    #expect(r.overlaps(RangeSet([9...12])))
    #expect(!r.overlaps(RangeSet([10...12])))
  }

  @Test func lowestTakesAcrossIntervals() {
    let r = RangeSet([5...6, 10...20])
    #expect(r.lowest(3)?.intervals == [5...6, 10...10])
    #expect(r.lowest(13)?.intervals == [5...6, 10...20])
    #expect(r.lowest(14) == nil)
    #expect(r.lowest(0)?.isEmpty == true)
  }

  @Test func randomOperationsMatchASetModel() {
    var rng = SeededRandom(seed: 42)
    for _ in 0..<500 {
      func random() -> (RangeSet, Set<UInt64>) {
        var ranges: [ClosedRange<UInt64>] = []
        var set = Set<UInt64>()
        for _ in 0..<Int.random(in: 0...4, using: &rng) {
          let lo = UInt64.random(in: 0...60, using: &rng)
          let hi = lo + UInt64.random(in: 0...8, using: &rng)
          ranges.append(lo...hi)
          set.formUnion(lo...hi)
        }
        return (RangeSet(ranges), set)
      }
      let (a, sa) = random()
      let (b, sb) = random()
      var u = a
      u.formUnion(b)
      var d = a
      d.subtract(b)
      #expect(Set(u.intervals.flatMap { Array($0) }) == sa.union(sb))
      #expect(Set(d.intervals.flatMap { Array($0) }) == sa.subtracting(sb))
      #expect(a.contains(b) == sb.isSubset(of: sa))
      #expect(a.overlaps(b) == !sa.isDisjoint(with: sb))
      #expect(u.count == UInt64(sa.union(sb).count))
      // Canonical: sorted, non-adjacent.
      for (x, y) in zip(u.intervals, u.intervals.dropFirst()) {
        #expect(x.upperBound + 1 < y.lowerBound)
      }
    }
  }
}

@Suite struct ScalarVectorTests {
  @Test func holdsSixteenKindsInline() {
    var v = ScalarVector()
    v[3] = 5
    v[15] = 7
    #expect(v[15] == 7)
    #expect(v[14] == 0)
    #expect(v[16] == 0)
    var w = ScalarVector()
    w[15] = 2
    v -= w
    #expect(v[15] == 5)
    #expect(v.covers(w))
    w[12] = 1
    #expect(!v.covers(w))
    let z = v - v
    #expect(z.isZero)
    #expect(z == ScalarVector())
    #expect(ScalarVector.capacity == 16)
  }

  @Test func seventeenthScalarNameIsRejectedAndChangesNothing() throws {
    var engine = try Engine(configuration: EngineConfiguration(clock: ManualClock()))
    // The default minimum already interned cpus and mem.
    let room = ScalarVector.capacity - engine.registry.scalarCount
    var res: ResourceSpec = [:]
    for k in 0..<room { res["r\(k)"] = 1 }
    try engine.addAgent(AgentSpec(id: "a", hostname: "h", resources: res))
    res["r\(room)"] = 1
    let before = engine.state()
    #expect {
      try engine.addAgent(AgentSpec(id: "b", hostname: "h2", resources: res))
    } throws: { error in
      let e = error as? AllotError
      return e?.kind == .invalidParams && e?.message.contains("at most 16") == true
    }
    #expect(engine.state() == before)
    // Range resources do not count against the scalar limit.
    try engine.addAgent(
      AgentSpec(id: "c", hostname: "h3", resources: ["r0": 1, "ports": [1...2]]))
  }

  @Test func pointwiseMinAndClamp() {
    var a = ScalarVector()
    a[0] = 5
    a[9] = -3
    var b = ScalarVector()
    b[0] = 2
    b[9] = 4
    let m = a.pointwiseMin(b)
    #expect(m[0] == 2)
    #expect(m[9] == -3)
    #expect(m.clampedAtZero()[9] == 0)
    #expect(a.hasNegative)
  }
}
