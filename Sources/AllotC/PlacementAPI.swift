import Allot
public import CAllot

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

// The C entry points of request-driven placement (allot.h, "Placement").

/// Implements `allot_place`: places tasks now, bypassing the queue.
@c @implementation
public func allot_place(
  _ engine: OpaquePointer?, _ framework: UnsafePointer<CChar>?, _ role: UnsafePointer<CChar>?,
  _ tasks: UnsafePointer<allot_task>?, _ taskCount: Int, _ strategy: Int32, _ gang: Int32,
  _ out: UnsafeMutablePointer<UnsafeMutablePointer<allot_placements>?>?
) -> allot_status {
  out?.pointee = nil
  return withCore(engine) { core throws(Failure) in
    let f = try CInput.string(framework, field: "framework")
    let r = try CInput.optionalString(role, field: "role")
    let specs = try PlacementInput.tasks(tasks, taskCount, table: core.resources)
    let s = try CInput.strategy(strategy)
    let result = try engineCall { () throws(AllotError) in
      try core.dispatcher.engine.placeTasks(
        framework: f, role: r, tasks: specs, strategy: s, gang: gang != 0)
    }
    if let out {
      out.pointee = try PlacementBlocks.placements(
        result.placements, unplaced: result.unplaced,
        pending: core.dispatcher.engine.pendingTaskCount, table: &core.resources)
    }
  }
}

/// Implements `allot_submit`: queues tasks for `allot_schedule`.
@c @implementation
public func allot_submit(
  _ engine: OpaquePointer?, _ framework: UnsafePointer<CChar>?, _ role: UnsafePointer<CChar>?,
  _ tasks: UnsafePointer<allot_task>?, _ taskCount: Int, _ pending: UnsafeMutablePointer<Int>?
) -> allot_status {
  withCore(engine) { core throws(Failure) in
    let f = try CInput.string(framework, field: "framework")
    let r = try CInput.optionalString(role, field: "role")
    let specs = try PlacementInput.tasks(tasks, taskCount, table: core.resources)
    let n = try engineCall { () throws(AllotError) in
      try core.dispatcher.engine.submitTasks(framework: f, role: r, tasks: specs)
    }
    pending?.pointee = n
  }
}

/// Implements `allot_schedule`: progressive filling of the queue.
@c @implementation
public func allot_schedule(
  _ engine: OpaquePointer?, _ strategy: Int32, _ max: Int64,
  _ out: UnsafeMutablePointer<UnsafeMutablePointer<allot_placements>?>?
) -> allot_status {
  out?.pointee = nil
  return withCore(engine) { core throws(Failure) in
    let s = try CInput.strategy(strategy)
    guard max >= -1 else {
      throw .invalid("max", "max must not be negative (ALLOT_UNLIMITED is -1)")
    }
    let bound: Int? = max == -1 ? nil : Int(max)
    let start = ContinuousClock.now
    let result = try engineCall { () throws(AllotError) in
      try core.dispatcher.engine.schedule(strategy: s, max: bound)
    }
    core.dispatcher.stats.latency("schedule", micros: micros(since: start))
    if let out {
      out.pointee = try PlacementBlocks.placements(
        result.placements, unplaced: [], pending: result.pending, table: &core.resources)
    }
  }
}

/// Implements `allot_placements_free`.
@c @implementation
public func allot_placements_free(_ placements: UnsafeMutablePointer<allot_placements>?) {
  free(placements)
}

/// Implements `allot_release`: removes running and pending tasks.
@c @implementation
public func allot_release(
  _ engine: OpaquePointer?, _ framework: UnsafePointer<CChar>?,
  _ tasks: UnsafePointer<UnsafePointer<CChar>?>?, _ taskCount: Int,
  _ released: UnsafeMutablePointer<Int>?
) -> allot_status {
  withCore(engine) { core throws(Failure) in
    let f = try CInput.string(framework, field: "framework")
    let ids = try CInput.strings(tasks, taskCount, field: "tasks")
    let n = try engineCall { () throws(AllotError) in
      try core.dispatcher.engine.releaseTasks(framework: f, tasks: ids)
    }
    released?.pointee = n
  }
}

/// Implements `allot_match`: the agents where a task may run now, best first.
@c @implementation
public func allot_match(
  _ engine: OpaquePointer?, _ framework: UnsafePointer<CChar>?, _ role: UnsafePointer<CChar>?,
  _ resources: UnsafePointer<allot_scalar>?, _ resourceCount: Int, _ strategy: Int32,
  _ out: UnsafeMutablePointer<UnsafeMutablePointer<allot_matches>?>?
) -> allot_status {
  out?.pointee = nil
  return withCore(engine) { core throws(Failure) in
    guard let out else { throw .misuse("out is NULL", field: "out") }
    let f = try CInput.optionalString(framework, field: "framework")
    let r = try CInput.optionalString(role, field: "role")
    let need = try core.resources.scalarSpec(
      resources, resourceCount, field: "resources", counts: true)
    let s = try CInput.strategy(strategy)
    let agents = try engineCall { () throws(AllotError) in
      try core.dispatcher.engine.match(
        TaskSpec(id: "match", resources: need), framework: f, role: r, strategy: s)
    }
    out.pointee = try PlacementBlocks.matches(agents)
  }
}

/// Implements `allot_matches_free`.
@c @implementation
public func allot_matches_free(_ matches: UnsafeMutablePointer<allot_matches>?) {
  free(matches)
}

/// Reading `allot_task` arrays for placement.
enum PlacementInput {
  static func tasks(
    _ p: UnsafePointer<allot_task>?, _ count: Int, table: borrowing ResourceTable
  ) throws(Failure) -> [TaskSpec] {
    let t = try CInput.buffer(p, count, field: "tasks")
    var out: [TaskSpec] = []
    out.reserveCapacity(t.count)
    for (i, task) in t.enumerated() {
      out.append(
        TaskSpec(
          id: try CInput.string(task.id, field: "tasks[\(i)].id"),
          group: try CInput.optionalString(task.group, field: "tasks[\(i)].group"),
          groupSize: task.group_size == 0 ? nil : task.group_size,
          resources: try table.scalarSpec(
            task.resources, task.resource_count, field: "tasks[\(i)].resources", counts: true),
          priority: task.priority))
    }
    return out
  }
}

/// The result blocks of placement.
enum PlacementBlocks {
  /// `ALLOT_REASON_*` of a reason.
  static func code(_ r: PlacementReason) -> Int32 {
    switch r {
    case .resources: return 1
    case .selector: return 2
    case .affinity: return 3
    case .taints: return 4
    case .constraints: return 5
    case .spread: return 6
    case .quota: return 7
    case .gang: return 8
    case .noAgents: return 9
    }
  }

  static func placements(
    _ placements: [Placement], unplaced: [Unplaced], pending: Int, table: inout ResourceTable
  ) throws(Failure) -> UnsafeMutablePointer<allot_placements> {
    var b = ResultBuilder()
    var spans: [ResultBuilder.Span] = []
    spans.reserveCapacity(placements.count)
    for p in placements {
      spans.append(try b.add(p.resources, table: &table))
      b.count(p.task)
      b.count(p.framework)
      b.count(p.role)
      b.count(p.agent)
      b.count(p.hostname)
    }
    for u in unplaced {
      b.count(u.task)
      b.count(u.reason.rawValue)
      b.count(u.message)
    }
    var plan = BlockPlan()
    let head = plan.place(allot_placements.self, count: 1)
    let items = plan.place(allot_placement.self, count: placements.count)
    let misses = plan.place(allot_unplaced.self, count: unplaced.count)
    var w = try BlockWriter(finishing: plan, builder: b)
    let list = w.array(allot_placement.self, at: items, count: placements.count)
    for (i, p) in placements.enumerated() {
      (list + i).initialize(
        to: allot_placement(
          task: w.string(p.task), framework: w.string(p.framework), role: w.string(p.role),
          agent: w.string(p.agent), hostname: w.string(p.hostname),
          resources: w.amounts(spans[i])))
    }
    let missList = w.array(allot_unplaced.self, at: misses, count: unplaced.count)
    for (i, u) in unplaced.enumerated() {
      (missList + i).initialize(
        to: allot_unplaced(
          task: w.string(u.task), reason: code(u.reason), reason_name: w.string(u.reason.rawValue),
          message: w.string(u.message)))
    }
    let h = w.array(allot_placements.self, at: head, count: 1)
    h.initialize(
      to: allot_placements(
        placement_count: placements.count,
        placements: placements.isEmpty ? nil : UnsafePointer(list),
        unplaced_count: unplaced.count, unplaced: unplaced.isEmpty ? nil : UnsafePointer(missList),
        pending: pending))
    return h
  }

  static func matches(_ agents: [MatchedAgent]) throws(Failure)
    -> UnsafeMutablePointer<allot_matches>
  {
    var b = ResultBuilder()
    for a in agents { b.count(a.agent) }
    var plan = BlockPlan()
    let head = plan.place(allot_matches.self, count: 1)
    let items = plan.place(allot_match_agent.self, count: agents.count)
    var w = try BlockWriter(finishing: plan, builder: b)
    let list = w.array(allot_match_agent.self, at: items, count: agents.count)
    for (i, a) in agents.enumerated() {
      (list + i).initialize(
        to: allot_match_agent(
          agent: w.string(a.agent), score: a.score, resources: a.resources,
          affinity: a.affinity, taints: a.taints, spread: a.spread))
    }
    let h = w.array(allot_matches.self, at: head, count: 1)
    h.initialize(
      to: allot_matches(count: agents.count, agents: agents.isEmpty ? nil : UnsafePointer(list)))
    return h
  }
}
