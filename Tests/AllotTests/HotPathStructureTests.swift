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

  /// A decline filter's flattened refused resources read back as the value they were made
  /// from, and answer `contains` exactly like `Resources.contains`, for random scalars and
  /// range sets (several range kinds, missing and empty ones included).
  @Test func refusedResourcesMatchResources() {
    var rng = SeededRandom(seed: 5)
    func rangeSet() -> RangeSet {
      var ivs: [ClosedRange<UInt64>] = []
      for _ in 0..<Int.random(in: 0...3, using: &rng) {
        let lo = UInt64.random(in: 0...60, using: &rng)
        ivs.append(lo...(lo + UInt64.random(in: 0...8, using: &rng)))
      }
      return RangeSet(ivs)
    }
    func resources() -> Resources {
      var r = Resources()
      for k in 0..<4 where Bool.random(using: &rng) {
        r.scalars[k] = Int64.random(in: 0...5, using: &rng)
      }
      for _ in 0..<Int.random(in: 0...3, using: &rng) { r.ranges.append(rangeSet()) }
      return r
    }
    for _ in 0..<5_000 {
      let refused = resources()
      let box = RefusedResources.make(refused)
      #expect(box.value == refused)
      let candidate = Bool.random(using: &rng) ? resources() : refused
      #expect(box.contains(candidate) == refused.contains(candidate))
      // A subset of the refused resources is always contained.
      var part = refused
      part.scalars[0] = Swift.max(0, part.scalars[0] - 1)
      if !part.ranges.isEmpty { part.ranges[0] = RangeSet(part.ranges[0].intervals.prefix(1)) }
      #expect(box.contains(part))
    }
  }

  /// Id hashing spreads look-alike ids.
  ///
  /// Equal ids hash alike under a seed, different seeds give different hashes,
  /// and ten thousand look-alike ids ("agent-0" ... "agent-9999", long and short) have
  /// distinct 64-bit hashes, so a dictionary of them spreads over its buckets.
  @Test func byteStringHashSpreadsLookAlikeIDs() {
    var seen = Set<UInt64>()
    for i in 0..<10_000 {
      for id in ["agent-\(i)", "a-much-longer-agent-identifier-\(i).example.com"] {
        let h = ByteString.mix(id, seed: 42)
        #expect(h == ByteString.mix(String(id.utf8.map { Character(UnicodeScalar($0)) }), seed: 42))
        seen.insert(h)
      }
    }
    #expect(seen.count == 20_000)
    #expect(ByteString.mix("agent-1", seed: 1) != ByteString.mix("agent-1", seed: 2))
    var d: [ByteString: Int] = [:]
    for i in 0..<1_000 { d[ByteString("agent-\(i)")] = i }
    for i in 0..<1_000 { #expect(d[ByteString("agent-\(i)")] == i) }
    #expect(d[ByteString("agent-1000")] == nil)
  }

  /// What `state` reports an agent offers is the sum of its outstanding offers (the engine no
  /// longer keeps a per-agent running sum), with a pass-1 (guarantee) offer merged with
  /// pass-2 resources, and after declines.
  @Test func stateOfferedIsTheSumOfOutstandingOffers() throws {
    var engine = try Engine(configuration: EngineConfiguration(clock: ManualClock()))
    try engine.updateRole(RoleUpdate(name: "q", quota: Quota(guarantee: ["cpus": 1])))
    try engine.addFramework(FrameworkSpec(id: "f1", roles: ["q"]))
    try engine.addFramework(FrameworkSpec(id: "f2", roles: ["other"]))
    try engine.addAgent(
      AgentSpec(id: "a1", resources: ["cpus": 4, "mem": 100, "ports": [1000...1009]]))
    try engine.addAgent(AgentSpec(id: "a2", resources: ["cpus": 2, "mem": 50]))
    let offers = engine.allocate()
    #expect(offers.count >= 2)
    // The offers allocate() built as it went are the records as they stand at the end.
    #expect(Set(offers.map(\.id)) == Set(try engine.outstandingOffers().map(\.id)))
    for o in try engine.outstandingOffers() { #expect(offers.first { $0.id == o.id } == o) }
    // f1's guarantee offer on a1 took pass-2 resources too (a merge): more than 1 cpu.
    #expect(offers.contains { $0.framework == "f1" && $0.resources.scalar("cpus") > 1 })
    let state = engine.state()
    for id in ["a1", "a2"] {
      let offered = try #require(state.agents.first { $0.id == id }).offered
      let mine = offers.filter { $0.agent == id }
      for name in ["cpus", "mem"] {
        let sum = mine.reduce(Quantity.zero) { $0 + $1.resources.scalar(name) }
        #expect(offered.scalar(name) == sum)
      }
      var ports = RangeSet()
      for o in mine { ports.formUnion(o.resources.ranges("ports")) }
      #expect(offered.ranges("ports") == ports)
    }
    // Everything on the agents is offered (whole-agent offers), so the sums are the totals.
    #expect(offers.reduce(Quantity.zero) { $0 + $1.resources.scalar("cpus") } == 6)
    for o in offers { try engine.declineOffer(o.id, refuseSeconds: 0) }
    let after = try #require(engine.state().agents.first { $0.id == "a1" }).offered
    #expect(after.scalar("cpus") == .zero && after.ranges("ports").isEmpty)
    #expect(engine.checkInvariants().isEmpty)
  }

  /// Offers are positions in a batch with the name tables of their moment: after the
  /// framework and the agent are removed (their slots reused by others) and a new scalar
  /// kind is registered, an earlier offer still reads what it was made with, and equals the
  /// listing made before the changes.
  @Test func offersKeepTheirValuesAfterTheEngineChanges() throws {
    var engine = try Engine(configuration: EngineConfiguration(clock: ManualClock()))
    try engine.addFramework(FrameworkSpec(id: "f1", roles: ["web"]))
    try engine.addAgent(
      AgentSpec(
        id: "a1", hostname: "h1", resources: ["cpus": 4, "mem": 100, "ports": [1000...1009]]))
    let offer = try #require(engine.allocate().first)
    let listed = try #require(engine.outstandingOffers().first)
    #expect(offer == listed)
    _ = try engine.removeFramework("f1")
    _ = try engine.removeAgent("a1")
    try engine.addFramework(FrameworkSpec(id: "f2", roles: ["batch"]))
    try engine.addAgent(AgentSpec(id: "a2", hostname: "h2", resources: ["cpus": 1, "fpgas": 2]))
    let other = try #require(engine.allocate().first)
    #expect(other.framework == "f2" && other.agent == "a2" && other.hostname == "h2")
    #expect(other.resources.scalar("fpgas") == 2)
    for o in [offer, listed] {
      #expect(o.framework == "f1" && o.role == "web" && o.agent == "a1" && o.hostname == "h1")
      #expect(o.resources.scalar("cpus") == 4 && o.resources.scalar("mem") == 100)
      #expect(o.resources.scalar("fpgas") == .zero)
      #expect(o.resources.ranges("ports") == RangeSet([1000...1009]))
      #expect(o.resources.entries.map(\.name) == ["cpus", "mem", "ports"])
    }
    #expect(offer == listed && offer != other)
    #expect(offer.description == "\(offer.id) f1 (role web) on a1: \(offer.resources)")
  }

  /// The offer path keeps its running sums in the low eight kinds while the engine has at
  /// most eight scalar names, and in all sixteen beyond: an engine with twelve names offers
  /// and accounts for every kind (the invariants recheck every sum after each call), and
  /// its first three kinds behave as in an engine that has only those.
  @Test func runningSumsCoverEveryKindBeyondEight() throws {
    var wide = try Engine(configuration: EngineConfiguration(clock: ManualClock()))
    var narrow = try Engine(configuration: EngineConfiguration(clock: ManualClock()))
    var extra = ResourceSpec()
    for k in 0..<9 { extra["k\(k)"] = .scalar(Quantity(milli: Int64(1000 * (k + 1)))) }
    for e in [0, 1] {
      for f in 0..<3 {
        let spec = FrameworkSpec(id: "f\(f)", roles: ["r\(f % 2)"])
        if e == 0 { try wide.addFramework(spec) } else { try narrow.addFramework(spec) }
      }
    }
    for a in 0..<6 {
      var base: ResourceSpec = [
        "cpus": 4, "mem": .scalar(Quantity(milli: 1000 * Int64(a + 1))), "disk": 2,
      ]
      try narrow.addAgent(AgentSpec(id: "a\(a)", resources: base))
      for entry in extra.entries { base[entry.name] = entry.value }
      try wide.addAgent(AgentSpec(id: "a\(a)", resources: base))
    }
    #expect(wide.registry.scalarCount == 12 && narrow.registry.scalarCount == 3)
    for round in 0..<3 {
      let w = wide.allocate()
      let n = narrow.allocate()
      #expect(w.map(\.agent) == n.map(\.agent) && w.map(\.framework) == n.map(\.framework))
      let state = wide.state()
      for o in w {
        // Whole-agent offers: all of k8 that the agent's tasks do not hold.
        let held = try #require(state.agents.first { $0.id == o.agent }).allocated.scalar("k8")
        #expect(o.resources.scalar("k8") + held == 9)
      }
      #expect(state.frameworks.map(\.share) == narrow.state().frameworks.map(\.share))
      for (i, o) in w.enumerated() {
        if i % 2 == 0 {
          _ = try wide.acceptOffer(
            o.id, tasks: [TaskLaunch(id: "t\(round)-\(i)", resources: ["cpus": 1, "k8": 2])],
            refuseSeconds: 0)
          _ = try narrow.acceptOffer(
            n[i].id, tasks: [TaskLaunch(id: "t\(round)-\(i)", resources: ["cpus": 1])],
            refuseSeconds: 0)
        } else {
          try wide.declineOffer(o.id, refuseSeconds: 0)
          try narrow.declineOffer(n[i].id, refuseSeconds: 0)
        }
      }
      #expect(wide.checkInvariants().isEmpty && narrow.checkInvariants().isEmpty)
    }
  }

  /// The decline-filter shortcut (a filter that refused everything available keeps applying
  /// while nothing returns to the agent) must end as soon as the agent has more than was
  /// refused: Mesos's filters apply to subsets of the refused resources only.
  @Test func filterShortcutEndsWhenTheAgentGrows() throws {
    var engine = try Engine(configuration: EngineConfiguration(clock: ManualClock()))
    try engine.addFramework(FrameworkSpec(id: "f1", roles: ["r"]))
    try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 4, "mem": 40]))
    let first = try #require(engine.allocate().first)
    // Launch half and filter the rest (cpus:2, mem:20, everything still available).
    _ = try engine.acceptOffer(
      first.id, tasks: [TaskLaunch(id: "t1", resources: ["cpus": 2, "mem": 20])],
      refuseSeconds: 100)
    #expect(engine.agents.filters[0].first?.epoch == engine.agents.growEpoch[0])
    #expect(engine.allocate().isEmpty)
    // The task ends: cpus:4, mem:40 available, more than the filter refused.
    _ = try engine.releaseTasks(framework: "f1", tasks: ["t1"])
    #expect(engine.agents.filters[0].first?.epoch != engine.agents.growEpoch[0])
    let again = engine.allocate()
    #expect(again.count == 1 && again.first?.resources.scalar("cpus") == 4)
    #expect(engine.checkInvariants().isEmpty)
  }

  /// Filters from earlier decline rounds keep the shortcut: each round returns the same
  /// resources, which stay under the agent's ceiling, so the epoch does not move (Mesos's
  /// DeclineOffers shape: every framework declines every offer for a long time).
  @Test func earlierRoundFiltersKeepTheShortcut() throws {
    var engine = try Engine(configuration: EngineConfiguration(clock: ManualClock()))
    for f in ["f1", "f2", "f3"] { try engine.addFramework(FrameworkSpec(id: f, roles: ["r"])) }
    try engine.addAgent(
      AgentSpec(id: "a1", resources: ["cpus": 4, "mem": 40, "ports": [100...109]]))
    var takers: [String] = []
    for _ in 0..<3 {
      let offers = engine.allocate()
      #expect(offers.count == 1)
      for o in offers {
        takers.append(o.framework)
        try engine.declineOffer(o.id, refuseSeconds: 3600)
      }
    }
    #expect(Set(takers) == ["f1", "f2", "f3"])
    #expect(engine.agents.filters[0].count == 3)
    #expect(engine.agents.filters[0].allSatisfy { $0.epoch == engine.agents.growEpoch[0] })
    #expect(engine.allocate().isEmpty)
    #expect(engine.checkInvariants().isEmpty)
    // Reviving one framework clears its filter; the others still apply.
    try engine.revive(framework: "f2")
    #expect(engine.allocate().map(\.framework) == ["f2"])
    #expect(engine.checkInvariants().isEmpty)
  }
}
