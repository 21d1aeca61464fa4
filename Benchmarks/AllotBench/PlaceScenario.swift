import Allot

/// Placement throughput: kube-scheduler's scheduler_perf shapes
/// (test/integration/scheduler_perf/config/performance-config.yaml).
struct PlaceScenario {
  /// The named shapes of `allot-bench place --scenario NAME`.
  enum Shape: String, CaseIterable {
    case schedulingBasic = "SchedulingBasic"
    case selectorUnique = "SelectorUnique"
  }

  static let help = """
    allot-bench place [--scenario NAME] [--agents N] [--sizes N,N,...] [common options]

    --scenario SchedulingBasic (default): kube-scheduler's scheduler_perf SchedulingBasic,
      workload 5000Nodes. N agents (nodes) with cpus:4, mem:32768 (32Gi) and pods:110, as
      scheduler_perf's default node; P0 pods placed first, unmeasured (--init-pods, default
      1000), then P pods measured (--pods, default 1000), each needing cpus:0.1, mem:500
      (500Mi) and pods:1, placed one per `placeTasks` call as kube-scheduler places one pod
      per scheduling cycle, with strategy S (--strategy, default spread: LeastAllocated, the
      default scoring of kube-scheduler's NodeResourcesFit). Samples are windows of 100
      pods. Results: placementsPerSecond (pods/s, what scheduler_perf reports as
      SchedulingThroughput), placement (µs per pod), peakMemory. Default 5000 agents.

    --scenario SelectorUnique: N agents with cpus:32, mem:131072, disk:1048576 and labels
      zone=z0..z9, tier=batch; T tasks (--tasks, default 20000) of cpus:0.5, mem:1024 with
      the selector `tier=batch` and the constraint hostname:UNIQUE (each batch is one
      group), placed through `placeTasks` in batches of B (--batch, default 100) with
      strategy S (default binpack). --plain drops the selector and the constraint; --naive
      also runs a plain scan over every agent for the best MostAllocated fit, in the same
      process, so the ratio is visible. Results: placementsPerSecond, placement (µs per
      placement), naivePlacementsPerSecond with --naive, peakMemory. Default 5000 agents.

    --sizes runs the scenario at several agent counts (--svg charts placements/s against
    them).
    """

  var shape = Shape.schedulingBasic
  var initPods = 1_000
  var pods = 1_000
  var agents = 5_000
  var tasks = 20_000
  var batch = 100
  var strategy: PlacementStrategy?
  var naive = false
  var plain = false

  /// The parameters of the result file.
  var params: [(String, Int)] {
    shape == .schedulingBasic
      ? [("agents", agents), ("initPods", initPods), ("pods", pods)]
      : [("agents", agents), ("tasks", tasks), ("batch", batch)]
  }

  /// The one-line description printed above the results.
  var headline: String {
    switch shape {
    case .schedulingBasic:
      return
        "place SchedulingBasic: \(agents) nodes, \(initPods) pods placed first, \(pods) "
        + "measured, strategy \(strategy ?? .spread)"
    case .selectorUnique:
      return
        "place SelectorUnique: \(agents) agents, \(tasks) tasks, strategy "
        + "\(strategy ?? .binpack)\(plain ? ", plain" : "")"
    }
  }

  func run() throws -> [Series] {
    shape == .schedulingBasic ? try runBasic() : try runSelectorUnique()
  }

  func runBasic() throws -> [Series] {
    var engine = try Engine(configuration: EngineConfiguration(clock: ManualClock()))
    for i in 0..<agents {
      try engine.addAgent(
        AgentSpec(id: "node-\(i)", resources: ["cpus": 4, "mem": 32_768, "pods": 110]))
    }
    try engine.addFramework(FrameworkSpec(id: "scheduler"))
    let strategy = self.strategy ?? .spread
    let need: ResourceSpec = ["cpus": 0.1, "mem": 500, "pods": 1]
    var placed = 0
    for i in 0..<initPods {
      let r = try engine.placeTasks(
        framework: "scheduler", tasks: [TaskSpec(id: "init-\(i)", resources: need)],
        strategy: strategy)
      placed += r.placements.count
    }
    progress("\(agents) nodes: \(placed) init pods placed")
    var rate: [Double] = []
    var perPod: [Double] = []
    let window = 100
    var n = 0
    var measured = 0
    while n < pods {
      let count = min(window, pods - n)
      let specs = (0..<count).map { TaskSpec(id: "pod-\(n + $0)", resources: need) }
      var err: (any Error)?
      let ms = measureMillis {
        do {
          for spec in specs {
            measured += try engine.placeTasks(
              framework: "scheduler", tasks: [spec], strategy: strategy
            ).placements.count
          }
        } catch { err = error }
      }
      if let err { throw err }
      rate.append(Double(count) / (ms / 1000))
      perPod.append(ms * 1000 / Double(count))
      n += count
      progress("\(agents) nodes: placed \(n)/\(pods) measured pods")
    }
    if measured != pods { warn("warning: \(pods - measured) pods not placed") }
    return [
      Series(name: "placementsPerSecond", unit: "1/s", samples: rate),
      Series(name: "placement", unit: "us", samples: perPod),
      Series(name: "peakMemory", unit: "bytes", samples: [peakMemoryBytes()]),
    ]
  }

  func runSelectorUnique() throws -> [Series] {
    let strategy = self.strategy ?? .binpack
    var engine = try Engine(configuration: EngineConfiguration(clock: ManualClock()))
    for i in 0..<agents {
      try engine.addAgent(
        AgentSpec(
          id: "node-\(i)", resources: ["cpus": 32, "mem": 131_072, "disk": 1_048_576],
          labels: ["zone": "z\(i % 10)", "tier": "batch"]))
    }
    try engine.addFramework(FrameworkSpec(id: "bench"))
    let selector = try LabelSelector(parsing: "tier=batch")
    let unique = try MarathonConstraint.parseList("hostname:UNIQUE")
    var perBatch: [Double] = []
    var rate: [Double] = []
    var placed = 0
    var n = 0
    while n < tasks {
      let count = min(batch, tasks - n)
      let group = "g\(n / batch)"
      let specs = (0..<count).map {
        plain
          ? TaskSpec(id: "t\(n + $0)", resources: ["cpus": 0.5, "mem": 1024])
          : TaskSpec(
            id: "t\(n + $0)", group: group, resources: ["cpus": 0.5, "mem": 1024],
            selector: selector, constraints: unique)
      }
      var result: PlaceResult?
      var err: (any Error)?
      let ms = measureMillis {
        do {
          result = try engine.placeTasks(framework: "bench", tasks: specs, strategy: strategy)
        } catch { err = error }
      }
      if let err { throw err }
      placed += result!.placements.count
      perBatch.append(ms * 1000 / Double(count))
      rate.append(Double(count) / (ms / 1000))
      n += count
      progress("\(agents) agents: placed \(n)/\(tasks)")
    }
    var results = [
      Series(name: "placementsPerSecond", unit: "1/s", samples: rate),
      Series(name: "placement", unit: "us", samples: perBatch),
    ]
    if naive {
      let r = NaiveScan(agents: agents).run(tasks: tasks)
      results.append(Series(name: "naivePlacementsPerSecond", unit: "1/s", samples: [r]))
    }
    results.append(Series(name: "peakMemory", unit: "bytes", samples: [peakMemoryBytes()]))
    if placed != tasks { warn("warning: \(tasks - placed) tasks not placed") }
    return results
  }
}

/// The plain scan: every agent, every placement, best MostAllocated score that fits.
struct NaiveScan {
  var agents: Int

  func run(tasks: Int) -> Double {
    var cpuFree = [Int64](repeating: 32_000, count: agents)
    var memFree = [Int64](repeating: 131_072_000, count: agents)
    let cpuTotal: Int64 = 32_000
    let memTotal: Int64 = 131_072_000
    let needCPU: Int64 = 500
    let needMem: Int64 = 1_024_000
    var checksum = 0
    let ms = measureMillis {
      for _ in 0..<tasks {
        var best = -1
        var bestScore: Int64 = -1
        for a in 0..<agents where cpuFree[a] >= needCPU && memFree[a] >= needMem {
          let cpuUsed = cpuTotal - cpuFree[a] + needCPU
          let memUsed = memTotal - memFree[a] + needMem
          let s = (cpuUsed * 100 / cpuTotal + memUsed * 100 / memTotal) / 2
          if s > bestScore {
            bestScore = s
            best = a
          }
        }
        if best >= 0 {
          cpuFree[best] -= needCPU
          memFree[best] -= needMem
          checksum &+= best
        }
      }
    }
    if checksum == -1 { print(checksum) }
    return Double(tasks) / (ms / 1000)
  }
}
