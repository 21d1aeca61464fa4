import Testing

@testable import Allot

/// Every placement re-checked by a slow, obviously correct checker: the task fits on the
/// chosen agent, and no agent scores higher (or scores the same earlier in agent order),
/// with Kubernetes's formulas written out again here in the plainest way.
@Suite struct PlacementPropertyTests {
  struct AgentView {
    var id: String
    var hostname: String
    var zone: String?
    var total: [String: Int64]
    var free: [String: Int64]
  }

  func views(_ e: Engine) -> [AgentView] {
    e.state().agents.filter { !$0.draining }.map { a in
      var total: [String: Int64] = [:]
      var free: [String: Int64] = [:]
      for entry in a.total.entries {
        if case .scalar(let q) = entry.value { total[entry.name] = q.milli }
      }
      for entry in a.available.entries {
        if case .scalar(let q) = entry.value { free[entry.name] = q.milli }
      }
      return AgentView(
        id: a.id, hostname: a.hostname, zone: a.labels.first { $0.key == "zone" }?.value,
        total: total, free: free)
    }
  }

  func slowScore(_ a: AgentView, _ need: [String: Int64], _ kind: PlacementStrategy.Kind) -> Int64 {
    var sum: Int64 = 0
    var weights: Int64 = 0
    var fractions: [Double] = []
    var requestsAny = false
    for name in ["cpus", "mem"] {
      let cap = a.total[name] ?? 0
      if cap == 0 { continue }
      let req = need[name] ?? 0
      if req > 0 { requestsAny = true }
      let used = cap - (a.free[name] ?? 0) + req
      switch kind {
      case .binpack: sum += min(used, cap) * 100 / cap
      case .spread: sum += used > cap ? 0 : (cap - used) * 100 / cap
      default: fractions.append(min(1.0, Double(used) / Double(cap)))
      }
      weights += 1
    }
    switch kind {
    case .binpack, .spread: return weights == 0 ? 0 : sum / weights
    default:
      if !requestsAny { return 0 }
      var std = 0.0
      if fractions.count == 2 { std = abs(fractions[0] - fractions[1]) / 2 }
      return Int64((1 - std) * 100)
    }
  }

  @Test(arguments: Array(0..<40))
  func everyPlacementIsFeasibleAndBest(seed: Int) throws {
    var rng = SeededRandom(seed: UInt64(seed) &* 104_729 &+ 7)
    var e = try Engine(configuration: EngineConfiguration(clock: ManualClock()))
    let n = Int.random(in: 1...12, using: &rng)
    for i in 0..<n {
      var r: ResourceSpec = [
        "cpus": .scalar(Quantity(milli: 1000 * Int64.random(in: 1...16, using: &rng)))
      ]
      if Int.random(in: 0..<5, using: &rng) > 0 {
        r["mem"] = .scalar(Quantity(milli: 1000 * Int64.random(in: 1...64, using: &rng)))
      }
      // Some agents share a hostname; some have no zone.
      let host = "h\(Int.random(in: 0..<(n + 2), using: &rng))"
      let zone = Int.random(in: 0..<4, using: &rng)
      try e.addAgent(
        AgentSpec(
          id: "n\(i)", hostname: host, resources: r,
          labels: zone < 3 ? ["zone": "z\(zone)"] : [:]))
    }
    try e.addFramework(FrameworkSpec(id: "F"))
    let kinds: [PlacementStrategy.Kind] = [.binpack, .spread, .balanced, .firstfit]
    /// The slow checker's own record: task -> (group, hostname).
    var running: [String: (String?, String)] = [:]
    for step in 0..<50 {
      let kind = kinds.randomElement(using: &rng)!
      let need: [String: Int64] = [
        "cpus": 500 * Int64.random(in: 0...8, using: &rng),
        "mem": 1000 * Int64.random(in: 0...20, using: &rng),
      ]
      let zone: String? = Bool.random(using: &rng) ? "z\(Int.random(in: 0..<3, using: &rng))" : nil
      let group: String? = Bool.random(using: &rng) ? "g\(Int.random(in: 0..<2, using: &rng))" : nil
      let unique = group != nil && Bool.random(using: &rng)
      if Int.random(in: 0..<8, using: &rng) == 0,
        let a = e.state().agents.randomElement(using: &rng)
      {
        _ = a.draining ? try e.activateAgent(a.id) : try e.drainAgent(a.id)
      }
      let before = views(e)
      let spec: ResourceSpec = [
        "cpus": .scalar(Quantity(milli: need["cpus"]!)),
        "mem": .scalar(Quantity(milli: need["mem"]!)),
      ]
      let task = TaskSpec(
        id: "t\(step)", group: group, resources: spec,
        selector: try zone.map { try LabelSelector(parsing: "zone=\($0)") },
        constraints: unique ? try MarathonConstraint.parseList("hostname:UNIQUE") : [])
      let r = try e.placeTasks(framework: "F", tasks: [task], strategy: PlacementStrategy(kind))
      // Every rule, the plain way.
      let eligible = before.filter { a in
        need.allSatisfy { (a.free[$0.key] ?? 0) >= $0.value } && (zone == nil || a.zone == zone)
          && !(unique && running.values.contains { $0.0 == group && $0.1 == a.hostname })
      }
      if let p = r.placements.first {
        let chosen = try #require(before.firstIndex { $0.id == p.agent })
        #expect(
          eligible.contains { $0.id == p.agent },
          "seed \(seed) step \(step): placed where a rule or the resources forbid it")
        if kind == .firstfit {
          #expect(eligible.first?.id == p.agent)
        } else {
          let best = slowScore(before[chosen], need, kind)
          for (i, a) in before.enumerated() where eligible.contains(where: { $0.id == a.id }) {
            let s = slowScore(a, need, kind)
            #expect(
              s < best || (s == best && i >= chosen),
              "seed \(seed) step \(step): \(a.id) scores \(s) > \(best)")
          }
        }
        running[p.task] = (group, before[chosen].hostname)
      } else {
        #expect(
          eligible.isEmpty, "seed \(seed) step \(step): unplaced although \(eligible.map(\.id)) fit"
        )
      }
      if Int.random(in: 0..<4, using: &rng) == 0, let t = running.keys.randomElement(using: &rng) {
        _ = try e.releaseTasks(framework: "F", tasks: [t])
        running[t] = nil
      }
      #expect(e.checkInvariants().isEmpty)
    }
  }
}
