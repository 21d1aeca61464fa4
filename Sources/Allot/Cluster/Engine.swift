/// Settings of an engine; the C API's configuration and `allotd`'s options carry the same.
public struct EngineConfiguration: Sendable {
  /// The minimum offer when a framework sets none: alternatives, each a set of amounts that
  /// must all be present.
  ///
  /// Default: `cpus` 0.01 or `mem` 32 (Mesos's defaults).
  public var minAllocatable: [ResourceSpec]
  /// Resource names left out of dominant shares.
  public var excludeFromShares: [String]
  /// When set, agents are visited in a shuffle redone every cycle from this seed and the
  /// cycle number; otherwise in insertion order.
  public var shuffleSeed: UInt64?
  /// Where the engine reads the time.
  public var clock: any EngineClock

  /// Creates a configuration.
  public init(
    minAllocatable: [ResourceSpec] = [["cpus": 0.01], ["mem": 32]],
    excludeFromShares: [String] = [],
    shuffleSeed: UInt64? = nil,
    clock: any EngineClock = SystemClock()
  ) {
    self.minAllocatable = minAllocatable
    self.excludeFromShares = excludeFromShares
    self.shuffleSeed = shuffleSeed
    self.clock = clock
  }
}

/// The allocation engine: cluster state, hierarchical DRF order and the offer cycle.
///
/// An `Engine` is a value that owns all of its state; one owner mutates it (the C API and
/// the server serialise calls). Every mutating call either succeeds or throws an
/// ``AllotError`` and leaves the state exactly as it was.
///
///     let clock = ManualClock()
///     var engine = try Engine(configuration: EngineConfiguration(clock: clock))
///     try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": 8, "mem": 16384]))
///     try engine.addFramework(FrameworkSpec(id: "marathon", roles: ["web"]))
///     let offers = engine.allocate()
///     let tasks = try engine.acceptOffer(offers[0].id, tasks: [
///       TaskLaunch(id: "web-1", resources: ["cpus": 1, "mem": 512])])
///
/// The offer cycle follows Mesos's hierarchical allocator (see <doc:Offers> in the
/// documentation): Dominant Resource Fairness (Ghodsi et al., NSDI 2011) over a role tree
/// with weights, quota guarantees and limits, reservations, decline filters and
/// suppression.
public struct Engine: Sendable {
  let clock: any EngineClock
  var registry = ResourceRegistry()
  var agents = AgentTable()
  var frameworks = FrameworkTable()
  var roles = RoleTable()
  var sorter = Sorter()

  var offerRecords: [OfferRecord] = []
  var offerLive: [Bool] = []
  var offerFreeSlots: [OfferSlot] = []
  var offerIndex = OfferIndex()
  /// The offer plan of the running search (rewritten in place for every role tried).
  var plan = OfferPlan()
  var nextOfferSeq: UInt64 = 1

  var taskRecords: [TaskRecord] = []
  var taskLive: [Bool] = []
  var taskFreeSlots: [TaskSlot] = []

  /// Scalar totals over all agents, draining ones included.
  var clusterTotal = ScalarVector()
  /// Scalar kinds that count in shares, and their totals.
  var basis = ShareBasis()
  let excludedNames: Set<String>
  /// Shares, ranks or heaps need a full rebuild before the next ordered use.
  var orderDirty = true

  var serverMinimum: [(ScalarVector, UInt64)] = []
  let shuffleSeed: UInt64?
  var cycles: UInt64 = 0
  var visitStamp: UInt64 = 0
  /// Roles with a guarantee of their own.
  var guaranteedRoles: [RoleIndex] = []
  /// Pass-1 offers of the running cycle by (client, agent), for pass 2 to merge into.
  var pass1Offers: [UInt64: OfferSlot] = [:]
  /// The public offers of the running `allocate()`, collected column by column as each
  /// offer is made (the plan is still in cache then); nil for `allocateCount()`.
  var collected: OfferColumns?
  /// Whether the running cycle merged pass-2 resources into a pass-1 offer (whose public
  /// form, built earlier, is then out of date).
  var mergedThisCycle = false
  /// The last agent resources resolved against the registry (see `prepareAgent`).
  var resolvedResourcesCache: ResolvedResourcesCache?
  /// Scratch space of in-order heap walks (a stack: nested walks take consecutive slices).
  var walkScratch: [Int32] = []
  var walkTop = 0
  /// Queued tasks (slab), each client's queue in order, and the submission counter.
  var pendingTasks: [PendingTask?] = []
  var pendingFreeSlots: [Int] = []
  var pendingByClient: [[Int]] = []
  var pendingSeq: UInt64 = 0
  /// Per label key and (key, value): the agents, as bitsets; selectors compile against it.
  var labelIndex = LabelIndex()
  /// Tasks with a group, counted per (framework, group, field, value) for constraints and
  /// spread.
  var constraintCounts = ConstraintCounts()
  /// Agents by hostname (hostnames need not be unique).
  var hostnameAgents: ByteDictionary<[Int32]> = [:]
  /// Agents with a PreferNoSchedule taint, and with a NoSchedule or NoExecute taint.
  var preferTaintCount = 0
  var blockingTaintCount = 0
  /// Per client, the agents where it may have decline filters (a superset; see
  /// `noteFilterAgent`).
  var filterAgents: [[Int32]] = []
  /// Role entries found spent in the running pass: noted (stamp per role), then parked out
  /// of their parents' heaps until the pass ends.
  var parkStamp: [UInt64] = []
  var passStamp: UInt64 = 1
  var parkQueue: [RoleIndex] = []
  var parkedRoles: [RoleIndex] = []
  /// Skip and park spent roles (tests turn it off to compare with plain walks).
  var parkSpentRoles = true
  /// Role entries parked since creation (a statistic for tests).
  var rolesParked = 0
  /// The pass of the running cycle (agent, stamp, headroom).
  var cur = PassContext(pass: 0, now: 0)

  /// Counters since creation.
  public internal(set) var offersMade: UInt64 = 0
  /// Placements made since creation (offers accepted count as tasks, not placements).
  public internal(set) var placementsMade: UInt64 = 0

  /// Creates an empty engine.
  ///
  /// - Throws: ``AllotError/Kind/invalidParams`` when the minimum or an excluded name is
  ///   malformed.
  public init(configuration: EngineConfiguration = EngineConfiguration()) throws(AllotError) {
    clock = configuration.clock
    shuffleSeed = configuration.shuffleSeed
    for (i, n) in configuration.excludeFromShares.enumerated() {
      try ResourceRegistry.validateName(n, field: "excludeFromShares[\(i)]")
    }
    excludedNames = Set(configuration.excludeFromShares)
    for (i, alt) in configuration.minAllocatable.enumerated() {
      serverMinimum.append(try registry.resolveScalars(alt, field: "minAllocatable[\(i)]"))
    }
    sorter.ensureRole(.root)
  }

  /// The engine's current time.
  public var now: Seconds { clock.now() }

  /// The number of allocation cycles run.
  public var cycleCount: UInt64 { cycles }

  // MARK: - Lookups

  func agentIndex(_ id: String, field: String) throws(AllotError) -> AgentIndex {
    guard let a = agents.byId[id] else {
      throw AllotError(.notFound, field: field, "agent '\(id)' does not exist")
    }
    return a
  }

  func frameworkIndex(_ id: String, field: String) throws(AllotError) -> FrameworkIndex {
    guard let f = frameworks.byId[id] else {
      throw AllotError(.notFound, field: field, "framework '\(id)' does not exist")
    }
    return f
  }

  // MARK: - Roles

  /// Finds or creates a role and its ancestors (the name must be valid).
  mutating func internRole(_ name: String) -> RoleIndex {
    if let r = roles.byName[name] { return r }
    var parentIndex = RoleIndex.root
    if let slash = name.utf8.lastIndex(of: UInt8(ascii: "/")) {
      let parentName = String(name[name.startIndex..<slash])
      parentIndex = internRole(parentName)
    }
    let r = RoleIndex(roles.count)
    roles.names.append(name)
    roles.byName[name] = r
    roles.parent.append(parentIndex)
    roles.children.append([])
    roles.children[parentIndex.i].append(r)
    roles.weight.append(1)
    roles.guarantee.append(.zero)
    roles.guaranteeMask.append(0)
    roles.limit.append(.zero)
    roles.limitMask.append(0)
    roles.configured.append(false)
    roles.reservedTotal.append(.zero)
    roles.heldOwn.append(.zero)
    roles.heldSubtree.append(.zero)
    roles.allocatedSubtree.append(.zero)
    roles.consumption.append(.zero)
    roles.subscribers.append(0)
    roles.subscribersSubtree.append(0)
    roles.countSubtree.append(0)
    roles.countOwn.append(0)
    roles.entryClient.append(.none)
    roles.selfClient.append(.none)
    roles.rank.append(0)
    sorter.ensureRole(r)
    orderDirty = true
    return r
  }

  /// Subscribes framework `f` to role `r` in the sorter.
  mutating func subscribe(_ f: FrameworkIndex, _ r: RoleIndex) {
    let c: ClientIndex
    if let existing = frameworks.client(f, r) {
      c = existing
    } else {
      c = sorter.newClient(.framework, role: r, framework: f)
      frameworks.clientRoles[f.i].append(r)
      frameworks.clients[f.i].append(c)
    }
    sorter.subscribed[c.i] = true
    sorter.suppressed[c.i] = false
    sorter.rank[c.i] = frameworks.rank[f.i]
    let share = basis.share(sorter.held[c.i])
    sorter.share[c.i] = share
    insertRefreshing(c, heap: Sorter.frameworkHeap(r))
    roles.subscribers[r.i] += 1
    if roles.subscribers[r.i] == 1 {
      if roles.selfClient[r.i] == .none {
        roles.selfClient[r.i] = sorter.newClient(.selfEntry, role: r, framework: FrameworkIndex(-1))
      }
      let s = roles.selfClient[r.i]
      refreshKey(s)
      insertRefreshing(s, heap: Sorter.childHeap(r))
    }
    for x in roles.path(r) {
      roles.subscribersSubtree[x.i] += 1
      if roles.subscribersSubtree[x.i] == 1 {
        if roles.entryClient[x.i] == .none {
          roles.entryClient[x.i] = sorter.newClient(
            .roleEntry, role: x, framework: FrameworkIndex(-1))
        }
        let e = roles.entryClient[x.i]
        refreshKey(e)
        insertRefreshing(e, heap: Sorter.childHeap(roles.parent[x.i]))
      }
    }
  }

  /// Inserts a client into a heap; a lone entry already there gets its key refreshed first
  /// (keys of lone entries are not maintained, see `repositionAfterHoldChange`).
  mutating func insertRefreshing(_ c: ClientIndex, heap h: Int) {
    if sorter.heaps[h].count == 1 {
      let other = sorter.heaps[h][0].client
      refreshKey(other)
      sorter.refreshEntry(other)
    }
    sorter.insert(c, heap: h)
  }

  /// Removes framework `f`'s subscription to role `r` from the sorter (its client stays while
  /// it holds resources).
  mutating func unsubscribe(_ f: FrameworkIndex, _ r: RoleIndex) {
    guard let c = frameworks.client(f, r), sorter.subscribed[c.i] else { return }
    sorter.subscribed[c.i] = false
    sorter.suppressed[c.i] = false
    sorter.remove(c)
    roles.subscribers[r.i] -= 1
    if roles.subscribers[r.i] == 0 { sorter.remove(roles.selfClient[r.i]) }
    for x in roles.path(r) {
      roles.subscribersSubtree[x.i] -= 1
      if roles.subscribersSubtree[x.i] == 0 { sorter.remove(roles.entryClient[x.i]) }
    }
  }

  // MARK: - Shares

  /// The share basis of the current cluster totals (the order may still use an older one
  /// until it is rebuilt).
  func currentShareBasis() -> ShareBasis {
    ShareBasis(total: clusterTotal, names: registry.names.scalarNames, excluded: excludedNames)
  }

  /// Recomputes the sort key of one client from the current state.
  mutating func refreshKey(_ c: ClientIndex) {
    let r = sorter.role[c.i]
    switch sorter.kind[c.i] {
    case .framework:
      let share = basis.share(sorter.held[c.i])
      sorter.share[c.i] = share
      sorter.rank[c.i] = frameworks.rank[sorter.framework[c.i].i]
    case .selfEntry:
      let share = basis.share(roles.heldOwn[r.i])
      sorter.share[c.i] = share
      sorter.count[c.i] = roles.countOwn[r.i]
      sorter.rank[c.i] = roles.rank[r.i]
    case .roleEntry:
      let share = basis.share(roles.heldSubtree[r.i]) / roles.weight[r.i]
      sorter.share[c.i] = share
      sorter.count[c.i] = roles.countSubtree[r.i]
      sorter.rank[c.i] = roles.rank[r.i]
    }
  }

  /// Rebuilds share kinds, ranks, every key and every heap.
  mutating func rebuildOrder() {
    basis = currentShareBasis()
    let liveFrameworks = frameworks.ids.indices.filter { frameworks.alive[$0] }
    let sortedF = liveFrameworks.sorted {
      frameworks.ids[$0].utf8.lexicographicallyPrecedes(frameworks.ids[$1].utf8)
    }
    for (rank, f) in sortedF.enumerated() { frameworks.rank[f] = UInt32(rank) }
    let sortedR = roles.names.indices.sorted {
      roles.names[$0].utf8.lexicographicallyPrecedes(roles.names[$1].utf8)
    }
    for (rank, r) in sortedR.enumerated() { roles.rank[r] = UInt32(rank) }
    for c in sorter.kind.indices where sorter.heapOf[c] >= 0 {
      refreshKey(ClientIndex(c))
    }
    for h in sorter.heaps.indices { sorter.heapify(h) }
    orderDirty = false
  }

  /// Repositions the keys that change when client `c` (a framework client of role `r`)
  /// holds more or less.
  mutating func repositionAfterHoldChange(_ c: ClientIndex, _ r: RoleIndex) {
    if orderDirty { return }
    // A client alone in its heap needs neither a key nor a position until a sibling
    // arrives, and every insertion refreshes the key first.
    if sorter.inCrowdedHeap(c) {
      // Only the share moved: a framework client's rank is current whenever the order is
      // not dirty (rebuildOrder and every insertion set it).
      sorter.share[c.i] = basis.share(sorter.held[c.i])
      sorter.update(c)
    }
    let s = roles.selfClient[r.i]
    if s != .none, sorter.inCrowdedHeap(s) {
      refreshKey(s)
      sorter.update(s)
    }
    var x = r
    while x.i > 0 {
      let e = roles.entryClient[x.i]
      if e != .none, sorter.inCrowdedHeap(e) {
        refreshKey(e)
        sorter.update(e)
      }
      x = roles.parent[x.i]
    }
  }

  /// Counts an offer or placement for client `c` of role `r` (tie-breaks).
  mutating func countAllocation(_ c: ClientIndex, _ r: RoleIndex) {
    sorter.count[c.i] += 1
    roles.countOwn[r.i] += 1
    var x = r
    while x.i > 0 {
      roles.countSubtree[x.i] += 1
      x = roles.parent[x.i]
    }
  }

  // MARK: - Accounting

  /// Adds (`sign` 1) or removes (`sign` -1) resources held by client `c` on agent `a`, as an
  /// offer or as a task.
  mutating func applyHold(
    sign: Int64, client c: ClientIndex, agent a: AgentIndex, resources: Resources,
    unreserved: ScalarVector, reserved: [PoolPart], asTask: Bool
  ) {
    let r = sorter.role[c.i]
    let scalars = resources.scalars
    if sign > 0 {
      agents.unreservedFree[a.i] -= unreserved
      for p in reserved {
        if let k = agents.reservations[a.i].firstIndex(where: { $0.role == p.role }) {
          agents.reservations[a.i][k].held += p.amount
        }
      }
      if !resources.ranges.isEmpty {
        Engine.subtractRanges(&agents.freeRanges[a.i], resources.ranges)
      }
      if asTask {
        agents.allocated[a.i].add(resources)
        sorter.allocated[c.i] += scalars
      }
      sorter.held[c.i] += scalars
      roles.heldOwn[r.i] += scalars
      var x = r
      while x.i > 0 {
        roles.heldSubtree[x.i] += scalars
        roles.consumption[x.i] += unreserved
        if asTask { roles.allocatedSubtree[x.i] += scalars }
        x = roles.parent[x.i]
      }
    } else {
      agents.unreservedFree[a.i] += unreserved
      for p in reserved {
        if let k = agents.reservations[a.i].firstIndex(where: { $0.role == p.role }) {
          agents.reservations[a.i][k].held -= p.amount
        }
      }
      if !resources.ranges.isEmpty { Engine.addRanges(&agents.freeRanges[a.i], resources.ranges) }
      if asTask {
        agents.allocated[a.i].subtract(resources)
        sorter.allocated[c.i] -= scalars
      }
      sorter.held[c.i] -= scalars
      roles.heldOwn[r.i] -= scalars
      var x = r
      while x.i > 0 {
        roles.heldSubtree[x.i] -= scalars
        roles.consumption[x.i] -= unreserved
        if asTask { roles.allocatedSubtree[x.i] -= scalars }
        x = roles.parent[x.i]
      }
    }
    if sign < 0 { agents.noteReturned(a) }
    agents.noteHeldChanged(a)
    repositionAfterHoldChange(c, r)
  }

  /// Removes range values in place (taking everything leaves empty sets, no allocation).
  static func subtractRanges(_ free: inout [RangeSet], _ taken: [RangeSet]) {
    if free == taken {
      free = []
      return
    }
    for i in 0..<min(free.count, taken.count) where !taken[i].isEmpty {
      free[i].subtract(taken[i])
    }
  }

  /// Whether every range set of `inner` is within the same kind's set of `outer`.
  static func rangesWithin(_ inner: [RangeSet], _ outer: [RangeSet]) -> Bool {
    if inner == outer { return true }
    for i in 0..<inner.count where !inner[i].isEmpty {
      if i >= outer.count || !outer[i].contains(inner[i]) { return false }
    }
    return true
  }

  /// Adds range values in place (into empty sets by sharing the storage).
  static func addRanges(_ free: inout [RangeSet], _ given: [RangeSet]) {
    if free.isEmpty {
      free = given
      return
    }
    if free.count < given.count {
      free.append(contentsOf: repeatElement(RangeSet(), count: given.count - free.count))
    }
    for i in 0..<given.count where !given[i].isEmpty { free[i].formUnion(given[i]) }
  }

  /// Adds `delta` (signed) to role `r`'s reservation total and its subtree consumption.
  mutating func addReservedTotal(_ r: RoleIndex, _ delta: ScalarVector, sign: Int64) {
    if sign > 0 { roles.reservedTotal[r.i] += delta } else { roles.reservedTotal[r.i] -= delta }
    var x = r
    while x.i > 0 {
      if sign > 0 { roles.consumption[x.i] += delta } else { roles.consumption[x.i] -= delta }
      x = roles.parent[x.i]
    }
  }

  func names() -> ResourceNames { registry.names }

  func amounts(_ r: Resources) -> ResourceAmounts { ResourceAmounts(r, names: registry.names) }

  /// What agent `a`'s outstanding offers hold: the sum of its offer records.
  ///
  /// - Complexity: O(offers on the agent).
  func offered(_ a: AgentIndex) -> Resources {
    var sum = Resources()
    for s in agentOfferSlots(a) { sum.add(offerRecords[s.i].resources) }
    return sum
  }
}

/// An agent resource spec and its resolution (indices and masks), reusable for the next
/// agent with the same spec.
struct ResolvedResourcesCache: Sendable {
  var spec: ResourceSpec
  var total: Resources
  var scalarMask: UInt64
  var rangeMask: UInt64
}

/// The cluster totals that dominant shares divide by: the scalar kinds with a non-zero
/// total that are not excluded from shares.
struct ShareBasis: Sendable {
  var kinds: [Int] = []
  var totals: [Double] = []

  init() {}

  /// The basis of the current totals: every scalar with a non-zero total, not excluded.
  init(total: ScalarVector, names: [String], excluded: Set<String>) {
    for (i, name) in names.enumerated() where total[i] != 0 && !excluded.contains(name) {
      kinds.append(i)
      totals.append(Double(total[i]))
    }
  }

  /// The dominant share of `v`: the maximum over the kinds of held / total, computed as one
  /// IEEE division per kind (exact inputs: amounts are at most 2^53 thousandths).
  @inline(__always)
  func share(_ v: ScalarVector) -> Double {
    var m = 0.0
    for j in 0..<kinds.count {
      let s = Double(v[kinds[j]]) / totals[j]
      if s > m { m = s }
    }
    return m
  }
}
