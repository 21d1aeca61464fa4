import Testing

@testable import Allot

@Suite struct PlacementTests {
  func engine() throws -> Engine {
    try Engine(configuration: EngineConfiguration(clock: ManualClock()))
  }

  func submit(_ e: inout Engine, _ f: String, _ n: Int, _ r: ResourceSpec, priority: Int64 = 0)
    throws
  {
    _ = try e.submitTasks(
      framework: f,
      tasks: (0..<n).map { TaskSpec(id: "\(f)-\($0)", resources: r, priority: priority) })
  }

  /// Ghodsi et al., NSDI 2011, section 4: 9 CPUs and 18 GB; A's tasks need <1 CPU, 4 GB>, B's
  /// <3 CPUs, 1 GB>.
  ///
  /// Progressive filling gives A three tasks and B two.
  @Test func drfPaperExample() throws {
    var e = try engine()
    try e.addAgent(AgentSpec(id: "m", resources: ["cpus": 9, "mem": 18]))
    try e.addFramework(FrameworkSpec(id: "A", roles: ["a"]))
    try e.addFramework(FrameworkSpec(id: "B", roles: ["b"]))
    try submit(&e, "A", 10, ["cpus": 1, "mem": 4])
    try submit(&e, "B", 10, ["cpus": 3, "mem": 1])
    let r = try e.schedule()
    #expect(r.placements.filter { $0.framework == "A" }.count == 3)
    #expect(r.placements.filter { $0.framework == "B" }.count == 2)
    #expect(r.placements.map(\.framework) == ["A", "B", "A", "B", "A"])
    #expect(r.pending == 15)
    let s = try e.taskStatus(framework: "A", task: "A-3")
    #expect(s.state == .pending && s.reason == .resources)
    #expect(s.message == "0/1 agents fit: 1 insufficient cpus")
    #expect(
      try e.taskStatus(framework: "A", task: "A-0")
        == TaskStatus(state: .running, agent: "m", reason: nil, message: nil))
    #expect(e.checkInvariants().isEmpty)
  }

  /// The same shapes on 30 CPUs and 60 GB with role weights: the weighted dominant shares
  /// even out (expectations from a progressive-filling simulation).
  @Test(
    arguments: [(1.0, 1.0, 9, 7), (1.0, 2.0, 6, 8), (3.0, 1.0, 14, 4)]
      as [(Double, Double, Int, Int)])
  func weightedProgressiveFilling(wa: Double, wb: Double, a: Int, b: Int) throws {
    var e = try engine()
    try e.addAgent(AgentSpec(id: "m", resources: ["cpus": 30, "mem": 60]))
    try e.updateRole(RoleUpdate(name: "a", weight: wa))
    try e.updateRole(RoleUpdate(name: "b", weight: wb))
    try e.addFramework(FrameworkSpec(id: "A", roles: ["a"]))
    try e.addFramework(FrameworkSpec(id: "B", roles: ["b"]))
    try submit(&e, "A", 100, ["cpus": 1, "mem": 4])
    try submit(&e, "B", 100, ["cpus": 3, "mem": 1])
    let r = try e.schedule()
    #expect(r.placements.filter { $0.framework == "A" }.count == a)
    #expect(r.placements.filter { $0.framework == "B" }.count == b)
  }

  @Test func maxLimitsPlacementsPerCall() throws {
    var e = try engine()
    try e.addAgent(AgentSpec(id: "m", resources: ["cpus": 9, "mem": 18]))
    try e.addFramework(FrameworkSpec(id: "A"))
    try submit(&e, "A", 5, ["cpus": 1])
    #expect(try e.schedule(max: 2).placements.count == 2)
    #expect(try e.schedule(max: 0).placements.isEmpty)
    #expect(try e.schedule().placements.count == 3)
    #expect(e.pendingTaskCount == 0)
  }

  @Test func priorityThenSubmissionOrder() throws {
    var e = try engine()
    try e.addAgent(AgentSpec(id: "m", resources: ["cpus": 2]))
    try e.addFramework(FrameworkSpec(id: "A"))
    _ = try e.submitTasks(
      framework: "A",
      tasks: [
        TaskSpec(id: "low", resources: ["cpus": 1]),
        TaskSpec(id: "high", resources: ["cpus": 1], priority: 5),
        TaskSpec(id: "low2", resources: ["cpus": 1]),
      ])
    #expect(try e.schedule().placements.map(\.task) == ["high", "low"])
    #expect(try e.taskStatus(framework: "A", task: "low2").state == .pending)
  }

  /// A task that does not fit is passed over for a later one that does (the first pending
  /// task that fits somewhere).
  @Test func laterTaskThatFitsIsPlaced() throws {
    var e = try engine()
    try e.addAgent(AgentSpec(id: "m", resources: ["cpus": 2]))
    try e.addFramework(FrameworkSpec(id: "A"))
    _ = try e.submitTasks(
      framework: "A",
      tasks: [
        TaskSpec(id: "big", resources: ["cpus": 3]), TaskSpec(id: "small", resources: ["cpus": 1]),
      ])
    #expect(try e.schedule().placements.map(\.task) == ["small"])
    #expect(try e.taskStatus(framework: "A", task: "big").reason == .resources)
  }

  // MARK: Strategies, against Kubernetes's noderesources test expectations

  /// least_allocated_test.go, "nothing scheduled, resources requested, differently sized
  /// nodes": pod 3000m CPU / 5000 memory; nodes 4000m/10000 and 6000m/10000 score 37 and 50.
  @Test func leastAllocatedDifferentlySizedNodes() throws {
    var e = try engine()
    try e.addAgent(AgentSpec(id: "n1", resources: ["cpus": 4, "mem": 10000]))
    try e.addAgent(AgentSpec(id: "n2", resources: ["cpus": 6, "mem": 10000]))
    let m = try e.match(TaskSpec(id: "", resources: ["cpus": 3, "mem": 5000]), strategy: .spread)
    #expect(m.map(\.agent) == ["n2", "n1"])
    #expect(m.map(\.resources) == [50, 37])
    #expect(m.map(\.score) == [150, 137])
  }

  /// most_allocated_test.go, "nothing scheduled, resources requested, differently sized
  /// nodes": pod 1000m/2000; nodes 4000m/10000 and 6000m/10000 score 22 and 18.
  @Test func mostAllocatedDifferentlySizedNodes() throws {
    var e = try engine()
    try e.addAgent(AgentSpec(id: "n1", resources: ["cpus": 4, "mem": 10000]))
    try e.addAgent(AgentSpec(id: "n2", resources: ["cpus": 6, "mem": 10000]))
    let m = try e.match(TaskSpec(id: "", resources: ["cpus": 1, "mem": 2000]), strategy: .binpack)
    #expect(m.map(\.resources) == [22, 18])
  }

  /// balanced_allocation_test.go: pod 3000m/5000 on 4000m/10000 (fractions 0.75 and 0.5:
  /// std 0.125) scores 87; on 6000m/10000 (0.5 and 0.5) scores 100.
  @Test func balancedAllocation() throws {
    var e = try engine()
    try e.addAgent(AgentSpec(id: "n1", resources: ["cpus": 4, "mem": 10000]))
    try e.addAgent(AgentSpec(id: "n2", resources: ["cpus": 6, "mem": 10000]))
    let m = try e.match(TaskSpec(id: "", resources: ["cpus": 3, "mem": 5000]), strategy: .balanced)
    #expect(m.map(\.agent) == ["n2", "n1"])
    #expect(m.map(\.resources) == [100, 87])
    // No scored resource requested: 0.
    let none = try e.match(TaskSpec(id: "", resources: [:]), strategy: .balanced)
    #expect(none.map(\.resources) == [0, 0])
  }

  /// requested_to_capacity_ratio_test.go style: the default bin-packing shape scores the
  /// utilisation; the average is rounded (62.5 -> 63), and resources scoring 0 drop out.
  @Test func requestedToCapacityRatio() throws {
    var e = try engine()
    try e.addAgent(AgentSpec(id: "n1", resources: ["cpus": 4, "mem": 10000]))
    let bin = PlacementStrategy(.ratio)
    #expect(
      try e.match(TaskSpec(id: "", resources: ["cpus": 3, "mem": 5000]), strategy: bin)[0].resources
        == 63)
    let spreadShape = PlacementStrategy(
      .ratio, shape: [.init(utilization: 0, score: 10), .init(utilization: 100, score: 0)])
    // cpus 75% -> 25, mem 50% -> 50: 37.5 -> 38.
    #expect(
      try e.match(TaskSpec(id: "", resources: ["cpus": 3, "mem": 5000]), strategy: spreadShape)[0]
        .resources == 38)
    // cpus 100% scores 0 and drops out with its weight: mem alone, 50% -> 50.
    #expect(
      try e.match(TaskSpec(id: "", resources: ["cpus": 4, "mem": 5000]), strategy: spreadShape)[0]
        .resources == 50)
  }

  @Test func weightsAndExtendedResources() throws {
    var e = try engine()
    try e.addAgent(AgentSpec(id: "n1", resources: ["cpus": 4, "mem": 10000, "gpus": 4]))
    let s = PlacementStrategy(.binpack, weights: [("cpus", 1), ("gpus", 3)])
    // cpus 25%, gpus not requested: left out -> 25.
    #expect(try e.match(TaskSpec(id: "", resources: ["cpus": 1]), strategy: s)[0].resources == 25)
    // gpus 50% weight 3: (25 + 150) / 4 = 43.
    #expect(
      try e.match(TaskSpec(id: "", resources: ["cpus": 1, "gpus": 2]), strategy: s)[0].resources
        == 43)
  }

  /// The contract's example, `match` with `spread` after web-1 and etl-1 run: 82 and 43.
  @Test func exampleSessionMatchScores() throws {
    var e = try engine()
    try e.addAgent(
      AgentSpec(
        id: "a1", hostname: "node-1",
        resources: ["cpus": 8, "mem": 16384, "ports": [31000...31009]]))
    try e.addAgent(
      AgentSpec(
        id: "a2", hostname: "node-2", resources: ["cpus": 4, "mem": 8192, "gpus": 1],
        reservations: ["ml": ["cpus": 2, "mem": 4096]]))
    try e.addFramework(FrameworkSpec(id: "marathon", roles: ["web"]))
    try e.addFramework(FrameworkSpec(id: "spark", roles: ["ml"], capabilities: ["gpu"]))
    _ = try e.placeTasks(
      framework: "spark",
      tasks: [TaskSpec(id: "etl-1", resources: ["cpus": 2, "mem": 2048, "gpus": 1])])
    let web = try e.placeTasks(
      framework: "marathon",
      tasks: [TaskSpec(id: "web-1", resources: ["cpus": 1, "mem": 512, "ports": 1])],
      strategy: .firstfit)
    #expect(web.placements.first?.agent == "a1")
    #expect(web.placements.first?.resources.ranges("ports") == RangeSet([31000...31000]))
    let m = try e.match(TaskSpec(id: "", resources: ["cpus": 1, "mem": 1024]), strategy: .spread)
    #expect(
      m == [
        MatchedAgent(agent: "a1", score: 182, resources: 82, affinity: 0, taints: 100, spread: 0),
        MatchedAgent(agent: "a2", score: 143, resources: 43, affinity: 0, taints: 100, spread: 0),
      ])
  }

  @Test func firstFitTakesTheFirstAgentInAgentOrder() throws {
    var e = try engine()
    for i in 0..<3 {
      try e.addAgent(
        AgentSpec(id: "n\(i)", resources: ["cpus": .scalar(Quantity(milli: 1000 * Int64(i + 1)))]))
    }
    try e.addFramework(FrameworkSpec(id: "A"))
    let m = try e.match(TaskSpec(id: "", resources: ["cpus": 2]), strategy: .firstfit)
    #expect(m.map(\.agent) == ["n1", "n2"])
    #expect(m.allSatisfy { $0.score == 0 && $0.taints == 0 })
    let p = try e.placeTasks(
      framework: "A", tasks: [TaskSpec(id: "t", resources: ["cpus": 2])], strategy: .firstfit)
    #expect(p.placements.map(\.agent) == ["n1"])
  }

  @Test func tiesGoToTheEarlierAgent() throws {
    var e = try engine()
    for i in 0..<4 { try e.addAgent(AgentSpec(id: "n\(i)", resources: ["cpus": 4, "mem": 100])) }
    try e.addFramework(FrameworkSpec(id: "A"))
    let p = try e.placeTasks(
      framework: "A", tasks: [TaskSpec(id: "t", resources: ["cpus": 1])], strategy: .spread)
    #expect(p.placements.map(\.agent) == ["n0"])
    // Binpack then keeps filling n0.
    let q = try e.placeTasks(framework: "A", tasks: [TaskSpec(id: "u", resources: ["cpus": 1])])
    #expect(q.placements.map(\.agent) == ["n0"])
  }

  /// PreferNoSchedule taints lower the score through the normalised, reversed taints part;
  /// NoSchedule and NoExecute exclude the agent (tasks without tolerations).
  @Test func taintsInScoresAndFilters() throws {
    var e = try engine()
    try e.addAgent(AgentSpec(id: "clean", resources: ["cpus": 4]))
    try e.addAgent(
      AgentSpec(
        id: "prefer", resources: ["cpus": 4], taints: [Taint(key: "k", effect: .preferNoSchedule)]))
    try e.addAgent(
      AgentSpec(
        id: "blocked", resources: ["cpus": 4], taints: [Taint(key: "k", effect: .noExecute)]))
    let m = try e.match(TaskSpec(id: "", resources: ["cpus": 1]), strategy: .spread)
    #expect(m.map(\.agent) == ["clean", "prefer"])
    #expect(m.map(\.taints) == [100, 0])
    try e.addFramework(FrameworkSpec(id: "A"))
    _ = try e.updateAgent(AgentUpdate(id: "clean", taints: [Taint(key: "x", effect: .noSchedule)]))
    _ = try e.updateAgent(AgentUpdate(id: "prefer", taints: [Taint(key: "x", effect: .noSchedule)]))
    let p = try e.placeTasks(framework: "A", tasks: [TaskSpec(id: "t", resources: ["cpus": 1])])
    #expect(p.unplaced.first?.reason == .taints)
    #expect(
      p.unplaced.first?.message == "0/3 agents fit: 3 have a taint the task does not tolerate")
  }

  // MARK: Gang, quota, reservations, shared state

  @Test func gangIsAllOrNothing() throws {
    var e = try engine()
    try e.addAgent(AgentSpec(id: "m", resources: ["cpus": 3, "mem": 10]))
    try e.addFramework(FrameworkSpec(id: "A"))
    let before = e.state()
    let r = try e.placeTasks(
      framework: "A",
      tasks: [
        TaskSpec(id: "a", resources: ["cpus": 2]), TaskSpec(id: "b", resources: ["cpus": 2]),
        TaskSpec(id: "c", resources: ["cpus": 1]),
      ], gang: true)
    #expect(r.placements.isEmpty)
    #expect(r.unplaced.map(\.task) == ["a", "b", "c"])
    #expect(r.unplaced.map(\.reason) == [.gang, .resources, .gang])
    #expect(e.state() == before)
    #expect(e.placementsMade == 0)
    // Without gang the first and last are placed.
    let s = try e.placeTasks(
      framework: "A",
      tasks: [
        TaskSpec(id: "a", resources: ["cpus": 2]), TaskSpec(id: "b", resources: ["cpus": 2]),
        TaskSpec(id: "c", resources: ["cpus": 1]),
      ])
    #expect(s.placements.map(\.task) == ["a", "c"])
    #expect(s.unplaced.map(\.task) == ["b"])
  }

  @Test func quotaLimitKeepsTasksPending() throws {
    var e = try engine()
    try e.addAgent(AgentSpec(id: "m", resources: ["cpus": 8, "mem": 10]))
    try e.updateRole(RoleUpdate(name: "web", quota: Quota(limit: ["cpus": 2])))
    try e.addFramework(FrameworkSpec(id: "A", roles: ["web"]))
    try submit(&e, "A", 3, ["cpus": 1])
    #expect(try e.schedule().placements.count == 2)
    let s = try e.taskStatus(framework: "A", task: "A-2")
    #expect(s.reason == .quota)
    #expect(s.message == "0/1 agents fit: 1 would take the role past its quota limit")
  }

  /// Placement follows the offer rules for reservations: the role's own, then its
  /// ancestors', then unreserved; another role cannot use them.
  @Test func placementsUseReservationsFirst() throws {
    var e = try engine()
    try e.addAgent(
      AgentSpec(
        id: "m", resources: ["cpus": 4], reservations: ["eng": ["cpus": 1], "eng/ads": ["cpus": 1]])
    )
    try e.addFramework(FrameworkSpec(id: "ads", roles: ["eng/ads"]))
    try e.addFramework(FrameworkSpec(id: "other", roles: ["ops"]))
    _ = try e.placeTasks(framework: "ads", tasks: [TaskSpec(id: "t", resources: ["cpus": 3])])
    let rec = try #require(e.frameworks.tasks[0]["t"]).i
    #expect(e.taskRecords[rec].reserved.map { e.roles.names[$0.role.i] } == ["eng/ads", "eng"])
    #expect(e.taskRecords[rec].unreserved[0] == 1000)
    // ops can take only the one unreserved cpu left.
    let p = try e.placeTasks(framework: "other", tasks: [TaskSpec(id: "x", resources: ["cpus": 2])])
    #expect(p.unplaced.first?.reason == .resources)
    let q = try e.placeTasks(framework: "other", tasks: [TaskSpec(id: "y", resources: ["cpus": 1])])
    #expect(q.placements.count == 1)
    #expect(e.checkInvariants().isEmpty)
  }

  /// Offers and placements work on the same state: offered resources are not placed and
  /// placed ones are not offered.
  @Test func offersAndPlacementsNeverDoubleBook() throws {
    var e = try engine()
    try e.addAgent(AgentSpec(id: "a", resources: ["cpus": 4, "mem": 100]))
    try e.addAgent(AgentSpec(id: "b", resources: ["cpus": 4, "mem": 100]))
    try e.addFramework(FrameworkSpec(id: "F", roles: ["r1"]))
    try e.addFramework(FrameworkSpec(id: "G", roles: ["r2"]))
    _ = try e.placeTasks(
      framework: "G", tasks: [TaskSpec(id: "g", resources: ["cpus": 3, "mem": 50])],
      strategy: .firstfit)
    let offers = e.allocate()
    let onA = try #require(offers.first { $0.agent == "a" })
    #expect(onA.resources.scalar("cpus") == 1)
    #expect(onA.resources.scalar("mem") == 50)
    // Everything free is offered now: nothing fits for G.
    let p = try e.placeTasks(framework: "G", tasks: [TaskSpec(id: "h", resources: ["cpus": 1])])
    #expect(p.unplaced.first?.reason == .resources)
    for o in offers { try e.declineOffer(o.id, refuseSeconds: 0) }
    #expect(
      try e.placeTasks(framework: "G", tasks: [TaskSpec(id: "h", resources: ["cpus": 1])])
        .placements.count == 1)
    #expect(e.checkInvariants().isEmpty)
  }

  @Test func releaseRemovesRunningAndPendingTasks() throws {
    var e = try engine()
    try e.addAgent(AgentSpec(id: "m", resources: ["cpus": 1]))
    try e.addFramework(FrameworkSpec(id: "A"))
    try submit(&e, "A", 2, ["cpus": 1])
    _ = try e.schedule()
    #expect(try e.releaseTasks(framework: "A", tasks: ["A-0", "A-1", "nope"]) == 2)
    #expect(e.pendingTaskCount == 0)
    #expect(e.state().agents[0].available.scalar("cpus") == 1)
    #expect(throws: AllotError.self) { try e.taskStatus(framework: "A", task: "A-0") }
  }

  @Test func noAgentsWhenEverythingDrains() throws {
    var e = try engine()
    try e.addAgent(AgentSpec(id: "m", resources: ["cpus": 1]))
    _ = try e.drainAgent("m")
    try e.addFramework(FrameworkSpec(id: "A"))
    let p = try e.placeTasks(framework: "A", tasks: [TaskSpec(id: "t", resources: ["cpus": 1])])
    #expect(p.unplaced.first?.reason == .noAgents)
  }

  @Test func requestErrorsAreTypedAndChangeNothing() throws {
    var e = try engine()
    try e.addAgent(AgentSpec(id: "m", resources: ["cpus": 4]))
    try e.addFramework(FrameworkSpec(id: "A", roles: ["web"]))
    _ = try e.placeTasks(framework: "A", tasks: [TaskSpec(id: "t", resources: ["cpus": 1])])
    let before = e.state()
    func kind(_ body: (inout Engine) throws(AllotError) -> Void) -> (AllotError.Kind, String?)? {
      do {
        try body(&e)
        return nil
      } catch {
        return (error.kind, error.field)
      }
    }
    #expect(
      kind { (e: inout Engine) throws(AllotError) in
        _ = try e.placeTasks(framework: "A", role: "ops", tasks: [])
      }! == (.invalidParams, "role"))
    #expect(
      kind { (e: inout Engine) throws(AllotError) in _ = try e.placeTasks(framework: "B", tasks: [])
      }! == (.notFound, "framework"))
    #expect(
      kind { (e: inout Engine) throws(AllotError) in
        _ = try e.placeTasks(framework: "A", tasks: [TaskSpec(id: "t", resources: ["cpus": 1])])
      }! == (.conflict, "tasks[0].id"))
    #expect(
      kind { (e: inout Engine) throws(AllotError) in
        _ = try e.submitTasks(
          framework: "A",
          tasks: [TaskSpec(id: "u", resources: ["cpus": .scalar(Quantity(milli: -1000))])])
      }! == (.invalidParams, "tasks[0].resources.cpus"))
    #expect(
      kind { (e: inout Engine) throws(AllotError) in
        _ = try e.submitTasks(
          framework: "A",
          tasks: [TaskSpec(id: "u", resources: [:]), TaskSpec(id: "u", resources: [:])])
      }! == (.conflict, "tasks[1].id"))
    #expect(
      kind { (e: inout Engine) throws(AllotError) in
        _ = try e.schedule(strategy: PlacementStrategy(.binpack, weights: [("cpus", 101)]))
      }! == (.invalidParams, "strategy.resources.cpus"))
    #expect(
      kind { (e: inout Engine) throws(AllotError) in
        _ = try e.schedule(
          strategy: PlacementStrategy(
            .ratio, shape: [.init(utilization: 50, score: 1), .init(utilization: 50, score: 2)]))
      }! == (.invalidParams, "strategy.shape[1].utilization"))
    #expect(e.state() == before)
  }
}
