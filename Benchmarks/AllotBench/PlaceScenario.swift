import Allot

/// Placement throughput: kube-scheduler's SchedulingBasic shape (many identical nodes,
/// identical pods), binpack.
struct PlaceScenario {
  static let help = """
    allot-bench place [--agents N] [--tasks N] [--batch N] [--strategy S] [--plain] [--naive]

    SchedulingBasic shape: N agents with cpus:32, mem:131072, disk:1048576 and labels
    zone=z0..z9, tier=batch; T tasks of cpus:0.5, mem:1024 with the selector `tier=batch`
    and the constraint hostname:UNIQUE (each batch is one group), placed through
    `placeTasks` in batches of B (default 100) with strategy S (default binpack).
    --plain drops the selector and the constraint. Reports placements per second and
    microseconds per placement. --naive also runs a plain scan over every agent for the
    best MostAllocated fit, in the same process, so the ratio is visible.
    Defaults: 5000 agents, 20000 tasks.
    """

  var agents = 5_000
  var tasks = 20_000
  var batch = 100
  var strategy = PlacementStrategy.binpack
  var naive = false
  var plain = false

  func run() throws -> [Series] {
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
      if perBatch.count % 20 == 0 { progress("placed \(n)/\(tasks)") }
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
    if placed != tasks { progress("warning: \(tasks - placed) tasks not placed") }
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
