import Allot

extension JSONWriter {
  /// Appends an already-written JSON value.
  mutating func writeRawValue(_ value: [UInt8]) {
    separate()
    bytes.append(contentsOf: value)
    needsComma = true
  }

  /// Writes resources as an object sorted by name.
  mutating func write(_ r: ResourceAmounts) {
    beginObject()
    for e in r.entries {
      key(e.name)
      switch e.value {
      case .scalar(let q): write(q)
      case .ranges(let rs):
        beginArray()
        for x in rs {
          beginArray()
          write(Int64(x.lowerBound))
          write(Int64(x.upperBound))
          endArray()
        }
        endArray()
      }
    }
    endObject()
  }

  mutating func write(_ ids: [OfferID]) {
    beginArray()
    for id in ids { write(id.description) }
    endArray()
  }

  mutating func write(_ o: Offer) {
    beginObject()
    member("id", o.id.description)
    member("framework", o.framework)
    member("role", o.role)
    member("agent", o.agent)
    member("hostname", o.hostname)
    key("resources")
    write(o.resources)
    endObject()
  }

  mutating func write(_ p: Placement) {
    beginObject()
    member("task", p.task)
    member("framework", p.framework)
    member("role", p.role)
    member("agent", p.agent)
    member("hostname", p.hostname)
    key("resources")
    write(p.resources)
    endObject()
  }
}

extension Dispatcher {
  /// Runs one method and writes its result.
  mutating func call(
    _ method: String, _ p: Params, session: inout Session, into w: inout JSONWriter
  ) throws(AllotError) {
    switch method {
    case "ping":
      w.object { w in w.member("version", AllotRPC.protocolVersion) }
    case "auth":
      let token = try p.requiredString("token")
      if let want = options.token {
        guard token.utf8.elementsEqual(want.utf8) else {
          throw AllotError(.unauthorized, field: "token", "the token is wrong")
        }
        session.authenticated = true
      }
      w.object { _ in }
    case "state":
      writeState(&w)
    case "stats":
      writeStats(&w)
    case "metrics":
      w.object { w in
        w.member("format", "prometheus")
        w.member("text", metricsText())
      }
    case "agent.add":
      let id = try p.requiredID("id")
      let hostname = try p.id("hostname")
      let resources = try p.resources("resources") ?? [:]
      let labels = try p.stringMap("labels") ?? []
      let taints = try readTaints(p, "taints") ?? []
      let reservations = try readReservations(p, "reservations") ?? []
      var spec = AgentSpec(id: id, hostname: hostname, resources: resources)
      spec.labels = labels
      spec.taints = taints
      spec.reservations = reservations
      try engine.addAgent(spec)
      w.object { _ in }
    case "agent.update":
      var u = AgentUpdate(id: try p.requiredID("id"))
      u.resources = try p.resources("resources")
      u.labels = try p.stringMap("labels")
      u.taints = try readTaints(p, "taints")
      u.reservations = try readReservations(p, "reservations")
      let r = try engine.updateAgent(u)
      w.object { w in
        w.key("rescinded")
        w.write(r)
      }
    case "agent.drain", "agent.activate":
      let id = try p.requiredID("id")
      let r = method == "agent.drain" ? try engine.drainAgent(id) : try engine.activateAgent(id)
      w.object { w in
        w.key("rescinded")
        w.write(r)
      }
    case "agent.remove":
      let r = try engine.removeAgent(try p.requiredID("id"))
      w.object { w in
        w.key("rescinded")
        w.write(r.rescinded)
        w.key("lostTasks")
        w.array { w in
          for t in r.lostTasks {
            w.object { w in
              w.member("framework", t.framework)
              w.member("task", t.task)
            }
          }
        }
      }
    case "framework.add":
      let id = try p.requiredID("id")
      let roles = try p.stringArray("roles") ?? ["default"]
      let caps = try p.stringArray("capabilities") ?? []
      let selector = try readSelector(p, "offerSelector")
      let minimum = try p.resources("minAllocatable")
      try engine.addFramework(
        FrameworkSpec(
          id: id, roles: roles, capabilities: caps, minAllocatable: minimum, offerSelector: selector
        ))
      w.object { _ in }
    case "framework.update":
      var u = FrameworkUpdate(id: try p.requiredID("id"))
      u.roles = try p.stringArray("roles")
      u.capabilities = try p.stringArray("capabilities")
      if let sel = try readSelector(p, "offerSelector") { u.offerSelector = .some(sel) }
      if let m = try p.resources("minAllocatable") { u.minAllocatable = .some(m) }
      let r = try engine.updateFramework(u)
      w.object { w in
        w.key("rescinded")
        w.write(r)
      }
    case "framework.remove":
      let r = try engine.removeFramework(try p.requiredID("id"))
      w.object { w in
        w.key("rescinded")
        w.write(r.rescinded)
        w.member("released", r.released)
      }
    case "framework.suppress", "framework.revive":
      let id = try p.requiredID("id")
      let roles = try p.stringArray("roles")
      if method == "framework.suppress" {
        try engine.suppress(framework: id, roles: roles)
      } else {
        try engine.revive(framework: id, roles: roles)
      }
      w.object { _ in }
    case "role.update":
      let name = try p.requiredString("name")
      try Validate.role(name, field: "name")
      let weight = try p.positiveDouble("weight")
      var quota: Quota?
      if let q = try p.objectParams("quota") {
        quota = Quota(
          guarantee: try q.resources("guarantee") ?? [:], limit: try q.resources("limit") ?? [:])
      }
      let force = try p.bool("force") ?? false
      try engine.updateRole(RoleUpdate(name: name, weight: weight, quota: quota, force: force))
      w.object { _ in }
    case "clock.advance":
      guard let s = try p.seconds("seconds") else {
        throw AllotError(.invalidParams, field: "seconds", "seconds is required")
      }
      try advanceClock(by: s)
      w.object { w in
        w.member("now", milli: engine.now.milli)
      }
    case "allocate":
      let start = ContinuousClock.now
      let offers = engine.allocate()
      stats.latency("allocate", micros: micros(since: start))
      w.object { w in
        w.key("offers")
        w.array { w in for o in offers { w.write(o) } }
      }
    case "offers":
      let framework = try p.string("framework")
      let offers = try engine.outstandingOffers(framework: framework)
      w.object { w in
        w.key("offers")
        w.array { w in for o in offers { w.write(o) } }
      }
    case "offer.accept":
      let offer = try p.requiredID("offer")
      var tasks: [TaskLaunch] = []
      for (i, t) in (try p.array("tasks") ?? []).enumerated() {
        let f = "tasks[\(i)]"
        guard case .object(let o) = t else { throw Params.typeError(f, "an object", t) }
        let tp = Params(o, path: f)
        var launch = TaskLaunch(
          id: try tp.requiredID("id"), group: try tp.id("group"),
          resources: try tp.resources("resources") ?? [:])
        for (k, v) in try tp.stringMap("labels") ?? [] { launch.labels[k] = v }
        tasks.append(launch)
      }
      let refuse = try p.seconds("refuseSeconds")
      let launched = try engine.acceptOffer(offer, tasks: tasks, refuseSeconds: refuse)
      w.object { w in
        w.key("tasks")
        w.array { w in
          for t in launched {
            w.object { w in
              w.member("id", t.id)
              w.key("resources")
              w.write(t.resources)
            }
          }
        }
      }
    case "offer.decline":
      let offer = try p.requiredID("offer")
      let refuse = try p.seconds("refuseSeconds")
      try engine.declineOffer(offer, refuseSeconds: refuse)
      w.object { _ in }
    case "task.submit":
      let framework = try p.requiredID("framework")
      let role = try p.role("role")
      let tasks = try readTasks(p, "tasks", needsID: true)
      let n = try engine.submitTasks(framework: framework, role: role, tasks: tasks)
      w.object { w in w.member("pending", n) }
    case "schedule":
      let strategy = try readStrategy(p, "strategy")
      var max: Int?
      if let m = try p.integer("max") {
        guard m >= 0 else {
          throw AllotError(.invalidParams, field: "max", "max must not be negative")
        }
        max = Int(m)
      }
      let start = ContinuousClock.now
      let r = try engine.schedule(strategy: strategy, max: max)
      stats.latency("schedule", micros: micros(since: start))
      w.object { w in
        w.key("placements")
        w.array { w in for pl in r.placements { w.write(pl) } }
        w.member("pending", r.pending)
      }
    case "task.place":
      let framework = try p.requiredID("framework")
      let role = try p.role("role")
      let tasks = try readTasks(p, "tasks", needsID: true)
      let strategy = try readStrategy(p, "strategy")
      let gang = try p.bool("gang") ?? false
      let r = try engine.placeTasks(
        framework: framework, role: role, tasks: tasks, strategy: strategy, gang: gang)
      w.object { w in
        w.key("placements")
        w.array { w in for pl in r.placements { w.write(pl) } }
        w.key("unplaced")
        w.array { w in
          for u in r.unplaced {
            w.object { w in
              w.member("task", u.task)
              w.member("reason", u.reason.rawValue)
              w.member("message", u.message)
            }
          }
        }
      }
    case "task.release":
      let framework = try p.requiredID("framework")
      let ids = try p.stringArray("tasks") ?? []
      let n = try engine.releaseTasks(framework: framework, tasks: ids)
      w.object { w in w.member("released", n) }
    case "task.status":
      let framework = try p.requiredID("framework")
      let task = try p.requiredString("task")
      let s = try engine.taskStatus(framework: framework, task: task)
      w.object { w in
        w.member("state", s.state.rawValue)
        if let a = s.agent { w.member("agent", a) }
        if let r = s.reason { w.member("reason", r.rawValue) }
        if let m = s.message { w.member("message", m) }
      }
    case "match":
      let task = try readTask(p, needsID: false)
      let framework = try p.string("framework")
      let role = try p.string("role")
      let strategy = try readStrategy(p, "strategy")
      let agents = try engine.match(task, framework: framework, role: role, strategy: strategy)
      w.object { w in
        w.key("agents")
        w.array { w in
          for a in agents {
            w.object { w in
              w.member("agent", a.agent)
              w.member("score", a.score)
              w.key("parts")
              w.object { w in
                w.member("resources", a.resources)
                w.member("affinity", a.affinity)
                w.member("taints", a.taints)
                w.member("spread", a.spread)
              }
            }
          }
        }
      }
    default:
      throw AllotError(.unavailable, field: nil, "method \(method) is not available")
    }
  }

  func micros(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    let (s, atto) = d.components
    return Double(s) * 1e6 + Double(atto) / 1e12
  }

  /// `clock.advance`: only with a manual clock; runs the cycles that come due, each at its
  /// due time (at most 100,000 in one call).
  mutating func advanceClock(by s: Seconds) throws(AllotError) {
    guard let clock = options.manualClock else {
      throw AllotError(
        .unavailable, field: nil, "clock.advance needs a server started with --manual-clock")
    }
    let target = clock.now().milli + s.milli
    if let interval = options.allocationInterval, interval.milli > 0 {
      if nextDue <= target {
        let due = (target - nextDue) / interval.milli + 1
        if due > 100_000 {
          throw AllotError(
            .invalidParams, field: "seconds",
            "seconds would run \(due) allocation cycles; at most 100000 run in one call")
        }
      }
      while nextDue <= target {
        clock.set(Seconds(milli: nextDue))
        _ = engine.allocateCount()
        nextDue += interval.milli
      }
    }
    clock.set(Seconds(milli: target))
  }

  func readTaints(_ p: Params, _ key: String) throws(AllotError) -> [Taint]? {
    guard let list = try p.array(key) else { return nil }
    var out: [Taint] = []
    for (i, t) in list.enumerated() {
      let f = "\(p.field(key))[\(i)]"
      guard case .object(let o) = t else { throw Params.typeError(f, "an object", t) }
      let tp = Params(o, path: f)
      let k = try tp.requiredString("key")
      let v = try tp.string("value") ?? ""
      let e = try tp.requiredString("effect")
      guard let effect = Taint.Effect(rawValue: e) else {
        throw AllotError(
          .invalidParams, field: "\(f).effect",
          "\(f).effect must be NoSchedule, PreferNoSchedule or NoExecute")
      }
      out.append(Taint(key: k, value: v, effect: effect))
    }
    return out
  }

  func readReservations(_ p: Params, _ key: String) throws(AllotError) -> [(String, ResourceSpec)]?
  {
    guard let v = p.value(key) else { return nil }
    guard case .object(let o) = v else { throw Params.typeError(p.field(key), "an object", v) }
    var out: [(String, ResourceSpec)] = []
    for m in o.members where !m.value.isNull {
      out.append((m.key, try Params.resources(m.value, field: "\(p.field(key)).\(m.key)")))
    }
    return out
  }

  func readTask(_ tp: Params, needsID: Bool) throws(AllotError) -> TaskSpec {
    let id = needsID ? try tp.requiredID("id") : (try tp.string("id") ?? "")
    let group = try tp.id("group")
    let groupSize = try tp.integer("groupSize")
    let resources = try tp.resources("resources") ?? [:]
    let selector = try readSelector(tp, "selector")
    let affinity = try readAffinity(tp, "affinity")
    let tolerations = try readTolerations(tp, "tolerations")
    let constraints = try readConstraints(tp, "constraints")
    let spread = try readSpread(tp, "spread")
    let priority = try tp.integer("priority") ?? 0
    return TaskSpec(
      id: id, group: group, groupSize: groupSize, resources: resources, priority: priority,
      selector: selector, affinity: affinity, tolerations: tolerations, constraints: constraints,
      spread: spread)
  }

  func readTasks(_ p: Params, _ key: String, needsID: Bool) throws(AllotError) -> [TaskSpec] {
    var out: [TaskSpec] = []
    for (i, t) in (try p.array(key) ?? []).enumerated() {
      let f = "\(p.field(key))[\(i)]"
      guard case .object(let o) = t else { throw Params.typeError(f, "an object", t) }
      out.append(try readTask(Params(o, path: f), needsID: needsID))
    }
    return out
  }

  func readStrategy(_ p: Params, _ key: String) throws(AllotError) -> PlacementStrategy? {
    guard let v = p.value(key) else { return nil }
    let f = p.field(key)
    switch v {
    case .string(let name):
      guard let k = PlacementStrategy.Kind(rawValue: name) else {
        throw AllotError(
          .invalidParams, field: f, "\(f) must be binpack, spread, balanced, ratio or firstfit")
      }
      return PlacementStrategy(k)
    case .object(let o):
      let sp = Params(o, path: f)
      let name = try sp.requiredString("type")
      guard let k = PlacementStrategy.Kind(rawValue: name) else {
        throw AllotError(
          .invalidParams, field: "\(f).type",
          "\(f).type must be binpack, spread, balanced, ratio or firstfit")
      }
      var s = PlacementStrategy(k)
      if let res = try sp.objectParams("resources") {
        var weights: [(String, Int64)] = []
        for m in res.object.members where !m.value.isNull {
          weights.append((m.key, try Params.integer(m.value, field: res.field(m.key))))
        }
        s.weights = weights
      }
      if let shape = try sp.array("shape") {
        var points: [PlacementStrategy.ShapePoint] = []
        for (i, pt) in shape.enumerated() {
          let pf = "\(f).shape[\(i)]"
          guard case .object(let po) = pt else { throw Params.typeError(pf, "an object", pt) }
          let pp = Params(po, path: pf)
          guard let u = try pp.integer("utilization"), let sc = try pp.integer("score") else {
            throw AllotError(.invalidParams, field: pf, "\(pf) needs utilization and score")
          }
          points.append(.init(utilization: u, score: sc))
        }
        s.shape = points
      }
      return s
    default:
      throw Params.typeError(f, "a strategy name or object", v)
    }
  }
}
