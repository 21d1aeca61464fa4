/// What one role may be offered on one agent right now (the engine keeps one, rewritten in
/// place for every role a search looks at).
struct OfferPlan: Sendable {
  var unreserved = ScalarVector()
  var reserved: [PoolPart] = []
  var resources = Resources()
  /// Whether the plan's scalars meet the engine's minimum: 0 unknown, 1 yes, 2 no.
  var meetsServerMinimum: UInt8 = 0
}

/// The state of one pass over one agent.
struct PassContext {
  var pass: Int
  var agent = AgentIndex(0)
  var stamp: UInt64 = 0
  var now: Int64
  /// The current agent's filter mask (see `AgentTable.filterBloom`).
  var filterBloom: UInt64 = 0
  /// The engine has at most eight scalar names: kinds 8 and up are zero in every vector.
  var narrow = false
  /// Pass 1: roles taking part, and roles with such a role in their subtree.
  var pass1Role: [Bool] = []
  var pass1Subtree: [Bool] = []
  /// Pass 1: the number of roles taking part in each role's subtree (itself included).
  var pass1Count: [Int32] = []
  /// Pass 2: kinds with a non-zero cluster total, and the roles whose subtree or ancestors
  /// hold reservations (those can be offered reserved resources beyond any limit).
  var clusterKinds: UInt64 = 0
  var reservedNear: [Bool] = []
  /// Pass 2: headroom to keep (H) and unreserved free on non-draining agents (U).
  var headroomActive = false
  var headroom = ScalarVector()
  var unreservedPool = ScalarVector()
}

/// An in-order walk over one heap; its auxiliary heap lives in the engine's scratch space.
struct HeapWalk {
  var heap: Int
  /// The heap's entries (the heap is not modified while a walk is under way).
  var entries: [SortEntry]
  var count: Int
  var base: Int
  var size: Int
  var started: Bool
}

/// The client a search found; the offer's contents are the engine's current `plan`.
struct Candidate {
  var client: ClientIndex
  var merge: OfferSlot?
}

extension Engine {
  /// Runs one allocation cycle at the current time and returns the offers it made, in the
  /// order made.
  ///
  /// Pass 1 offers roles below their guarantee the guaranteed resources (cut to guarantee
  /// minus consumption); pass 2 offers every role, in hierarchical DRF order, everything it
  /// may use on each agent, cut by limits and by the headroom kept for unmet guarantees.
  /// See the wire contract's Offers section for every rule.
  ///
  /// - Complexity: O(agents * (k log n)) where k is the number of clients skipped on an
  ///   agent (filters, suppression) and n the number of clients at a level.
  public mutating func allocate() -> [Offer] {
    // Filled in place: a second reference to the columns would make every append copy them.
    collected = OfferColumns(width: registry.scalarCount, capacity: agents.liveCount)
    mergedThisCycle = false
    let slots = runCycle()
    let columns = collected!
    collected = nil
    if mergedThisCycle { return offers(at: slots) }
    return makeBatch(columns).offers()
  }

  /// Runs one allocation cycle and returns how many offers it made (the offers are
  /// outstanding; list them with ``outstandingOffers(framework:)``).
  public mutating func allocateCount() -> Int { runCycle().count }

  mutating func runCycle() -> [OfferSlot] {
    let now = clock.now().milli
    if orderDirty { rebuildOrder() }
    cycles += 1
    var order = agents.order
    if let seed = shuffleSeed { Engine.shuffle(&order, seed: seed, cycle: cycles) }
    var made: [OfferSlot] = []
    pass1Offers.removeAll(keepingCapacity: true)

    // Pass 1: guarantees.
    let narrow = registry.scalarCount <= 8
    var ctx1 = PassContext(pass: 1, now: now)
    ctx1.narrow = narrow
    var anyPass1 = false
    if !guaranteedRoles.isEmpty {
      ctx1.pass1Role = Array(repeating: false, count: roles.count)
      ctx1.pass1Subtree = Array(repeating: false, count: roles.count)
      ctx1.pass1Count = Array(repeating: 0, count: roles.count)
      for r in guaranteedRoles where roles.subscribers[r.i] > 0 && roles.guaranteeUnmet(r) {
        ctx1.pass1Role[r.i] = true
        anyPass1 = true
        var x = r
        while x.i > 0 {
          ctx1.pass1Subtree[x.i] = true
          ctx1.pass1Count[x.i] += 1
          x = roles.parent[x.i]
        }
      }
    }
    if anyPass1 {
      cur = ctx1
      for a in order where !agents.draining[a.i] {
        visit(a, &made)
      }
      unparkRoles()
    }

    // Pass 2: everything else, with headroom.
    var ctx2 = PassContext(pass: 2, now: now)
    ctx2.narrow = narrow
    if !guaranteedRoles.isEmpty {
      var h = ScalarVector()
      for r in guaranteedRoles where !roles.hasGuaranteedAncestor(r) {
        h += roles.unmetGuarantee(r)
      }
      if !h.isZero {
        ctx2.headroomActive = true
        ctx2.headroom = h
        var u = ScalarVector()
        for a in agents.order where !agents.draining[a.i] { u += agents.unreservedFree[a.i] }
        ctx2.unreservedPool = u
      }
    }
    ctx2.clusterKinds = 0
    for k in 0..<ScalarVector.capacity where clusterTotal[k] != 0 {
      ctx2.clusterKinds |= 1 << UInt64(k)
    }
    if roles.limitMask.contains(where: { $0 != 0 }) { ctx2.reservedNear = reservedNearMap() }
    cur = ctx2
    for a in order where !agents.draining[a.i] {
      visit(a, &made)
    }
    unparkRoles()
    cur = PassContext(pass: 0, now: now)
    pass1Offers.removeAll(keepingCapacity: true)
    checkInvariantsIfEnabled()
    return made
  }

  /// Seeded Fisher-Yates shuffle (SplitMix64 over seed and cycle number).
  static func shuffle(_ order: inout [AgentIndex], seed: UInt64, cycle: UInt64) {
    var rng = SplitMix64(seed: seed ^ (cycle &* 0x9E37_79B9_7F4A_7C15))
    var i = order.count - 1
    while i > 0 {
      let j = Int(rng.next() % UInt64(i + 1))
      order.swapAt(i, j)
      i -= 1
    }
  }

  /// Offers what one agent has, one client at a time, until nobody can take more.
  mutating func visit(_ a: AgentIndex, _ made: inout [OfferSlot]) {
    visitStamp += 1
    cur.agent = a
    cur.stamp = visitStamp
    // Expired filters go when the earliest one has expired (the summary says so without
    // touching the list); the walk looks at the list only for clients the mask names.
    if agents.filterMinExpiry[a.i] <= cur.now {
      let now = cur.now
      agents.filters[a.i].removeAll { $0.expires <= now }
      agents.refreshFilterSummary(a)
    }
    cur.filterBloom = agents.filterBloom[a.i]
    if cur.filterBloom != 0 { markCoveringFilters(a) }
    while hasFreeScalars(a) {
      guard let cand = search() else { break }
      let c = cand.client
      if let m = cand.merge {
        mergeIntoOffer(m)
        mergedThisCycle = true
      } else {
        let s = makeOffer(client: c, agent: a)
        made.append(s)
        if cur.pass == 1 { pass1Offers[Engine.pairKey(c, a)] = s }
      }
      sorter.mark[c.i] = cur.stamp
      if cur.pass == 1 { retirePass1Roles(from: sorter.role[c.i]) }
      if cur.headroomActive {
        let x = plan.unreserved
        cur.unreservedPool -= x
        if let g = roles.nearestGuaranteed(sorter.role[c.i]) {
          // The part of the offer that went toward g's unmet guarantee: the unmet amount was
          // measured before the offer, i.e. now plus x.
          var m = roles.guaranteeMask[g.i]
          while m != 0 {
            let k = m.trailingZeroBitCount
            m &= m - 1
            let unmetBefore = max(0, roles.guarantee[g.i][k] - (roles.consumption[g.i][k] - x[k]))
            cur.headroom[k] = max(0, cur.headroom[k] - min(x[k], unmetBefore))
          }
        }
      }
    }
    if !parkQueue.isEmpty { parkNotedRoles() }
  }

  /// Marks the clients whose filter on agent `a` is of its current grow epoch: such a filter
  /// refuses everything the agent can offer during this visit (see `OfferFilter.epoch`), so
  /// the walk skips them on the mark alone, as it skips a client that already took an offer
  /// here (in Mesos's DeclineOffers shape these are the clients first in line on the agent).
  mutating func markCoveringFilters(_ a: AgentIndex) {
    let epoch = agents.growEpoch[a.i]
    let now = cur.now
    let stamp = cur.stamp
    agents.filters[a.i].withUnsafeBufferPointer { fs in
      sorter.mark.withUnsafeMutableBufferPointer { mark in
        for k in fs.indices where fs[k].epoch == epoch && now < fs[k].expires {
          mark[fs[k].client.i] = stamp
        }
      }
    }
  }

  /// Roles whose guarantee the last pass-1 offer met take no further part in pass 1.
  mutating func retirePass1Roles(from r: RoleIndex) {
    var x = r
    while x.i > 0 {
      if cur.pass1Role[x.i] && !roles.guaranteeUnmet(x) {
        cur.pass1Role[x.i] = false
        var y = x
        while y.i > 0 {
          cur.pass1Count[y.i] -= 1
          if cur.pass1Count[y.i] == 0 { cur.pass1Subtree[y.i] = false }
          y = roles.parent[y.i]
        }
      }
      x = roles.parent[x.i]
    }
  }

  /// Whether nothing in role x's subtree can be offered anything for the rest of the pass.
  ///
  /// In pass 1: no role of the subtree has an unmet guarantee; in pass 2, x's limit leaves
  /// none of any kind the cluster has and no reservation can reach the subtree. Both only
  /// become true as a pass goes on (consumption only grows within a cycle).
  func roleIsSpent(_ x: RoleIndex) -> Bool {
    if cur.pass == 1 { return !cur.pass1Subtree[x.i] }
    let kinds = cur.clusterKinds
    if kinds == 0 || roles.limitMask[x.i] & kinds != kinds || cur.reservedNear[x.i] {
      return false
    }
    var m = kinds
    while m != 0 {
      let k = m.trailingZeroBitCount
      m &= m - 1
      if roles.consumption[x.i][k] < roles.limit[x.i][k] { return false }
    }
    return true
  }

  /// Roles with a reservation of their own, of an ancestor or of a descendant (parents are
  /// interned before their children, so one backward and one forward sweep suffice).
  func reservedNearMap() -> [Bool] {
    let own = roles.reservedTotal.map { !$0.isZero }
    var sub = own
    for x in stride(from: roles.count - 1, through: 1, by: -1) where sub[x] {
      sub[roles.parent[x].i] = true
    }
    var anc = Array(repeating: false, count: roles.count)
    var near = sub
    for x in 1..<max(1, roles.count) {
      let p = roles.parent[x].i
      if p > 0 { anc[x] = anc[p] || own[p] }
      if anc[x] { near[x] = true }
    }
    return near
  }

  /// Notes a role entry the walk found spent; it leaves its parent's heap after this agent
  /// (not during a walk of that heap), so later agents of the pass skip it for free.
  mutating func noteSpent(_ x: RoleIndex) {
    if parkStamp.count < roles.count {
      parkStamp.append(contentsOf: repeatElement(0, count: roles.count - parkStamp.count))
    }
    if parkStamp[x.i] == passStamp { return }
    parkStamp[x.i] = passStamp
    parkQueue.append(x)
  }

  /// Takes the noted role entries out of their parents' heaps until the pass ends.
  mutating func parkNotedRoles() {
    for x in parkQueue {
      let e = roles.entryClient[x.i]
      if e != .none && sorter.heapOf[e.i] >= 0 {
        sorter.remove(e)
        parkedRoles.append(x)
        rolesParked += 1
      }
    }
    parkQueue.removeAll(keepingCapacity: true)
  }

  /// Puts every parked role entry back, with its key brought up to date.
  mutating func unparkRoles() {
    parkNotedRoles()
    for x in parkedRoles {
      let e = roles.entryClient[x.i]
      refreshKey(e)
      insertRefreshing(e, heap: Sorter.childHeap(roles.parent[x.i]))
    }
    parkedRoles.removeAll(keepingCapacity: true)
    passStamp += 1
  }

  static func pairKey(_ c: ClientIndex, _ a: AgentIndex) -> UInt64 {
    UInt64(UInt32(bitPattern: c.raw)) << 32 | UInt64(UInt32(bitPattern: a.raw))
  }

  @inline(__always)
  func hasFreeScalars(_ a: AgentIndex) -> Bool {
    return agents.unreservedFree.withUnsafeBufferPointer { !$0[a.i].isZero }
      || agents.reservations[a.i].contains { $0.held != $0.amount }
  }

  /// The first client in hierarchical DRF order that takes an offer on `ctx.agent`.
  mutating func search() -> Candidate? {
    walkTop = 0
    return searchRole(.root)
  }

  mutating func searchRole(_ r: RoleIndex) -> Candidate? {
    // A heap of one entry needs no walk (the common chain root -> role -> own frameworks).
    let h = Sorter.childHeap(r)
    if sorter.heaps[h].count == 1 {
      let c = sorter.heaps[h][0].client
      switch sorter.kind[c.i] {
      case .roleEntry:
        let child = sorter.role[c.i]
        if parkSpentRoles && roleIsSpent(child) {
          noteSpent(child)
          return nil
        }
        if cur.pass == 1 && !cur.pass1Subtree[child.i] { return nil }
        return searchRole(child)
      case .selfEntry:
        return searchFrameworks(r)
      case .framework:
        return nil
      }
    }
    var w = beginWalk(h)
    while let c = nextInWalk(&w) {
      switch sorter.kind[c.i] {
      case .roleEntry:
        let child = sorter.role[c.i]
        if parkSpentRoles && roleIsSpent(child) {
          noteSpent(child)
          continue
        }
        if cur.pass == 1 && !cur.pass1Subtree[child.i] { continue }
        if let found = searchRole(child) { return found }
      case .selfEntry:
        if let found = searchFrameworks(r) { return found }
      case .framework:
        continue
      }
    }
    endWalk(w)
    return nil
  }

  mutating func searchFrameworks(_ r: RoleIndex) -> Candidate? {
    if cur.pass == 1 && !cur.pass1Role[r.i] { return nil }
    let h = Sorter.frameworkHeap(r)
    let n = sorter.heaps[h].count
    if n == 0 { return nil }
    guard makePlan(r) else { return nil }
    // The heap is not modified while it is walked (an offer repositions its taker after the
    // search returns).
    let entries = sorter.heaps[h]
    // The root first: most searches stop at it.
    if let found = considerForPlan(entries[0].client) { return found }
    if n == 1 { return nil }
    // Then the rest in ascending order: a small heap of frontier positions in the scratch
    // space, taken out of the engine for the walk (this is the innermost walk, so no nested
    // walk needs it meanwhile), so that a step costs no uniqueness check or call.
    let base = walkTop
    var scratch = walkScratch
    walkScratch = []
    if scratch.count < base + n {
      scratch.append(contentsOf: repeatElement(0, count: base + n - scratch.count + 64))
    }
    let found: Candidate? = scratch.withUnsafeMutableBufferPointer { buf in
      entries.withUnsafeBufferPointer { heap in
        let aux = UnsafeMutableBufferPointer(rebasing: buf[base..<(base + n)])
        var size = 0
        Engine.walkStart(aux, &size, heap)
        while size > 0 {
          let top = Engine.walkStep(aux, &size, heap)
          if let found = considerForPlan(heap[Int(top)].client) { return found }
        }
        return nil
      }
    }
    walkScratch = scratch
    return found
  }

  /// Client `c` as the taker of the current plan on the current agent, or nil when it
  /// cannot take it (already served here, suppressed, GPU rule, selector, minimum, filter).
  @inline(__always)
  mutating func considerForPlan(_ c: ClientIndex) -> Candidate? {
    if sorter.mark[c.i] == cur.stamp || sorter.suppressed[c.i] { return nil }
    let a = cur.agent
    let f = sorter.framework[c.i]
    if agents.gpu[a.i] && !frameworks.gpu[f.i] { return nil }
    if frameworks.hasSelector[f.i], let sel = frameworks.offerSelector[f.i],
      !labelIndex.matches(agent: a.i, sel)
    {
      return nil
    }
    let now = cur.now
    let maybeFiltered = cur.filterBloom & (1 << UInt64(c.i & 63)) != 0
    if cur.pass == 2, !pass1Offers.isEmpty, let m = pass1Offers[Engine.pairKey(c, a)] {
      var merged = offerRecords[m.i].resources
      merged.add(plan.resources)
      if !meetsMinimum(f, merged.scalars) || (maybeFiltered && isFiltered(c, a, merged, now: now)) {
        return nil
      }
      return Candidate(client: c, merge: m)
    }
    if !planMeetsMinimum(f) { return nil }
    if maybeFiltered && planIsFiltered(c, a, now: now) { return nil }
    return Candidate(client: c, merge: nil)
  }

  /// Whether the current plan meets framework `f`'s minimum (the engine's minimum is
  /// evaluated once per plan).
  @inline(__always)
  mutating func planMeetsMinimum(_ f: FrameworkIndex) -> Bool {
    if frameworks.hasMinimum[f.i] { return meetsMinimum(f, plan.resources.scalars) }
    if plan.meetsServerMinimum == 0 {
      plan.meetsServerMinimum = meetsServerMinimum(plan.resources.scalars) ? 1 : 2
    }
    return plan.meetsServerMinimum == 1
  }

  /// Starts an in-order walk of heap `h` (see ``nextInWalk(_:)``).
  @inline(__always)
  func beginWalk(_ h: Int) -> HeapWalk {
    let entries = sorter.heaps[h]
    return HeapWalk(
      heap: h, entries: entries, count: entries.count, base: walkTop, size: 0, started: false)
  }

  /// Takes the walk's scratch space now rather than at its second entry, so that another walk
  /// can run interleaved with it (a merge of two heaps); end both by resetting `walkTop` to
  /// the first one's base.
  mutating func reserveWalk(_ w: HeapWalk) {
    walkTop = w.base + w.count
    if walkScratch.count < walkTop {
      walkScratch.append(contentsOf: repeatElement(0, count: walkTop - walkScratch.count + 64))
    }
  }

  /// Frees the walk's scratch space (walks nest like a stack).
  @inline(__always)
  mutating func endWalk(_ w: HeapWalk) {
    if w.started { walkTop = w.base }
  }

  /// The next entry of a heap in ascending order, without modifying the heap: the first is
  /// the root; after it, a small auxiliary heap of frontier positions (kept in the engine's
  /// scratch space) yields the rest.
  ///
  /// - Complexity: O(log k) for the k-th entry.
  mutating func nextInWalk(_ w: inout HeapWalk) -> ClientIndex? {
    let n = w.count
    if !w.started {
      // The root needs no scratch space: most searches stop at it.
      if n == 0 { return nil }
      w.started = true
      w.size = -1
      return w.entries[0].client
    }
    let fresh = w.size < 0
    if fresh {
      w.size = 0
      walkTop = w.base + n
      if walkScratch.count < walkTop {
        walkScratch.append(contentsOf: repeatElement(0, count: walkTop - walkScratch.count + 64))
      }
    }
    // One pass over the scratch space per step.
    let b = w.base
    var size = w.size
    let top: Int32 = walkScratch.withUnsafeMutableBufferPointer { buf in
      w.entries.withUnsafeBufferPointer { heap in
        let aux = UnsafeMutableBufferPointer(rebasing: buf[b..<(b + n)])
        if fresh { Engine.walkStart(aux, &size, heap) }
        return size == 0 ? -1 : Engine.walkStep(aux, &size, heap)
      }
    }
    w.size = size
    if top < 0 {
      walkTop = w.base
      return nil
    }
    w.size = size
    return w.entries[Int(top)].client
  }

  /// Starts a walk's frontier after the root: the root's children.
  @inline(__always)
  static func walkStart(
    _ aux: UnsafeMutableBufferPointer<Int32>, _ size: inout Int,
    _ heap: UnsafeBufferPointer<SortEntry>
  ) {
    if heap.count > 1 { walkPush(aux, &size, heap, 1) }
    if heap.count > 2 { walkPush(aux, &size, heap, 2) }
  }

  /// The next heap position in ascending order (the frontier must not be empty): pops the
  /// least frontier position and pushes its children.
  @inline(__always)
  static func walkStep(
    _ aux: UnsafeMutableBufferPointer<Int32>, _ size: inout Int,
    _ heap: UnsafeBufferPointer<SortEntry>
  ) -> Int32 {
    let n = heap.count
    let top = walkPop(aux, &size, heap)
    let l = Int(top) &* 2 &+ 1
    if l < n { walkPush(aux, &size, heap, Int32(truncatingIfNeeded: l)) }
    if l &+ 1 < n { walkPush(aux, &size, heap, Int32(truncatingIfNeeded: l &+ 1)) }
    return top
  }

  /// Adds heap position `p` to a walk's auxiliary heap.
  @inline(__always)
  static func walkPush(
    _ aux: UnsafeMutableBufferPointer<Int32>, _ size: inout Int,
    _ heap: UnsafeBufferPointer<SortEntry>, _ p: Int32
  ) {
    let e = heap[Int(p)]
    var i = size
    size &+= 1
    while i > 0 {
      let parent = (i &- 1) >> 1
      if !(e < heap[Int(aux[parent])]) { break }
      aux[i] = aux[parent]
      i = parent
    }
    aux[i] = p
  }

  static func walkPop(
    _ aux: UnsafeMutableBufferPointer<Int32>, _ size: inout Int,
    _ heap: UnsafeBufferPointer<SortEntry>
  ) -> Int32 {
    let top = aux[0]
    size -= 1
    if size > 0 {
      let last = aux[size]
      let lastE = heap[Int(last)]
      var i = 0
      while true {
        let l = i &* 2 &+ 1
        if l >= size { break }
        var m = l
        if l &+ 1 < size, heap[Int(aux[l &+ 1])] < heap[Int(aux[l])] { m = l &+ 1 }
        if !(heap[Int(aux[m])] < lastE) { break }
        aux[i] = aux[m]
        i = m
      }
      aux[i] = last
    }
    return top
  }

  /// Whether an offer with these scalars is at least the framework's minimum (or the
  /// engine's, when the framework has none).
  ///
  /// An offer without scalars is empty.
  func meetsMinimum(_ f: FrameworkIndex, _ s: ScalarVector) -> Bool {
    if frameworks.hasMinimum[f.i], let (amount, _) = frameworks.minAllocatable[f.i] {
      return !s.isZero && s.covers(amount)
    }
    return meetsServerMinimum(s)
  }

  /// Whether an offer with these scalars is at least one of the engine's minimums.
  func meetsServerMinimum(_ s: ScalarVector) -> Bool {
    if s.isZero { return false }
    if serverMinimum.isEmpty { return true }
    // Only the kinds a minimum names can fall short (the others are zero in it, and offers
    // are never negative): a lane or two instead of a whole-vector comparison.
    return serverMinimum.withUnsafeBufferPointer { mins in
      for k in mins.indices {
        var m = mins[k].1
        var ok = true
        while m != 0 {
          let i = m.trailingZeroBitCount
          m &= m &- 1
          if s[i] < mins[k].0[i] {
            ok = false
            break
          }
        }
        if ok { return true }
      }
      return false
    }
  }

  /// Whether a decline filter of client `c` on agent `a` applies to `candidate`.
  func isFiltered(_ c: ClientIndex, _ a: AgentIndex, _ candidate: Resources, now: Int64) -> Bool {
    for flt in agents.filters[a.i] where flt.client == c && now < flt.expires {
      if flt.refused.contains(candidate) { return true }
    }
    return false
  }

  /// Whether a decline filter of client `c` on agent `a` applies to the current `plan`
  /// (reads the plan in place).
  func planIsFiltered(_ c: ClientIndex, _ a: AgentIndex, now: Int64) -> Bool {
    // In place: filters are 32 bytes (client, expiry, epoch, a reference to the refused
    // resources), so the scan reads a few cache lines and follows a reference on a match.
    let epoch = agents.growEpoch[a.i]
    return agents.filters[a.i].withUnsafeBufferPointer { filters in
      for k in filters.indices where filters[k].client == c && now < filters[k].expires {
        // A plan never exceeds what the agent has available, which stays under its
        // ceiling (see `OfferFilter.epoch`).
        if filters[k].epoch == epoch { return true }
        if filters[k].box.contains(plan.resources) { return true }
      }
      return false
    }
  }

  /// Writes into `plan` what role `r` may be offered on the current agent in this pass;
  /// false when that has no scalars.
  mutating func makePlan(_ r: RoleIndex) -> Bool {
    let a = cur.agent
    let pass = cur.pass
    plan.meetsServerMinimum = 0
    if !plan.reserved.isEmpty { plan.reserved.removeAll(keepingCapacity: true) }
    if pass == 1 {
      var unres = ScalarVector()
      let free = agents.unreservedFree[a.i]
      var m = roles.guaranteeMask[r.i]
      while m != 0 {
        let k = m.trailingZeroBitCount
        m &= m - 1
        let room = max(0, roles.guarantee[r.i][k] - roles.consumption[r.i][k])
        unres[k] = min(free[k], room)
      }
      plan.unreserved = unres
      plan.resources.ranges = []
    } else {
      plan.unreserved = agents.unreservedFree[a.i]
      if !agents.reservations[a.i].isEmpty {
        var x = r
        while x.i > 0 {
          if let res = agents.reservations[a.i].first(where: { $0.role == x }) {
            let free = res.amount - res.held
            if !free.isZero { plan.reserved.append(PoolPart(role: x, amount: free)) }
          }
          x = roles.parent[x.i]
        }
      }
      plan.resources.ranges = agents.freeRanges[a.i]
    }
    var x = r
    while x.i > 0 {
      var m = roles.limitMask[x.i]
      while m != 0 {
        let k = m.trailingZeroBitCount
        m &= m - 1
        plan.unreserved[k] = min(
          plan.unreserved[k], max(0, roles.limit[x.i][k] - roles.consumption[x.i][k]))
      }
      x = roles.parent[x.i]
    }
    if cur.headroomActive {
      let g = roles.nearestGuaranteed(r)
      for k in 0..<ScalarVector.capacity where cur.headroom[k] > 0 {
        var u: Int64 = 0
        if let g, roles.guaranteeMask[g.i] & (1 << UInt64(k)) != 0 {
          u = max(0, roles.guarantee[g.i][k] - roles.consumption[g.i][k])
        }
        let cap = max(0, cur.unreservedPool[k] - cur.headroom[k] + u)
        plan.unreserved[k] = min(plan.unreserved[k], cap)
      }
    }
    plan.resources.scalars = plan.unreserved
    for p in plan.reserved { plan.resources.scalars += p.amount }
    return !plan.resources.scalars.isZero
  }

  /// Records a new offer of the current `plan` and holds its resources.
  mutating func makeOffer(client c: ClientIndex, agent a: AgentIndex) -> OfferSlot {
    let f = sorter.framework[c.i]
    let r = sorter.role[c.i]
    let seq = nextOfferSeq
    nextOfferSeq += 1
    let s: OfferSlot
    if let free = offerFreeSlots.popLast() {
      s = free
      offerLive[s.i] = true
    } else {
      s = OfferSlot(offerRecords.count)
      offerRecords.append(
        OfferRecord(
          seq: seq, framework: f, role: r, client: c, agent: a, resources: .empty, reserved: []))
      offerLive.append(true)
    }
    // The record is written field by field in place, linked at the head of its agent's and
    // framework's lists in the same pass (a record value built and then stored costs two
    // copies of ~180 bytes and a uniqueness check per write).
    let raw = Int32(truncatingIfNeeded: s.i)
    let ah = agents.offerHead[a.i]
    let fh = frameworks.offerHead[f.i]
    agents.offerHead[a.i] = raw
    frameworks.offerHead[f.i] = raw
    offerRecords.withUnsafeMutableBufferPointer { recs in
      let p = recs.baseAddress! + s.i
      p.pointee.seq = seq
      p.pointee.framework = f
      p.pointee.role = r
      p.pointee.client = c
      p.pointee.agent = a
      p.pointee.resources = plan.resources
      if !plan.reserved.isEmpty || !p.pointee.reserved.isEmpty {
        p.pointee.reserved = plan.reserved
      }
      p.pointee.agentPrev = -1
      p.pointee.agentNext = ah
      if ah >= 0 { recs[Int(ah)].agentPrev = raw }
      p.pointee.frameworkPrev = -1
      p.pointee.frameworkNext = fh
      if fh >= 0 { recs[Int(fh)].frameworkPrev = raw }
    }
    offerIndex.insert(seq, s)
    if collected != nil {
      // The public form's columns, while the plan is at hand.
      collected!.append(
        OfferBatchEntry(
          seq: seq, framework: Int32(truncatingIfNeeded: f.i), role: Int32(truncatingIfNeeded: r.i),
          agent: Int32(truncatingIfNeeded: a.i)), plan.resources)
    }
    countAllocation(c, r)
    holdPlan(client: c, role: r, agent: a)
    offersMade += 1
    return s
  }

  /// `applyHold(sign: 1, ..., asTask: false)` for the current `plan`, reading the plan in
  /// place (the general form takes its resources as arguments, which costs copies and
  /// reference counting on the offer cycle's hottest path).
  mutating func holdPlan(client c: ClientIndex, role r: RoleIndex, agent a: AgentIndex) {
    // With at most eight scalar names every vector is zero in kinds 8 and up, so the
    // running sums need only their low half (half the vector work of the offer path). One
    // body, instantiated for each case so that no operation tests the flag.
    if cur.narrow {
      holdPlanSums(client: c, role: r, agent: a, lowOnly: true)
    } else {
      holdPlanSums(client: c, role: r, agent: a, lowOnly: false)
    }
    if !plan.reserved.isEmpty {
      for p in plan.reserved {
        if let k = agents.reservations[a.i].firstIndex(where: { $0.role == p.role }) {
          agents.reservations[a.i][k].held += p.amount
        }
      }
    }
    if !plan.resources.ranges.isEmpty {
      Engine.subtractRanges(&agents.freeRanges[a.i], plan.resources.ranges)
    }
    agents.noteHeldChanged(a)
    repositionAfterHoldChange(c, r)
  }

  /// The scalar running sums of `holdPlan`.
  @inline(__always)
  mutating func holdPlanSums(
    client c: ClientIndex, role r: RoleIndex, agent a: AgentIndex, lowOnly: Bool
  ) {
    let scalars = plan.resources.scalars
    let unreserved = plan.unreserved
    agents.unreservedFree[a.i].subtract(unreserved, lowOnly: lowOnly)
    sorter.held[c.i].add(scalars, lowOnly: lowOnly)
    roles.heldOwn[r.i].add(scalars, lowOnly: lowOnly)
    var x = r
    while x.i > 0 {
      roles.heldSubtree[x.i].add(scalars, lowOnly: lowOnly)
      roles.consumption[x.i].add(unreserved, lowOnly: lowOnly)
      x = roles.parent[x.i]
    }
  }

  /// Adds the current pass-2 `plan` to a pass-1 offer of the same (framework, role, agent).
  mutating func mergeIntoOffer(_ s: OfferSlot) {
    offerRecords[s.i].resources.add(plan.resources)
    for p in plan.reserved {
      if let k = offerRecords[s.i].reserved.firstIndex(where: { $0.role == p.role }) {
        offerRecords[s.i].reserved[k].amount += p.amount
      } else {
        offerRecords[s.i].reserved.append(p)
      }
    }
    let client = offerRecords[s.i].client
    let agent = offerRecords[s.i].agent
    applyHold(
      sign: 1, client: client, agent: agent, resources: plan.resources,
      unreserved: plan.unreserved, reserved: plan.reserved, asTask: false)
  }

  /// Returns an offer's resources to the pool and forgets the offer.
  mutating func dropOffer(_ s: OfferSlot) {
    let rec = offerRecords[s.i]
    applyHold(
      sign: -1, client: rec.client, agent: rec.agent, resources: rec.resources,
      unreserved: rec.unreserved, reserved: rec.reserved, asTask: false)
    unlinkOffer(s)
    offerIndex.remove(rec.seq)
    offerLive[s.i] = false
    offerRecords[s.i].resources = .empty
    offerRecords[s.i].reserved = []
    offerFreeSlots.append(s)
  }

  /// The public views of outstanding offers, in the order given.
  func offers(at slots: [OfferSlot]) -> [Offer] {
    var c = OfferColumns(width: registry.scalarCount, capacity: slots.count)
    for s in slots {
      c.append(
        OfferBatchEntry(
          seq: offerRecords[s.i].seq, framework: Int32(offerRecords[s.i].framework.i),
          role: Int32(offerRecords[s.i].role.i), agent: Int32(offerRecords[s.i].agent.i)),
        offerRecords[s.i].resources)
    }
    return makeBatch(c).offers()
  }

  /// A batch over these columns with the engine's current name tables.
  func makeBatch(_ c: OfferColumns) -> OfferBatch {
    OfferBatch(
      c, frameworkIDs: frameworks.ids, roleNames: roles.names, agentIDs: agents.ids,
      hostnames: agents.hostnames, names: registry.names)
  }

}
