/// One reservation on one agent: scalars set aside for a role, and how much of it is held.
struct Reservation: Sendable, Equatable {
  var role: RoleIndex
  var amount: ScalarVector
  var held: ScalarVector
}

/// Part of an offer or task drawn from one role's reservation.
struct PoolPart: Sendable, Equatable {
  var role: RoleIndex
  var amount: ScalarVector
}

/// An outstanding decline filter on an agent.
///
/// Compact (32 bytes): a search scans an agent's filters for one client, so client and
/// expiry sit together and the refused resources (read only on a match) live out of line.
struct OfferFilter: Sendable, Equatable {
  var client: ClientIndex
  /// The filter applies while `now < expires`.
  var expires: Int64
  /// The agent's `growEpoch` when the refused resources held its whole `ceiling`.
  ///
  /// Zero when they did not, when the filter was made. While the agent's epoch is unchanged,
  /// what it has available stays within that ceiling, so every plan on it is refused without
  /// reading the resources (the long-filter rounds of Mesos's DeclineOffers are all such
  /// checks: each round returns the same resources, which stay under the ceiling).
  var epoch: UInt64 = 0
  /// The refused resources, shared and immutable.
  let shared: SharedRefused
  var box: RefusedResources { shared.box }

  init(client: ClientIndex, expires: Int64, refused: Resources, epoch: UInt64 = 0) {
    self.client = client
    self.expires = expires
    self.epoch = epoch
    self.shared = SharedRefused(box: RefusedResources.make(refused))
  }

  /// What the filter refuses: offers whose resources it contains.
  var refused: Resources { box.value }

  static func == (a: OfferFilter, b: OfferFilter) -> Bool {
    a.client == b.client && a.expires == b.expires && a.epoch == b.epoch
      && a.refused == b.refused
  }
}

/// A filter's refused resources as a sendable value: the box is never written after `make`
/// returns (ManagedBuffer subclasses cannot conform to Sendable themselves).
struct SharedRefused: @unchecked Sendable {
  let box: RefusedResources
}

/// The resources of one decline filter in one block (a reference keeps `OfferFilter`
/// small): the scalars in the header, the range sets flattened after it, so that checking a
/// plan against a filter follows one reference instead of three.
///
/// Elements, for each range kind `i` below `header.rangeKinds`: the interval count `n`, then
/// `n` pairs of bounds. Immutable once made (`OfferFilter` shares it across threads through
/// ``SharedRefused``).
final class RefusedResources: ManagedBuffer<RefusedResources.Header, UInt64> {
  struct Header {
    var scalars: ScalarVector
    var rangeKinds: Int
  }

  static func make(_ r: Resources) -> RefusedResources {
    var words = 0
    for set in r.ranges { words += 1 + 2 * set.intervals.count }
    let box = RefusedResources.create(minimumCapacity: words) { _ in
      Header(scalars: r.scalars, rangeKinds: r.ranges.count)
    }
    // `create` returns the dynamic type it was called on.
    let made = unsafeDowncast(box, to: RefusedResources.self)
    made.withUnsafeMutablePointerToElements { e in
      var k = 0
      for set in r.ranges {
        e[k] = UInt64(set.intervals.count)
        k += 1
        for iv in set.intervals {
          e[k] = iv.lowerBound
          e[k + 1] = iv.upperBound
          k += 2
        }
      }
    }
    return made
  }

  /// The resources as a value.
  var value: Resources {
    withUnsafeMutablePointers { h, e in
      var ranges: [RangeSet] = []
      var k = 0
      for _ in 0..<h.pointee.rangeKinds {
        let n = Int(e[k])
        k += 1
        var ivs: [ClosedRange<UInt64>] = []
        for _ in 0..<n {
          ivs.append(e[k]...e[k + 1])
          k += 2
        }
        ranges.append(RangeSet(ivs))
      }
      return Resources(scalars: h.pointee.scalars, ranges: ranges)
    }
  }

  /// Whether the refused resources contain all of `o` (`Resources.contains`, read in place).
  func contains(_ o: Resources) -> Bool {
    withUnsafeMutablePointers { h, e in
      guard h.pointee.scalars.covers(o.scalars) else { return false }
      let kinds = h.pointee.rangeKinds
      return o.ranges.withUnsafeBufferPointer { want in
        var k = 0
        for i in 0..<want.count {
          let need = want[i].intervals
          if i >= kinds {
            if !need.isEmpty { return false }
            continue
          }
          let n = Int(e[k])
          let base = k + 1
          k = base + 2 * n
          if need.isEmpty { continue }
          var j = 0
          for r in need {
            while j < n, e[base + 2 * j + 1] < r.lowerBound { j += 1 }
            guard j < n, e[base + 2 * j] <= r.lowerBound, e[base + 2 * j + 1] >= r.upperBound
            else { return false }
          }
        }
        return true
      }
    }
  }
}

/// Per-agent state, one parallel array per field, indexed by `AgentIndex`.
struct AgentTable: Sendable {
  var ids: [String] = []
  var hostnames: [String] = []
  var byId: ByteDictionary<AgentIndex> = [:]
  var alive: [Bool] = []
  var freeSlots: [AgentIndex] = []
  /// Agents in the order they were added.
  var order: [AgentIndex] = []

  var total: [Resources] = []
  var reservations: [[Reservation]] = []
  /// Unreserved scalars neither offered nor allocated.
  var unreservedFree: [ScalarVector] = []
  /// Range values neither offered nor allocated (ranges are never reserved).
  var freeRanges: [[RangeSet]] = []
  /// What the agent's tasks hold. (What its offers hold is not kept per agent: the offer
  /// cycle would pay for it on every offer, and only `state` reads it; see
  /// `Engine.offered(_:)`.)
  var allocated: [Resources] = []
  var labels: [[(String, String)]] = []
  var taints: [[Taint]] = []
  var draining: [Bool] = []
  var gpu: [Bool] = []
  /// The first of the agent's outstanding offers (a slot index, -1 for none); the rest are
  /// linked through `OfferRecord.agentNext` (see `Engine.agentOfferSlots(_:)`).
  var offerHead: [Int32] = []
  var filters: [[OfferFilter]] = []
  /// Per agent, contiguous summaries of `filters`.
  ///
  /// The offer cycle touches an agent's filter list (a separate heap object: a cache miss)
  /// only when it may matter. The summaries: a 64-bit Bloom mask of the clients with a filter (bit `client % 64`) and the earliest expiry
  /// (`Int64.max` without filters). Kept exact by `refreshFilterSummary`.
  var filterBloom: [UInt64] = []
  var filterMinExpiry: [Int64] = []
  /// An upper bound of what the agent has available, and how often it was raised.
  ///
  /// `available(a)` is always within the ceiling. The epoch starts at 1 and never goes back
  /// (see `OfferFilter.epoch`). A filter lowers the ceiling to what is available when it
  /// refuses all of it; a return that goes beyond the ceiling raises it to the total.
  var ceiling: [Resources] = []
  var growEpoch: [UInt64] = []
  var tasks: [[TaskSlot]] = []
  /// Insertion ordinals (agent order), and the agents grouped by shape for placement.
  var ordinal: [UInt64] = []
  var nextOrdinal: UInt64 = 0
  var shapes = ShapeClasses()
  var shapesFiled: [Bool] = []
  /// The ordinal an agent slot was filed with.
  var filedOrdinal: [UInt64] = []
  /// Agents whose shape may have changed since the last `refreshShapes()`.
  var shapeDirty: [Bool] = []
  var dirtyShapes: [Int32] = []
  /// Plain-data copies of the first eight scalar kinds for scans without reference
  /// counting: total, and free including every reservation (this one is current for agents
  /// not marked in `shapeDirty`; `refreshShapes()` updates the others).
  var totalHead: [SIMD8<Int64>] = []
  var availableHead: [SIMD8<Int64>] = []
  /// Bit i set when the agent names scalar i / range i (listed with zeros in `state`).
  var scalarMask: [UInt64] = []
  var rangeMask: [UInt64] = []

  var liveCount: Int { order.count }

  /// Makes room for `n` agent slots in every per-agent table (a bulk add grows each table
  /// once instead of by doubling).
  mutating func reserveCapacity(_ n: Int) {
    ids.reserveCapacity(n)
    hostnames.reserveCapacity(n)
    byId.reserveCapacity(n)
    alive.reserveCapacity(n)
    order.reserveCapacity(n)
    total.reserveCapacity(n)
    reservations.reserveCapacity(n)
    unreservedFree.reserveCapacity(n)
    freeRanges.reserveCapacity(n)
    allocated.reserveCapacity(n)
    labels.reserveCapacity(n)
    taints.reserveCapacity(n)
    draining.reserveCapacity(n)
    gpu.reserveCapacity(n)
    offerHead.reserveCapacity(n)
    filters.reserveCapacity(n)
    filterBloom.reserveCapacity(n)
    filterMinExpiry.reserveCapacity(n)
    growEpoch.reserveCapacity(n)
    ceiling.reserveCapacity(n)
    tasks.reserveCapacity(n)
    scalarMask.reserveCapacity(n)
    rangeMask.reserveCapacity(n)
    ordinal.reserveCapacity(n)
    totalHead.reserveCapacity(n)
    availableHead.reserveCapacity(n)
  }

  /// Appends `n` fresh slots to every per-agent table at once (what `n` calls of
  /// ``allocateSlot()`` do when no slot is free) and returns the first new index.
  mutating func appendSlots(_ n: Int) -> Int {
    let first = ids.count
    ids.append(contentsOf: repeatElement("", count: n))
    hostnames.append(contentsOf: repeatElement("", count: n))
    alive.append(contentsOf: repeatElement(false, count: n))
    total.append(contentsOf: repeatElement(.empty, count: n))
    reservations.append(contentsOf: repeatElement([], count: n))
    unreservedFree.append(contentsOf: repeatElement(.zero, count: n))
    freeRanges.append(contentsOf: repeatElement([], count: n))
    allocated.append(contentsOf: repeatElement(.empty, count: n))
    labels.append(contentsOf: repeatElement([], count: n))
    taints.append(contentsOf: repeatElement([], count: n))
    draining.append(contentsOf: repeatElement(false, count: n))
    gpu.append(contentsOf: repeatElement(false, count: n))
    offerHead.append(contentsOf: repeatElement(-1, count: n))
    filters.append(contentsOf: repeatElement([], count: n))
    filterBloom.append(contentsOf: repeatElement(0, count: n))
    filterMinExpiry.append(contentsOf: repeatElement(.max, count: n))
    growEpoch.append(contentsOf: repeatElement(1, count: n))
    ceiling.append(contentsOf: repeatElement(.empty, count: n))
    tasks.append(contentsOf: repeatElement([], count: n))
    scalarMask.append(contentsOf: repeatElement(0, count: n))
    rangeMask.append(contentsOf: repeatElement(0, count: n))
    ordinal.append(contentsOf: repeatElement(0, count: n))
    totalHead.append(contentsOf: repeatElement(.zero, count: n))
    availableHead.append(contentsOf: repeatElement(.zero, count: n))
    return first
  }

  mutating func allocateSlot() -> AgentIndex {
    if let s = freeSlots.popLast() { return s }
    let a = AgentIndex(ids.count)
    ids.append("")
    hostnames.append("")
    alive.append(false)
    total.append(.empty)
    reservations.append([])
    unreservedFree.append(.zero)
    freeRanges.append([])
    allocated.append(.empty)
    labels.append([])
    taints.append([])
    draining.append(false)
    gpu.append(false)
    offerHead.append(-1)
    filters.append([])
    filterBloom.append(0)
    filterMinExpiry.append(.max)
    growEpoch.append(1)
    ceiling.append(.empty)
    tasks.append([])
    scalarMask.append(0)
    rangeMask.append(0)
    ordinal.append(0)
    totalHead.append(.zero)
    availableHead.append(.zero)
    return a
  }

  /// Recomputes agent `a`'s filter summaries from its filter list.
  mutating func refreshFilterSummary(_ a: AgentIndex) {
    var bloom: UInt64 = 0
    var earliest = Int64.max
    for f in filters[a.i] {
      bloom |= 1 << UInt64(f.client.i & 63)
      earliest = min(earliest, f.expires)
    }
    filterBloom[a.i] = bloom
    filterMinExpiry[a.i] = earliest
  }

  /// Refreshes the plain-data heads of an agent from its accounting.
  mutating func syncHeads(_ a: AgentIndex) {
    ceiling[a.i] = total[a.i]
    growEpoch[a.i] &+= 1
    totalHead[a.i] = total[a.i].scalars.head
    availableHead[a.i] = availableHeadNow(a)
    noteHeldChanged(a)
  }

  /// The current free-including-reservations head of agent `a`.
  func availableHeadNow(_ a: AgentIndex) -> SIMD8<Int64> {
    var v = unreservedFree[a.i].head
    for r in reservations[a.i] { v &+= r.amount.head &- r.held.head }
    return v
  }

  /// Marks agent `a` as holding a different amount: its `availableHead` and its shape are
  /// brought up to date by the next `refreshShapes()` (the offer cycle changes every
  /// agent it visits and placement reads only a few, so the work waits until needed).
  mutating func noteHeldChanged(_ a: AgentIndex) {
    while shapeDirty.count <= a.i { shapeDirty.append(false) }
    if !shapeDirty[a.i] {
      shapeDirty[a.i] = true
      dirtyShapes.append(Int32(a.i))
    }
  }

  /// Files every agent whose accounting changed since the last call under its current
  /// shape (offers and declines change shapes back and forth; refiling lazily costs
  /// nothing when an agent returns to the shape it is filed under).
  mutating func refreshShapes() {
    for raw in dirtyShapes {
      let a = Int(raw)
      shapeDirty[a] = false
      availableHead[a] = availableHeadNow(AgentIndex(a))
      let inPlay = alive[a] && !draining[a]
      let key: ShapeClasses.Key? =
        inPlay && reservations[a].isEmpty
        ? ShapeClasses.Key(total: totalHead[a], available: availableHead[a]) : nil
      let isFiled = a < shapesFiled.count && shapesFiled[a]
      // Filed under the same shape by the same agent (a reused slot has a new ordinal).
      if inPlay && isFiled && filedOrdinal[a] == ordinal[a] && shapes.isFiled(agent: a, key: key) {
        continue
      }
      if isFiled {
        shapes.remove(agent: a, ordinal: filedOrdinal[a])
        shapesFiled[a] = false
      }
      if inPlay {
        while shapesFiled.count <= a {
          shapesFiled.append(false)
          filedOrdinal.append(0)
        }
        shapes.place(agent: a, ordinal: ordinal[a], key: key)
        shapesFiled[a] = true
        filedOrdinal[a] = ordinal[a]
      }
    }
    dirtyShapes.removeAll(keepingCapacity: true)
  }

  /// Keeps `available(a) ⊆ ceiling[a]` after resources returned to agent `a`: when they
  /// go beyond the ceiling, it becomes the total and the epoch moves on.
  mutating func noteReturned(_ a: AgentIndex) {
    var s = unreservedFree[a.i]
    for r in reservations[a.i] { s += r.amount - r.held }
    let c = ceiling[a.i]
    if c.scalars.covers(s) && Engine.rangesWithin(freeRanges[a.i], c.ranges) { return }
    ceiling[a.i] = total[a.i]
    growEpoch[a.i] &+= 1
  }

  /// Free (unoffered, unallocated) resources of an agent: unreserved plus reserved.
  func available(_ a: AgentIndex) -> Resources {
    var s = unreservedFree[a.i]
    for r in reservations[a.i] { s += r.amount - r.held }
    return Resources(scalars: s, ranges: freeRanges[a.i])
  }
}

/// Per-framework state, indexed by `FrameworkIndex`.
struct FrameworkTable: Sendable {
  var ids: [String] = []
  var byId: ByteDictionary<FrameworkIndex> = [:]
  var alive: [Bool] = []
  var freeSlots: [FrameworkIndex] = []
  /// Subscribed roles, in the order given.
  var roles: [[RoleIndex]] = []
  /// Every (role, client) this framework has a client for, subscribed or not (a dropped role
  /// keeps its client while tasks hold resources for it).
  var clientRoles: [[RoleIndex]] = []
  var clients: [[ClientIndex]] = []
  var capabilities: [[String]] = []
  var gpu: [Bool] = []
  /// The framework's minimum offer: amounts and a mask of the names listed; nil = engine's.
  var minAllocatable: [(ScalarVector, UInt64)?] = []
  /// Whether `minAllocatable` is set (read on the offer path without copying the minimum).
  var hasMinimum: [Bool] = []
  /// Offers only from matching agents.
  var offerSelector: [CompiledSelector?] = []
  /// Whether `offerSelector` is set (read on the offer path without copying it).
  var hasSelector: [Bool] = []
  /// Task id -> task slot, running tasks.
  var tasks: [ByteDictionary<TaskSlot>] = []
  /// Task id -> pending slot, queued tasks.
  var pending: [ByteDictionary<Int>] = []
  /// The first of the framework's outstanding offers (-1 for none); the rest are linked
  /// through `OfferRecord.frameworkNext`.
  var offerHead: [Int32] = []
  var rank: [UInt32] = []

  mutating func allocateSlot() -> FrameworkIndex {
    if let s = freeSlots.popLast() { return s }
    let f = FrameworkIndex(ids.count)
    ids.append("")
    alive.append(false)
    roles.append([])
    clientRoles.append([])
    clients.append([])
    capabilities.append([])
    gpu.append(false)
    minAllocatable.append(nil)
    hasMinimum.append(false)
    offerSelector.append(nil)
    hasSelector.append(false)
    tasks.append([:])
    pending.append([:])
    offerHead.append(-1)
    rank.append(0)
    return f
  }

  func client(_ f: FrameworkIndex, _ r: RoleIndex) -> ClientIndex? {
    guard let k = clientRoles[f.i].firstIndex(of: r) else { return nil }
    return clients[f.i][k]
  }
}

/// Per-role state; roles form a tree rooted at index 0 (the unnamed root).
struct RoleTable: Sendable {
  var names: [String] = [""]
  var byName: ByteDictionary<RoleIndex> = [:]
  var parent: [RoleIndex] = [RoleIndex(-1)]
  var children: [[RoleIndex]] = [[]]
  var weight: [Double] = [1]
  var guarantee: [ScalarVector] = [.zero]
  var guaranteeMask: [UInt64] = [0]
  var limit: [ScalarVector] = [.zero]
  var limitMask: [UInt64] = [0]
  var configured: [Bool] = [false]
  /// The role's own reservations summed over agents.
  var reservedTotal: [ScalarVector] = [.zero]
  /// Held (offered or allocated) for this role itself, reserved or not.
  var heldOwn: [ScalarVector] = [.zero]
  /// Held for the role's subtree.
  var heldSubtree: [ScalarVector] = [.zero]
  /// Allocated (tasks) to the role's subtree.
  var allocatedSubtree: [ScalarVector] = [.zero]
  /// Quota consumption of the subtree: unreserved held plus every reservation.
  var consumption: [ScalarVector] = [.zero]
  /// Frameworks subscribed to this role.
  var subscribers: [Int] = [0]
  /// Frameworks subscribed to this role or a descendant.
  var subscribersSubtree: [Int] = [0]
  /// Offers and placements made to the subtree / to the role's own frameworks.
  var countSubtree: [UInt64] = [0]
  var countOwn: [UInt64] = [0]
  /// The role's entry in its parent's child heap, and its implicit child entry.
  var entryClient: [ClientIndex] = [.none]
  var selfClient: [ClientIndex] = [.none]
  var rank: [UInt32] = [0]

  var count: Int { names.count }

  /// The role's own guarantee exists (some name guaranteed).
  func hasGuarantee(_ r: RoleIndex) -> Bool { guaranteeMask[r.i] != 0 }

  /// Ancestors from the role itself up to (excluding) the root.
  func path(_ r: RoleIndex) -> [RoleIndex] {
    var out: [RoleIndex] = []
    var x = r
    while x.i > 0 {
      out.append(x)
      x = parent[x.i]
    }
    return out
  }

  func guaranteeUnmet(_ r: RoleIndex) -> Bool {
    var m = guaranteeMask[r.i]
    while m != 0 {
      let k = m.trailingZeroBitCount
      m &= m - 1
      if consumption[r.i][k] < guarantee[r.i][k] { return true }
    }
    return false
  }

  func unmetGuarantee(_ r: RoleIndex) -> ScalarVector {
    var out = ScalarVector()
    var m = guaranteeMask[r.i]
    while m != 0 {
      let k = m.trailingZeroBitCount
      m &= m - 1
      out[k] = max(0, guarantee[r.i][k] - consumption[r.i][k])
    }
    return out
  }

  func hasGuaranteedAncestor(_ r: RoleIndex) -> Bool {
    var x = parent[r.i]
    while x.i > 0 {
      if guaranteeMask[x.i] != 0 { return true }
      x = parent[x.i]
    }
    return false
  }

  func nearestGuaranteed(_ r: RoleIndex) -> RoleIndex? {
    var x = r
    while x.i > 0 {
      if guaranteeMask[x.i] != 0 { return x }
      x = parent[x.i]
    }
    return nil
  }

  /// Throws `quotaExceeded` when the reservations `adding` (by role name) minus `removing`
  /// would take a role with a limit past it, in a resource whose reservations grow.
  func checkReservationLimits(
    resourceNames: ResourceNames, adding: [(String, ScalarVector)],
    removing: [(RoleIndex, ScalarVector)], field: String
  ) throws(AllotError) {
    for xi in 0..<count where limitMask[xi] != 0 {
      let x = RoleIndex(xi)
      let prefix = names[xi]
      var delta = ScalarVector()
      for (name, amount) in adding where name == prefix || name.hasPrefix(prefix + "/") {
        delta += amount
      }
      for (r, amount) in removing where isAncestorOrSelf(x, of: r) { delta -= amount }
      let after = consumption[xi] + delta
      var m = limitMask[xi]
      while m != 0 {
        let k = m.trailingZeroBitCount
        m &= m - 1
        if delta[k] > 0, after[k] > limit[xi][k] {
          throw AllotError(
            .quotaExceeded, field: field,
            "the reservations would take role '\(prefix)' past its \(resourceNames.scalarNames[k]) "
              + "limit of \(Quantity(milli: limit[xi][k]))")
        }
      }
    }
  }

  /// Whether the role or an ancestor has a limit.
  func pathHasLimits(_ r: RoleIndex) -> Bool {
    var x = r
    while x.i > 0 {
      if limitMask[x.i] != 0 { return true }
      x = parent[x.i]
    }
    return false
  }

  /// Whether `a` is `b` or one of its ancestors.
  func isAncestorOrSelf(_ a: RoleIndex, of b: RoleIndex) -> Bool {
    var x = b
    while x.i > 0 {
      if x == a { return true }
      x = parent[x.i]
    }
    return false
  }
}

/// An outstanding offer.
struct OfferRecord: Sendable {
  var seq: UInt64
  var framework: FrameworkIndex
  var role: RoleIndex
  var client: ClientIndex
  var agent: AgentIndex
  var resources: Resources
  var reserved: [PoolPart]
  /// Links of the agent's and the framework's lists of outstanding offers (slot indices,
  /// -1 at the ends): intrusive, so making an offer writes no per-agent array.
  var agentPrev: Int32 = -1
  var agentNext: Int32 = -1
  var frameworkPrev: Int32 = -1
  var frameworkNext: Int32 = -1

  /// The part of the offer's scalars not drawn from reservations (derived, so that a record
  /// stays small: the offer cycle writes one per offer).
  var unreserved: ScalarVector {
    var u = resources.scalars
    for p in reserved { u -= p.amount }
    return u
  }
}

/// A running task.
struct TaskRecord: Sendable {
  var id: String
  var framework: FrameworkIndex
  var role: RoleIndex
  var client: ClientIndex
  var agent: AgentIndex
  var group: String?
  var labels: [String: String]
  var resources: Resources
  var unreserved: ScalarVector
  var reserved: [PoolPart]
  var agentPos: Int
}
