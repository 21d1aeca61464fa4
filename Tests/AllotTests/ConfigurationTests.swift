import Testing

@testable import Allot

@Suite struct ConfigurationTests {
  func agentOrder(seed: UInt64?, cycles: Int) throws -> [[String]] {
    let clock = ManualClock()
    var e = try Engine(configuration: EngineConfiguration(shuffleSeed: seed, clock: clock))
    for i in 0..<12 { try e.addAgent(AgentSpec(id: "a\(i)", resources: ["cpus": 1, "mem": 64])) }
    try e.addFramework(FrameworkSpec(id: "f"))
    var out: [[String]] = []
    for _ in 0..<cycles {
      let offers = e.allocate()
      out.append(offers.map(\.agent))
      for o in offers { try e.declineOffer(o.id, refuseSeconds: 0) }
    }
    return out
  }

  /// Mesos's allocator shuffles agents every cycle (`--allocator_agent_ordering`); ours is
  /// seeded, so a seed replays exactly.
  @Test func seededShuffleIsRedoneEveryCycleAndReplays() throws {
    let a = try agentOrder(seed: 7, cycles: 4)
    let b = try agentOrder(seed: 7, cycles: 4)
    let c = try agentOrder(seed: 8, cycles: 4)
    let plain = try agentOrder(seed: nil, cycles: 2)
    let ids = (0..<12).map { "a\($0)" }
    #expect(a == b)
    for cycle in a { #expect(cycle.sorted() == ids.sorted()) }
    #expect(Set(a).count > 1, "the shuffle is redone every cycle")
    #expect(a != c, "another seed gives other orders")
    #expect(a.contains { $0 != ids })
    #expect(plain == [ids, ids], "without a seed agents are visited in insertion order")
  }

  @Test func insertionOrderSurvivesRemovalAndSlotReuse() throws {
    var e = try Engine(configuration: EngineConfiguration(clock: ManualClock()))
    for id in ["x", "y", "z"] { try e.addAgent(AgentSpec(id: id, resources: ["cpus": 1])) }
    _ = try e.removeAgent("x")
    try e.addAgent(AgentSpec(id: "w", resources: ["cpus": 1]))
    #expect(e.state().agents.map(\.id) == ["y", "z", "w"])
    try e.addFramework(FrameworkSpec(id: "f"))
    #expect(e.allocate().map(\.agent) == ["y", "z", "w"])
  }

  /// `--min-allocatable 'cpus:0.01|mem:32'`: alternatives, each a conjunction.
  @Test func engineMinimumIsAlternativesOfConjunctions() throws {
    var e = try Engine(
      configuration: EngineConfiguration(
        minAllocatable: [["cpus": 1, "mem": 10], ["disk": 5]], clock: ManualClock()))
    try e.addAgent(AgentSpec(id: "cpu-only", resources: ["cpus": 4]))
    try e.addAgent(AgentSpec(id: "both", resources: ["cpus": 1, "mem": 10]))
    try e.addAgent(AgentSpec(id: "disk", resources: ["disk": 5]))
    try e.addAgent(AgentSpec(id: "little-disk", resources: ["disk": 4.999]))
    try e.addFramework(FrameworkSpec(id: "f"))
    #expect(e.allocate().map(\.agent) == ["both", "disk"])
  }

  @Test func invalidConfigurationIsATypedError() {
    #expect(throws: AllotError.self) {
      _ = try Engine(configuration: EngineConfiguration(excludeFromShares: ["GPU"]))
    }
    #expect(throws: AllotError.self) {
      _ = try Engine(
        configuration: EngineConfiguration(minAllocatable: [["cpus": .ranges([1...2])]]))
    }
  }
}
