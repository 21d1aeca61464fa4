import Testing

@testable import Allot

/// The offer cycle's shortcuts (suppressed frameworks out of the offer heaps, spent roles
/// parked for the rest of a pass) must not change a single decision: the same operations on
/// an engine with parking and one without give the same offers, in the same order.
@Suite struct CycleShortcutTests {
  @Test(arguments: Array(0..<30))
  func parkingChangesNoOffer(seed: Int) throws {
    var rng = SeededRandom(seed: UInt64(seed) &* 104_729 &+ 7)
    let clock = ManualClock()
    var fast = try Engine(configuration: EngineConfiguration(clock: clock))
    var plain = fast
    plain.parkSpentRoles = false
    func both(_ op: (inout Engine) throws -> Void) throws {
      try op(&fast)
      try op(&plain)
    }
    let roleNames = ["a", "a/x", "a/y", "b", "b/x", "c", "c/z", "d"]
    for r in roleNames where Int.random(in: 0..<3, using: &rng) > 0 {
      let g = Int64.random(in: 0...6, using: &rng)
      let l = g + Int64.random(in: 0...6, using: &rng)
      var quota = Quota()
      if g > 0 { quota.guarantee = ["cpus": .scalar(Quantity(milli: 1000 * g))] }
      if Bool.random(using: &rng) {
        quota.limit = [
          "cpus": .scalar(Quantity(milli: 1000 * l)),
          "mem": .scalar(Quantity(milli: 4_000_000 * l)),
        ]
      }
      let w = Double(Int.random(in: 1...3, using: &rng))
      try both { try $0.updateRole(RoleUpdate(name: r, weight: w, quota: quota)) }
    }
    for i in 0..<Int.random(in: 4...14, using: &rng) {
      let cpus = Int64.random(in: 1...8, using: &rng)
      let res: ResourceSpec = [
        "cpus": .scalar(Quantity(milli: 1000 * cpus)),
        "mem": .scalar(Quantity(milli: 4_000_000 * cpus)),
      ]
      var reservations: KeyValuePairs<String, ResourceSpec> = [:]
      if Int.random(in: 0..<5, using: &rng) == 0 {
        reservations = [roleNames.randomElement(using: &rng)!: ["cpus": 1]]
      }
      let spec = AgentSpec(id: "agent\(i)", resources: res, reservations: reservations)
      // A reservation beyond a role's limit is refused on both engines alike.
      let okFast = (try? fast.addAgent(spec)) != nil
      let okPlain = (try? plain.addAgent(spec)) != nil
      #expect(okFast == okPlain)
    }
    var frameworkIDs: [String] = []
    for i in 0..<Int.random(in: 3...10, using: &rng) {
      let rs = Array(roleNames.shuffled(using: &rng).prefix(Int.random(in: 1...2, using: &rng)))
      let id = "fw\(i)"
      frameworkIDs.append(id)
      try both { try $0.addFramework(FrameworkSpec(id: id, roles: rs)) }
    }
    for round in 0..<8 {
      let a = fast.allocate()
      let b = plain.allocate()
      #expect(a == b, "seed \(seed) round \(round)")
      #expect(fast.checkInvariants().isEmpty)
      for o in a {
        let roll = Int.random(in: 0..<4, using: &rng)
        let refuse = Seconds(milli: 1000 * Int64.random(in: 0...3, using: &rng))
        let half = Quantity(milli: o.resources.scalar("cpus").milli / 2)
        try both {
          if roll == 0 && half.milli > 0 {
            _ = try $0.acceptOffer(
              o.id,
              tasks: [TaskLaunch(id: "t\(round)-\(o.id)", resources: ["cpus": .scalar(half)])],
              refuseSeconds: refuse)
          } else {
            try $0.declineOffer(o.id, refuseSeconds: refuse)
          }
        }
      }
      let f = frameworkIDs.randomElement(using: &rng)!
      let suppress = Bool.random(using: &rng)
      try both { suppress ? try $0.suppress(framework: f) : try $0.revive(framework: f) }
      clock.advance(by: Seconds(milli: Int64.random(in: 0...2000, using: &rng)))
    }
    #expect(fast.state() == plain.state())
  }

  /// Suppression concerns offers only (the contract): a suppressed framework's queued tasks
  /// are placed in DRF order among the active frameworks' tasks, as before it was
  /// suppressed, and it receives no offers.
  @Test func suppressedFrameworksStillPlaceInDRFOrder() throws {
    func run(suppressA: Bool) throws -> ([String], Int) {
      var e = try Engine(configuration: EngineConfiguration(clock: ManualClock()))
      try e.addAgent(AgentSpec(id: "a1", resources: ["cpus": 9, "mem": 18]))
      try e.addFramework(FrameworkSpec(id: "A", roles: ["r"]))
      try e.addFramework(FrameworkSpec(id: "B", roles: ["r"]))
      if suppressA { try e.suppress(framework: "A") }
      _ = try e.submitTasks(
        framework: "A",
        tasks: (0..<10).map { TaskSpec(id: "a\($0)", resources: ["cpus": 1, "mem": 4]) })
      _ = try e.submitTasks(
        framework: "B",
        tasks: (0..<10).map { TaskSpec(id: "b\($0)", resources: ["cpus": 3, "mem": 1]) })
      let placed = try e.schedule().placements.map(\.task)
      // The agent is full: release tasks so that A holds the lowest share (4/18 mem against
      // B's 3/9 cpus), then offer what returned.
      _ = try e.releaseTasks(framework: "A", tasks: ["a0", "a1"])
      _ = try e.releaseTasks(framework: "B", tasks: ["b0"])
      let offers = e.allocate()
      return (placed, offers.filter { $0.framework == "A" }.count)
    }
    let (withSuppression, offeredToA) = try run(suppressA: true)
    let (without, offeredToAUnsuppressed) = try run(suppressA: false)
    // The DRF paper's example: A gets 3 tasks, B gets 2, in the same order either way.
    #expect(withSuppression == without)
    #expect(withSuppression.filter { $0.hasPrefix("a") }.count == 3)
    #expect(withSuppression.filter { $0.hasPrefix("b") }.count == 2)
    // Offers skip A while it is suppressed; otherwise A, with the lowest share, gets them.
    #expect(offeredToA == 0)
    #expect(offeredToAUnsuppressed == 1)
  }

  /// Mesos's LargeAndSmallQuota shape, scaled down: once the quotas are met, every role is
  /// spent; the cycles park them and still decide exactly like plain walks.
  @Test func quotaLargeAndSmallParksSpentRoles() throws {
    var fast = try Engine(configuration: EngineConfiguration(clock: ManualClock()))
    for i in 0..<36 {
      try fast.addAgent(AgentSpec(id: "agent\(i)", resources: ["cpus": 2, "mem": 2048]))
    }
    for i in 0..<30 {
      let q: ResourceSpec = ["cpus": 1, "mem": 1024]
      try fast.updateRole(RoleUpdate(name: "small\(i)", quota: Quota(guarantee: q, limit: q)))
      try fast.addFramework(FrameworkSpec(id: "fs\(i)", roles: ["small\(i)"]))
    }
    for i in 0..<6 {
      let q: ResourceSpec = ["cpus": 4, "mem": 4096]
      try fast.updateRole(RoleUpdate(name: "large\(i)", quota: Quota(guarantee: q, limit: q)))
      try fast.addFramework(FrameworkSpec(id: "fl\(i)", roles: ["large\(i)"]))
    }
    var plain = fast
    plain.parkSpentRoles = false
    let first = fast.allocate()
    #expect(first == plain.allocate())
    // Quotas: 30 half agents and 6 x 2 agents = 27 agents' worth: each role gets exactly
    // its guarantee (= limit) of cpus.
    var cpus: [String: Int64] = [:]
    for o in first { cpus[o.role, default: 0] += o.resources.scalar("cpus").milli }
    #expect(cpus.count == 36)
    for (role, milli) in cpus {
      #expect(milli == (role.hasPrefix("small") ? 1000 : 4000), "\(role)")
    }
    #expect(fast.rolesParked > 0)
    #expect(fast.allocate() == plain.allocate())
    #expect(fast.checkInvariants().isEmpty)
  }
}
