import Allot

/// Mesos's DeclineOffers benchmark shape (hierarchical_allocator_benchmarks.cpp): many agents
/// partly used, many frameworks in one role declining every offer.
struct OffersScenario {
  static let help = """
    allot-bench offers [--agents N] [--frameworks N] [--rounds N] [--json FILE]

    Mesos's DeclineOffers shape. N agents with cpus:24, mem:4096, disk:4096,
    ports:[31000-32000]; M frameworks in the role `default`. Before timing, one allocation
    cycle and accepts leave every agent partly used (cpus:16, mem:2014, disk:1024) by a
    framework in round-robin. Then R rounds of "decline every outstanding offer with a long
    filter (1 day), then one allocation cycle", and, after reviving every framework (which
    clears the filters), R rounds that decline with refuseSeconds 0. Reports the cycle time per round (cycle: long-filter rounds;
    cycleNoFilter: refuse-0 rounds), offers per second, the time to add the agents, and
    peak memory. Defaults: 10000 agents, 1000 frameworks, 10 rounds.
    """

  var agents = 10_000
  var frameworks = 1_000
  var rounds = 10

  func run() throws -> [Series] {
    let clock = ManualClock()
    var engine = try Engine(configuration: EngineConfiguration(clock: clock))
    let width = String(frameworks - 1).count
    func pad(_ i: Int) -> String {
      let s = String(i)
      return String(repeating: "0", count: max(0, width - s.count)) + s
    }
    let specs = (0..<agents).map { i in
      AgentSpec(
        id: "agent-\(i)", hostname: "host-\(i)",
        resources: ["cpus": 24, "mem": 4096, "disk": 4096, "ports": [31000...32000]])
    }
    for i in 0..<frameworks {
      try engine.addFramework(FrameworkSpec(id: "framework-\(pad(i))", roles: ["default"]))
    }
    var addError: (any Error)?
    let addMillis = measureMillis {
      do {
        for s in specs { try engine.addAgent(s) }
      } catch { addError = error }
    }
    if let addError { throw addError }
    progress("added \(agents) agents in \(String(format: "%.1f", addMillis)) ms")

    // Partly use every agent: one cycle, every offer accepted with one task.
    let first = engine.allocate()
    var taskNumber = 0
    for o in first {
      _ = try engine.acceptOffer(
        o.id,
        tasks: [
          TaskLaunch(id: "t\(taskNumber)", resources: ["cpus": 16, "mem": 2014, "disk": 1024])
        ],
        refuseSeconds: 0)
      taskNumber += 1
    }
    progress("set-up: \(first.count) offers accepted")

    var cycle: [Double] = []
    var cycleNoFilter: [Double] = []
    var rate: [Double] = []
    var declineMillis: [Double] = []
    for phase in 0..<2 {
      let refuse: Seconds = phase == 0 ? 86_400 : 0
      if phase == 1 {
        // Start the refuse-0 rounds without the long filters of the first phase.
        for i in 0..<frameworks { try engine.revive(framework: "framework-\(pad(i))") }
      }
      for round in 0..<rounds {
        let outstanding = try engine.outstandingOffers()
        var err: (any Error)?
        let d = measureMillis {
          do {
            for o in outstanding { try engine.declineOffer(o.id, refuseSeconds: refuse) }
          } catch { err = error }
        }
        if let err { throw err }
        declineMillis.append(d)
        clock.advance(by: 1)
        var made = 0
        let ms = measureMillis { made = engine.allocate().count }
        if phase == 0 { cycle.append(ms) } else { cycleNoFilter.append(ms) }
        rate.append(Double(made) / (ms / 1000))
        progress(
          "round \(round + 1)/\(rounds)\(phase == 1 ? " (refuse 0)" : ""): \(made) offers in "
            + "\(String(format: "%.3f", ms)) ms")
      }
    }
    return [
      Series(name: "cycle", unit: "ms", samples: cycle),
      Series(name: "cycleNoFilter", unit: "ms", samples: cycleNoFilter),
      Series(name: "offersPerSecond", unit: "1/s", samples: rate),
      Series(name: "decline", unit: "ms", samples: declineMillis),
      Series(name: "addAgents", unit: "ms", samples: [addMillis]),
      Series(name: "peakMemory", unit: "bytes", samples: [peakMemoryBytes()]),
    ]
  }
}
