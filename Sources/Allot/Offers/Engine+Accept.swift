extension Engine {
  /// Finds an outstanding offer by its text id: `notFound` for ids never issued, `conflict`
  /// for ids issued and no longer outstanding.
  func lookupOffer(_ text: String, field: String) throws(AllotError) -> OfferSlot {
    guard let id = OfferID(text), id.sequence < nextOfferSeq else {
      throw AllotError(.notFound, field: field, "offer '\(text)' does not exist")
    }
    guard let s = offerIndex.lookup(id.sequence) else {
      throw AllotError(
        .conflict, field: field, "offer '\(text)' was already accepted, declined or rescinded")
    }
    return s
  }

  func validateRefuse(_ r: Seconds?, field: String) throws(AllotError) {
    if let r, r.milli < 0 { throw .invalid(field, "\(field) must not be negative") }
    if let r, r.milli > Quantity.maxMilli { throw .invalid(field, "\(field) is too large") }
  }

  mutating func addFilter(
    _ c: ClientIndex, _ a: AgentIndex, _ refused: Resources, seconds: Seconds, now: Int64
  ) {
    guard seconds.milli > 0, !refused.isEmpty else { return }
    let expires = now &+ seconds.milli
    // A filter that refuses no more and lasts no longer than the new one is redundant.
    agents.filters[a.i].removeAll {
      $0.client == c && $0.expires <= expires && refused.contains($0.refused)
    }
    // Refusing everything available: the ceiling comes down to it (lowering keeps every
    // current-epoch filter's promise) and the filter takes the current epoch.
    let available = agents.available(a)
    let covers = refused.contains(available)
    if covers { agents.ceiling[a.i] = available }
    agents.filters[a.i].append(
      OfferFilter(
        client: c, expires: expires, refused: refused,
        epoch: covers ? agents.growEpoch[a.i] : 0))
    agents.refreshFilterSummary(a)
    noteFilterAgent(c, a)
  }

  /// Remembers that client `c` has a filter on agent `a`.
  ///
  /// Revive visits only such agents. The list may hold agents whose filter has since gone
  /// (expired, agent removed):
  /// it is compacted when it outgrows twice the agents, and cleared by `removeFilters`.
  mutating func noteFilterAgent(_ c: ClientIndex, _ a: AgentIndex) {
    if filterAgents.count <= c.i {
      filterAgents.append(contentsOf: repeatElement([], count: c.i + 1 - filterAgents.count))
    }
    if filterAgents[c.i].last == Int32(a.i) { return }
    filterAgents[c.i].append(Int32(a.i))
    if filterAgents[c.i].count > max(64, 2 * agents.ids.count) {
      let kept = Set(filterAgents[c.i]).filter { x in
        agents.filters[Int(x)].contains { $0.client == c }
      }
      filterAgents[c.i] = kept.sorted()
    }
  }

  /// Declines an offer: its resources return to the pool, and unless `refuseSeconds` is 0
  /// the framework is not offered a subset of them on that agent for that role for that
  /// long (Mesos's decline filter: applies while now < t + r).
  ///
  /// - Parameters:
  ///   - offer: The offer id text (`o12`).
  ///   - refuseSeconds: The filter's duration; default 5 seconds.
  public mutating func declineOffer(_ offer: String, refuseSeconds: Seconds? = nil)
    throws(AllotError)
  {
    try Validate.id(offer, field: "offer")
    try validateRefuse(refuseSeconds, field: "refuseSeconds")
    let s = try lookupOffer(offer, field: "offer")
    let rec = offerRecords[s.i]
    dropOffer(s)
    addFilter(
      rec.client, rec.agent, rec.resources, seconds: refuseSeconds ?? 5, now: clock.now().milli)
    checkInvariantsIfEnabled()
  }

  /// Declines an offer by id.
  public mutating func declineOffer(_ offer: OfferID, refuseSeconds: Seconds? = nil)
    throws(AllotError)
  {
    try declineOffer(offer.description, refuseSeconds: refuseSeconds)
  }

  /// Accepts an offer: the tasks hold their resources (reserved ones first: the role's own
  /// reservation, then its ancestors' from the nearest, then unreserved); the rest returns to
  /// the pool with a filter of `refuseSeconds` (default 5) for it.
  ///
  /// Checks, in order: the offer id's form, each task (id, group, resources, labels) and
  /// `refuseSeconds` (`invalidParams`); the offer (`notFound`, then `conflict` when it is no
  /// longer outstanding); duplicate task ids (`conflict`); then whether the offer holds what
  /// the tasks need (`insufficientResources`).
  ///
  /// - Returns: the launched tasks with the resources they hold (range counts resolved).
  public mutating func acceptOffer(
    _ offer: String, tasks: [TaskLaunch], refuseSeconds: Seconds? = nil
  ) throws(AllotError) -> [LaunchedTask] {
    try Validate.id(offer, field: "offer")
    var needs: [TaskNeed] = []
    for (i, t) in tasks.enumerated() {
      try Validate.id(t.id, field: "tasks[\(i)].id")
      if let g = t.group { try Validate.id(g, field: "tasks[\(i)].group") }
      needs.append(try registry.resolveNeed(t.resources, field: "tasks[\(i)].resources"))
      _ = try Validate.labels(t.labels.map { ($0.key, $0.value) }, field: "tasks[\(i)].labels")
    }
    try validateRefuse(refuseSeconds, field: "refuseSeconds")
    let s = try lookupOffer(offer, field: "offer")
    let rec = offerRecords[s.i]
    var ids = Set<ByteString>()
    for (i, t) in tasks.enumerated() {
      if frameworks.tasks[rec.framework.i][t.id] != nil || !ids.insert(ByteString(t.id)).inserted {
        throw AllotError(
          .conflict, field: "tasks[\(i)].id",
          "task '\(t.id)' already exists for framework '\(frameworks.ids[rec.framework.i])'")
      }
    }
    // Draw each task from what is left of the offer.
    var leftUnreserved = rec.unreserved
    var leftParts = rec.reserved
    // Reserved parts in draw order: the role's own, then ancestors from the nearest.
    let depthOrder = roles.path(rec.role)
    leftParts.sort {
      (depthOrder.firstIndex(of: $0.role) ?? .max) < (depthOrder.firstIndex(of: $1.role) ?? .max)
    }
    var leftRanges = Resources(ranges: rec.resources.ranges)
    var draws: [(Resources, ScalarVector, [PoolPart])] = []
    for (i, need) in needs.enumerated() {
      let field = "tasks[\(i)].resources"
      if let name = need.missing.first {
        throw AllotError(
          .insufficientResources, field: "\(field).\(name)",
          "offer '\(offer)' holds no \(name)")
      }
      var want = need.scalars
      var parts: [PoolPart] = []
      for k in leftParts.indices {
        let take = want.pointwiseMin(leftParts[k].amount).clampedAtZero()
        if take.isZero { continue }
        leftParts[k].amount -= take
        want -= take
        parts.append(PoolPart(role: leftParts[k].role, amount: take))
      }
      if !leftUnreserved.covers(want) {
        var k = 0
        while k < want.width, want[k] <= leftUnreserved[k] { k += 1 }
        let name = registry.names.scalarNames[min(k, registry.scalarCount - 1)]
        throw AllotError(
          .insufficientResources, field: "\(field).\(name)",
          "offer '\(offer)' does not hold enough \(name) for task '\(tasks[i].id)'")
      }
      leftUnreserved -= want
      var taskRanges = need.ranges
      if !leftRanges.contains(taskRanges) {
        throw AllotError(
          .insufficientResources, field: field,
          "offer '\(offer)' does not hold the range values task '\(tasks[i].id)' asks for")
      }
      leftRanges.subtract(taskRanges)
      for (ri, n) in need.counts {
        guard let got = leftRanges.range(ri).lowest(n) else {
          let name = registry.names.rangeNames[ri]
          throw AllotError(
            .insufficientResources, field: "\(field).\(name)",
            "offer '\(offer)' does not hold \(n) \(name) values for task '\(tasks[i].id)'")
        }
        var one = Resources()
        one.setRange(ri, got)
        leftRanges.subtract(one)
        taskRanges.add(one)
      }
      draws.append(
        (Resources(scalars: need.scalars, ranges: taskRanges.ranges), want, parts))
    }
    // Commit: release the offer, hold each task, filter the rest.
    let now = clock.now().milli
    dropOffer(s)
    var out: [LaunchedTask] = []
    var used = Resources()
    for (i, t) in tasks.enumerated() {
      let (res, unres, parts) = draws[i]
      addTask(
        TaskRecord(
          id: t.id, framework: rec.framework, role: rec.role, client: rec.client,
          agent: rec.agent, group: t.group, labels: t.labels, resources: res, unreserved: unres,
          reserved: parts, agentPos: 0))
      used.add(res)
      out.append(LaunchedTask(id: t.id, resources: amounts(res)))
    }
    var rest = rec.resources
    rest.subtract(used)
    addFilter(rec.client, rec.agent, rest, seconds: refuseSeconds ?? 5, now: now)
    checkInvariantsIfEnabled()
    return out
  }

  /// Accepts an offer by id.
  public mutating func acceptOffer(
    _ offer: OfferID, tasks: [TaskLaunch], refuseSeconds: Seconds? = nil
  ) throws(AllotError) -> [LaunchedTask] {
    try acceptOffer(offer.description, tasks: tasks, refuseSeconds: refuseSeconds)
  }

  /// Outstanding offers, of one framework or of all, in the order issued.
  public func outstandingOffers(framework: String? = nil) throws(AllotError) -> [Offer] {
    var slots: [OfferSlot]
    if let framework {
      try Validate.id(framework, field: "framework")
      slots = frameworkOfferSlots(try frameworkIndex(framework, field: "framework"))
    } else {
      slots = offerIndex.slots
    }
    slots.sort { offerRecords[$0.i].seq < offerRecords[$1.i].seq }
    return offers(at: slots)
  }

  /// The number of outstanding offers.
  public var outstandingOfferCount: Int { offerIndex.count }

  /// Records a running task and holds its resources.
  mutating func addTask(_ record: TaskRecord) {
    var rec = record
    rec.agentPos = agents.tasks[rec.agent.i].count
    let t: TaskSlot
    if let free = taskFreeSlots.popLast() {
      t = free
      taskRecords[t.i] = rec
      taskLive[t.i] = true
    } else {
      t = TaskSlot(taskRecords.count)
      taskRecords.append(rec)
      taskLive.append(true)
    }
    agents.tasks[rec.agent.i].append(t)
    frameworks.tasks[rec.framework.i][rec.id] = t
    if let g = rec.group {
      constraintCounts.add(
        task: t.i, framework: frameworks.ids[rec.framework.i], group: g, agent: rec.agent.i,
        view: ConstraintAgentView(
          hostname: agents.hostnames[rec.agent.i], labels: agents.labels[rec.agent.i]))
    }
    applyHold(
      sign: 1, client: rec.client, agent: rec.agent, resources: rec.resources,
      unreserved: rec.unreserved, reserved: rec.reserved, asTask: true)
  }

  /// Returns a task's resources and forgets it.
  mutating func removeTaskRecord(_ t: TaskSlot, fromAgentList: Bool) {
    let rec = taskRecords[t.i]
    applyHold(
      sign: -1, client: rec.client, agent: rec.agent, resources: rec.resources,
      unreserved: rec.unreserved, reserved: rec.reserved, asTask: true)
    if fromAgentList {
      let a = rec.agent
      let last = agents.tasks[a.i].count - 1
      if rec.agentPos != last {
        let moved = agents.tasks[a.i][last]
        agents.tasks[a.i][rec.agentPos] = moved
        taskRecords[moved.i].agentPos = rec.agentPos
      }
      agents.tasks[a.i].removeLast()
    }
    frameworks.tasks[rec.framework.i][rec.id] = nil
    if rec.group != nil { constraintCounts.remove(task: t.i) }
    taskLive[t.i] = false
    taskRecords[t.i].resources = .empty
    taskRecords[t.i].reserved = []
    taskFreeSlots.append(t)
  }

}
