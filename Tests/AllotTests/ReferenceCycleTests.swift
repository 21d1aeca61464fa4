import Testing

@testable import Allot

/// Checks the incremental hierarchical DRF order against a naive reference: a full
/// hierarchical comparison of every eligible (framework, role) from scratch before every
/// offer, on random clusters with role trees, weights, earlier allocations, decline filters,
/// suppression, GPU agents and draining agents (no quota or reservations: those have their
/// own scenario tests).
@Suite struct ReferenceCycleTests {
  /// A candidate's sort path: one key per level from the top role down to the framework.
  struct Key: Comparable {
    var share: Double
    var count: UInt64
    var name: [UInt8]
    static func < (a: Key, b: Key) -> Bool {
      if a.share != b.share { return a.share < b.share }
      if a.count != b.count { return a.count < b.count }
      return a.name.lexicographicallyPrecedes(b.name)
    }
  }

  struct Model {
    var held: [Int: ScalarVector] = [:]  // client -> held
    var count: [Int: UInt64] = [:]  // client -> allocations
    var roleHeldOwn: [Int: ScalarVector] = [:]
    var roleHeldSubtree: [Int: ScalarVector] = [:]
    var roleCountOwn: [Int: UInt64] = [:]
    var roleCountSubtree: [Int: UInt64] = [:]
  }

  /// The expected offers of one cycle, computed naively from the engine's state before it.
  func naiveCycle(_ e: Engine) -> [(String, String, String, ScalarVector)] {
    var m = Model()
    for c in e.sorter.kind.indices where e.sorter.kind[c] == .framework {
      m.held[c] = e.sorter.held[c]
      m.count[c] = e.sorter.count[c]
    }
    for r in 1..<e.roles.count {
      m.roleHeldOwn[r] = e.roles.heldOwn[r]
      m.roleHeldSubtree[r] = e.roles.heldSubtree[r]
      m.roleCountOwn[r] = e.roles.countOwn[r]
      m.roleCountSubtree[r] = e.roles.countSubtree[r]
    }
    // Totals and share.
    var total = ScalarVector()
    for a in e.agents.order { total += e.agents.total[a.i].scalars }
    func share(_ v: ScalarVector) -> Double {
      var s = 0.0
      for (i, name) in e.registry.names.scalarNames.enumerated()
      where total[i] != 0 && !e.excludedNames.contains(name) {
        s = max(s, Double(v[i]) / Double(total[i]))
      }
      return s
    }
    func hasSubscribedChild(_ r: Int) -> Bool {
      e.roles.children[r].contains { e.roles.subscribersSubtree[$0.i] > 0 }
    }
    // The path of keys of client c.
    func path(_ c: Int) -> [Key] {
      let r = e.sorter.role[c].i
      var chain: [Int] = []
      var x = r
      while x > 0 {
        chain.append(x)
        x = e.roles.parent[x].i
      }
      chain.reverse()
      var keys: [Key] = []
      for role in chain {
        keys.append(
          Key(
            share: share(m.roleHeldSubtree[role]!) / e.roles.weight[role],
            count: m.roleCountSubtree[role]!, name: Array(e.roles.names[role].utf8)))
      }
      // The implicit child competes with the role's child roles only when it has some.
      keys.append(
        Key(
          share: hasSubscribedChild(r) ? share(m.roleHeldOwn[r]!) : 0,
          count: hasSubscribedChild(r) ? m.roleCountOwn[r]! : 0,
          name: Array(e.roles.names[r].utf8)))
      let f = e.sorter.framework[c].i
      keys.append(
        Key(share: share(m.held[c]!), count: m.count[c]!, name: Array(e.frameworks.ids[f].utf8)))
      return keys
    }
    func before(_ a: Int, _ b: Int) -> Bool {
      let pa = path(a)
      let pb = path(b)
      // Paths are compared level by level; at the first level where the entries differ
      // (different role, or self vs child role), their keys decide.
      for i in 0..<min(pa.count, pb.count) where pa[i] != pb[i] { return pa[i] < pb[i] }
      return pa.count < pb.count
    }
    var out: [(String, String, String, ScalarVector)] = []
    let now = e.clock.now().milli
    for a in e.agents.order where !e.agents.draining[a.i] {
      var free = e.agents.unreservedFree[a.i]
      var done = Set<Int>()
      while !free.isZero {
        var best: Int?
        for c in e.sorter.kind.indices where e.sorter.kind[c] == .framework {
          guard e.sorter.subscribed[c], !e.sorter.suppressed[c], !done.contains(c) else { continue }
          let f = e.sorter.framework[c].i
          if e.agents.gpu[a.i] && !e.frameworks.gpu[f] { continue }
          if !e.meetsMinimum(FrameworkIndex(f), free) { continue }
          let candidate = Resources(scalars: free, ranges: e.agents.freeRanges[a.i])
          if e.agents.filters[a.i].contains(where: {
            $0.client.i == c && now < $0.expires && $0.refused.contains(candidate)
          }) {
            continue
          }
          if let b = best, !before(c, b) { continue }
          best = c
        }
        guard let c = best else { break }
        done.insert(c)
        let r = e.sorter.role[c].i
        let f = e.sorter.framework[c].i
        out.append((e.frameworks.ids[f], e.roles.names[r], e.agents.ids[a.i], free))
        m.held[c]! += free
        m.count[c]! += 1
        m.roleHeldOwn[r]! += free
        m.roleCountOwn[r]! += 1
        var x = r
        while x > 0 {
          m.roleHeldSubtree[x]! += free
          m.roleCountSubtree[x]! += 1
          x = e.roles.parent[x].i
        }
        free = ScalarVector()
      }
    }
    return out
  }

  @Test(arguments: Array(0..<40))
  func incrementalOrderMatchesNaiveSort(seed: Int) throws {
    var rng = SeededRandom(seed: UInt64(seed) &* 7919 &+ 13)
    let clock = ManualClock()
    var engine = try Engine(configuration: EngineConfiguration(clock: clock))
    let roleNames = ["a", "a/x", "a/y", "b", "b/x", "c", "a/x/deep"]
    for r in roleNames where Bool.random(using: &rng) {
      try engine.updateRole(RoleUpdate(name: r, weight: Double(Int.random(in: 1...4, using: &rng))))
    }
    for i in 0..<Int.random(in: 3...12, using: &rng) {
      var res: ResourceSpec = [
        "cpus": .scalar(Quantity(milli: 1000 * Int64.random(in: 1...16, using: &rng))),
        "mem": .scalar(Quantity(milli: 1_000_000 * Int64.random(in: 1...64, using: &rng))),
      ]
      if Int.random(in: 0..<6, using: &rng) == 0 { res["gpus"] = 1 }
      try engine.addAgent(AgentSpec(id: "agent\(i)", resources: res))
    }
    for i in 0..<Int.random(in: 2...9, using: &rng) {
      let rs = Array(roleNames.shuffled(using: &rng).prefix(Int.random(in: 1...2, using: &rng)))
      try engine.addFramework(
        FrameworkSpec(
          id: "fw\(Int.random(in: 0...99, using: &rng))-\(i)", roles: rs,
          capabilities: Bool.random(using: &rng) ? ["gpu"] : []))
    }
    for round in 0..<6 {
      let expected = naiveCycle(engine)
      let offers = engine.allocate()
      #expect(offers.count == expected.count, "seed \(seed) round \(round)")
      for (o, x) in zip(offers, expected) {
        #expect(
          o.framework == x.0 && o.role == x.1 && o.agent == x.2,
          "seed \(seed) round \(round): engine \(o.agent)->\(o.framework)/\(o.role), naive \(x.2)->\(x.0)/\(x.1)"
        )
      }
      // Mix: accept some, decline others with filters, suppress/revive, drain.
      for o in offers {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0:
          _ = try engine.acceptOffer(
            o.id,
            tasks: [
              TaskLaunch(
                id: "t-\(round)-\(o.id)",
                resources: ["cpus": .scalar(Quantity(milli: o.resources.scalar("cpus").milli / 2))])
            ], refuseSeconds: Seconds(milli: Int64.random(in: 0...3000, using: &rng)))
        case 1:
          try engine.declineOffer(
            o.id, refuseSeconds: Seconds(milli: 1000 * Int64.random(in: 0...5, using: &rng)))
        default:
          try engine.declineOffer(o.id, refuseSeconds: 0)
        }
      }
      let state = engine.state()
      if let f = state.frameworks.randomElement(using: &rng) {
        if Bool.random(using: &rng) {
          try engine.suppress(framework: f.id, roles: [f.roles[0]])
        } else {
          try engine.revive(framework: f.id)
        }
      }
      if Int.random(in: 0..<4, using: &rng) == 0, let a = state.agents.randomElement(using: &rng) {
        _ = a.draining ? try engine.activateAgent(a.id) : try engine.drainAgent(a.id)
      }
      clock.advance(by: Seconds(milli: Int64.random(in: 0...2000, using: &rng)))
      #expect(engine.checkInvariants().isEmpty)
    }
  }
}
