import Testing

@testable import Allot

/// `addAgents` (one atomic bulk add) against `addAgent` one by one, and the checks both share.
@Suite struct BulkAddTests {
  func engine(_ clock: ManualClock = ManualClock()) throws -> Engine {
    var e = try Engine(configuration: EngineConfiguration(clock: clock))
    try e.addFramework(FrameworkSpec(id: "f1", roles: ["web"]))
    try e.addFramework(FrameworkSpec(id: "f2", roles: ["batch"]))
    try e.updateRole(RoleUpdate(name: "web", quota: Quota(limit: ["cpus": 10])))
    return e
  }

  /// A mixed batch: shared shapes (the resolution cache), a new resource name, labels,
  /// taints, reservations, hostnames given and not.
  func specs(_ n: Int, seed: UInt64) -> [AgentSpec] {
    var rng = SeededRandom(seed: seed)
    return (0..<n).map { i in
      let shape = Int.random(in: 0..<4, using: &rng)
      var resources: ResourceSpec = ["cpus": 4, "mem": 1024]
      if shape == 1 { resources = ["cpus": 8, "mem": 2048, "ports": [31000...31009]] }
      if shape == 2 { resources = ["cpus": 2, "fpgas": 1] }
      let labels: KeyValuePairs<String, String> =
        shape == 3 ? ["zone": "a", "rack": "r\(i % 3)"] : [:]
      let taints = shape == 2 ? [Taint(key: "fpga", effect: .noSchedule)] : []
      let reservations: KeyValuePairs<String, ResourceSpec> =
        shape == 1 ? ["batch": ["cpus": 2]] : [:]
      return AgentSpec(
        id: "agent-\(i)", hostname: i % 5 == 0 ? nil : "host-\(i % 7)", resources: resources,
        labels: labels, taints: taints, reservations: reservations)
    }
  }

  /// The bulk add leaves exactly the state of adding one by one, and the next cycles make
  /// the same offers.
  @Test(arguments: [UInt64(1), 2, 3])
  func bulkEqualsOneByOne(seed: UInt64) throws {
    let list = specs(60, seed: seed)
    var bulk = try engine()
    var single = try engine()
    try bulk.addAgent(AgentSpec(id: "first", resources: ["cpus": 1]))
    try single.addAgent(AgentSpec(id: "first", resources: ["cpus": 1]))
    if seed % 2 == 0 {
      // A free slot to reuse: the batch then takes it first, as one-by-one adds do (the
      // other seeds take the path that grows every table by the whole batch at once).
      try bulk.addAgent(AgentSpec(id: "gone", resources: ["cpus": 1]))
      try single.addAgent(AgentSpec(id: "gone", resources: ["cpus": 1]))
      _ = try bulk.removeAgent("gone")
      _ = try single.removeAgent("gone")
      #expect(!bulk.agents.freeSlots.isEmpty)
    }
    try bulk.addAgents(list)
    for s in list { try single.addAgent(s) }
    #expect(bulk.state() == single.state())
    // Labels and taints reached the matching indexes: the same agents match (before any
    // offer holds their resources).
    var task = TaskSpec(id: "t", resources: ["cpus": 1])
    task.selector = try LabelSelector(parsing: "zone=a")
    let matched = try bulk.match(task)
    #expect(matched == (try single.match(task)))
    #expect(!matched.isEmpty)
    // Tainted agents are left out without a toleration, in both.
    let all = try bulk.match(TaskSpec(id: "t", resources: ["cpus": 1]))
    #expect(all == (try single.match(TaskSpec(id: "t", resources: ["cpus": 1]))))
    #expect(all.count < bulk.state().agents.count)
    #expect(bulk.allocate() == single.allocate())
    #expect(bulk.allocate() == single.allocate())
    #expect(bulk.checkInvariants().isEmpty)
  }

  /// Nothing changes when any spec of a batch fails, and the error names the spec.
  @Test func aFailingSpecChangesNothing() throws {
    var e = try engine()
    try e.addAgent(AgentSpec(id: "old", resources: ["cpus": 1]))
    let before = e.state()
    let good = specs(10, seed: 9)
    let cases: [([AgentSpec], AllotError.Kind, String)] = [
      (good + [AgentSpec(id: "", resources: ["cpus": 1])], .invalidParams, "agents[10].id"),
      (
        good + [AgentSpec(id: "x", resources: ["cpus": .scalar(Quantity(milli: -1))])],
        .invalidParams, "agents[10].resources.cpus"
      ),
      (good + [AgentSpec(id: "old", resources: ["cpus": 1])], .conflict, "agents[10].id"),
      (good + [good[3]], .conflict, "agents[10].id"),
      (
        [AgentSpec(id: "x", resources: ["cpus": 1], reservations: ["batch": ["cpus": 2]])],
        .invalidParams, "agents[0].reservations"
      ),
      (
        // Each reserves 4 of web's limit of 10: the third crosses it.
        (0..<4).map {
          AgentSpec(id: "w\($0)", resources: ["cpus": 4], reservations: ["web": ["cpus": 4]])
        }, .quotaExceeded, "agents[2].reservations"
      ),
      (
        [AgentSpec(id: "y", resources: ["cpus": 1, "fresh-kind": 1])]
          + [AgentSpec(id: "z", resources: ["cpus": .scalar(Quantity(milli: Quantity.maxMilli))])],
        .invalidParams, "agents[1].resources.cpus"
      ),
    ]
    for (batch, kind, field) in cases {
      var attempt = e
      do {
        try attempt.addAgents(batch)
        Issue.record("batch accepted; expected \(kind) at \(field)")
      } catch {
        #expect(error.kind == kind && error.field == field, "\(error)")
      }
      #expect(attempt.state() == before)
      #expect(attempt.registry.names.scalarNames == e.registry.names.scalarNames)
      // The same engine still takes the good part.
      try attempt.addAgents(good)
      #expect(attempt.state().agents.count == before.agents.count + good.count)
    }
  }

  /// An empty batch is no change at all.
  @Test func emptyBatch() throws {
    var e = try engine()
    let before = e.state()
    try e.addAgents([])
    #expect(e.state() == before)
  }

  /// A failed add does not leave its resource resolution behind for the next agent: a spec
  /// that failed later in its checks, then a valid one with the same resources.
  @Test func failedAddKeepsNoResolution() throws {
    var e = try engine()
    try e.addAgent(AgentSpec(id: "a", resources: ["cpus": 1]))
    #expect(throws: AllotError.self) {
      try e.addAgent(AgentSpec(id: "a", resources: ["cpus": 2, "newkind": 3]))
    }
    #expect(e.registry.scalarIndex("newkind") == nil)
    try e.addAgent(AgentSpec(id: "b", resources: ["cpus": 2, "newkind": 3]))
    #expect(e.state().agents.last?.total.scalar("newkind") == 3)
    #expect(e.checkInvariants().isEmpty)
  }

  /// GPU protection (Mesos: agents with GPUs are offered only to GPU-capable frameworks)
  /// holds for agents added one by one, in a batch, and after a snapshot is restored (the
  /// registry keeps the index of `gpus` as it interns the name, restoring included).
  @Test func gpuAgentsStayProtected() throws {
    let clock = ManualClock()
    var e = try Engine(configuration: EngineConfiguration(clock: clock))
    try e.addFramework(FrameworkSpec(id: "plain", roles: ["r"]))
    try e.addAgent(AgentSpec(id: "cpu", resources: ["cpus": 4]))
    try e.addAgents([
      AgentSpec(id: "gpu1", resources: ["cpus": 4, "gpus": 1]),
      AgentSpec(id: "cpu2", resources: ["cpus": 4]),
    ])
    try e.addAgent(AgentSpec(id: "gpu2", resources: ["cpus": 4, "gpus": 2]))
    let restored = try Engine.restoring(
      snapshot: e.snapshotImage(), configuration: EngineConfiguration(clock: clock))
    for var engine in [e, restored] {
      #expect(engine.allocate().map(\.agent) == ["cpu", "cpu2"])
      try engine.addFramework(FrameworkSpec(id: "ml", roles: ["r"], capabilities: ["gpu"]))
      #expect(engine.allocate().map(\.agent) == ["gpu1", "gpu2"])
    }
  }

  /// The byte scan for control characters agrees with the definition by Unicode scalars
  /// (C0, DEL and C1), on strings mixing ASCII, two- to four-byte characters and controls.
  @Test func controlCharacterScanMatchesScalars() {
    var rng = SeededRandom(seed: 4)
    let pool: [Unicode.Scalar] = [
      "a", "Z", "-", "\u{00}", "\u{1F}", "\u{7F}", "\u{80}", "\u{9F}", "\u{A0}", "\u{C2}",
      "\u{C9}", "\u{100}", "\u{2028}", "\u{FFFD}", "\u{1F600}", "\u{85}",
    ]
    for _ in 0..<5_000 {
      var s = String.UnicodeScalarView()
      for _ in 0..<Int.random(in: 0...6, using: &rng) {
        s.append(pool.randomElement(using: &rng)!)
      }
      let text = String(s)
      let expected = text.unicodeScalars.contains {
        $0.value < 0x20 || ($0.value >= 0x7F && $0.value <= 0x9F)
      }
      #expect(Validate.hasControl(text) == expected, "\(Array(text.utf8))")
    }
  }
}
