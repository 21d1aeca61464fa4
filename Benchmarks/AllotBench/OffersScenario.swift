import Allot

/// The offer-cycle scenarios, in the shapes of Mesos's hierarchical allocator benchmarks
/// (src/tests/hierarchical_allocator_tests.cpp and hierarchical_allocator_benchmarks.cpp), so
/// that figures compare with those Mesos users know.
struct OffersScenario {
  /// The named shapes of `allot-bench offers --scenario NAME`.
  enum Shape: String, CaseIterable {
    case declineOffers = "DeclineOffers"
    case suppressOffers = "SuppressOffers"
    case quotaLargeAndSmall = "QuotaLargeAndSmall"
  }

  static let help = """
    allot-bench offers [--scenario NAME] [--agents N] [--frameworks N] [--rounds N]
                       [--sizes N,N,...] [common options]

    --scenario DeclineOffers (default): Mesos's DeclineOffers benchmark. N agents with
      cpus:24, mem:4096, disk:4096, ports:[31000-32000]; M frameworks in the role `default`.
      Before timing, one allocation cycle and accepts leave every agent partly used
      (cpus:16, mem:2014, disk:1024) by a framework in round-robin. Then R rounds of
      "decline every outstanding offer with a long filter (1 day), then one allocation
      cycle", and, after reviving every framework (which clears the filters), R rounds that
      decline with refuseSeconds 0. Results: cycle (ms, long-filter rounds), cycleNoFilter
      (ms, refuse-0 rounds), offersPerSecond, decline (ms to decline all offers), addAgents
      (ms), peakMemory. Defaults: 10000 agents, 1000 frameworks, 10 rounds.

    --scenario SuppressOffers: Mesos's SuppressOffers and ExtremeSuppressOffers benchmarks.
      Agents and frameworks as DeclineOffers; every agent partly used (cpus:16, mem:1024,
      disk:1024 and 16 ports). Five steps, as Mesos: decline every offer with no filter,
      suppress another fifth of the frameworks, time one cycle (cycle.suppressed20 ...
      cycle.suppressed100). Then, with 99 % of the frameworks suppressed (the last 1 %
      revived), R rounds of "decline everything with no filter, one cycle": cycle (ms) and
      offersPerSecond. Defaults: 10000 agents, 1000 frameworks, 10 rounds.

    --scenario QuotaLargeAndSmall: Mesos's LargeAndSmallQuota benchmark. Agents with
      cpus:2, mem:2048, disk:2048; 5/6 of N roles with a small quota (guarantee and limit
      cpus:1, mem:1024, disk:1024: half an agent) and N/6 roles with a large quota (cpus:4,
      mem:4096, disk:4096: two agents), one framework per role, N agents (as Mesos: small/5
      + large*5 agents for small = 5 * large; N is rounded down to a multiple of 6). Timed:
      the first cycle, which satisfies the quotas (cycle, offersPerSecond), and the second,
      which finds nothing left (cycleEmpty). R rounds, each on a fresh engine. Defaults:
      3000 agents (Mesos's largest: 2500 small and 500 large roles), 5 rounds.

    --sizes runs the scenario at several agent counts (--svg charts offers/s against them).
    """

  var shape = Shape.declineOffers
  var agents = 10_000
  var frameworks = 1_000
  var rounds = 10

  /// The parameters of the result file.
  var params: [(String, Int)] {
    shape == .quotaLargeAndSmall
      ? [("agents", agents), ("rounds", rounds)]
      : [("agents", agents), ("frameworks", frameworks), ("rounds", rounds)]
  }

  /// The one-line description printed above the results.
  var headline: String {
    switch shape {
    case .quotaLargeAndSmall:
      let large = agents / 6
      return
        "offers \(shape.rawValue): \(large * 6) agents, \(large * 5) small-quota and \(large) "
        + "large-quota roles, \(rounds) rounds"
    default:
      return
        "offers \(shape.rawValue): \(agents) agents, \(frameworks) frameworks, \(rounds) rounds"
    }
  }

  func run() throws -> [Series] {
    switch shape {
    case .declineOffers: return try runDecline()
    case .suppressOffers: return try runSuppress()
    case .quotaLargeAndSmall: return try runQuota()
    }
  }

  /// Zero-padded framework ids, so that their order is their number.
  func frameworkID(_ i: Int) -> String {
    let width = String(max(frameworks - 1, 0)).count
    let s = String(i)
    return "framework-" + String(repeating: "0", count: max(0, width - s.count)) + s
  }

  /// An engine with the frameworks and the DeclineOffers agents, and the ms to add them
  /// (in one `addAgents` call, and one by one with `addAgent` on a second engine).
  func cluster(_ clock: ManualClock) throws -> (Engine, Double, Double) {
    var engine = try Engine(configuration: EngineConfiguration(clock: clock))
    let specs = (0..<agents).map { i in
      AgentSpec(
        id: "agent-\(i)", hostname: "host-\(i)",
        resources: ["cpus": 24, "mem": 4096, "disk": 4096, "ports": [31000...32000]])
    }
    for i in 0..<frameworks {
      try engine.addFramework(FrameworkSpec(id: frameworkID(i), roles: ["default"]))
    }
    var addError: (any Error)?
    // One by one first, on an engine freed before the bulk add (so that the peak memory
    // stays the scenario's).
    var oneByOne = 0.0
    do {
      var single = try Engine(configuration: EngineConfiguration(clock: clock))
      oneByOne = measureMillis {
        do {
          for s in specs { try single.addAgent(s) }
        } catch { addError = error }
      }
    }
    if let addError { throw addError }
    let bulk = measureMillis {
      do {
        try engine.addAgents(specs)
      } catch { addError = error }
    }
    if let addError { throw addError }
    progress(
      "added \(agents) agents in \(String(format: "%.1f", bulk)) ms (one by one: "
        + "\(String(format: "%.1f", oneByOne)) ms)")
    return (engine, bulk, oneByOne)
  }

  /// Partly uses every agent: one cycle, every offer accepted with one task.
  func partlyUse(_ engine: inout Engine, _ task: ResourceSpec) throws {
    let first = engine.allocate()
    for (n, o) in first.enumerated() {
      _ = try engine.acceptOffer(
        o.id, tasks: [TaskLaunch(id: "t\(n)", resources: task)], refuseSeconds: 0)
    }
    progress("set-up: \(first.count) offers accepted")
  }

  /// Declines every outstanding offer; returns the milliseconds taken, or nil when there was
  /// none to decline.
  @discardableResult
  func declineAll(_ engine: inout Engine, refuse: Seconds) throws -> Double? {
    let outstanding = try engine.outstandingOffers()
    var err: (any Error)?
    let ms = measureMillis {
      do {
        for o in outstanding { try engine.declineOffer(o.id, refuseSeconds: refuse) }
      } catch { err = error }
    }
    if let err { throw err }
    return outstanding.isEmpty ? nil : ms
  }

  func runDecline() throws -> [Series] {
    let clock = ManualClock()
    var (engine, addMillis, addOneByOne) = try cluster(clock)
    try partlyUse(&engine, ["cpus": 16, "mem": 2014, "disk": 1024])
    var cycle: [Double] = []
    var cycleNoFilter: [Double] = []
    var rate: [Double] = []
    var declineMillis: [Double] = []
    for phase in 0..<2 {
      let refuse: Seconds = phase == 0 ? 86_400 : 0
      if phase == 1 {
        // Start the refuse-0 rounds without the long filters of the first phase.
        for i in 0..<frameworks { try engine.revive(framework: frameworkID(i)) }
      }
      for round in 0..<rounds {
        if let ms = try declineAll(&engine, refuse: refuse) { declineMillis.append(ms) }
        clock.advance(by: 1)
        var made = 0
        let ms = measureMillis { made = engine.allocate().count }
        if phase == 0 { cycle.append(ms) } else { cycleNoFilter.append(ms) }
        rate.append(Double(made) / (ms / 1000))
        progress(
          "\(agents) agents: round \(round + 1)/\(rounds)\(phase == 1 ? " (refuse 0)" : ""): "
            + "\(made) offers in \(String(format: "%.3f", ms)) ms")
      }
    }
    return [
      Series(name: "cycle", unit: "ms", samples: cycle),
      Series(name: "cycleNoFilter", unit: "ms", samples: cycleNoFilter),
      Series(name: "offersPerSecond", unit: "1/s", samples: rate),
      Series(name: "decline", unit: "ms", samples: declineMillis),
      Series(name: "addAgents", unit: "ms", samples: [addMillis]),
      Series(name: "addAgentsOneByOne", unit: "ms", samples: [addOneByOne]),
      Series(name: "peakMemory", unit: "bytes", samples: [peakMemoryBytes()]),
    ]
  }

  func runSuppress() throws -> [Series] {
    let clock = ManualClock()
    var (engine, addMillis, addOneByOne) = try cluster(clock)
    try partlyUse(&engine, ["cpus": 16, "mem": 1024, "disk": 1024, "ports": 16])
    var results: [Series] = []
    // Mesos's SuppressOffers: five steps, another fifth suppressed before each cycle.
    let steps = 5
    var suppressed = 0
    for step in 0..<steps {
      try declineAll(&engine, refuse: 0)
      for _ in 0..<(frameworks / steps) {
        try engine.suppress(framework: frameworkID(suppressed))
        suppressed += 1
      }
      clock.advance(by: 1)
      var made = 0
      let ms = measureMillis { made = engine.allocate().count }
      let percent = (step + 1) * 100 / steps
      results.append(Series(name: "cycle.suppressed\(percent)", unit: "ms", samples: [ms]))
      progress(
        "\(agents) agents: \(suppressed)/\(frameworks) suppressed: \(made) offers in "
          + "\(String(format: "%.3f", ms)) ms")
    }
    // ExtremeSuppressOffers: 99 % suppressed (revive the rest), R rounds.
    let keep = Int(Double(frameworks) * 0.99)
    for i in keep..<frameworks { try engine.revive(framework: frameworkID(i)) }
    var cycle: [Double] = []
    var rate: [Double] = []
    for round in 0..<rounds {
      try declineAll(&engine, refuse: 0)
      clock.advance(by: 1)
      var made = 0
      let ms = measureMillis { made = engine.allocate().count }
      cycle.append(ms)
      rate.append(Double(made) / (ms / 1000))
      progress(
        "\(agents) agents, 99% suppressed: round \(round + 1)/\(rounds): \(made) offers in "
          + "\(String(format: "%.3f", ms)) ms")
    }
    return [
      Series(name: "cycle", unit: "ms", samples: cycle),
      Series(name: "offersPerSecond", unit: "1/s", samples: rate),
    ] + results + [
      Series(name: "addAgents", unit: "ms", samples: [addMillis]),
      Series(name: "addAgentsOneByOne", unit: "ms", samples: [addOneByOne]),
      Series(name: "peakMemory", unit: "bytes", samples: [peakMemoryBytes()]),
    ]
  }

  func runQuota() throws -> [Series] {
    let large = max(agents / 6, 1)
    // As Mesos: small / 5 + large * 5 agents, with small = 5 * large.
    let small = 5 * large
    let agentCount = small / 5 + large * 5
    var cycle: [Double] = []
    var cycleEmpty: [Double] = []
    var rate: [Double] = []
    var add: [Double] = []
    for round in 0..<rounds {
      let clock = ManualClock()
      var engine = try Engine(configuration: EngineConfiguration(clock: clock))
      let smallQuota: ResourceSpec = ["cpus": 1, "mem": 1024, "disk": 1024]
      let largeQuota: ResourceSpec = ["cpus": 4, "mem": 4096, "disk": 4096]
      for i in 0..<small {
        try engine.addFramework(
          FrameworkSpec(id: "framework_small_\(i)", roles: ["smallQuotaRole\(i)"]))
      }
      for i in 0..<large {
        try engine.addFramework(
          FrameworkSpec(id: "framework_large_\(i)", roles: ["largeQuotaRole\(i)"]))
      }
      var err: (any Error)?
      add.append(
        measureMillis {
          do {
            for i in 0..<agentCount {
              try engine.addAgent(
                AgentSpec(id: "agent-\(i)", resources: ["cpus": 2, "mem": 2048, "disk": 2048]))
            }
          } catch { err = error }
        })
      if let err { throw err }
      for i in 0..<small {
        try engine.updateRole(
          RoleUpdate(
            name: "smallQuotaRole\(i)", quota: Quota(guarantee: smallQuota, limit: smallQuota)))
      }
      for i in 0..<large {
        try engine.updateRole(
          RoleUpdate(
            name: "largeQuotaRole\(i)", quota: Quota(guarantee: largeQuota, limit: largeQuota)))
      }
      clock.advance(by: 1)
      var made = 0
      let first = measureMillis { made = engine.allocate().count }
      clock.advance(by: 1)
      var again = 0
      let second = measureMillis { again = engine.allocate().count }
      cycle.append(first)
      cycleEmpty.append(second)
      rate.append(Double(made) / (first / 1000))
      progress(
        "\(agentCount) agents: round \(round + 1)/\(rounds): \(made) offers in "
          + "\(String(format: "%.3f", first)) ms, then \(again) in "
          + "\(String(format: "%.3f", second)) ms")
    }
    return [
      Series(name: "cycle", unit: "ms", samples: cycle),
      Series(name: "offersPerSecond", unit: "1/s", samples: rate),
      Series(name: "cycleEmpty", unit: "ms", samples: cycleEmpty),
      Series(name: "addAgents", unit: "ms", samples: add),
      Series(name: "peakMemory", unit: "bytes", samples: [peakMemoryBytes()]),
    ]
  }
}
