import Testing

@testable import Allot

/// Placement and offers with the matching rules wired in: selectors, node affinity,
/// tolerations, Marathon constraints and topology spread.
@Suite struct PlacementMatchingTests {
  func engine() throws -> Engine {
    try Engine(configuration: EngineConfiguration(clock: ManualClock()))
  }

  /// The contract's example session, placement part: web-1 lands on a1 (the only ssd agent
  /// in the two zones); web-2 is refused by a2 for the selector and by a1 for UNIQUE.
  @Test func exampleSessionPlacement() throws {
    var e = try engine()
    try e.addAgent(
      AgentSpec(
        id: "a1", hostname: "node-1",
        resources: ["cpus": 8, "mem": 16384, "ports": [31000...31009]],
        labels: ["zone": "us-east-1a", "disk": "ssd"]))
    try e.addAgent(
      AgentSpec(
        id: "a2", hostname: "node-2", resources: ["cpus": 4, "mem": 8192, "gpus": 1],
        labels: ["zone": "us-east-1b"], reservations: ["ml": ["cpus": 2, "mem": 4096]]))
    try e.addFramework(FrameworkSpec(id: "marathon", roles: ["web"]))
    let r = try e.placeTasks(
      framework: "marathon",
      tasks: [
        TaskSpec(
          id: "web-1", group: "web", resources: ["cpus": 1, "mem": 512, "ports": 1],
          selector: try LabelSelector(parsing: "zone in (us-east-1a,us-east-1b),disk=ssd"),
          constraints: try MarathonConstraint.parseList([["hostname", "UNIQUE"]])),
        TaskSpec(
          id: "web-2", group: "web", resources: ["cpus": 1, "mem": 512],
          selector: try LabelSelector(parsing: "disk=ssd"),
          constraints: try MarathonConstraint.parseList("hostname:UNIQUE")),
      ])
    #expect(r.placements.map(\.agent) == ["a1"])
    #expect(r.placements.first?.resources.ranges("ports") == RangeSet([31000...31000]))
    #expect(
      r.unplaced == [
        Unplaced(
          task: "web-2", reason: .selector,
          message:
            "0/2 agents fit: 1 do not match the selector, 1 violate constraint hostname:UNIQUE")
      ])
  }

  /// Marathon once let UNIQUE be violated by checking several tasks against the same old
  /// state: tasks placed earlier in the same call count.
  @Test func uniqueHoldsWithinOneCall() throws {
    var e = try engine()
    for i in 0..<3 { try e.addAgent(AgentSpec(id: "n\(i)", resources: ["cpus": 8])) }
    try e.addFramework(FrameworkSpec(id: "m"))
    let unique = try MarathonConstraint.parseList("hostname:UNIQUE")
    let tasks = (0..<4).map {
      TaskSpec(id: "t\($0)", group: "g", resources: ["cpus": 1], constraints: unique)
    }
    let r = try e.placeTasks(framework: "m", tasks: tasks)
    #expect(Set(r.placements.map(\.agent)) == ["n0", "n1", "n2"])
    #expect(r.unplaced.map(\.reason) == [.constraints])
    // Across calls too, and a release frees the host.
    _ = try e.releaseTasks(framework: "m", tasks: [r.placements[0].task])
    let again = try e.placeTasks(
      framework: "m",
      tasks: [TaskSpec(id: "t9", group: "g", resources: ["cpus": 1], constraints: unique)])
    #expect(again.placements.map(\.agent) == [r.placements[0].agent])
  }

  @Test func maxPerAndClusterAndLike() throws {
    var e = try engine()
    for i in 0..<4 {
      try e.addAgent(
        AgentSpec(
          id: "n\(i)", resources: ["cpus": 8],
          labels: ["rack": "r\(i % 2)", "os": i < 3 ? "ubuntu-22" : "centos-7"]))
    }
    try e.addFramework(FrameworkSpec(id: "m"))
    let maxPer = try MarathonConstraint.parseList([["rack", "MAX_PER", "1"]])
    let r = try e.placeTasks(
      framework: "m",
      tasks: (0..<3).map {
        TaskSpec(id: "a\($0)", group: "a", resources: ["cpus": 1], constraints: maxPer)
      },
      strategy: .spread)
    #expect(r.placements.count == 2)
    #expect(Set(r.placements.map { $0.agent }).count == 2)
    // CLUSTER without a value anchors on the first placed task's value.
    let cluster = try MarathonConstraint.parseList([["rack", "CLUSTER"]])
    let c = try e.placeTasks(
      framework: "m",
      tasks: (0..<3).map {
        TaskSpec(id: "c\($0)", group: "c", resources: ["cpus": 1], constraints: cluster)
      },
      strategy: .spread)
    let racks = Set(
      c.placements.map { p in
        e.state().agents.first { $0.id == p.agent }!.labels.first { $0.key == "rack" }!.value
      })
    #expect(c.placements.count == 3 && racks.count == 1)
    let like = try MarathonConstraint.parseList("os:LIKE:ubuntu.*")
    let l = try e.placeTasks(
      framework: "m", tasks: [TaskSpec(id: "l", resources: ["cpus": 7], constraints: like)])
    #expect(l.placements.first.map { $0.agent != "n3" } == true)
  }

  /// Required terms are OR-ed, expressions AND-ed; preferred weights feed the score.
  @Test func nodeAffinity() throws {
    var e = try engine()
    try e.addAgent(AgentSpec(id: "small", resources: ["cpus": 4], labels: ["size": "2"]))
    try e.addAgent(
      AgentSpec(id: "large", resources: ["cpus": 4], labels: ["size": "16", "ssd": "true"]))
    try e.addAgent(AgentSpec(id: "none", resources: ["cpus": 4]))
    let gt = NodeAffinity(required: [
      NodeSelectorTerm(matchExpressions: [
        NodeSelectorRequirement(key: "size", operator: .gt, values: ["4"])
      ])
    ])
    #expect(
      try e.match(TaskSpec(id: "", resources: ["cpus": 1], affinity: gt)).map(\.agent) == ["large"])
    let preferred = NodeAffinity(preferred: [
      PreferredSchedulingTerm(
        weight: 50,
        term: NodeSelectorTerm(matchExpressions: [
          NodeSelectorRequirement(key: "ssd", operator: .exists)
        ]))
    ])
    let m = try e.match(
      TaskSpec(id: "", resources: ["cpus": 1], affinity: preferred), strategy: .spread)
    #expect(m.first?.agent == "large")
    #expect(m.map(\.affinity) == [100, 0, 0])
    // An empty required list matches nothing.
    #expect(
      try e.match(TaskSpec(id: "", resources: ["cpus": 1], affinity: NodeAffinity(required: [])))
        .isEmpty)
    try e.addFramework(FrameworkSpec(id: "f"))
    let r = try e.placeTasks(
      framework: "f",
      tasks: [TaskSpec(id: "t", resources: ["cpus": 1], affinity: NodeAffinity(required: []))])
    #expect(r.unplaced.first?.reason == .affinity)
  }

  @Test func tolerationsLetTasksOntoTaintedAgents() throws {
    var e = try engine()
    try e.addAgent(
      AgentSpec(
        id: "gpu", resources: ["cpus": 4],
        taints: [Taint(key: "gpu", value: "yes", effect: .noSchedule)]))
    try e.addAgent(
      AgentSpec(
        id: "soft", resources: ["cpus": 4], taints: [Taint(key: "spot", effect: .preferNoSchedule)])
    )
    #expect(try e.match(TaskSpec(id: "", resources: ["cpus": 1])).map(\.agent) == ["soft"])
    let tol = [Toleration(key: "gpu", operator: .equal, value: "yes", effect: .noSchedule)]
    let m = try e.match(
      TaskSpec(id: "", resources: ["cpus": 1], tolerations: tol), strategy: .spread)
    #expect(m.map(\.agent) == ["gpu", "soft"])
    #expect(m.map(\.taints) == [100, 0])
    let all = [Toleration(key: "", operator: .exists)]
    let n = try e.match(
      TaskSpec(id: "", resources: ["cpus": 1], tolerations: all), strategy: .spread)
    #expect(n.map(\.taints) == [100, 100])
  }

  /// PodTopologySpread with DoNotSchedule: the skew never exceeds maxSkew; agents without
  /// the key are excluded.
  @Test func topologySpreadDoNotSchedule() throws {
    var e = try engine()
    for i in 0..<4 {
      try e.addAgent(AgentSpec(id: "n\(i)", resources: ["cpus": 16], labels: ["zone": "z\(i % 2)"]))
    }
    try e.addAgent(AgentSpec(id: "nozone", resources: ["cpus": 64]))
    try e.addFramework(FrameworkSpec(id: "f"))
    let spread = [
      TopologySpread.Constraint(topologyKey: "zone", maxSkew: 1, whenUnsatisfiable: .doNotSchedule)
    ]
    let r = try e.placeTasks(
      framework: "f",
      tasks: (0..<6).map {
        TaskSpec(id: "t\($0)", group: "g", resources: ["cpus": 1], spread: spread)
      })
    #expect(r.placements.count == 6)
    var perZone: [String: Int] = [:]
    for p in r.placements {
      #expect(p.agent != "nozone")
      let zone = e.state().agents.first { $0.id == p.agent }!.labels.first { $0.key == "zone" }!
        .value
      perZone[zone, default: 0] += 1
    }
    #expect(perZone == ["z0": 3, "z1": 3])
  }

  @Test func offerSelectorLimitsOffers() throws {
    var e = try engine()
    try e.addAgent(AgentSpec(id: "a", resources: ["cpus": 4], labels: ["pool": "batch"]))
    try e.addAgent(AgentSpec(id: "b", resources: ["cpus": 4], labels: ["pool": "web"]))
    try e.addFramework(
      FrameworkSpec(id: "f", offerSelector: try LabelSelector(parsing: "pool=web")))
    #expect(e.allocate().map(\.agent) == ["b"])
    _ = try e.updateFramework(FrameworkUpdate(id: "f", offerSelector: .some(nil)))
    #expect(e.allocate().map(\.agent) == ["a"])
    // A label change is seen by the index at once.
    _ = try e.updateAgent(AgentUpdate(id: "a", labels: [("pool", "gpu")]))
    _ = try e.updateFramework(
      FrameworkUpdate(id: "f", offerSelector: .some(try LabelSelector(parsing: "pool in (gpu)"))))
    for o in try e.outstandingOffers() { try e.declineOffer(o.id, refuseSeconds: 0) }
    #expect(e.allocate().map(\.agent) == ["a"])
  }

  /// Tasks launched through offer.accept count for constraints.
  @Test func acceptedTasksCountForConstraints() throws {
    var e = try engine()
    try e.addAgent(AgentSpec(id: "a", hostname: "h", resources: ["cpus": 4]))
    try e.addFramework(FrameworkSpec(id: "f"))
    let o = e.allocate()[0]
    _ = try e.acceptOffer(
      o.id, tasks: [TaskLaunch(id: "x", group: "g", resources: ["cpus": 1])], refuseSeconds: 0)
    let r = try e.placeTasks(
      framework: "f",
      tasks: [
        TaskSpec(
          id: "y", group: "g", resources: ["cpus": 1],
          constraints: MarathonConstraint.parseList("hostname:UNIQUE"))
      ])
    #expect(r.unplaced.first?.reason == .constraints)
  }
}
