// Behaviours of Mesos's hierarchical allocator (src/tests/hierarchical_allocator_tests.cpp and
// sorter_tests.cpp in apache/mesos), re-told against Allot's contract
// (/work/shared/spec/protocol.md). Only the scenarios come from Mesos: every expectation is
// computed from the contract where the two differ (two quota passes, filter timing, explicit
// allocation cycles instead of batch timers).

import Testing

@testable import Allot

@Suite struct MesosBehaviourTests {
  /// A fresh clock per test (Swift Testing creates one suite value per test).
  let clock = ManualClock()

  // MARK: - Helpers

  func makeEngine(minAllocatable: [ResourceSpec]? = nil) throws -> Engine {
    if let minAllocatable {
      return try Engine(
        configuration: EngineConfiguration(minAllocatable: minAllocatable, clock: clock))
    }
    return try Engine(configuration: EngineConfiguration(clock: clock))
  }

  /// "framework role agent {resources}" for each offer, in order.
  func seen(_ offers: [Offer]) -> [String] {
    offers.map { "\($0.framework) \($0.role) \($0.agent) \($0.resources)" }
  }

  /// Sets the manual clock to an absolute time in milliseconds.
  func setClock(milli: Int64) {
    clock.set(Seconds(milli: milli))
  }

  func agent(_ engine: Engine, _ id: String) throws -> EngineState.Agent {
    try #require(engine.state().agents.first { $0.id == id })
  }

  func framework(_ engine: Engine, _ id: String) throws -> EngineState.Framework {
    try #require(engine.state().frameworks.first { $0.id == id })
  }

  func role(_ engine: Engine, _ name: String) throws -> EngineState.Role {
    try #require(engine.state().roles.first { $0.name == name })
  }

  /// Expects `body` to throw an error of `kind`.
  func expectError<T>(
    _ kind: AllotError.Kind, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws(AllotError) -> T
  ) {
    do {
      _ = try body()
      Issue.record("expected \(kind), but the call succeeded", sourceLocation: sourceLocation)
    } catch {
      #expect(error.kind == kind, "got \(error)", sourceLocation: sourceLocation)
    }
  }

  /// Expects `op` to fail with `kind` and to leave everything observable as it was: `state()`,
  /// the outstanding offers, the invariants, and what the next cycle would offer.
  func expectAtomicFailure(
    _ engine: inout Engine, _ kind: AllotError.Kind,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ op: (inout Engine) throws(AllotError) -> Void
  ) {
    let before = engine.state()
    let offersBefore = try? engine.outstandingOffers()
    let copy = engine
    do {
      try op(&engine)
      Issue.record("expected \(kind), but the call succeeded", sourceLocation: sourceLocation)
    } catch {
      #expect(error.kind == kind, "got \(error)", sourceLocation: sourceLocation)
    }
    #expect(engine.state() == before, "state changed", sourceLocation: sourceLocation)
    #expect(engine.checkInvariants().isEmpty, sourceLocation: sourceLocation)
    #expect(
      (try? engine.outstandingOffers()) == offersBefore, "outstanding offers changed",
      sourceLocation: sourceLocation)
    var after = engine
    var reference = copy
    #expect(
      seen(after.allocate()) == seen(reference.allocate()), "the next cycle differs",
      sourceLocation: sourceLocation)
  }

  // MARK: - Dominant Resource Fairness

  /// HierarchicalAllocatorTest.UnreservedDRF: each new agent goes to the role, then the
  /// framework, with the lowest dominant share.
  @Test func unreservedDRF() throws {
    var engine = try makeEngine()
    try engine.addAgent(AgentSpec(id: "agent1", resources: ["cpus": 2, "mem": 1024]))
    try engine.addFramework(FrameworkSpec(id: "framework1", roles: ["role1"]))
    #expect(seen(engine.allocate()) == ["framework1 role1 agent1 {cpus:2,mem:1024}"])
    #expect(engine.checkInvariants().isEmpty)

    // role1 0.67, role2 0.
    try engine.addFramework(FrameworkSpec(id: "framework2", roles: ["role2"]))
    try engine.addAgent(AgentSpec(id: "agent2", resources: ["cpus": 1, "mem": 512]))
    #expect(seen(engine.allocate()) == ["framework2 role2 agent2 {cpus:1,mem:512}"])

    // Totals cpus 6, mem 3584: role1 0.33, role2 0.17.
    try engine.addAgent(AgentSpec(id: "agent3", resources: ["cpus": 3, "mem": 2048]))
    #expect(seen(engine.allocate()) == ["framework2 role2 agent3 {cpus:3,mem:2048}"])

    // Totals cpus 10, mem 7680: role1 0.2, role2 0.4; in role1 framework3 (0) < framework1.
    try engine.addFramework(FrameworkSpec(id: "framework3", roles: ["role1"]))
    try engine.addAgent(AgentSpec(id: "agent4", resources: ["cpus": 4, "mem": 4096]))
    #expect(seen(engine.allocate()) == ["framework3 role1 agent4 {cpus:4,mem:4096}"])

    // Totals cpus 11, mem 8192: role1 0.625, role2 0.36: framework4's zero share does not
    // matter, role2 goes first.
    try engine.addFramework(FrameworkSpec(id: "framework4", roles: ["role1"]))
    try engine.addAgent(AgentSpec(id: "agent5", resources: ["cpus": 1, "mem": 512]))
    #expect(seen(engine.allocate()) == ["framework2 role2 agent5 {cpus:1,mem:512}"])
    #expect(engine.checkInvariants().isEmpty)

    #expect(try role(engine, "role1").share == 0.625)
    #expect(try role(engine, "role2").share == 5.0 / 11.0)
    #expect(try framework(engine, "framework1").share == 2.0 / 11.0)
    #expect(try framework(engine, "framework3").share == 0.5)
    #expect(try framework(engine, "framework4").share == 0)
  }

  /// HierarchicalAllocatorTest.ReservedDRF: reserved resources count in the share of the
  /// role they are offered to.
  @Test func reservedDRF() throws {
    var engine = try makeEngine()
    try engine.addAgent(
      AgentSpec(
        id: "agent1", resources: ["cpus": 101, "mem": 1536],
        reservations: ["role1": ["cpus": 100, "mem": 1024]]))
    try engine.addFramework(FrameworkSpec(id: "framework1", roles: ["role1"]))
    #expect(seen(engine.allocate()) == ["framework1 role1 agent1 {cpus:101,mem:1536}"])

    try engine.addFramework(FrameworkSpec(id: "framework2", roles: ["role2"]))
    try engine.addAgent(AgentSpec(id: "agent2", resources: ["cpus": 2, "mem": 512]))
    #expect(seen(engine.allocate()) == ["framework2 role2 agent2 {cpus:2,mem:512}"])

    // role1 holds 101/105 cpus (reserved ones included), role2 holds 512/2560 mem.
    try engine.addAgent(AgentSpec(id: "agent3", resources: ["cpus": 2, "mem": 512]))
    #expect(seen(engine.allocate()) == ["framework2 role2 agent3 {cpus:2,mem:512}"])
    #expect(try role(engine, "role1").share == 101.0 / 105.0)
    #expect(try role(engine, "role2").share == 0.4)

    // Reserved resources are shared fairly within the role: framework3 (0) < framework1.
    try engine.addFramework(FrameworkSpec(id: "framework3", roles: ["role1"]))
    try engine.addAgent(
      AgentSpec(
        id: "agent4", resources: ["cpus": 2, "mem": 1024],
        reservations: ["role1": ["cpus": 2, "mem": 1024]]))
    #expect(seen(engine.allocate()) == ["framework3 role1 agent4 {cpus:2,mem:1024}"])
    #expect(engine.checkInvariants().isEmpty)
  }

  /// HierarchicalAllocatorTest.Reservations: reserved resources go only to their role; a
  /// reservation for a role without frameworks is never offered.
  @Test func reservations() throws {
    var engine = try makeEngine()
    try engine.addAgent(
      AgentSpec(
        id: "agent1", resources: ["cpus": 2, "mem": 1024],
        reservations: ["role1": ["cpus": 2, "mem": 1024]]))
    try engine.addAgent(
      AgentSpec(
        id: "agent2", resources: ["cpus": 3, "mem": 2048],
        reservations: ["role2": ["cpus": 2, "mem": 1024]]))
    try engine.addAgent(
      AgentSpec(
        id: "agent3", resources: ["cpus": 1, "mem": 1024],
        reservations: ["role3": ["cpus": 1, "mem": 1024]]))

    try engine.addFramework(FrameworkSpec(id: "framework1", roles: ["role1"]))
    #expect(
      seen(engine.allocate()) == [
        "framework1 role1 agent1 {cpus:2,mem:1024}",
        "framework1 role1 agent2 {cpus:1,mem:1024}",
      ])

    try engine.addFramework(FrameworkSpec(id: "framework2", roles: ["role2"]))
    #expect(seen(engine.allocate()) == ["framework2 role2 agent2 {cpus:2,mem:1024}"])
    #expect(engine.allocate().isEmpty)
    #expect(try agent(engine, "agent3").offered.spec == ["cpus": 0, "mem": 0])
    #expect(engine.checkInvariants().isEmpty)
  }

  /// Reserved resources count toward their role's share only while offered or allocated.
  ///
  /// Contract: "Resources reserved for a role count toward its share only while offered or
  /// allocated."
  @Test func reservedResourcesCountTowardShareOnlyWhileHeld() throws {
    var engine = try makeEngine()
    try engine.addAgent(
      AgentSpec(
        id: "a1", resources: ["cpus": 10, "mem": 1000],
        reservations: ["role1": ["cpus": 8, "mem": 800]]))
    try engine.addAgent(AgentSpec(id: "a2", resources: ["cpus": 10, "mem": 1000]))
    try engine.addFramework(FrameworkSpec(id: "f1", roles: ["role1"]))
    try engine.addFramework(FrameworkSpec(id: "f2", roles: ["role2"]))
    #expect(try role(engine, "role1").share == 0)

    let offers = engine.allocate()
    #expect(
      seen(offers) == [
        "f1 role1 a1 {cpus:10,mem:1000}",
        "f2 role2 a2 {cpus:10,mem:1000}",
      ])
    #expect(try role(engine, "role1").share == 0.5)
    #expect(try role(engine, "role2").share == 0.5)

    try engine.declineOffer(offers[0].id, refuseSeconds: 0)
    #expect(engine.checkInvariants().isEmpty)
    #expect(try role(engine, "role1").share == 0)
    #expect(try framework(engine, "f1").share == 0)
    #expect(try role(engine, "role2").share == 0.5)
  }

  /// HierarchicalAllocatorTest.CoarseGrained: an offer is a whole agent, at most one per
  /// (framework, role, agent) per cycle.
  @Test func coarseGrained() throws {
    var engine = try makeEngine()
    try engine.addAgent(AgentSpec(id: "agent1", resources: ["cpus": 2, "mem": 1024]))
    try engine.addAgent(AgentSpec(id: "agent2", resources: ["cpus": 2, "mem": 1024]))
    try engine.addFramework(FrameworkSpec(id: "framework1", roles: ["role1"]))
    let first = engine.allocate()
    #expect(
      seen(first) == [
        "framework1 role1 agent1 {cpus:2,mem:1024}",
        "framework1 role1 agent2 {cpus:2,mem:1024}",
      ])
    for o in first { try engine.declineOffer(o.id, refuseSeconds: 0) }

    try engine.addFramework(FrameworkSpec(id: "framework2", roles: ["role2"]))
    // Ties: framework1's role has had 2 offers, role2 none, so role2 goes first.
    #expect(
      seen(engine.allocate()) == [
        "framework2 role2 agent1 {cpus:2,mem:1024}",
        "framework1 role1 agent2 {cpus:2,mem:1024}",
      ])
    #expect(engine.checkInvariants().isEmpty)
  }

  /// HierarchicalAllocatorTest.DRFWithFairnessExclusion: resources named in
  /// `excludeFromShares` do not count in dominant shares.
  @Test func drfWithFairnessExclusion() throws {
    var engine = try Engine(
      configuration: EngineConfiguration(excludeFromShares: ["gpus"], clock: clock))
    try engine.addFramework(FrameworkSpec(id: "f1", roles: ["role1"], capabilities: ["gpu"]))
    try engine.addFramework(FrameworkSpec(id: "f2", roles: ["role2"], capabilities: ["gpu"]))
    try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 1, "mem": 512, "gpus": 4]))
    try engine.addAgent(AgentSpec(id: "a2", resources: ["cpus": 1, "mem": 512]))
    #expect(
      seen(engine.allocate()) == [
        "f1 role1 a1 {cpus:1,gpus:4,mem:512}",
        "f2 role2 a2 {cpus:1,mem:512}",
      ])
    // Without gpus, role1 holds 1/3 like role2 (tie, equal counts, name): role1 gets a3.
    // Counting gpus, role1 would hold 1 and role2 would get it.
    try engine.addAgent(AgentSpec(id: "a3", resources: ["cpus": 1, "mem": 512]))
    #expect(try role(engine, "role1").share == 1.0 / 3.0)
    #expect(try framework(engine, "f1").share == 1.0 / 3.0)
    #expect(seen(engine.allocate()) == ["f1 role1 a3 {cpus:1,mem:512}"])
    #expect(engine.checkInvariants().isEmpty)
  }

  /// A framework with several roles gets at most one offer per (role, agent) per cycle, but
  /// may get one for each of its roles on the same agent.
  @Test func multiRoleFrameworkGetsOneOfferPerRolePerAgent() throws {
    var engine = try makeEngine()
    try engine.updateRole(RoleUpdate(name: "r1", quota: Quota(limit: ["cpus": 1])))
    try engine.addFramework(FrameworkSpec(id: "f", roles: ["r1", "r2"]))
    try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 4, "mem": 1024]))
    #expect(
      seen(engine.allocate()) == [
        "f r1 a1 {cpus:1,mem:1024}",
        "f r2 a1 {cpus:3}",
      ])
    #expect(engine.allocate().isEmpty)
    #expect(try framework(engine, "f").share == 1)
    #expect(engine.checkInvariants().isEmpty)
  }

  // MARK: - Same-share fairness

  /// HierarchicalAllocatorTest.SameShareFairness: equal shares alternate (fewer allocations
  /// first, then the smaller name).
  @Test func sameShareFairness() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "framework1"))
    try engine.addFramework(FrameworkSpec(id: "framework2"))
    try engine.addAgent(AgentSpec(id: "agent1", resources: ["cpus": 2, "mem": 1024]))
    var order: [String] = []
    for _ in 0..<10 {
      let offers = engine.allocate()
      try #require(offers.count == 1)
      #expect(offers[0].resources.spec == ["cpus": 2, "mem": 1024])
      order.append(offers[0].framework)
      try engine.declineOffer(offers[0].id, refuseSeconds: 0)
      #expect(engine.checkInvariants().isEmpty)
    }
    #expect(order == Array(repeating: ["framework1", "framework2"], count: 5).flatMap { $0 })
  }

  /// Sorter tie-break at the role level: roles with equal shares alternate by their
  /// allocation counts, then by name.
  @Test func sameShareFairnessAcrossRoles() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "fx", roles: ["b"]))
    try engine.addFramework(FrameworkSpec(id: "fy", roles: ["a"]))
    try engine.addAgent(AgentSpec(id: "agent1", resources: ["cpus": 2, "mem": 1024]))
    var order: [String] = []
    for _ in 0..<6 {
      let offers = engine.allocate()
      try #require(offers.count == 1)
      order.append("\(offers[0].framework)/\(offers[0].role)")
      try engine.declineOffer(offers[0].id, refuseSeconds: 0)
    }
    #expect(order == ["fy/a", "fx/b", "fy/a", "fx/b", "fy/a", "fx/b"])
  }

  /// Contract: "a framework removed and added again starts from zero" allocations.
  @Test func allocationCountRestartsWhenFrameworkIsAddedAgain() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "a", roles: ["r"]))
    try engine.addFramework(FrameworkSpec(id: "b", roles: ["r"]))
    try engine.addAgent(AgentSpec(id: "agent1", resources: ["cpus": 2, "mem": 1024]))
    var order: [String] = []
    for _ in 0..<3 {
      let offers = engine.allocate()
      try #require(offers.count == 1)
      order.append(offers[0].framework)
      try engine.declineOffer(offers[0].id, refuseSeconds: 0)
    }
    #expect(order == ["a", "b", "a"])
    // a has had 2 offers, b 1; a new `a` has had none.
    let removal = try engine.removeFramework("a")
    #expect(removal == FrameworkRemoval(rescinded: [], released: 0))
    try engine.addFramework(FrameworkSpec(id: "a", roles: ["r"]))
    #expect(seen(engine.allocate()) == ["a r agent1 {cpus:2,mem:1024}"])
    #expect(engine.checkInvariants().isEmpty)
  }

  // MARK: - Weights

  /// HierarchicalAllocatorTest.UpdateWeight / DRFSorter weights: three roles weighted 1:2:3
  /// end up holding 1:2:3 agents with equal weighted shares.
  @Test func updateWeight() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "f1", roles: ["r1"]))
    try engine.addFramework(FrameworkSpec(id: "f2", roles: ["r2"]))
    try engine.addFramework(FrameworkSpec(id: "f3", roles: ["r3"]))
    try engine.updateRole(RoleUpdate(name: "r2", weight: 2))
    try engine.updateRole(RoleUpdate(name: "r3", weight: 3))
    for i in 1...6 {
      try engine.addAgent(AgentSpec(id: "a\(i)", resources: ["cpus": 1, "mem": 512]))
    }
    // Weighted shares (r1/r2/r3) before each agent: a1 0/0/0 -> r1 (name); a2 1/6/0/0 ->
    // r2 (name); a3 -> r3; a4 1/6, 1/12, 1/18 -> r3; a5 1/6, 1/12, 1/9 -> r2; a6 1/6, 1/6,
    // 1/9 -> r3.
    #expect(
      seen(engine.allocate()) == [
        "f1 r1 a1 {cpus:1,mem:512}",
        "f2 r2 a2 {cpus:1,mem:512}",
        "f3 r3 a3 {cpus:1,mem:512}",
        "f3 r3 a4 {cpus:1,mem:512}",
        "f2 r2 a5 {cpus:1,mem:512}",
        "f3 r3 a6 {cpus:1,mem:512}",
      ])
    let roles = engine.state().roles
    #expect(roles.map(\.name) == ["r1", "r2", "r3"])
    #expect(roles.map(\.weight) == [1, 2, 3])
    #expect(roles.map(\.share) == [1.0 / 6.0, 1.0 / 6.0, 1.0 / 6.0])
    #expect(engine.state().frameworks.map(\.share) == [1.0 / 6.0, 2.0 / 6.0, 3.0 / 6.0])
    #expect(engine.checkInvariants().isEmpty)
  }

  // MARK: - Offer filters

  /// HierarchicalAllocatorTest.OfferFilter: a decline with refuseSeconds r at time t filters
  /// the agent while now < t + r.
  @Test func offerFilter() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "framework1", roles: ["role"]))
    try engine.addAgent(AgentSpec(id: "agent1", resources: ["cpus": 1, "mem": 512]))
    setClock(milli: 10_000)
    let offers = engine.allocate()
    try #require(offers.count == 1)
    try engine.declineOffer(offers[0].id, refuseSeconds: 2.5)
    #expect(engine.checkInvariants().isEmpty)
    #expect(engine.allocate().isEmpty)
    setClock(milli: 12_499)
    #expect(engine.allocate().isEmpty)
    setClock(milli: 12_500)
    #expect(seen(engine.allocate()) == ["framework1 role agent1 {cpus:1,mem:512}"])
  }

  /// Contract: `offer.decline`'s refuseSeconds defaults to 5.
  @Test func declineFiltersForFiveSecondsByDefault() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "f", roles: ["r"]))
    try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 1, "mem": 512]))
    setClock(milli: 3_000)
    let offers = engine.allocate()
    try #require(offers.count == 1)
    try engine.declineOffer(offers[0].id)
    setClock(milli: 7_999)
    #expect(engine.allocate().isEmpty)
    setClock(milli: 8_000)
    #expect(seen(engine.allocate()) == ["f r a1 {cpus:1,mem:512}"])
  }

  /// Contract: `offer.accept`'s refuseSeconds (default 5) filters what is left of the offer.
  @Test func acceptFiltersTheLeftoversForFiveSecondsByDefault() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "f", roles: ["r"]))
    try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 2, "mem": 1024]))
    let offers = engine.allocate()
    try #require(offers.count == 1)
    _ = try engine.acceptOffer(
      offers[0].id, tasks: [TaskLaunch(id: "t1", resources: ["cpus": 1, "mem": 512])])
    #expect(engine.checkInvariants().isEmpty)
    #expect(engine.allocate().isEmpty)
    setClock(milli: 4_999)
    #expect(engine.allocate().isEmpty)
    setClock(milli: 5_000)
    #expect(seen(engine.allocate()) == ["f r a1 {cpus:1,mem:512}"])
  }

  /// Contract: "refuseSeconds 0 sets no filter", for decline and accept alike.
  @Test func zeroRefuseSecondsSetsNoFilter() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "f", roles: ["r"]))
    try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 2, "mem": 1024]))
    let first = engine.allocate()
    try #require(first.count == 1)
    try engine.declineOffer(first[0].id, refuseSeconds: 0)
    let second = engine.allocate()
    #expect(seen(second) == ["f r a1 {cpus:2,mem:1024}"])
    try #require(second.count == 1)
    _ = try engine.acceptOffer(
      second[0].id, tasks: [TaskLaunch(id: "t1", resources: ["cpus": 1, "mem": 512])],
      refuseSeconds: 0)
    #expect(seen(engine.allocate()) == ["f r a1 {cpus:1,mem:512}"])
    #expect(engine.checkInvariants().isEmpty)
  }

  /// Mesos's offer-filter subset rule: a filter only refuses offers that are a subset of
  /// what was refused; a bigger offer goes through.
  @Test func offerFilterRefusesOnlySubsetsOfTheRefusedOffer() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "f", roles: ["r"]))
    try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 2, "mem": 1024]))
    let offers = engine.allocate()
    try #require(offers.count == 1)
    _ = try engine.acceptOffer(
      offers[0].id, tasks: [TaskLaunch(id: "t1", resources: ["cpus": 1, "mem": 512])],
      refuseSeconds: 60)
    // {cpus 1, mem 512} is left and refused for 60 s.
    #expect(engine.allocate().isEmpty)
    #expect(try engine.releaseTasks(framework: "f", tasks: ["t1"]) == 1)
    // Now the agent could offer {cpus 2, mem 1024}: not a subset of the refused offer.
    let bigger = engine.allocate()
    #expect(seen(bigger) == ["f r a1 {cpus:2,mem:1024}"])
    #expect(engine.checkInvariants().isEmpty)
  }

  /// Contract fine print: "A subset of what was refused" compares range resources too.
  @Test func offerFilterComparesRangeResources() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "f", roles: ["r"]))
    try engine.addAgent(
      AgentSpec(id: "a1", resources: ["cpus": 1, "mem": 512, "ports": [31000...31001]]))
    let offers = engine.allocate()
    #expect(seen(offers) == ["f r a1 {cpus:1,mem:512,ports:[[31000,31001]]}"])
    try engine.declineOffer(try #require(offers.first).id, refuseSeconds: 60)

    // Fewer ports: still a subset of what was refused.
    #expect(
      try engine.updateAgent(
        AgentUpdate(id: "a1", resources: ["cpus": 1, "mem": 512, "ports": [31000...31000]]))
        == [])
    #expect(engine.allocate().isEmpty)

    // A port that was not refused: not a subset.
    _ = try engine.updateAgent(
      AgentUpdate(id: "a1", resources: ["cpus": 1, "mem": 512, "ports": [31000...31002]]))
    #expect(seen(engine.allocate()) == ["f r a1 {cpus:1,mem:512,ports:[[31000,31002]]}"])
    #expect(engine.checkInvariants().isEmpty)
  }

  /// HierarchicalAllocatorTest.SmallOfferFilterTimeout: while the lower-share framework's
  /// filter applies, the agent goes to the other framework; once it expires, it comes back.
  @Test func smallOfferFilterTimeout() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "framework1", roles: ["role"]))
    try engine.addFramework(FrameworkSpec(id: "framework2", roles: ["role"]))
    try engine.addAgent(AgentSpec(id: "agent1", resources: ["cpus": 1, "mem": 512]))
    let first = engine.allocate()
    #expect(seen(first) == ["framework1 role agent1 {cpus:1,mem:512}"])
    _ = try engine.acceptOffer(
      try #require(first.first).id,
      tasks: [TaskLaunch(id: "t1", resources: ["cpus": 1, "mem": 512])])

    try engine.addAgent(AgentSpec(id: "agent2", resources: ["cpus": 1, "mem": 512]))
    let second = engine.allocate()
    #expect(seen(second) == ["framework2 role agent2 {cpus:1,mem:512}"])
    try engine.declineOffer(try #require(second.first).id, refuseSeconds: 1)

    setClock(milli: 999)
    let third = engine.allocate()
    #expect(seen(third) == ["framework1 role agent2 {cpus:1,mem:512}"])
    try engine.declineOffer(try #require(third.first).id, refuseSeconds: 0)

    setClock(milli: 1_000)
    #expect(seen(engine.allocate()) == ["framework2 role agent2 {cpus:1,mem:512}"])
    #expect(engine.checkInvariants().isEmpty)
  }

  /// Contract: a change of an agent's labels removes every offer filter for it; an update
  /// that gives the same labels is no change.
  @Test func labelChangeRemovesOfferFilters() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "f", roles: ["r"]))
    try engine.addAgent(
      AgentSpec(id: "a1", resources: ["cpus": 1, "mem": 512], labels: ["zone": "a"]))
    let offers = engine.allocate()
    try engine.declineOffer(try #require(offers.first).id, refuseSeconds: 100)
    #expect(try engine.updateAgent(AgentUpdate(id: "a1", labels: [("zone", "a")])) == [])
    #expect(engine.allocate().isEmpty)
    #expect(try engine.updateAgent(AgentUpdate(id: "a1", labels: [("zone", "b")])) == [])
    #expect(seen(engine.allocate()) == ["f r a1 {cpus:1,mem:512}"])
    #expect(engine.checkInvariants().isEmpty)
  }

  /// Contract fine print: filters are removed with their agent.
  @Test func filtersAreRemovedWithTheirAgent() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "f", roles: ["r"]))
    try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 1, "mem": 512]))
    try engine.declineOffer(try #require(engine.allocate().first).id, refuseSeconds: 100)
    #expect(engine.allocate().isEmpty)
    _ = try engine.removeAgent("a1")
    try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 1, "mem": 512]))
    #expect(seen(engine.allocate()) == ["f r a1 {cpus:1,mem:512}"])
    #expect(engine.checkInvariants().isEmpty)
  }

  // MARK: - Quota

  /// HierarchicalAllocatorTest.QuotaProvidesGuarantee: pass 1 offers a role below its
  /// guarantee first, whatever DRF would say.
  @Test func quotaProvidesGuarantee() throws {
    var engine = try makeEngine()
    try engine.updateRole(
      RoleUpdate(name: "quota", quota: Quota(guarantee: ["cpus": 2, "mem": 1024])))
    try engine.addFramework(FrameworkSpec(id: "framework1", roles: ["quota"]))
    try engine.addFramework(FrameworkSpec(id: "framework2", roles: ["no-quota"]))
    try engine.addAgent(AgentSpec(id: "agent1", resources: ["cpus": 1, "mem": 512]))
    try engine.addAgent(AgentSpec(id: "agent2", resources: ["cpus": 1, "mem": 512]))
    // Without quota, `no-quota` would win agent1 on the name tie-break.
    #expect(
      seen(engine.allocate()) == [
        "framework1 quota agent1 {cpus:1,mem:512}",
        "framework1 quota agent2 {cpus:1,mem:512}",
      ])
    #expect(engine.checkInvariants().isEmpty)

    // The guarantee is met: plain DRF again.
    try engine.addAgent(AgentSpec(id: "agent3", resources: ["cpus": 1, "mem": 512]))
    #expect(seen(engine.allocate()) == ["framework2 no-quota agent3 {cpus:1,mem:512}"])
    let q = try role(engine, "quota")
    #expect(q.guarantee.spec == ["cpus": 2, "mem": 1024])
    #expect(q.limit.spec == [:])
  }

  /// HierarchicalAllocatorTest.QuotaAllocationGranularity, as the contract words it: pass 1
  /// offers only the guaranteed names cut to the unmet guarantee; pass 2 adds the rest to the
  /// same offer when the same (framework, role, agent) comes first again.
  @Test func quotaAllocationGranularity() throws {
    var engine = try makeEngine()
    try engine.updateRole(RoleUpdate(name: "q", quota: Quota(guarantee: ["cpus": 1])))
    try engine.addFramework(FrameworkSpec(id: "fq", roles: ["q"]))
    try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 4, "mem": 2048]))
    #expect(seen(engine.allocate()) == ["fq q a1 {cpus:4,mem:2048}"])
    #expect(engine.checkInvariants().isEmpty)

    var other = try makeEngine()
    try other.updateRole(RoleUpdate(name: "q", quota: Quota(guarantee: ["cpus": 1])))
    try other.addFramework(FrameworkSpec(id: "fq", roles: ["q"]))
    try other.addFramework(FrameworkSpec(id: "fa", roles: ["a-other"]))
    try other.addAgent(AgentSpec(id: "a1", resources: ["cpus": 4, "mem": 2048]))
    // Pass 1: q gets its 1 cpu. Pass 2: a-other (share 0) < q (0.25) takes the rest.
    #expect(
      seen(other.allocate()) == [
        "fq q a1 {cpus:1}",
        "fa a-other a1 {cpus:3,mem:2048}",
      ])
    #expect(other.checkInvariants().isEmpty)
  }

  /// HierarchicalAllocatorTest.QuotaSetAsideReservedResources / headroom: unreserved
  /// resources are held back for the unmet guarantee of a role with no framework wanting
  /// them now, in the guaranteed resource only.
  @Test func quotaHeadroomHoldsBackUnreservedResources() throws {
    var engine = try makeEngine()
    try engine.updateRole(RoleUpdate(name: "q", quota: Quota(guarantee: ["cpus": 2])))
    try engine.addFramework(FrameworkSpec(id: "fo", roles: ["other"]))
    try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 2, "mem": 1024]))
    try engine.addAgent(AgentSpec(id: "a2", resources: ["cpus": 2, "mem": 1024]))
    // Headroom cpus 2 of the 4 free: a1 is offered whole, a2 only its mem.
    #expect(
      seen(engine.allocate()) == [
        "fo other a1 {cpus:2,mem:1024}",
        "fo other a2 {mem:1024}",
      ])
    #expect(try agent(engine, "a2").available.spec == ["cpus": 2, "mem": 0])
    #expect(engine.checkInvariants().isEmpty)

    // A framework of q arrives: pass 1 gives it the held-back cpus.
    try engine.addFramework(FrameworkSpec(id: "fq", roles: ["q"]))
    #expect(seen(engine.allocate()) == ["fq q a2 {cpus:2}"])
    #expect(engine.checkInvariants().isEmpty)
  }

  /// Headroom shrinks as the guaranteed role is served in pass 2.
  ///
  /// An offer to the role reduces the headroom by the part that goes toward its unmet
  /// guarantee. Pass 1 cannot serve `q` here, because the minimum judges what pass 1 offers
  /// (guaranteed names only).
  @Test func quotaHeadroomShrinksWhenTheGuaranteedRoleIsServed() throws {
    var engine = try makeEngine()
    try engine.updateRole(RoleUpdate(name: "q", quota: Quota(guarantee: ["cpus": 2])))
    try engine.addFramework(
      FrameworkSpec(id: "fq", roles: ["q"], minAllocatable: ["cpus": 1, "mem": 1]))
    try engine.addFramework(FrameworkSpec(id: "fz", roles: ["z"]))
    try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 2, "mem": 1024]))
    try engine.addAgent(AgentSpec(id: "a2", resources: ["cpus": 2, "mem": 1024]))
    // Pass 1: {cpus 2} lacks mem, below fq's minimum. Pass 2: headroom cpus 2; q (name tie)
    // takes a1 whole, which meets its guarantee, so nothing is held back on a2.
    #expect(
      seen(engine.allocate()) == [
        "fq q a1 {cpus:2,mem:1024}",
        "fz z a2 {cpus:2,mem:1024}",
      ])
    #expect(engine.checkInvariants().isEmpty)
  }

  /// Quota limit chopping: a limit cuts only the resource that would reach it; the rest of
  /// the agent is still offered, and the cut part stays for other roles.
  @Test func quotaLimitChopsOnlyTheLimitedResource() throws {
    var engine = try makeEngine()
    try engine.updateRole(RoleUpdate(name: "lim", quota: Quota(limit: ["cpus": 2])))
    try engine.addFramework(FrameworkSpec(id: "flim", roles: ["lim"]))
    try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 4, "mem": 1024]))
    try engine.addAgent(AgentSpec(id: "a2", resources: ["cpus": 4, "mem": 1024]))
    #expect(
      seen(engine.allocate()) == [
        "flim lim a1 {cpus:2,mem:1024}",
        "flim lim a2 {mem:1024}",
      ])
    #expect(engine.checkInvariants().isEmpty)

    try engine.addFramework(FrameworkSpec(id: "fother", roles: ["other"]))
    #expect(
      seen(engine.allocate()) == [
        "fother other a1 {cpus:2}",
        "fother other a2 {cpus:4}",
      ])
    #expect(try role(engine, "lim").limit.spec == ["cpus": 2])
    #expect(engine.checkInvariants().isEmpty)
  }

  /// HierarchicalAllocatorTest.ReservationWithinQuota: reservations count toward the quota
  /// consumption of their role, offered or not.
  @Test func reservationWithinQuota() throws {
    var engine = try makeEngine()
    try engine.updateRole(RoleUpdate(name: "lim", quota: Quota(limit: ["cpus": 4])))
    try engine.addAgent(
      AgentSpec(
        id: "a1", resources: ["cpus": 2, "mem": 512], reservations: ["lim": ["cpus": 2]]))
    try engine.addAgent(AgentSpec(id: "a2", resources: ["cpus": 4, "mem": 1024]))
    try engine.addFramework(FrameworkSpec(id: "f", roles: ["lim"]))
    // Consumption starts at the 2 reserved cpus: only 2 unreserved cpus fit under the limit.
    #expect(
      seen(engine.allocate()) == [
        "f lim a1 {cpus:2,mem:512}",
        "f lim a2 {cpus:2,mem:1024}",
      ])
    #expect(engine.checkInvariants().isEmpty)
  }

  /// Hierarchical quota (NestedRoleQuota): a limit on `eng` bounds everything its
  /// descendants hold together.
  @Test func nestedRoleQuota() throws {
    var engine = try makeEngine()
    try engine.updateRole(RoleUpdate(name: "eng", quota: Quota(limit: ["cpus": 3])))
    try engine.addFramework(FrameworkSpec(id: "ads", roles: ["eng/ads"]))
    try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 2, "mem": 512]))
    try engine.addAgent(AgentSpec(id: "a2", resources: ["cpus": 2, "mem": 512]))
    #expect(
      seen(engine.allocate()) == [
        "ads eng/ads a1 {cpus:2,mem:512}",
        "ads eng/ads a2 {cpus:1,mem:512}",
      ])

    // A sibling gets no cpus: eng is at its limit.
    try engine.addFramework(FrameworkSpec(id: "web", roles: ["eng/web"]))
    try engine.addAgent(AgentSpec(id: "a3", resources: ["cpus": 2, "mem": 512]))
    #expect(seen(engine.allocate()) == ["web eng/web a3 {mem:512}"])
    #expect(try role(engine, "eng").limit.spec == ["cpus": 3])
    #expect(engine.checkInvariants().isEmpty)
  }

  // MARK: - Hierarchical reservations

  /// HierarchicalAllocatorTest.OfferAncestorReservationsToDescendantChild: a reservation
  /// for `eng` is offered to a framework in `eng/ads`, and to nobody outside `eng`.
  @Test func offerAncestorReservationsToDescendantChild() throws {
    var engine = try makeEngine()
    try engine.addAgent(
      AgentSpec(
        id: "a1", resources: ["cpus": 4, "mem": 1024],
        reservations: ["eng": ["cpus": 2, "mem": 512]]))
    try engine.addFramework(FrameworkSpec(id: "ads", roles: ["eng/ads"]))
    try engine.addFramework(FrameworkSpec(id: "fa", roles: ["aaa"]))
    // `aaa` wins the name tie and gets only the unreserved part.
    #expect(
      seen(engine.allocate()) == [
        "fa aaa a1 {cpus:2,mem:512}",
        "ads eng/ads a1 {cpus:2,mem:512}",
      ])
    #expect(engine.checkInvariants().isEmpty)
  }

  /// Not the other way round: a reservation for `eng/ads` is not offered to a framework in
  /// `eng`.
  @Test func descendantReservationsAreNotOfferedToAncestor() throws {
    var engine = try makeEngine()
    try engine.addAgent(
      AgentSpec(
        id: "a1", resources: ["cpus": 2, "mem": 512],
        reservations: ["eng/ads": ["cpus": 2, "mem": 512]]))
    try engine.addAgent(AgentSpec(id: "a2", resources: ["cpus": 1, "mem": 512]))
    try engine.addFramework(FrameworkSpec(id: "engfw", roles: ["eng"]))
    #expect(seen(engine.allocate()) == ["engfw eng a2 {cpus:1,mem:512}"])
    #expect(engine.allocate().isEmpty)

    try engine.addFramework(FrameworkSpec(id: "ads", roles: ["eng/ads"]))
    #expect(seen(engine.allocate()) == ["ads eng/ads a1 {cpus:2,mem:512}"])
    #expect(engine.checkInvariants().isEmpty)
  }

  /// Contract: tasks draw the role's own reservation, then its ancestors' from the nearest,
  /// then unreserved resources.
  @Test func acceptDrawsOwnReservationThenAncestorsThenUnreserved() throws {
    var engine = try makeEngine()
    try engine.addAgent(
      AgentSpec(
        id: "a1", resources: ["cpus": 6, "mem": 1536],
        reservations: ["eng": ["cpus": 2, "mem": 512], "eng/ads": ["cpus": 2, "mem": 512]]))
    try engine.addFramework(FrameworkSpec(id: "ads", roles: ["eng/ads"]))
    let offers = engine.allocate()
    #expect(seen(offers) == ["ads eng/ads a1 {cpus:6,mem:1536}"])
    let launched = try engine.acceptOffer(
      try #require(offers.first).id,
      tasks: [TaskLaunch(id: "t1", resources: ["cpus": 3, "mem": 768])])
    #expect(launched.map(\.id) == ["t1"])
    #expect(launched.first?.resources.spec == ["cpus": 3, "mem": 768])

    // t1 holds eng/ads's {2, 512} and eng's {1, 256}: left are eng's {1, 256} and the
    // unreserved {2, 512}.
    try engine.addFramework(FrameworkSpec(id: "plain", roles: ["plain"]))
    try engine.addFramework(FrameworkSpec(id: "engfw", roles: ["eng"]))
    #expect(
      seen(engine.allocate()) == [
        "plain plain a1 {cpus:2,mem:512}",
        "engfw eng a1 {cpus:1,mem:256}",
      ])
    #expect(engine.checkInvariants().isEmpty)
  }

  // MARK: - Suppress and revive

  /// HierarchicalAllocatorTest.SuppressAndReviveOffersWithMultiRole: suppress and revive
  /// act per role; revive clears filters of those roles only; neither rescinds.
  @Test func suppressAndReviveOffersWithMultiRole() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "f", roles: ["r1", "r2"]))
    try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 2, "mem": 1024]))

    let o1 = try #require(engine.allocate().first)
    #expect(o1.role == "r1")
    try engine.declineOffer(o1.id, refuseSeconds: 1000)
    let o2 = try #require(engine.allocate().first)
    #expect(o2.role == "r2")
    try engine.declineOffer(o2.id, refuseSeconds: 1000)
    #expect(engine.allocate().isEmpty)

    // Revive r1 only: r1's filter goes, r2's stays.
    try engine.revive(framework: "f", roles: ["r1"])
    let o3 = try #require(engine.allocate().first)
    #expect(seen([o3]) == ["f r1 a1 {cpus:2,mem:1024}"])
    try engine.declineOffer(o3.id, refuseSeconds: 1000)
    #expect(engine.allocate().isEmpty)

    // Suppress r1; revive r2 (clears r2's filter): r2 is offered, r1 is not.
    try engine.suppress(framework: "f", roles: ["r1"])
    #expect(try framework(engine, "f").suppressed == ["r1"])
    try engine.revive(framework: "f", roles: ["r2"])
    #expect(try framework(engine, "f").suppressed == ["r1"])
    let o4 = try #require(engine.allocate().first)
    #expect(seen([o4]) == ["f r2 a1 {cpus:2,mem:1024}"])

    // Suppressing does not rescind the outstanding offer.
    try engine.suppress(framework: "f", roles: ["r2"])
    #expect(try framework(engine, "f").suppressed == ["r1", "r2"])
    #expect(try engine.outstandingOffers(framework: "f").map(\.id) == [o4.id])
    try engine.declineOffer(o4.id, refuseSeconds: 0)
    #expect(engine.allocate().isEmpty)

    // Revive all roles: unsuppressed, and r1's filter is gone too.
    try engine.revive(framework: "f")
    #expect(try framework(engine, "f").suppressed == [])
    #expect(seen(engine.allocate()) == ["f r1 a1 {cpus:2,mem:1024}"])
    // Revive does not rescind either.
    try engine.revive(framework: "f")
    #expect(try engine.outstandingOffers(framework: "f").count == 1)
    #expect(engine.checkInvariants().isEmpty)
  }

  // MARK: - GPUs

  /// Mesos's GPU_RESOURCES capability: an agent with GPUs offers nothing to a framework
  /// without the `gpu` capability; an agent whose gpus total is 0 is not a GPU agent.
  @Test func gpuAgentsAreOfferedOnlyToGPUCapableFrameworks() throws {
    var engine = try makeEngine()
    try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 4, "mem": 1024, "gpus": 1]))
    try engine.addAgent(AgentSpec(id: "a2", resources: ["cpus": 4, "mem": 1024]))
    try engine.addAgent(AgentSpec(id: "a3", resources: ["cpus": 1, "mem": 512, "gpus": 0]))
    try engine.addFramework(FrameworkSpec(id: "plain"))
    #expect(
      seen(engine.allocate()) == [
        "plain default a2 {cpus:4,mem:1024}",
        "plain default a3 {cpus:1,mem:512}",
      ])
    #expect(engine.allocate().isEmpty)

    try engine.addFramework(FrameworkSpec(id: "gpu-fw", capabilities: ["gpu"]))
    #expect(seen(engine.allocate()) == ["gpu-fw default a1 {cpus:4,gpus:1,mem:1024}"])
    #expect(engine.checkInvariants().isEmpty)
  }

  // MARK: - Minimum allocatable

  /// HierarchicalAllocatorTest.Allocatable: the default minimum is cpus 0.01 or mem 32,
  /// judged on the whole offer (reserved and unreserved); ranges alone are an empty offer.
  @Test func allocatable() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "framework1", roles: ["role1"]))
    try engine.addAgent(AgentSpec(id: "agent1", resources: ["cpus": 0.005, "mem": 16]))
    try engine.addAgent(AgentSpec(id: "agent2", resources: ["cpus": 0.01, "mem": 16]))
    try engine.addAgent(AgentSpec(id: "agent3", resources: ["cpus": 0.005, "mem": 32]))
    try engine.addAgent(
      AgentSpec(
        id: "agent4", resources: ["cpus": 0.01, "mem": 16],
        reservations: ["role1": ["cpus": 0.005]]))
    try engine.addAgent(AgentSpec(id: "agent5", resources: ["ports": [1...100]]))
    try engine.addAgent(AgentSpec(id: "agent6", resources: ["cpus": 0.009, "mem": 31.999]))
    #expect(
      seen(engine.allocate()) == [
        "framework1 role1 agent2 {cpus:0.01,mem:16}",
        "framework1 role1 agent3 {cpus:0.005,mem:32}",
        "framework1 role1 agent4 {cpus:0.01,mem:16}",
      ])
    #expect(engine.checkInvariants().isEmpty)
  }

  /// A framework's own minAllocatable replaces the engine's minimum: every listed amount
  /// must be in the offer.
  @Test func frameworkMinAllocatable() throws {
    var engine = try makeEngine()
    try engine.addFramework(
      FrameworkSpec(id: "picky", roles: ["r"], minAllocatable: ["cpus": 1, "mem": 256]))
    try engine.addFramework(FrameworkSpec(id: "other", roles: ["s"]))
    try engine.addAgent(AgentSpec(id: "small", resources: ["cpus": 0.5, "mem": 1024]))
    try engine.addAgent(AgentSpec(id: "ok", resources: ["cpus": 1, "mem": 256]))
    // `r` wins every tie on name, but picky refuses `small`.
    #expect(
      seen(engine.allocate()) == [
        "other s small {cpus:0.5,mem:1024}",
        "picky r ok {cpus:1,mem:256}",
      ])
    #expect(engine.checkInvariants().isEmpty)
  }

  /// `minAllocatable: {}` accepts any non-empty offer, but an offer of ranges alone is
  /// empty.
  @Test func emptyMinAllocatableAcceptsAnyNonEmptyOffer() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "any", minAllocatable: [:]))
    try engine.addAgent(AgentSpec(id: "tiny", resources: ["cpus": 0.001]))
    try engine.addAgent(AgentSpec(id: "ports-only", resources: ["ports": [1...10]]))
    try engine.addAgent(
      AgentSpec(id: "zeros", resources: ["cpus": 0, "mem": 0, "ports": [20...30]]))
    #expect(seen(engine.allocate()) == ["any default tiny {cpus:0.001}"])

    // The same agents under the engine's minimum: nothing.
    var strict = try makeEngine()
    try strict.addFramework(FrameworkSpec(id: "dflt"))
    try strict.addAgent(AgentSpec(id: "tiny", resources: ["cpus": 0.001]))
    try strict.addAgent(AgentSpec(id: "ports-only", resources: ["ports": [1...10]]))
    #expect(strict.allocate().isEmpty)
    #expect(engine.checkInvariants().isEmpty)
  }

  // MARK: - Rescinds, lost tasks, removals

  /// Draining rescinds the agent's offers and stops new ones; activating brings it back.
  @Test func drainRescindsOffersAndStopsNewOnes() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "f", roles: ["r"]))
    try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 2, "mem": 1024]))
    try engine.addAgent(AgentSpec(id: "a2", resources: ["cpus": 2, "mem": 1024]))
    let offers = engine.allocate()
    try #require(offers.count == 2)
    #expect(try engine.drainAgent("a1") == [offers[0].id])
    #expect(engine.checkInvariants().isEmpty)
    #expect(try engine.outstandingOffers().map(\.id) == [offers[1].id])
    let a1 = try agent(engine, "a1")
    #expect(a1.draining)
    #expect(a1.offered.spec == ["cpus": 0, "mem": 0])
    #expect(a1.available.spec == ["cpus": 2, "mem": 1024])
    #expect(engine.state().total.spec == ["cpus": 4, "mem": 2048])
    expectError(.conflict) { () throws(AllotError) in try engine.declineOffer(offers[0].id) }

    #expect(engine.allocate().isEmpty)
    #expect(try engine.drainAgent("a1") == [])
    #expect(try engine.activateAgent("a1") == [])
    #expect(try engine.activateAgent("a1") == [])
    #expect(try agent(engine, "a1").draining == false)
    #expect(seen(engine.allocate()) == ["f r a1 {cpus:2,mem:1024}"])
    #expect(engine.checkInvariants().isEmpty)
  }

  /// A change of an agent's resources first rescinds its outstanding offers; a change of
  /// labels alone does not.
  @Test func agentResourceChangeRescindsItsOffers() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "f", roles: ["r"]))
    try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 2, "mem": 1024]))
    let offer = try #require(engine.allocate().first)
    #expect(try engine.updateAgent(AgentUpdate(id: "a1", labels: [("k", "v")])) == [])
    #expect(try engine.outstandingOffers().map(\.id) == [offer.id])
    #expect(
      try engine.updateAgent(AgentUpdate(id: "a1", resources: ["cpus": 3, "mem": 1024]))
        == [offer.id])
    #expect(try engine.outstandingOffers().isEmpty)
    #expect(engine.checkInvariants().isEmpty)
    #expect(seen(engine.allocate()) == ["f r a1 {cpus:3,mem:1024}"])
  }

  /// Removing an agent rescinds its offers and loses its tasks, sorted by (framework, task);
  /// lost tasks are forgotten.
  @Test func removeAgentRescindsOffersAndLosesTasks() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "b-fw", roles: ["r"]))
    try engine.addFramework(FrameworkSpec(id: "a-fw", roles: ["r"]))
    try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 4, "mem": 4096]))

    let o1 = try #require(engine.allocate().first)
    #expect(o1.framework == "a-fw")
    _ = try engine.acceptOffer(
      o1.id, tasks: [TaskLaunch(id: "z", resources: ["cpus": 1, "mem": 1024])],
      refuseSeconds: 0)
    let o2 = try #require(engine.allocate().first)
    #expect(seen([o2]) == ["b-fw r a1 {cpus:3,mem:3072}"])
    _ = try engine.acceptOffer(
      o2.id,
      tasks: [
        TaskLaunch(id: "t2", resources: ["cpus": 1, "mem": 1024]),
        TaskLaunch(id: "t1", resources: ["cpus": 1, "mem": 1024]),
      ], refuseSeconds: 0)
    let o3 = try #require(engine.allocate().first)
    #expect(seen([o3]) == ["a-fw r a1 {cpus:1,mem:1024}"])

    let removal = try engine.removeAgent("a1")
    #expect(removal.rescinded == [o3.id])
    #expect(
      removal.lostTasks == [
        LostTask(framework: "a-fw", task: "z"),
        LostTask(framework: "b-fw", task: "t1"),
        LostTask(framework: "b-fw", task: "t2"),
      ])
    #expect(engine.checkInvariants().isEmpty)
    let state = engine.state()
    #expect(state.agents.isEmpty)
    #expect(state.total.spec == ["cpus": 0, "mem": 0])
    #expect(state.frameworks.map(\.running) == [0, 0])
    #expect(state.frameworks.map(\.share) == [0, 0])
    expectError(.conflict) { () throws(AllotError) in try engine.declineOffer(o3.id) }

    // Lost tasks are forgotten: their ids are free again.
    try engine.addAgent(AgentSpec(id: "a2", resources: ["cpus": 1, "mem": 1024]))
    let o4 = try #require(engine.allocate().first)
    let launched = try engine.acceptOffer(
      o4.id, tasks: [TaskLaunch(id: o4.framework == "a-fw" ? "z" : "t1", resources: ["cpus": 1])])
    #expect(launched.count == 1)
    #expect(engine.checkInvariants().isEmpty)
  }

  /// Removing a framework rescinds its offers and returns all its tasks' resources
  /// (`released` counts the running tasks).
  @Test func removeFrameworkReturnsEverything() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "f1", roles: ["r"]))
    try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 4, "mem": 4096]))
    try engine.addAgent(AgentSpec(id: "a2", resources: ["cpus": 4, "mem": 4096]))
    let first = engine.allocate()
    try #require(first.count == 2)
    _ = try engine.acceptOffer(
      first[0].id,
      tasks: [
        TaskLaunch(id: "t1", resources: ["cpus": 1, "mem": 1024]),
        TaskLaunch(id: "t2", resources: ["cpus": 1, "mem": 1024]),
      ], refuseSeconds: 0)
    _ = try engine.acceptOffer(
      first[1].id, tasks: [TaskLaunch(id: "t3", resources: ["cpus": 1, "mem": 1024])],
      refuseSeconds: 0)
    let second = engine.allocate()
    #expect(
      seen(second) == [
        "f1 r a1 {cpus:2,mem:2048}",
        "f1 r a2 {cpus:3,mem:3072}",
      ])
    #expect(try framework(engine, "f1").running == 3)

    let removal = try engine.removeFramework("f1")
    #expect(removal == FrameworkRemoval(rescinded: second.map(\.id), released: 3))
    #expect(engine.checkInvariants().isEmpty)
    let state = engine.state()
    #expect(state.frameworks.isEmpty)
    for a in state.agents {
      #expect(a.allocated.spec == ["cpus": 0, "mem": 0])
      #expect(a.offered.spec == ["cpus": 0, "mem": 0])
      #expect(a.available.spec == ["cpus": 4, "mem": 4096])
    }
    expectError(.notFound) { () throws(AllotError) in
      try engine.releaseTasks(framework: "f1", tasks: ["t1"])
    }

    try engine.addFramework(FrameworkSpec(id: "f2", roles: ["r"]))
    #expect(
      seen(engine.allocate()) == [
        "f2 r a1 {cpus:4,mem:4096}",
        "f2 r a2 {cpus:4,mem:4096}",
      ])
  }

  // MARK: - Accept

  /// Accept: tasks hold their resources, range counts take the lowest free values, the rest
  /// returns to the pool.
  @Test func acceptLaunchesTasksAndReturnsTheRest() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "f", roles: ["r"]))
    try engine.addAgent(
      AgentSpec(id: "a1", resources: ["cpus": 4, "mem": 2048, "ports": [31000...31009]]))
    let offer = try #require(engine.allocate().first)
    let launched = try engine.acceptOffer(
      offer.id,
      tasks: [
        TaskLaunch(id: "t1", resources: ["cpus": 1, "mem": 512, "ports": 2]),
        TaskLaunch(id: "t2", resources: ["cpus": 0.5, "mem": 256, "ports": [31005...31005]]),
        TaskLaunch(id: "t3", resources: ["cpus": 0.5, "mem": 256, "ports": 1]),
      ])
    #expect(launched.map(\.id) == ["t1", "t2", "t3"])
    #expect(
      launched.map(\.resources.spec) == [
        ["cpus": 1, "mem": 512, "ports": [31000...31001]],
        ["cpus": 0.5, "mem": 256, "ports": [31005...31005]],
        ["cpus": 0.5, "mem": 256, "ports": [31002...31002]],
      ])
    #expect(engine.checkInvariants().isEmpty)
    let a1 = try agent(engine, "a1")
    #expect(
      a1.allocated.spec == ["cpus": 2, "mem": 1024, "ports": [31000...31002, 31005...31005]])
    #expect(a1.offered.spec == ["cpus": 0, "mem": 0, "ports": []])
    #expect(
      a1.available.spec == ["cpus": 2, "mem": 1024, "ports": [31003...31004, 31006...31009]])
    #expect(try framework(engine, "f").running == 3)
    #expect(try framework(engine, "f").allocated.spec == ["cpus": 2, "mem": 1024])

    // The rest comes back after the default 5 s filter.
    setClock(milli: 5_000)
    #expect(
      seen(engine.allocate()) == [
        "f r a1 {cpus:2,mem:1024,ports:[[31003,31004],[31006,31009]]}"
      ])
  }

  /// Accept: asking for more than the offer holds is insufficientResources, and the offer
  /// stays outstanding.
  @Test func acceptAskingMoreThanTheOfferIsInsufficientResources() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "f", roles: ["r"]))
    try engine.addAgent(
      AgentSpec(id: "a1", resources: ["cpus": 4, "mem": 2048, "ports": [31000...31009]]))
    let offer = try #require(engine.allocate().first)
    let asks: [[TaskLaunch]] = [
      [TaskLaunch(id: "t", resources: ["cpus": 4.001])],
      [
        TaskLaunch(id: "t1", resources: ["cpus": 3, "mem": 1024]),
        TaskLaunch(id: "t2", resources: ["cpus": 2, "mem": 1024]),
      ],
      [TaskLaunch(id: "t", resources: ["ports": 11])],
      [TaskLaunch(id: "t", resources: ["ports": [30999...31000]])],
      [TaskLaunch(id: "t", resources: ["cpus": 1, "gpus": 1])],
    ]
    for tasks in asks {
      expectAtomicFailure(&engine, .insufficientResources) { (e: inout Engine) throws(AllotError) in
        _ = try e.acceptOffer(offer.id, tasks: tasks)
      }
    }
    #expect(try engine.outstandingOffers().map(\.id) == [offer.id])
    let exact = try engine.acceptOffer(
      offer.id, tasks: [TaskLaunch(id: "t", resources: ["cpus": 4, "mem": 2048, "ports": 10])])
    #expect(exact.first?.resources.spec == ["cpus": 4, "mem": 2048, "ports": [31000...31009]])
    #expect(engine.checkInvariants().isEmpty)
  }

  /// An offer that was issued and is no longer outstanding (accepted, declined, rescinded) is
  /// conflict.
  @Test func offerNoLongerOutstandingIsConflict() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "f", roles: ["r"]))
    try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 1, "mem": 512]))
    try engine.addAgent(AgentSpec(id: "a2", resources: ["cpus": 1, "mem": 512]))
    try engine.addAgent(AgentSpec(id: "a3", resources: ["cpus": 1, "mem": 512]))
    let offers = engine.allocate()
    try #require(offers.count == 3)
    _ = try engine.acceptOffer(offers[0].id, tasks: [])
    try engine.declineOffer(offers[1].id)
    #expect(try engine.drainAgent("a3") == [offers[2].id])
    for o in offers {
      expectAtomicFailure(&engine, .conflict) { (e: inout Engine) throws(AllotError) in
        _ = try e.acceptOffer(o.id, tasks: [])
      }
      expectAtomicFailure(&engine, .conflict) { (e: inout Engine) throws(AllotError) in
        try e.declineOffer(o.id)
      }
      expectAtomicFailure(&engine, .conflict) { (e: inout Engine) throws(AllotError) in
        try e.declineOffer(o.id.description, refuseSeconds: 0)
      }
    }
  }

  /// An offer id that was never issued is notFound.
  @Test func offerNeverIssuedIsNotFound() throws {
    var engine = try makeEngine()
    try engine.addFramework(FrameworkSpec(id: "f", roles: ["r"]))
    try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 1, "mem": 512]))
    let offer = try #require(engine.allocate().first)
    let next = OfferID(sequence: offer.id.sequence + 1000)
    for id in [next.description, "banana", "o0", "o", "O1"] {
      expectAtomicFailure(&engine, .notFound) { (e: inout Engine) throws(AllotError) in
        _ = try e.acceptOffer(id, tasks: [])
      }
      expectAtomicFailure(&engine, .notFound) { (e: inout Engine) throws(AllotError) in
        try e.declineOffer(id)
      }
    }
    #expect(try engine.outstandingOffers().map(\.id) == [offer.id])
  }

  // MARK: - The contract's example session

  /// examples.md, "Cluster set-up" and "An offer cycle".
  @Test func exampleSessionOfferCycle() throws {
    var engine = try makeEngine()
    try engine.addAgent(
      AgentSpec(
        id: "a1", hostname: "node-1",
        resources: ["cpus": 8, "mem": 16384, "ports": [31000...31009]],
        labels: ["zone": "us-east-1a", "disk": "ssd"]))
    try engine.addAgent(
      AgentSpec(
        id: "a2", hostname: "node-2", resources: ["cpus": 4, "mem": 8192, "gpus": 1],
        labels: ["zone": "us-east-1b"], reservations: ["ml": ["cpus": 2, "mem": 4096]]))
    try engine.addFramework(FrameworkSpec(id: "marathon", roles: ["web"]))
    try engine.addFramework(FrameworkSpec(id: "spark", roles: ["ml"], capabilities: ["gpu"]))
    try engine.updateRole(RoleUpdate(name: "web", weight: 2))
    #expect(engine.checkInvariants().isEmpty)

    let offers = engine.allocate()
    #expect(
      seen(offers) == [
        "spark ml a1 {cpus:8,mem:16384,ports:[[31000,31009]]}",
        "spark ml a2 {cpus:4,gpus:1,mem:8192}",
      ])
    #expect(offers.map(\.hostname) == ["node-1", "node-2"])
    try #require(offers.count == 2)
    #expect(offers[0].id != offers[1].id)

    try engine.declineOffer(offers[0].id, refuseSeconds: 30)
    let tasks = try engine.acceptOffer(
      offers[1].id,
      tasks: [TaskLaunch(id: "etl-1", resources: ["cpus": 2, "mem": 2048, "gpus": 1])])
    #expect(tasks.map(\.id) == ["etl-1"])
    #expect(tasks.first?.resources.spec == ["cpus": 2, "gpus": 1, "mem": 2048])
    expectAtomicFailure(&engine, .conflict) { (e: inout Engine) throws(AllotError) in
      _ = try e.acceptOffer(offers[1].id, tasks: [])
    }
    #expect(try engine.outstandingOffers(framework: "spark").isEmpty)
    #expect(engine.checkInvariants().isEmpty)

    let state = engine.state()
    #expect(state.now == .zero)
    #expect(state.total.spec == ["cpus": 12, "gpus": 1, "mem": 24576])
    #expect(state.agents.map(\.id) == ["a1", "a2"])
    let a2 = try agent(engine, "a2")
    #expect(a2.hostname == "node-2")
    #expect(a2.total.spec == ["cpus": 4, "gpus": 1, "mem": 8192])
    #expect(a2.reserved.map(\.role) == ["ml"])
    #expect(a2.reserved.map(\.resources.spec) == [["cpus": 2, "mem": 4096]])
    #expect(a2.allocated.spec == ["cpus": 2, "gpus": 1, "mem": 2048])
    #expect(a2.offered.spec == ["cpus": 0, "gpus": 0, "mem": 0])
    #expect(a2.available.spec == ["cpus": 2, "gpus": 0, "mem": 6144])
    #expect(a2.labels.map { "\($0.key)=\($0.value)" } == ["zone=us-east-1b"])
    #expect(a2.draining == false)
    let a1 = try agent(engine, "a1")
    #expect(a1.labels.map { "\($0.key)=\($0.value)" } == ["disk=ssd", "zone=us-east-1a"])
    #expect(a1.reserved.isEmpty)
    #expect(a1.offered.spec == ["cpus": 0, "mem": 0, "ports": []])

    let spark = try framework(engine, "spark")
    #expect(spark.roles == ["ml"])
    #expect(spark.allocated.spec == ["cpus": 2, "gpus": 1, "mem": 2048])
    #expect(spark.share == 1)
    #expect(spark.suppressed == [])
    #expect(spark.pending == 0)
    #expect(spark.running == 1)

    #expect(state.roles.map(\.name) == ["ml", "web"])
    let ml = try role(engine, "ml")
    #expect(ml.weight == 1)
    #expect(ml.guarantee.spec == [:])
    #expect(ml.limit.spec == [:])
    #expect(ml.allocated.spec == ["cpus": 2, "gpus": 1, "mem": 2048])
    #expect(ml.share == 1)
    #expect(try role(engine, "web").weight == 2)
    #expect(try role(engine, "web").share == 0)
  }

  // MARK: - Atomicity

  /// Every failing call leaves the engine exactly as it was: each error kind the engine API
  /// can raise, in a cluster with tasks, offers, filters and quota.
  @Test func failingCallsLeaveTheStateUnchanged() throws {
    var engine = try makeEngine()
    try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 4, "mem": 4096]))
    try engine.addAgent(
      AgentSpec(id: "a2", resources: ["cpus": 4, "mem": 4096, "ports": [31000...31009]]))
    try engine.updateRole(RoleUpdate(name: "lim", quota: Quota(limit: ["cpus": 6])))
    try engine.addFramework(FrameworkSpec(id: "f1", roles: ["lim"]))
    try engine.addFramework(FrameworkSpec(id: "f2", roles: ["other"]))
    let first = engine.allocate()
    #expect(
      seen(first) == [
        "f1 lim a1 {cpus:4,mem:4096}",
        "f2 other a2 {cpus:4,mem:4096,ports:[[31000,31009]]}",
      ])
    try #require(first.count == 2)
    _ = try engine.acceptOffer(
      first[0].id, tasks: [TaskLaunch(id: "t1", resources: ["cpus": 1, "mem": 512])],
      refuseSeconds: 30)
    try engine.declineOffer(first[1].id, refuseSeconds: 0)
    let second = engine.allocate()
    #expect(
      seen(second) == [
        "f2 other a1 {cpus:3,mem:3584}",
        "f1 lim a2 {cpus:4,mem:4096,ports:[[31000,31009]]}",
      ])
    try #require(second.count == 2)
    let f1Offer = second[1].id
    let f2Offer = second[0].id
    #expect(engine.checkInvariants().isEmpty)

    // invalidParams (-32602).
    expectAtomicFailure(&engine, .invalidParams) { (e: inout Engine) throws(AllotError) in
      try e.addAgent(
        AgentSpec(id: "a3", resources: ["disk": 10, "cpus": .scalar(Quantity(milli: -1000))]))
    }
    expectAtomicFailure(&engine, .invalidParams) { (e: inout Engine) throws(AllotError) in
      try e.addFramework(FrameworkSpec(id: "f3", roles: ["*"]))
    }
    expectAtomicFailure(&engine, .invalidParams) { (e: inout Engine) throws(AllotError) in
      try e.updateRole(
        RoleUpdate(name: "lim", quota: Quota(guarantee: ["cpus": 8], limit: ["cpus": 6])))
    }
    expectAtomicFailure(&engine, .invalidParams) { (e: inout Engine) throws(AllotError) in
      try e.declineOffer(f1Offer, refuseSeconds: Seconds(milli: -1))
    }
    expectAtomicFailure(&engine, .invalidParams) { (e: inout Engine) throws(AllotError) in
      try e.revive(framework: "f1", roles: ["other"])
    }
    expectAtomicFailure(&engine, .invalidParams) { (e: inout Engine) throws(AllotError) in
      _ = try e.updateFramework(FrameworkUpdate(id: "f1", roles: []))
    }
    expectAtomicFailure(&engine, .invalidParams) { (e: inout Engine) throws(AllotError) in
      _ = try e.updateAgent(
        AgentUpdate(id: "a1", resources: ["cpus": 4], reservations: [("lim", ["cpus": 5])]))
    }

    // notFound.
    expectAtomicFailure(&engine, .notFound) { (e: inout Engine) throws(AllotError) in
      _ = try e.removeAgent("ghost")
    }
    expectAtomicFailure(&engine, .notFound) { (e: inout Engine) throws(AllotError) in
      _ = try e.updateAgent(AgentUpdate(id: "ghost", resources: ["disk3": 1]))
    }
    expectAtomicFailure(&engine, .notFound) { (e: inout Engine) throws(AllotError) in
      _ = try e.removeFramework("ghost")
    }
    expectAtomicFailure(&engine, .notFound) { (e: inout Engine) throws(AllotError) in
      try e.suppress(framework: "ghost")
    }
    expectAtomicFailure(&engine, .notFound) { (e: inout Engine) throws(AllotError) in
      _ = try e.drainAgent("ghost")
    }
    expectAtomicFailure(&engine, .notFound) { (e: inout Engine) throws(AllotError) in
      _ = try e.releaseTasks(framework: "ghost", tasks: ["t1"])
    }
    expectAtomicFailure(&engine, .notFound) { (e: inout Engine) throws(AllotError) in
      try e.declineOffer("o999")
    }

    // conflict.
    expectAtomicFailure(&engine, .conflict) { (e: inout Engine) throws(AllotError) in
      try e.addAgent(AgentSpec(id: "a1", resources: ["cpus": 1, "disk": 5]))
    }
    expectAtomicFailure(&engine, .conflict) { (e: inout Engine) throws(AllotError) in
      try e.addFramework(FrameworkSpec(id: "f1", minAllocatable: ["foo": 1]))
    }
    expectAtomicFailure(&engine, .conflict) { (e: inout Engine) throws(AllotError) in
      _ = try e.acceptOffer(first[0].id, tasks: [])
    }
    expectAtomicFailure(&engine, .conflict) { (e: inout Engine) throws(AllotError) in
      try e.declineOffer(first[1].id)
    }
    expectAtomicFailure(&engine, .conflict) { (e: inout Engine) throws(AllotError) in
      _ = try e.acceptOffer(f1Offer, tasks: [TaskLaunch(id: "t1", resources: ["cpus": 1])])
    }
    expectAtomicFailure(&engine, .conflict) { (e: inout Engine) throws(AllotError) in
      _ = try e.acceptOffer(
        f1Offer,
        tasks: [
          TaskLaunch(id: "x", resources: ["cpus": 1]),
          TaskLaunch(id: "x", resources: ["cpus": 1]),
        ])
    }

    // insufficientResources.
    expectAtomicFailure(&engine, .insufficientResources) { (e: inout Engine) throws(AllotError) in
      _ = try e.acceptOffer(
        f1Offer,
        tasks: [
          TaskLaunch(id: "ok", resources: ["cpus": 1, "ports": 2]),
          TaskLaunch(id: "big", resources: ["cpus": 10]),
        ])
    }
    expectAtomicFailure(&engine, .insufficientResources) { (e: inout Engine) throws(AllotError) in
      _ = try e.updateAgent(AgentUpdate(id: "a1", resources: ["cpus": 0.5, "mem": 4096]))
    }

    // quotaExceeded.
    expectAtomicFailure(&engine, .quotaExceeded) { (e: inout Engine) throws(AllotError) in
      try e.updateRole(RoleUpdate(name: "lim", quota: Quota(limit: ["cpus": 0.5, "newq": 1])))
    }
    expectAtomicFailure(&engine, .quotaExceeded) { (e: inout Engine) throws(AllotError) in
      try e.addAgent(
        AgentSpec(
          id: "a3", resources: ["cpus": 2, "mem": 1, "disk": 1],
          reservations: ["lim": ["cpus": 2]]))
    }

    // After all that, the cluster still works as before.
    #expect(try engine.outstandingOffers().map(\.id) == [f2Offer, f1Offer])
    let done = try engine.acceptOffer(
      f1Offer, tasks: [TaskLaunch(id: "t2", resources: ["cpus": 1, "ports": 1])])
    #expect(done.first?.resources.spec == ["cpus": 1, "ports": [31000...31000]])
    #expect(engine.checkInvariants().isEmpty)
  }
}
