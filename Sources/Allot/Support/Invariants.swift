extension Engine {
  /// Runs ``checkInvariants()`` and traps on a violation, in builds with
  /// `ALLOT_INTERNAL_CHECKS` (debug builds and tests); does nothing otherwise.
  @inline(__always)
  func checkInvariantsIfEnabled() {
    #if ALLOT_INTERNAL_CHECKS
      let errors = checkInvariants()
      if !errors.isEmpty {
        preconditionFailure(
          "engine invariants broken:\n" + errors.prefix(10).joined(separator: "\n"))
      }
    #endif
  }

  /// Checks the engine's accounting from scratch and returns every violation found.
  ///
  /// On every agent and for every scalar, `allocated + offered + available == total` and
  /// nothing is negative; range values are partitioned the same way; offers and tasks add
  /// up to what agents, roles and clients record; the sort heaps are in order.
  ///
  /// - Complexity: O(everything): meant for tests.
  public func checkInvariants() -> [String] {
    var errors: [String] = []
    var roleHeld = Array(repeating: ScalarVector(), count: roles.count)
    var roleAlloc = Array(repeating: ScalarVector(), count: roles.count)
    var roleUnres = Array(repeating: ScalarVector(), count: roles.count)
    var roleReserved = Array(repeating: ScalarVector(), count: roles.count)
    var clientHeld = Array(repeating: ScalarVector(), count: sorter.kind.count)
    var clientAlloc = Array(repeating: ScalarVector(), count: sorter.kind.count)
    var total = ScalarVector()
    for a in agents.order {
      let id = agents.ids[a.i]
      let t = agents.total[a.i]
      total += t.scalars
      var offered = Resources()
      var allocated = Resources()
      var unresUsed = ScalarVector()
      var resUsed: [RoleIndex: ScalarVector] = [:]
      for s in agentOfferSlots(a) {
        guard offerLive[s.i] else {
          errors.append("agent \(id): dead offer slot listed")
          continue
        }
        let o = offerRecords[s.i]
        offered.add(o.resources)
        unresUsed += o.unreserved
        var sum = o.unreserved
        for p in o.reserved {
          resUsed[p.role, default: .zero] += p.amount
          sum += p.amount
          roleReserved[o.role.i] += .zero
        }
        if sum != o.resources.scalars { errors.append("offer o\(o.seq): split does not add up") }
        roleHeld[o.role.i] += o.resources.scalars
        roleUnres[o.role.i] += o.unreserved
        clientHeld[o.client.i] += o.resources.scalars
      }
      for ts in agents.tasks[a.i] {
        guard taskLive[ts.i] else {
          errors.append("agent \(id): dead task slot listed")
          continue
        }
        let tr = taskRecords[ts.i]
        allocated.add(tr.resources)
        unresUsed += tr.unreserved
        var sum = tr.unreserved
        for p in tr.reserved {
          resUsed[p.role, default: .zero] += p.amount
          sum += p.amount
        }
        if sum != tr.resources.scalars { errors.append("task \(tr.id): split does not add up") }
        roleHeld[tr.role.i] += tr.resources.scalars
        roleAlloc[tr.role.i] += tr.resources.scalars
        roleUnres[tr.role.i] += tr.unreserved
        clientHeld[tr.client.i] += tr.resources.scalars
        clientAlloc[tr.client.i] += tr.resources.scalars
      }
      if !(allocated == agents.allocated[a.i]) { errors.append("agent \(id): allocated mismatch") }
      let available = agents.available(a)
      if available.scalars.hasNegative || agents.unreservedFree[a.i].hasNegative {
        errors.append("agent \(id): negative available")
      }
      if allocated.scalars.hasNegative || offered.scalars.hasNegative {
        errors.append("agent \(id): negative allocated or offered")
      }
      if allocated.scalars + offered.scalars + available.scalars != t.scalars {
        errors.append("agent \(id): allocated + offered + available != total")
      }
      var resSum = ScalarVector()
      for r in agents.reservations[a.i] {
        resSum += r.amount
        roleReserved[r.role.i] += r.amount
        if r.held != (resUsed[r.role] ?? .zero) {
          errors.append("agent \(id): reservation for \(roles.names[r.role.i]) held mismatch")
        }
        if !r.amount.covers(r.held) || r.held.hasNegative {
          errors.append("agent \(id): reservation over-held")
        }
      }
      let headDirty = a.i < agents.shapeDirty.count && agents.shapeDirty[a.i]
      if agents.totalHead[a.i] != t.scalars.head
        || (!headDirty && agents.availableHead[a.i] != available.scalars.head)
      {
        errors.append("agent \(id): plain-data heads out of date")
      }
      if agents.unreservedFree[a.i] != t.scalars - resSum - unresUsed {
        errors.append("agent \(id): unreserved free mismatch")
      }
      // Ranges: free, offered and allocated are disjoint and cover the total.
      let free = Resources(ranges: agents.freeRanges[a.i])
      let n = max(
        t.ranges.count, max(free.ranges.count, max(offered.ranges.count, allocated.ranges.count)))
      for i in 0..<n {
        let parts = [free.range(i), offered.range(i), allocated.range(i)]
        var union = RangeSet()
        var count: UInt64 = 0
        for p in parts {
          union.formUnion(p)
          count += p.count
        }
        if union != t.range(i) || count != t.range(i).count {
          errors.append("agent \(id): range values not partitioned")
        }
      }
    }
    if total != clusterTotal { errors.append("cluster total mismatch") }
    // Shapes: every agent in play is filed under its current shape (once refreshed), the
    // others nowhere.
    var filed = 0
    func dirty(_ a: Int) -> Bool { a < agents.shapeDirty.count && agents.shapeDirty[a] }
    for c in agents.shapes.live {
      let key = agents.shapes.keys[Int(c)]
      for m in agents.shapes.members[Int(c)] {
        let a = Int(m.agent)
        filed += 1
        if dirty(a) { continue }
        if !agents.alive[a] || agents.draining[a] || !agents.reservations[a].isEmpty
          || agents.totalHead[a] != key.total || agents.availableHead[a] != key.available
        {
          errors.append("agent \(agents.ids[a]): filed under a wrong shape")
        }
      }
    }
    for m in agents.shapes.unclassed {
      let a = Int(m.agent)
      filed += 1
      if dirty(a) { continue }
      if !agents.alive[a] || agents.draining[a] || agents.reservations[a].isEmpty {
        errors.append(
          "agent \(agents.ids[a]) (slot \(a), alive \(agents.alive[a]), draining "
            + "\(agents.draining[a]), reservations \(agents.reservations[a].count), ordinal "
            + "\(agents.ordinal[a]) filed as \(m.ordinal)): wrongly unclassed")
      }
    }
    if agents.dirtyShapes.isEmpty && filed != agents.order.filter({ !agents.draining[$0.i] }).count
    {
      errors.append("shapes: \(filed) agents filed, expected every agent not draining")
    }
    // Roles: own held, subtree aggregates, consumption.
    var subHeld = roleHeld
    var subAlloc = roleAlloc
    var cons = Array(repeating: ScalarVector(), count: roles.count)
    for r in 1..<max(1, roles.count) { cons[r] = roleUnres[r] + roleReserved[r] }
    // Aggregate bottom-up: children have larger indices than their parents.
    for r in stride(from: roles.count - 1, through: 1, by: -1) {
      let p = roles.parent[r].i
      if p > 0 {
        subHeld[p] += subHeld[r]
        subAlloc[p] += subAlloc[r]
        cons[p] += cons[r]
      }
    }
    for r in 1..<max(1, roles.count) {
      let name = roles.names[r]
      if roles.heldOwn[r] != roleHeld[r] { errors.append("role \(name): held mismatch") }
      if roles.heldSubtree[r] != subHeld[r] { errors.append("role \(name): subtree held mismatch") }
      if roles.allocatedSubtree[r] != subAlloc[r] {
        errors.append("role \(name): allocated mismatch")
      }
      if roles.consumption[r] != cons[r] { errors.append("role \(name): consumption mismatch") }
      if roles.reservedTotal[r] != roleReserved[r] {
        errors.append("role \(name): reserved total mismatch")
      }
    }
    for c in sorter.kind.indices where sorter.kind[c] == .framework {
      if sorter.freeSlots.contains(ClientIndex(c)) { continue }
      if sorter.held[c] != clientHeld[c] { errors.append("client \(c): held mismatch") }
      if sorter.allocated[c] != clientAlloc[c] { errors.append("client \(c): allocated mismatch") }
    }
    for a in agents.ids.indices where agents.alive[a] {
      var bloom: UInt64 = 0
      var earliest = Int64.max
      for f in agents.filters[a] {
        bloom |= 1 << UInt64(f.client.i & 63)
        earliest = min(earliest, f.expires)
      }
      if agents.filterBloom[a] != bloom || agents.filterMinExpiry[a] != earliest {
        errors.append("agent \(agents.ids[a]): filter summary stale")
      }
      if !agents.ceiling[a].contains(agents.available(AgentIndex(a))) {
        errors.append("agent \(agents.ids[a]): available beyond the ceiling")
      }
      for f in agents.filters[a] where f.epoch == agents.growEpoch[a] {
        if !f.refused.contains(agents.ceiling[a]) {
          errors.append(
            "agent \(agents.ids[a]): current-epoch filter refuses less than the ceiling")
        }
      }
      for f in agents.filters[a]
      where f.epoch > agents.growEpoch[a] {
        errors.append("agent \(agents.ids[a]): filter epoch from the future")
      }
      for f in agents.filters[a]
      where f.client.i >= filterAgents.count || !filterAgents[f.client.i].contains(Int32(a)) {
        errors.append("agent \(agents.ids[a]): filter of client \(f.client.i) not listed")
      }
    }
    // The intrusive offer lists: every live offer exactly once in its agent's and its
    // framework's list, with back links that mirror the forward ones.
    var inAgentLists = 0
    for a in agents.order {
      var prev: Int32 = -1
      for s in agentOfferSlots(a) {
        inAgentLists += 1
        if !offerLive[s.i] || offerRecords[s.i].agent != a || offerRecords[s.i].agentPrev != prev {
          errors.append("agent \(agents.ids[a.i]): offer list broken")
        }
        prev = s.raw
      }
    }
    var inFrameworkLists = 0
    for f in frameworks.ids.indices where frameworks.alive[f] {
      var prev: Int32 = -1
      for s in frameworkOfferSlots(FrameworkIndex(f)) {
        inFrameworkLists += 1
        if !offerLive[s.i] || offerRecords[s.i].framework.i != f
          || offerRecords[s.i].frameworkPrev != prev
        {
          errors.append("framework \(frameworks.ids[f]): offer list broken")
        }
        prev = s.raw
      }
    }
    let liveOffers = offerLive.filter { $0 }.count
    if inAgentLists != liveOffers || inFrameworkLists != liveOffers {
      errors.append(
        "offer lists hold \(inAgentLists) and \(inFrameworkLists) of \(liveOffers) offers")
    }
    if offerIndex.count != offerLive.filter({ $0 }).count
      || offerLive.indices.contains(where: {
        offerLive[$0] && offerIndex.lookup(offerRecords[$0].seq) != OfferSlot($0)
      })
    {
      errors.append("offer index mismatch")
    }
    #if ALLOT_INTERNAL_CHECKS
      if !orderDirty { errors += sorter.checkHeaps() }
    #endif
    return errors
  }
}
