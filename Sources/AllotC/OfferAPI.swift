import Allot
public import CAllot

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

// The C entry points of the offer cycle (allot.h, "Offers").

/// Implements `allot_allocate`: one allocation cycle, its offers in a block the caller frees.
@c @implementation
public func allot_allocate(
  _ engine: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<allot_offers>?>?
) -> allot_status {
  out?.pointee = nil
  return withCore(engine) { core throws(Failure) in
    let start = ContinuousClock.now
    guard let out else {
      _ = core.dispatcher.engine.allocateCount()
      core.dispatcher.stats.latency("allocate", micros: micros(since: start))
      return
    }
    let offers = core.dispatcher.engine.allocate()
    core.dispatcher.stats.latency("allocate", micros: micros(since: start))
    out.pointee = try OfferBlocks.offers(offers, table: &core.resources)
  }
}

/// Implements `allot_offers_free`.
@c @implementation
public func allot_offers_free(_ offers: UnsafeMutablePointer<allot_offers>?) {
  free(offers)
}

/// Implements `allot_offer_accept`: launches tasks on an offer.
@c @implementation
public func allot_offer_accept(
  _ engine: OpaquePointer?, _ offer: UInt64, _ tasks: UnsafePointer<allot_task>?,
  _ taskCount: Int, _ refuseMilli: Int64,
  _ out: UnsafeMutablePointer<UnsafeMutablePointer<allot_launched_tasks>?>?
) -> allot_status {
  out?.pointee = nil
  return withCore(engine) { core throws(Failure) in
    let t = try CInput.buffer(tasks, taskCount, field: "tasks")
    var launches: [TaskLaunch] = []
    launches.reserveCapacity(t.count)
    for (i, task) in t.enumerated() {
      launches.append(
        TaskLaunch(
          id: try CInput.string(task.id, field: "tasks[\(i)].id"),
          group: try CInput.optionalString(task.group, field: "tasks[\(i)].group"),
          resources: try core.resources.scalarSpec(
            task.resources, task.resource_count, field: "tasks[\(i)].resources", counts: true)))
    }
    let refuse = try CInput.refusal(refuseMilli)
    let launched = try engineCall { () throws(AllotError) in
      try core.dispatcher.engine.acceptOffer(
        OfferID(sequence: offer), tasks: launches, refuseSeconds: refuse)
    }
    if let out { out.pointee = try OfferBlocks.launched(launched, table: &core.resources) }
  }
}

/// Implements `allot_launched_tasks_free`.
@c @implementation
public func allot_launched_tasks_free(_ tasks: UnsafeMutablePointer<allot_launched_tasks>?) {
  free(tasks)
}

/// Implements `allot_offer_decline`: returns an offer, filtering it for a while.
@c @implementation
public func allot_offer_decline(_ engine: OpaquePointer?, _ offer: UInt64, _ refuseMilli: Int64)
  -> allot_status
{
  withCore(engine) { core throws(Failure) in
    let refuse = try CInput.refusal(refuseMilli)
    try engineCall { () throws(AllotError) in
      try core.dispatcher.engine.declineOffer(OfferID(sequence: offer), refuseSeconds: refuse)
    }
  }
}

/// Microseconds since `start`, for the dispatcher's `stats` latencies.
func micros(since start: ContinuousClock.Instant) -> Double {
  let (s, atto) = (ContinuousClock.now - start).components
  return Double(s) * 1e6 + Double(atto) / 1e12
}

/// The result blocks of the offer cycle.
enum OfferBlocks {
  static func offers(_ offers: [Offer], table: inout ResourceTable) throws(Failure)
    -> UnsafeMutablePointer<allot_offers>
  {
    var b = ResultBuilder()
    var spans: [ResultBuilder.Span] = []
    spans.reserveCapacity(offers.count)
    for o in offers {
      spans.append(try b.add(o.resources, table: &table))
      b.count(o.framework)
      b.count(o.role)
      b.count(o.agent)
      b.count(o.hostname)
    }
    var plan = BlockPlan()
    let head = plan.place(allot_offers.self, count: 1)
    let items = plan.place(allot_offer.self, count: offers.count)
    var w = try BlockWriter(finishing: plan, builder: b)
    let list = w.array(allot_offer.self, at: items, count: offers.count)
    for (i, o) in offers.enumerated() {
      (list + i).initialize(
        to: allot_offer(
          id: o.id.sequence, framework: w.string(o.framework), role: w.string(o.role),
          agent: w.string(o.agent), hostname: w.string(o.hostname),
          resources: w.amounts(spans[i])))
    }
    let h = w.array(allot_offers.self, at: head, count: 1)
    h.initialize(
      to: allot_offers(count: offers.count, offers: offers.isEmpty ? nil : UnsafePointer(list)))
    return h
  }

  static func launched(_ tasks: [LaunchedTask], table: inout ResourceTable) throws(Failure)
    -> UnsafeMutablePointer<allot_launched_tasks>
  {
    var b = ResultBuilder()
    var spans: [ResultBuilder.Span] = []
    spans.reserveCapacity(tasks.count)
    for task in tasks {
      spans.append(try b.add(task.resources, table: &table))
      b.count(task.id)
    }
    var plan = BlockPlan()
    let head = plan.place(allot_launched_tasks.self, count: 1)
    let items = plan.place(allot_launched_task.self, count: tasks.count)
    var w = try BlockWriter(finishing: plan, builder: b)
    let list = w.array(allot_launched_task.self, at: items, count: tasks.count)
    for (i, task) in tasks.enumerated() {
      (list + i).initialize(
        to: allot_launched_task(task: w.string(task.id), resources: w.amounts(spans[i])))
    }
    let h = w.array(allot_launched_tasks.self, at: head, count: 1)
    h.initialize(
      to: allot_launched_tasks(count: tasks.count, tasks: tasks.isEmpty ? nil : UnsafePointer(list))
    )
    return h
  }
}
