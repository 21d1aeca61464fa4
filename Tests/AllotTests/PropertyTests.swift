import Foundation
import Testing

@testable import Allot

/// The seeded generator of the tests (SplitMix64) so failures replay from the seed.
typealias SeededRandom = SplitMix64

/// The reference model: what must be true of the engine from the calls that succeeded.
struct ReferenceModel {
  var agentTotals: [String: ResourceSpec] = [:]
  var agentOrder: [String] = []
  var frameworks: Set<String> = []
  /// framework -> task ids running.
  var tasks: [String: Set<String>] = [:]
  /// task -> agent.
  var taskAgent: [String: String] = [:]
}

@Suite struct PropertyTests {
  static var operationCount: Int {
    if let s = ProcessInfo.processInfo.environment["ALLOT_PROPERTY_OPS"], let n = Int(s) {
      return n
    }
    return 100_000
  }

  let roleNames = ["default", "web", "ml", "eng", "eng/ads", "eng/ads/x", "ops"]

  func randomResources(_ rng: inout SeededRandom, ports: Bool) -> ResourceSpec {
    var spec: ResourceSpec = [
      "cpus": .scalar(Quantity(milli: Int64.random(in: 0...16_000, using: &rng))),
      "mem": .scalar(Quantity(milli: Int64.random(in: 0...32_000_000, using: &rng))),
    ]
    if Bool.random(using: &rng) {
      spec["disk"] = .scalar(Quantity(milli: Int64.random(in: 0...100_000, using: &rng)))
    }
    if Int.random(in: 0..<5, using: &rng) == 0 {
      spec["gpus"] = .scalar(Quantity(milli: 1000 * Int64.random(in: 0...2, using: &rng)))
    }
    if ports {
      let lo = UInt64.random(in: 31000...31100, using: &rng)
      spec["ports"] = .ranges([lo...(lo + UInt64.random(in: 0...20, using: &rng))])
    }
    return spec
  }

  func fraction(_ v: ResourceValue?, _ rng: inout SeededRandom) -> ResourceValue? {
    guard case .scalar(let q)? = v else { return nil }
    let f = Int64.random(in: 0...1100, using: &rng)
    return .scalar(Quantity(milli: q.milli * f / 1000))
  }

  struct Snapshot: Equatable {
    var state: EngineState
    var offers: [Offer]
    var offersMade: UInt64
  }

  func snapshot(_ e: Engine) -> Snapshot {
    Snapshot(state: e.state(), offers: (try? e.outstandingOffers()) ?? [], offersMade: e.offersMade)
  }

  @Test func randomOperationsKeepAccountingExact() throws {
    let count = PropertyTests.operationCount
    var rng = SeededRandom(seed: 0xA110_7)
    let clock = ManualClock()
    var engine = try Engine(configuration: EngineConfiguration(clock: clock))
    var model = ReferenceModel()
    var nextAgent = 0
    var nextFramework = 0
    var nextTask = 0
    var failures = 0
    var offersSeen = 0
    for step in 0..<count {
      let before = snapshot(engine)
      var op = Int.random(in: 0..<100, using: &rng)
      // Keep the cluster small and dense: at most 16 agents and 8 frameworks.
      if op < 8, model.agentOrder.count >= 16 { op = 8 }
      if (16..<21).contains(op), model.frameworks.count >= 8 { op = 21 }
      var failed = false
      do {
        switch op {
        case 0..<8:
          // Add an agent, sometimes with reservations, sometimes a duplicate or bad input.
          let id =
            Int.random(in: 0..<10, using: &rng) == 0 && !model.agentOrder.isEmpty
            ? model.agentOrder.randomElement(using: &rng)! : "a\(nextAgent)"
          var res = randomResources(&rng, ports: Bool.random(using: &rng))
          if Int.random(in: 0..<20, using: &rng) == 0 {
            res["cpus"] = .scalar(Quantity(milli: -1))
          }
          var reservations: KeyValuePairs<String, ResourceSpec> = [:]
          if Int.random(in: 0..<3, using: &rng) == 0 {
            let role = roleNames.randomElement(using: &rng)!
            var r: ResourceSpec = [:]
            r["cpus"] = fraction(res["cpus"], &rng)
            r["mem"] = fraction(res["mem"], &rng)
            reservations = [role: r]
          }
          try engine.addAgent(
            AgentSpec(
              id: id, resources: res,
              labels: ["rack": "r\(Int.random(in: 0..<3, using: &rng))"],
              reservations: reservations))
          model.agentTotals[id] = res
          model.agentOrder.append(id)
          nextAgent += 1
        case 8..<10:
          let id = model.agentOrder.randomElement(using: &rng) ?? "none"
          let r = try engine.removeAgent(id)
          for lost in r.lostTasks {
            model.tasks[lost.framework]?.remove(lost.task)
            model.taskAgent[lost.framework + "/" + lost.task] = nil
          }
          model.agentTotals[id] = nil
          model.agentOrder.removeAll { $0 == id }
        case 10..<13:
          let id = model.agentOrder.randomElement(using: &rng) ?? "none"
          var update = AgentUpdate(id: id)
          if Bool.random(using: &rng) {
            update.resources = randomResources(&rng, ports: Bool.random(using: &rng))
          }
          if Bool.random(using: &rng) {
            update.labels = [("rack", "r\(Int.random(in: 0..<3, using: &rng))")]
          }
          if Int.random(in: 0..<3, using: &rng) == 0 {
            let role = roleNames.randomElement(using: &rng)!
            update.reservations = [
              (role, ["cpus": .scalar(Quantity(milli: Int64.random(in: 0...4000, using: &rng)))])
            ]
          }
          _ = try engine.updateAgent(update)
          if let r = update.resources { model.agentTotals[id] = r }
        case 13..<16:
          let id = model.agentOrder.randomElement(using: &rng) ?? "none"
          if Bool.random(using: &rng) {
            _ = try engine.drainAgent(id)
          } else {
            _ = try engine.activateAgent(id)
          }
        case 16..<21:
          let id =
            Int.random(in: 0..<10, using: &rng) == 0 && !model.frameworks.isEmpty
            ? model.frameworks.randomElement(using: &rng)! : "f\(nextFramework)"
          var rs = Array(roleNames.shuffled(using: &rng).prefix(Int.random(in: 1...2, using: &rng)))
          if Int.random(in: 0..<20, using: &rng) == 0 { rs = ["*"] }
          var minimum: ResourceSpec?
          if Int.random(in: 0..<4, using: &rng) == 0 { minimum = ["cpus": 1] }
          try engine.addFramework(
            FrameworkSpec(
              id: id, roles: rs,
              capabilities: Bool.random(using: &rng) ? ["gpu"] : [], minAllocatable: minimum))
          model.frameworks.insert(id)
          model.tasks[id] = []
          nextFramework += 1
        case 21..<23:
          let id = model.frameworks.randomElement(using: &rng) ?? "none"
          let r = try engine.removeFramework(id)
          #expect(r.released == model.tasks[id]?.count)
          model.frameworks.remove(id)
          model.tasks[id] = nil
        case 23..<25:
          let id = model.frameworks.randomElement(using: &rng) ?? "none"
          let rs = Array(roleNames.shuffled(using: &rng).prefix(Int.random(in: 0...2, using: &rng)))
          _ = try engine.updateFramework(FrameworkUpdate(id: id, roles: rs))
        case 25..<28:
          let id = model.frameworks.randomElement(using: &rng) ?? "none"
          let role: [String]? =
            Bool.random(using: &rng) ? nil : [roleNames.randomElement(using: &rng)!]
          if Bool.random(using: &rng) {
            try engine.suppress(framework: id, roles: role)
          } else {
            try engine.revive(framework: id, roles: role)
          }
        case 28..<31:
          let role = roleNames.randomElement(using: &rng)!
          var quota: Quota?
          if Bool.random(using: &rng) {
            var g: ResourceSpec = [:]
            var l: ResourceSpec = [:]
            if Bool.random(using: &rng) {
              g["cpus"] = .scalar(Quantity(milli: Int64.random(in: 0...20_000, using: &rng)))
            }
            if Bool.random(using: &rng) {
              l["cpus"] = .scalar(Quantity(milli: Int64.random(in: 0...40_000, using: &rng)))
            }
            if Bool.random(using: &rng) {
              l["mem"] = .scalar(Quantity(milli: Int64.random(in: 0...40_000_000, using: &rng)))
            }
            quota = Quota(guarantee: g, limit: l)
          }
          let weight: Double? =
            Bool.random(using: &rng) ? Double(Int.random(in: -1...4, using: &rng)) : nil
          try engine.updateRole(
            RoleUpdate(name: role, weight: weight, quota: quota, force: Bool.random(using: &rng)))
        case 31..<50:
          offersSeen += engine.allocate().count
        case 50..<70:
          let offers = try engine.outstandingOffers()
          guard let o = offers.randomElement(using: &rng) else { break }
          var tasks: [TaskLaunch] = []
          for _ in 0..<Int.random(in: 0...3, using: &rng) {
            var need: ResourceSpec = [:]
            need["cpus"] = fraction(o.resources["cpus"] ?? .scalar(.zero), &rng)
              .map { v -> ResourceValue in
                guard case .scalar(let q) = v else { return v }
                return .scalar(Quantity(milli: q.milli / 3))
              }
            need["mem"] = .scalar(Quantity(milli: o.resources.scalar("mem").milli / 4))
            if !o.resources.ranges("ports").isEmpty, Bool.random(using: &rng) {
              need["ports"] = .scalar(Quantity(milli: 1000 * Int64.random(in: 1...3, using: &rng)))
            }
            tasks.append(TaskLaunch(id: "t\(nextTask)", resources: need))
            nextTask += 1
          }
          let launched = try engine.acceptOffer(
            o.id, tasks: tasks,
            refuseSeconds: Seconds(milli: Int64.random(in: 0...10_000, using: &rng)))
          for t in launched {
            model.tasks[o.framework, default: []].insert(t.id)
            model.taskAgent[o.framework + "/" + t.id] = o.agent
          }
        case 70..<82:
          let offers = try engine.outstandingOffers()
          if let o = offers.randomElement(using: &rng) {
            try engine.declineOffer(
              o.id, refuseSeconds: Seconds(milli: Int64.random(in: 0...20_000, using: &rng)))
          } else {
            try engine.declineOffer("o999999999")
          }
        case 82..<88:
          let f = model.frameworks.randomElement(using: &rng) ?? "none"
          let ids = Array((model.tasks[f] ?? []).shuffled(using: &rng).prefix(2)) + ["ghost"]
          let n = try engine.releaseTasks(framework: f, tasks: ids)
          #expect(n == ids.count - 1)
          for id in ids {
            model.tasks[f]?.remove(id)
            model.taskAgent[f + "/" + id] = nil
          }
        case 88..<91:
          clock.advance(by: Seconds(milli: Int64.random(in: 0...4000, using: &rng)))
        case 91..<93:
          // Placement on the same state: shapes are refiled, tasks hold resources.
          let f = model.frameworks.randomElement(using: &rng) ?? "none"
          let kinds: [PlacementStrategy.Kind] = [.binpack, .spread, .firstfit, .balanced]
          let r = try engine.placeTasks(
            framework: f,
            tasks: (0..<Int.random(in: 1...3, using: &rng)).map { _ in
              defer { nextTask += 1 }
              return TaskSpec(
                id: "p\(nextTask)", group: Bool.random(using: &rng) ? "g" : nil,
                resources: [
                  "cpus": .scalar(Quantity(milli: Int64.random(in: 0...3000, using: &rng)))
                ],
                constraints: Bool.random(using: &rng)
                  ? try MarathonConstraint.parseList("hostname:UNIQUE") : [])
            }, strategy: PlacementStrategy(kinds.randomElement(using: &rng)!),
            gang: Int.random(in: 0..<4, using: &rng) == 0)
          for p in r.placements {
            model.tasks[f, default: []].insert(p.task)
            model.taskAgent[f + "/" + p.task] = p.agent
          }
        default:
          // Bad input of several kinds.
          switch Int.random(in: 0..<5, using: &rng) {
          case 0: try engine.addAgent(AgentSpec(id: "", resources: ["cpus": 1]))
          case 1: try engine.addFramework(FrameworkSpec(id: "x", roles: []))
          case 2: _ = try engine.acceptOffer("o0", tasks: [])
          case 3:
            try engine.updateRole(
              RoleUpdate(name: "web", quota: Quota(guarantee: ["cpus": 5], limit: ["cpus": 1])))
          default:
            // Valid when no task holds cpus there; then the model follows.
            let id = model.agentOrder.first ?? "none"
            _ = try engine.updateAgent(AgentUpdate(id: id, resources: ["cpus": 0]))
            model.agentTotals[id] = ["cpus": 0]
          }
        }
      } catch {
        failed = true
        failures += 1
      }
      let errors = engine.checkInvariants()
      #expect(errors.isEmpty, "step \(step) op \(op): \(errors)")
      if failed {
        let after = snapshot(engine)
        #expect(after == before, "step \(step) op \(op): a failing call changed the state")
      }
      if !errors.isEmpty || (failed && snapshot(engine) != before) { break }
      if step % 97 == 0 {
        // The reference model: agents in order with the totals they were given; running
        // tasks per framework.
        let st = engine.state()
        #expect(st.agents.map(\.id) == model.agentOrder)
        for a in st.agents {
          let want = model.agentTotals[a.id]!
          for e in want.entries {
            switch e.value {
            case .scalar(let q): #expect(a.total.scalar(e.name) == q)
            case .ranges(let r): #expect(a.total.ranges(e.name) == RangeSet(r))
            }
          }
        }
        for f in st.frameworks {
          #expect(f.running == model.tasks[f.id]?.count, "framework \(f.id) running count")
        }
        #expect(Set(st.frameworks.map(\.id)) == model.frameworks)
      }
    }
    #expect(failures > count / 50, "the random walk should exercise error paths")
    #expect(offersSeen > count / 20, "the random walk should make offers")
  }
}
