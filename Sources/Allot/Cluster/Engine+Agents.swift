extension Engine {
  /// Checked reservations of an agent: role name, role path validity, amounts.
  struct ResolvedReservation {
    var name: String
    var amount: ScalarVector
  }

  func validateReservations(
    _ list: [(String, ResourceSpec)], registry reg: inout ResourceRegistry, field: String
  ) throws(AllotError) -> [ResolvedReservation] {
    var out: [ResolvedReservation] = []
    var seen = Set<String>()
    for (name, spec) in list {
      let f = "\(field).\(name)"
      try Validate.role(name, field: f)
      if !seen.insert(name).inserted {
        throw .invalid(f, "reservation for '\(name)' is given twice")
      }
      let (v, _) = try reg.resolveScalars(spec, field: f)
      out.append(ResolvedReservation(name: name, amount: v))
    }
    return out
  }

  /// `resources` must hold the sum of the reservations.
  func checkReservationsFit(
    _ res: [ResolvedReservation], total: Resources, registry reg: ResourceRegistry, field: String
  ) throws(AllotError) {
    var sum = ScalarVector()
    for r in res { sum += r.amount }
    if !total.scalars.covers(sum) {
      for i in 0..<max(sum.width, total.scalars.width) where sum[i] > total.scalars[i] {
        let name = reg.names.scalarNames[i]
        throw .invalid(
          field,
          "reservations hold more \(name) (\(Quantity(milli: sum[i]))) than the agent has "
            + "(\(Quantity(milli: total.scalars[i])))")
      }
    }
  }

  /// An agent spec checked against the registry and ready to commit.
  struct PreparedAgent {
    var total: Resources
    var scalarMask: UInt64
    var rangeMask: UInt64
    var labels: [(String, String)]
    var reservations: [ResolvedReservation]
  }

  /// Checks everything about one spec that does not depend on other agents: the id,
  /// hostname, resources, labels, taints and reservations (`invalidParams`); interns new
  /// resource names into `reg`.
  mutating func prepareAgent(_ spec: AgentSpec, registry reg: inout ResourceRegistry)
    throws(AllotError) -> PreparedAgent
  {
    try checkAgentNames(spec)
    let total: Resources
    let sm: UInt64
    let rm: UInt64
    if let c = resolvedResourcesCache, c.spec == spec.resources {
      // Agents of a cluster mostly share a few shapes: the resolution of the last one
      // applies again (names keep their index and kind once interned).
      (total, sm, rm) = (c.total, c.scalarMask, c.rangeMask)
    } else {
      (total, sm, rm) = try reg.resolveAgentResources(spec.resources, field: "resources")
      resolvedResourcesCache = ResolvedResourcesCache(
        spec: spec.resources, total: total, scalarMask: sm, rangeMask: rm)
    }
    let labels = try checkAgentLabels(spec)
    var res: [ResolvedReservation] = []
    if !spec.reservations.isEmpty {
      res = try validateReservations(spec.reservations, registry: &reg, field: "reservations")
      try checkReservationsFit(res, total: total, registry: reg, field: "reservations")
    }
    return PreparedAgent(
      total: total, scalarMask: sm, rangeMask: rm, labels: labels, reservations: res)
  }

  /// `prepareAgent` for a spec with the resources resolved last and no reservations:
  /// nothing to intern, so it needs no registry.
  @inline(__always)
  func prepareKnownAgent(_ spec: AgentSpec, _ c: ResolvedResourcesCache) throws(AllotError)
    -> PreparedAgent
  {
    try checkAgentNames(spec)
    let labels = try checkAgentLabels(spec)
    return PreparedAgent(
      total: c.total, scalarMask: c.scalarMask, rangeMask: c.rangeMask, labels: labels,
      reservations: [])
  }

  /// The checks of a prepared agent against the cluster: the total's overflow, a duplicate
  /// id (`conflict`), quota limits for its reservations (`quotaExceeded`).
  @inline(__always)
  func checkAgentJoins(_ spec: AgentSpec, _ p: PreparedAgent, registry reg: ResourceRegistry)
    throws(AllotError)
  {
    try checkTotalOverflow(adding: p.total.scalars, removing: .zero, registry: reg)
    if agents.byId[spec.id] != nil {
      throw AllotError(.conflict, field: "id", "agent '\(spec.id)' already exists")
    }
    if !p.reservations.isEmpty {
      try roles.checkReservationLimits(
        resourceNames: reg.names,
        adding: p.reservations.map { ($0.name, $0.amount) }, removing: [],
        field: "reservations")
    }
  }

  /// The id and hostname checks of an agent spec.
  @inline(__always)
  func checkAgentNames(_ spec: AgentSpec) throws(AllotError) {
    try Validate.id(spec.id, field: "id")
    if let h = spec.hostname { try Validate.id(h, field: "hostname") }
  }

  /// The label and taint checks of an agent spec; returns the labels sorted.
  @inline(__always)
  func checkAgentLabels(_ spec: AgentSpec) throws(AllotError) -> [(String, String)] {
    let labels =
      spec.labels.isEmpty ? [] : try Validate.labels(spec.labels, field: "labels")
    if !spec.taints.isEmpty { try Validate.taints(spec.taints, field: "taints") }
    return labels
  }

  /// Adds an agent.
  ///
  /// Checks, in order: the id, hostname, resources, labels, taints and reservations
  /// (`invalidParams`), a duplicate id (`conflict`), then quota limits for the reservations
  /// (`quotaExceeded`).
  ///
  /// - Complexity: O(r + l) in the resources and labels named; amortised O(1) otherwise.
  public mutating func addAgent(_ spec: AgentSpec) throws(AllotError) {
    let p: PreparedAgent
    if spec.reservations.isEmpty, let c = resolvedResourcesCache, c.spec == spec.resources {
      // The shape of the last agent, without reservations: nothing to intern, so no
      // scratch copy of the registry (the same checks, in the same order).
      p = try prepareKnownAgent(spec, c)
      try checkAgentJoins(spec, p, registry: registry)
    } else {
      var reg = registry
      let cache = resolvedResourcesCache
      do throws(AllotError) {
        p = try prepareAgent(spec, registry: &reg)
        try checkAgentJoins(spec, p, registry: reg)
      } catch {
        resolvedResourcesCache = cache
        throw error
      }
      registry = reg
    }
    commitAgent(spec, p)
    orderDirty = true
    checkInvariantsIfEnabled()
  }

  /// Adds agents in one atomic step: either every spec is valid and all are added, in
  /// order, or nothing changes.
  ///
  /// The result equals adding them one by one with ``addAgent(_:)``, in the same order,
  /// with the same checks; an error names the spec by its position (`agents[3].id`, or
  /// `agents[3].resources.cpus` when the cluster's total would overflow), and an id given
  /// twice in the batch is a `conflict` at the second one. Quota limits are checked against
  /// the reservations of the whole batch; when they are exceeded the error names the first
  /// spec whose reservations cross the limit.
  ///
  /// The per-agent tables grow once for the whole batch, so a bulk import of a cluster
  /// costs a fraction of the one-by-one adds.
  ///
  /// - Complexity: O(n) in the specs (plus their resources, labels and reservations).
  public mutating func addAgents(_ specs: [AgentSpec]) throws(AllotError) {
    if specs.isEmpty { return }
    var reg = registry
    let cache = resolvedResourcesCache
    var prepared: [PreparedAgent] = []
    prepared.reserveCapacity(specs.count)
    do throws(AllotError) {
      var seen = ByteDictionary<Int>(minimumCapacity: specs.count)
      var added = ScalarVector()
      var reserving: [Int] = []
      for (i, spec) in specs.enumerated() {
        let p: PreparedAgent
        do {
          p = try prepareAgent(spec, registry: &reg)
          added += p.total.scalars
          try checkTotalOverflow(adding: added, removing: .zero, registry: reg)
        } catch {
          throw error.within("agents[\(i)]")
        }
        if agents.byId[spec.id] != nil {
          throw AllotError(
            .conflict, field: "agents[\(i)].id", "agent '\(spec.id)' already exists")
        }
        if let first = seen.updateValue(i, forKey: spec.id) {
          throw AllotError(
            .conflict, field: "agents[\(i)].id",
            "agent '\(spec.id)' is given twice (first at agents[\(first)])")
        }
        if !p.reservations.isEmpty { reserving.append(i) }
        prepared.append(p)
      }
      if !reserving.isEmpty {
        try checkBatchReservationLimits(prepared, reserving, names: reg.names)
      }
    } catch {
      resolvedResourcesCache = cache
      throw error
    }
    registry = reg
    if agents.freeSlots.isEmpty {
      // Every table grows by the whole batch at once; the agents take the new slots in
      // order, as one-by-one adds would.
      let first = agents.appendSlots(specs.count)
      agents.byId.reserveCapacity(agents.byId.count + specs.count)
      agents.order.reserveCapacity(agents.order.count + specs.count)
      for i in specs.indices { commitAgent(specs[i], prepared[i], slot: AgentIndex(first + i)) }
    } else {
      agents.reserveCapacity(agents.ids.count + specs.count)
      for i in specs.indices { commitAgent(specs[i], prepared[i]) }
    }
    orderDirty = true
    checkInvariantsIfEnabled()
  }

  /// Quota limits against the reservations of the batch agents `reserving` (positions in
  /// `prepared`): when the whole batch exceeds a limit, the error names the first agent
  /// whose reservations cross it (the prefixes' consumption only grows, so a binary search
  /// finds it).
  func checkBatchReservationLimits(
    _ prepared: [PreparedAgent], _ reserving: [Int], names: ResourceNames
  ) throws(AllotError) {
    func check(_ n: Int) throws(AllotError) {
      var adding: [(String, ScalarVector)] = []
      for i in reserving.prefix(n) {
        for r in prepared[i].reservations { adding.append((r.name, r.amount)) }
      }
      try roles.checkReservationLimits(
        resourceNames: names, adding: adding, removing: [], field: "reservations")
    }
    do {
      try check(reserving.count)
    } catch {
      // The shortest failing prefix: check(lo) passes, check(hi) fails.
      var lo = 0
      var hi = reserving.count
      while hi - lo > 1 {
        let mid = (lo + hi) / 2
        do {
          try check(mid)
          lo = mid
        } catch {
          hi = mid
        }
      }
      do {
        try check(hi)
      } catch {
        throw error.within("agents[\(reserving[hi - 1])]")
      }
    }
  }

  /// Records a prepared agent (every check passed).
  mutating func commitAgent(_ spec: AgentSpec, _ p: PreparedAgent, slot: AgentIndex? = nil) {
    let total = p.total
    let a = slot ?? agents.allocateSlot()
    agents.ids[a.i] = spec.id
    agents.hostnames[a.i] = spec.hostname ?? spec.id
    agents.byId[spec.id] = a
    agents.alive[a.i] = true
    agents.order.append(a)
    agents.ordinal[a.i] = agents.nextOrdinal
    agents.nextOrdinal += 1
    hostnameAgents[agents.hostnames[a.i], default: []].append(Int32(a.i))
    agents.total[a.i] = total
    agents.scalarMask[a.i] = p.scalarMask
    agents.rangeMask[a.i] = p.rangeMask
    var reservations: [Reservation] = []
    var reservedSum = ScalarVector()
    for r in p.reservations where !r.amount.isZero {
      let ri = internRole(r.name)
      reservations.append(Reservation(role: ri, amount: r.amount, held: .zero))
      reservedSum += r.amount
      addReservedTotal(ri, r.amount, sign: 1)
    }
    agents.reservations[a.i] = reservations
    agents.unreservedFree[a.i] = total.scalars - reservedSum
    agents.freeRanges[a.i] = total.ranges
    agents.allocated[a.i] = .empty
    agents.labels[a.i] = p.labels
    labelIndex.add(agent: a.i, labels: p.labels)
    if !spec.taints.isEmpty || !agents.taints[a.i].isEmpty { setTaints(a, spec.taints) }
    agents.draining[a.i] = false
    agents.gpu[a.i] = gpuAmount(total.scalars) > 0
    agents.offerHead[a.i] = -1
    agents.filters[a.i] = []
    agents.refreshFilterSummary(a)
    agents.tasks[a.i] = []
    clusterTotal += total.scalars
    agents.syncHeads(a)
  }

  func gpuAmount(_ v: ScalarVector) -> Int64 {
    guard let g = registry.gpuScalarIndex else { return 0 }
    return v[g]
  }

  func checkTotalOverflow(
    adding: ScalarVector, removing: ScalarVector, registry reg: ResourceRegistry
  )
    throws(AllotError)
  {
    let after = clusterTotal + adding - removing
    // One reduction in the common case; the lane loop only to name the culprit.
    let limit = ScalarVector(lanes: SIMD16(repeating: Quantity.maxMilli))
    if limit.covers(after) { return }
    for i in 0..<after.width where after[i] > Quantity.maxMilli {
      let name = reg.names.scalarNames[i]
      throw .invalid(
        "resources.\(name)", "the cluster's total \(name) would exceed 2^53/1000")
    }
  }

  /// Changes an agent's resources, labels, taints or reservations; each given field replaces
  /// the old value whole, and a field equal to its old value is no change.
  ///
  /// A change of resources or reservations first rescinds the agent's outstanding offers; a
  /// change of labels removes every decline filter for the agent.
  ///
  /// - Returns: the rescinded offers, in the order issued.
  /// - Throws: `invalidParams`, `notFound`, `insufficientResources` when running tasks
  ///   would no longer fit (in total or within their reservations), `quotaExceeded`.
  public mutating func updateAgent(_ update: AgentUpdate) throws(AllotError) -> [OfferID] {
    try Validate.id(update.id, field: "id")
    var reg = registry
    var newTotal: (Resources, UInt64, UInt64)?
    if let r = update.resources {
      newTotal = try reg.resolveAgentResources(r, field: "resources")
    }
    var newLabels: [(String, String)]?
    if let l = update.labels { newLabels = try Validate.labels(l, field: "labels") }
    if let t = update.taints { try Validate.taints(t, field: "taints") }
    var newRes: [ResolvedReservation]?
    if let r = update.reservations {
      newRes = try validateReservations(r, registry: &reg, field: "reservations")
    }
    guard let a = agents.byId[update.id] else {
      // Checks that need the agent's current values come after the lookup.
      throw AllotError(.notFound, field: "id", "agent '\(update.id)' does not exist")
    }
    let oldTotal = agents.total[a.i]
    let total = newTotal?.0 ?? oldTotal
    let effective: [ResolvedReservation] =
      newRes?.filter { !$0.amount.isZero }
      ?? agents.reservations[a.i].map {
        ResolvedReservation(name: roles.names[$0.role.i], amount: $0.amount)
      }
    try checkReservationsFit(
      effective, total: total, registry: reg,
      field: newRes != nil ? "reservations" : "resources")
    try checkTotalOverflow(adding: total.scalars, removing: oldTotal.scalars, registry: reg)
    let resourcesChanged = newTotal != nil && !(total == oldTotal)
    let oldRes = agents.reservations[a.i]
    let reservationsChanged: Bool = {
      guard let nr = newRes?.filter({ !$0.amount.isZero }) else { return false }
      if nr.count != oldRes.count { return true }
      for r in nr {
        guard let o = oldRes.first(where: { roles.names[$0.role.i] == r.name }),
          o.amount == r.amount
        else { return true }
      }
      return false
    }()
    // Running tasks must still fit: per reservation, unreserved, ranges.
    var allocUnreserved = ScalarVector()
    var allocByRole: [RoleIndex: ScalarVector] = [:]
    var allocRanges = Resources()
    for t in agents.tasks[a.i] {
      let rec = taskRecords[t.i]
      allocUnreserved += rec.unreserved
      for p in rec.reserved { allocByRole[p.role, default: .zero] += p.amount }
      allocRanges.add(Resources(ranges: rec.resources.ranges))
    }
    var resSum = ScalarVector()
    for r in effective { resSum += r.amount }
    if !(total.scalars - resSum).covers(allocUnreserved) {
      throw AllotError(
        .insufficientResources, field: update.resources != nil ? "resources" : "reservations",
        "running tasks on agent '\(update.id)' would no longer fit in its unreserved resources")
    }
    for (role, amt) in allocByRole {
      let name = roles.names[role.i]
      let have = effective.first { $0.name == name }?.amount ?? .zero
      if !have.covers(amt) {
        throw AllotError(
          .insufficientResources, field: "reservations",
          "running tasks on agent '\(update.id)' would no longer fit in the reservation for '\(name)'"
        )
      }
    }
    if !Resources(ranges: total.ranges).contains(allocRanges) {
      throw AllotError(
        .insufficientResources, field: "resources",
        "running tasks on agent '\(update.id)' hold range values the new resources lack")
    }
    if reservationsChanged {
      try roles.checkReservationLimits(
        resourceNames: registry.names,
        adding: effective.map { ($0.name, $0.amount) },
        removing: oldRes.map { ($0.role, $0.amount) }, field: "reservations")
    }
    // Commit.
    registry = reg
    var rescinded: [OfferID] = []
    if resourcesChanged || reservationsChanged {
      rescinded = rescindAll(onAgent: a)
    }
    if resourcesChanged || reservationsChanged {
      for r in oldRes { addReservedTotal(r.role, r.amount, sign: -1) }
      var list: [Reservation] = []
      for r in effective {
        let ri = internRole(r.name)
        let held = allocByRole[ri] ?? .zero
        list.append(Reservation(role: ri, amount: r.amount, held: held))
        addReservedTotal(ri, r.amount, sign: 1)
      }
      agents.reservations[a.i] = list
      clusterTotal -= oldTotal.scalars
      clusterTotal += total.scalars
      agents.total[a.i] = total
      if let nt = newTotal {
        agents.scalarMask[a.i] = nt.1
        agents.rangeMask[a.i] = nt.2
      }
      agents.unreservedFree[a.i] = total.scalars - resSum - allocUnreserved
      var fr = Resources(ranges: total.ranges)
      fr.subtract(allocRanges)
      agents.freeRanges[a.i] = fr.ranges
      agents.gpu[a.i] = gpuAmount(total.scalars) > 0
      agents.syncHeads(a)
      orderDirty = true
    }
    if let l = newLabels, !l.elementsEqual(agents.labels[a.i], by: ==) {
      agents.labels[a.i] = l
      labelIndex.update(agent: a.i, labels: l)
      agents.filters[a.i] = []
      agents.refreshFilterSummary(a)
    }
    if let t = update.taints { setTaints(a, t) }
    checkInvariantsIfEnabled()
    return rescinded
  }

  /// Marks an agent draining: it gets no new offers or placements and its outstanding offers
  /// are rescinded.
  ///
  /// Idempotent.
  ///
  /// - Returns: the rescinded offers, in the order issued.
  public mutating func drainAgent(_ id: String) throws(AllotError) -> [OfferID] {
    try Validate.id(id, field: "id")
    let a = try agentIndex(id, field: "id")
    agents.draining[a.i] = true
    let r = rescindAll(onAgent: a)
    agents.syncHeads(a)
    checkInvariantsIfEnabled()
    return r
  }

  /// Ends draining.
  ///
  /// Idempotent; rescinds nothing.
  public mutating func activateAgent(_ id: String) throws(AllotError) -> [OfferID] {
    try Validate.id(id, field: "id")
    let a = try agentIndex(id, field: "id")
    agents.draining[a.i] = false
    agents.syncHeads(a)
    return []
  }

  /// Removes an agent: its offers are rescinded and its tasks are lost (forgotten).
  ///
  /// - Returns: the rescinded offers and the lost tasks sorted by (framework, task).
  public mutating func removeAgent(_ id: String) throws(AllotError) -> AgentRemoval {
    try Validate.id(id, field: "id")
    let a = try agentIndex(id, field: "id")
    let rescinded = rescindAll(onAgent: a)
    var lost: [LostTask] = []
    for t in agents.tasks[a.i] {
      let rec = taskRecords[t.i]
      lost.append(LostTask(framework: frameworks.ids[rec.framework.i], task: rec.id))
    }
    for t in agents.tasks[a.i] { removeTaskRecord(t, fromAgentList: false) }
    agents.tasks[a.i] = []
    for r in agents.reservations[a.i] { addReservedTotal(r.role, r.amount, sign: -1) }
    clusterTotal -= agents.total[a.i].scalars
    agents.reservations[a.i] = []
    agents.filters[a.i] = []
    agents.refreshFilterSummary(a)
    setTaints(a, [])
    labelIndex.remove(agent: a.i)
    hostnameAgents[agents.hostnames[a.i]]?.removeAll { $0 == Int32(a.i) }
    if hostnameAgents[agents.hostnames[a.i]]?.isEmpty == true {
      hostnameAgents[agents.hostnames[a.i]] = nil
    }
    agents.labels[a.i] = []
    agents.alive[a.i] = false
    agents.byId[id] = nil
    if let k = agents.order.firstIndex(of: a) { agents.order.remove(at: k) }
    agents.freeSlots.append(a)
    agents.total[a.i] = .empty
    agents.unreservedFree[a.i] = .zero
    agents.freeRanges[a.i] = []
    agents.allocated[a.i] = .empty
    agents.syncHeads(a)
    orderDirty = true
    checkInvariantsIfEnabled()
    return AgentRemoval(rescinded: rescinded, lostTasks: lost.sorted())
  }

  /// Replaces an agent's taints, keeping the counts of agents with PreferNoSchedule and
  /// with NoSchedule/NoExecute taints (placement skips taint work when they are zero).
  mutating func setTaints(_ a: AgentIndex, _ taints: [Taint]) {
    let old = agents.taints[a.i]
    if old.contains(where: { $0.effect == .preferNoSchedule }) { preferTaintCount -= 1 }
    if old.contains(where: { $0.effect != .preferNoSchedule }) { blockingTaintCount -= 1 }
    agents.taints[a.i] = taints
    if taints.contains(where: { $0.effect == .preferNoSchedule }) { preferTaintCount += 1 }
    if taints.contains(where: { $0.effect != .preferNoSchedule }) { blockingTaintCount += 1 }
  }

  /// Rescinds every outstanding offer on an agent, in the order issued.
  mutating func rescindAll(onAgent a: AgentIndex) -> [OfferID] {
    let slots = agentOfferSlots(a).sorted { offerRecords[$0.i].seq < offerRecords[$1.i].seq }
    var out: [OfferID] = []
    for s in slots {
      out.append(OfferID(sequence: offerRecords[s.i].seq))
      dropOffer(s)
    }
    return out
  }
}
