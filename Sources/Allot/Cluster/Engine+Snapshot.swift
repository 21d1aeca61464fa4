/// Snapshots of an engine for `allotd --data-dir`: everything the engine holds, written as a
/// compact binary image, and an engine rebuilt from one.
///
/// The image holds the resource names in interning order, every role ever interned (with its
/// weight, quota and allocation counts), the agents in agent order (slots, ordinals, totals,
/// reservations, labels, taints, draining), the frameworks (roles, capabilities, minimum,
/// offer selector, suppression, per-role allocation counts), outstanding offers, running
/// tasks (with their reserved/unreserved split), queued tasks (whole specs, submission
/// numbers, last reasons), decline filters and the counters that keep ids unique. Restoring
/// replays the additions through the engine's own code paths, then sets the counters, so the
/// rebuilt engine answers every later request as the original would.
///
/// Not kept: the scratch state of a running cycle (none exists between calls) and `stats`.
extension Engine {
  static let snapshotMagic: [UInt8] = Array("ALLOTSNAP1".utf8)

  /// Encodes the whole engine state (offers included) as a snapshot image.
  ///
  /// - Complexity: O(agents + frameworks + roles + offers + tasks).
  package func snapshotImage() -> [UInt8] {
    var w = SnapshotWriter()
    w.bytes.append(contentsOf: Engine.snapshotMagic)
    w.i64(clock.now().milli)
    w.u64(nextOfferSeq)
    w.u64(pendingSeq)
    w.u64(cycles)
    w.u64(offersMade)
    w.u64(placementsMade)
    // Resource names in interning order.
    w.u64(UInt64(registry.ordered.count))
    for (name, kind) in registry.ordered {
      w.str(name)
      if case .scalar = kind { w.bool(true) } else { w.bool(false) }
    }
    // Roles in index order (parents come before children); root excluded.
    w.u64(UInt64(roles.count - 1))
    for r in 1..<roles.count {
      w.str(roles.names[r])
      w.bool(roles.configured[r])
      w.f64(roles.weight[r])
      w.vector(roles.guarantee[r], mask: roles.guaranteeMask[r])
      w.vector(roles.limit[r], mask: roles.limitMask[r])
      w.u64(roles.countOwn[r])
      w.u64(roles.countSubtree[r])
    }
    // Agent slots: the slot count, the free list, then live agents in agent order.
    w.u64(UInt64(agents.ids.count))
    w.u64(UInt64(agents.freeSlots.count))
    for s in agents.freeSlots { w.u64(UInt64(s.i)) }
    w.u64(agents.nextOrdinal)
    w.u64(UInt64(agents.order.count))
    for a in agents.order {
      w.u64(UInt64(a.i))
      w.u64(agents.ordinal[a.i])
      w.str(agents.ids[a.i])
      w.str(agents.hostnames[a.i])
      w.resources(agents.total[a.i], scalarMask: agents.scalarMask[a.i])
      w.u64(agents.rangeMask[a.i])
      w.u64(UInt64(agents.reservations[a.i].count))
      for r in agents.reservations[a.i] {
        w.u64(UInt64(r.role.i))
        w.vector(r.amount, mask: nonZeroMask(r.amount))
      }
      w.u64(UInt64(agents.labels[a.i].count))
      for (k, v) in agents.labels[a.i] {
        w.str(k)
        w.str(v)
      }
      w.u64(UInt64(agents.taints[a.i].count))
      for t in agents.taints[a.i] {
        w.str(t.key)
        w.str(t.value)
        w.str(t.effect.rawValue)
      }
      w.bool(agents.draining[a.i])
    }
    // Framework slots, then live frameworks in slot order.
    w.u64(UInt64(frameworks.ids.count))
    w.u64(UInt64(frameworks.freeSlots.count))
    for s in frameworks.freeSlots { w.u64(UInt64(s.i)) }
    let liveF = frameworks.ids.indices.filter { frameworks.alive[$0] }
    w.u64(UInt64(liveF.count))
    for f in liveF {
      w.u64(UInt64(f))
      w.str(frameworks.ids[f])
      w.u64(UInt64(frameworks.roles[f].count))
      for r in frameworks.roles[f] { w.u64(UInt64(r.i)) }
      w.u64(UInt64(frameworks.capabilities[f].count))
      for c in frameworks.capabilities[f] { w.str(c) }
      if let (v, m) = frameworks.minAllocatable[f] {
        w.bool(true)
        w.vector(v, mask: m)
      } else {
        w.bool(false)
      }
      w.selector(frameworks.offerSelector[f]?.selector)
      // Every client (subscribed roles and dropped roles still holding tasks).
      w.u64(UInt64(frameworks.clientRoles[f].count))
      for (k, r) in frameworks.clientRoles[f].enumerated() {
        let c = frameworks.clients[f][k]
        w.u64(UInt64(r.i))
        w.bool(sorter.subscribed[c.i])
        w.bool(sorter.suppressed[c.i])
        w.u64(sorter.count[c.i])
      }
    }
    // Outstanding offers in the order made, with their places in the agent's and the
    // framework's lists.
    let liveOffers = offerIndex.slots.sorted { offerRecords[$0.i].seq < offerRecords[$1.i].seq }
    w.u64(UInt64(liveOffers.count))
    // Each offer's position in its agent's and its framework's list (walk order).
    var agentPos = Array(repeating: 0, count: offerRecords.count)
    var frameworkPos = Array(repeating: 0, count: offerRecords.count)
    for a in agents.order {
      for (k, s) in agentOfferSlots(a).enumerated() { agentPos[s.i] = k }
    }
    for f in frameworks.ids.indices where frameworks.alive[f] {
      for (k, s) in frameworkOfferSlots(FrameworkIndex(f)).enumerated() { frameworkPos[s.i] = k }
    }
    for s in liveOffers {
      let o = offerRecords[s.i]
      w.u64(o.seq)
      w.u64(UInt64(o.framework.i))
      w.u64(UInt64(o.role.i))
      w.u64(UInt64(o.agent.i))
      w.resources(o.resources, scalarMask: nonZeroMask(o.resources.scalars))
      w.vector(o.unreserved, mask: nonZeroMask(o.unreserved))
      w.parts(o.reserved)
      w.u64(UInt64(agentPos[s.i]))
      w.u64(UInt64(frameworkPos[s.i]))
    }
    // Running tasks, agent by agent in each agent's list order.
    var taskCount = 0
    for a in agents.order { taskCount += agents.tasks[a.i].count }
    w.u64(UInt64(taskCount))
    for a in agents.order {
      for t in agents.tasks[a.i] {
        let rec = taskRecords[t.i]
        w.u64(UInt64(rec.framework.i))
        w.u64(UInt64(rec.role.i))
        w.u64(UInt64(a.i))
        w.str(rec.id)
        w.optStr(rec.group)
        let labels = rec.labels.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        w.u64(UInt64(labels.count))
        for (k, v) in labels {
          w.str(k)
          w.str(v)
        }
        w.resources(rec.resources, scalarMask: nonZeroMask(rec.resources.scalars))
        w.vector(rec.unreserved, mask: nonZeroMask(rec.unreserved))
        w.parts(rec.reserved)
      }
    }
    // Queued tasks in submission order.
    let queued = pendingTasks.compactMap { $0 }.sorted { $0.seq < $1.seq }
    w.u64(UInt64(queued.count))
    for p in queued {
      w.u64(UInt64(p.framework.i))
      w.u64(UInt64(p.role.i))
      w.u64(p.seq)
      w.task(p.spec)
      w.optStr(p.reason?.rawValue)
      w.optStr(p.message)
    }
    // Decline filters, agent by agent.
    var filterCount = 0
    for a in agents.order { filterCount += agents.filters[a.i].count }
    w.u64(UInt64(filterCount))
    for a in agents.order {
      for flt in agents.filters[a.i] {
        w.u64(UInt64(a.i))
        w.u64(UInt64(sorter.framework[flt.client.i].i))
        w.u64(UInt64(sorter.role[flt.client.i].i))
        w.i64(flt.expires)
        w.resources(flt.refused, scalarMask: nonZeroMask(flt.refused.scalars))
      }
    }
    w.bytes.append(contentsOf: Engine.snapshotMagic)
    return w.bytes
  }

  func nonZeroMask(_ v: ScalarVector) -> UInt64 {
    var m: UInt64 = 0
    for i in 0..<min(64, registry.scalarCount) where v[i] != 0 { m |= 1 << UInt64(i) }
    return m
  }

  /// The engine time recorded in a snapshot image.
  package static func snapshotTime(_ image: [UInt8]) throws(AllotError) -> Seconds {
    var r = SnapshotReader(image)
    try r.magic()
    return Seconds(milli: try r.i64())
  }

  /// Rebuilds an engine from a snapshot image, with `configuration` (the clock should read
  /// the image's time, see ``snapshotTime(_:)``).
  ///
  /// Validated as it goes: every record runs through the engine's checks or is checked
  /// against what was restored before it; any mismatch throws `invalidParams` with field
  /// `snapshot`, and nothing half-built escapes (the engine is a new value).
  package static func restoring(
    snapshot image: [UInt8], configuration: EngineConfiguration
  ) throws(AllotError) -> Engine {
    var e = try Engine(configuration: configuration)
    var r = SnapshotReader(image)
    try r.magic()
    _ = try r.i64()
    let nextOfferSeq = try r.u64()
    let pendingSeq = try r.u64()
    let cycles = try r.u64()
    let offersMade = try r.u64()
    let placementsMade = try r.u64()
    // Resource names; the configuration may have interned some first (a new
    // `--min-allocatable` name), so indices are mapped from the image's to the engine's.
    for _ in 0..<(try r.count()) {
      let name = try r.str()
      let scalar = try r.bool()
      switch try e.registry.intern(name, scalar: scalar, field: "snapshot") {
      case .scalar(let i): r.scalarMap.append(i)
      case .ranges(let i): r.rangeMap.append(i)
      }
    }
    let names = e.registry.names
    // Roles.
    let roleCount = try r.count()
    var roleCounts: [(UInt64, UInt64)] = []
    for i in 0..<roleCount {
      let name = try r.str()
      try Validate.role(name, field: "snapshot")
      guard e.internRole(name).i == i + 1 else { throw SnapshotReader.bad("role order") }
      let configured = try r.bool()
      let weight = try r.f64()
      let (g, gm) = try r.vector()
      let (l, lm) = try r.vector()
      roleCounts.append((try r.u64(), try r.u64()))
      if configured {
        try e.updateRole(
          RoleUpdate(
            name: name, weight: weight,
            quota: Quota(
              guarantee: spec(g, mask: gm, names: names), limit: spec(l, mask: lm, names: names)),
            force: true))
      }
    }
    func role(_ raw: UInt64) throws(AllotError) -> RoleIndex {
      guard raw >= 1, raw < UInt64(e.roles.count) else { throw SnapshotReader.bad("role index") }
      return RoleIndex(Int(raw))
    }
    // Agents: recreate the slot layout, then add each agent into its own slot.
    let agentSlots = try r.count()
    var agentFree: [AgentIndex] = []
    for _ in 0..<(try r.count()) { agentFree.append(AgentIndex(try r.index(below: agentSlots))) }
    let nextOrdinal = try r.u64()
    for _ in 0..<agentSlots { _ = e.agents.allocateSlot() }
    let agentCount = try r.count()
    var agentRecords: [(AgentIndex, UInt64, AgentSpec, Bool)] = []
    for _ in 0..<agentCount {
      let slot = AgentIndex(try r.index(below: agentSlots))
      let ordinal = try r.u64()
      let id = try r.str()
      let hostname = try r.str()
      let total = try r.resourceSpec(names: names, rangeMaskFollows: true)
      var reservations: [(String, ResourceSpec)] = []
      for _ in 0..<(try r.count()) {
        let ri = try role(try r.u64())
        let (v, m) = try r.vector()
        reservations.append((e.roles.names[ri.i], spec(v, mask: m, names: names)))
      }
      var labels: [(String, String)] = []
      for _ in 0..<(try r.count()) { labels.append((try r.str(), try r.str())) }
      var taints: [Taint] = []
      for _ in 0..<(try r.count()) {
        let key = try r.str()
        let value = try r.str()
        guard let effect = Taint.Effect(rawValue: try r.str()) else {
          throw SnapshotReader.bad("taint effect")
        }
        taints.append(Taint(key: key, value: value, effect: effect))
      }
      let draining = try r.bool()
      var spec = AgentSpec(id: id, hostname: hostname, resources: total, taints: taints)
      spec.labels = labels
      spec.reservations = reservations
      agentRecords.append((slot, ordinal, spec, draining))
    }
    // allocateSlot pops the free list: the last entries are the slots to fill, in order.
    e.agents.freeSlots = agentFree + agentRecords.reversed().map(\.0)
    guard Set(e.agents.freeSlots.map(\.i)).count == e.agents.freeSlots.count,
      e.agents.freeSlots.count == agentSlots
    else { throw SnapshotReader.bad("agent slots") }
    for (slot, ordinal, spec, draining) in agentRecords {
      e.agents.nextOrdinal = ordinal
      try e.addAgent(spec)
      guard e.agents.byId[spec.id] == slot else { throw SnapshotReader.bad("agent slot") }
      if draining { _ = try e.drainAgent(spec.id) }
    }
    e.agents.nextOrdinal = nextOrdinal
    // Frameworks, likewise.
    let fSlots = try r.count()
    var fFree: [FrameworkIndex] = []
    for _ in 0..<(try r.count()) { fFree.append(FrameworkIndex(try r.index(below: fSlots))) }
    for _ in 0..<fSlots { _ = e.frameworks.allocateSlot() }
    struct ClientRecord {
      var role: RoleIndex
      var subscribed: Bool
      var suppressed: Bool
      var count: UInt64
    }
    var fRecords: [(FrameworkIndex, FrameworkSpec, [ClientRecord])] = []
    for _ in 0..<(try r.count()) {
      let slot = FrameworkIndex(try r.index(below: fSlots))
      let id = try r.str()
      var rs: [String] = []
      for _ in 0..<(try r.count()) { rs.append(e.roles.names[try role(try r.u64()).i]) }
      var caps: [String] = []
      for _ in 0..<(try r.count()) { caps.append(try r.str()) }
      var minimum: ResourceSpec?
      if try r.bool() {
        let (v, m) = try r.vector()
        minimum = spec(v, mask: m, names: names)
      }
      let selector = try r.selector()
      var clients: [ClientRecord] = []
      for _ in 0..<(try r.count()) {
        clients.append(
          ClientRecord(
            role: try role(try r.u64()), subscribed: try r.bool(), suppressed: try r.bool(),
            count: try r.u64()))
      }
      fRecords.append(
        (
          slot,
          FrameworkSpec(
            id: id, roles: rs, capabilities: caps, minAllocatable: minimum,
            offerSelector: selector), clients
        ))
    }
    e.frameworks.freeSlots = fFree + fRecords.reversed().map(\.0)
    guard Set(e.frameworks.freeSlots.map(\.i)).count == e.frameworks.freeSlots.count,
      e.frameworks.freeSlots.count == fSlots
    else { throw SnapshotReader.bad("framework slots") }
    for (slot, spec, clients) in fRecords {
      try e.addFramework(spec)
      guard e.frameworks.byId[spec.id] == slot else { throw SnapshotReader.bad("framework slot") }
      for cr in clients where !cr.subscribed {
        // A dropped role that still holds tasks keeps an unsubscribed client.
        guard e.frameworks.client(slot, cr.role) == nil else {
          throw SnapshotReader.bad("framework client")
        }
        let c = e.sorter.newClient(.framework, role: cr.role, framework: slot)
        e.frameworks.clientRoles[slot.i].append(cr.role)
        e.frameworks.clients[slot.i].append(c)
      }
      let suppressed = clients.filter { $0.subscribed && $0.suppressed }.map {
        e.roles.names[$0.role.i]
      }
      if !suppressed.isEmpty { try e.suppress(framework: spec.id, roles: suppressed) }
      // Clients in their old order, with their allocation counts.
      var ordered: [ClientIndex] = []
      for cr in clients {
        guard let c = e.frameworks.client(slot, cr.role) else {
          throw SnapshotReader.bad("framework client")
        }
        e.sorter.count[c.i] = cr.count
        ordered.append(c)
      }
      guard ordered.count == e.frameworks.clients[slot.i].count else {
        throw SnapshotReader.bad("framework clients")
      }
      e.frameworks.clientRoles[slot.i] = clients.map(\.role)
      e.frameworks.clients[slot.i] = ordered
    }
    func agent(_ raw: UInt64) throws(AllotError) -> AgentIndex {
      guard raw < UInt64(e.agents.ids.count), e.agents.alive[Int(raw)] else {
        throw SnapshotReader.bad("agent index")
      }
      return AgentIndex(Int(raw))
    }
    func framework(_ raw: UInt64) throws(AllotError) -> FrameworkIndex {
      guard raw < UInt64(e.frameworks.ids.count), e.frameworks.alive[Int(raw)] else {
        throw SnapshotReader.bad("framework index")
      }
      return FrameworkIndex(Int(raw))
    }
    func client(_ f: FrameworkIndex, _ ro: RoleIndex) throws(AllotError) -> ClientIndex {
      guard let c = e.frameworks.client(f, ro) else { throw SnapshotReader.bad("client") }
      return c
    }
    // Offers: records first, then each agent's and framework's list in its old order.
    var agentOffers: [Int: [(Int, OfferSlot)]] = [:]
    var frameworkOffers: [Int: [(Int, OfferSlot)]] = [:]
    for _ in 0..<(try r.count()) {
      let seq = try r.u64()
      let f = try framework(try r.u64())
      let ro = try role(try r.u64())
      let a = try agent(try r.u64())
      let res = try r.resources(names: names)
      let (unreserved, _) = try r.vector()
      let parts = try r.parts(role: role)
      let agentPos = try r.count()
      let frameworkPos = try r.count()
      let c = try client(f, ro)
      guard seq < nextOfferSeq, e.offerIndex.lookup(seq) == nil else {
        throw SnapshotReader.bad("offer")
      }
      let rec = OfferRecord(
        seq: seq, framework: f, role: ro, client: c, agent: a, resources: res,
        reserved: parts)
      guard rec.unreserved == unreserved else { throw SnapshotReader.bad("offer") }
      let s = OfferSlot(e.offerRecords.count)
      e.offerRecords.append(rec)
      e.offerLive.append(true)
      e.offerIndex.insert(seq, s)
      agentOffers[a.i, default: []].append((agentPos, s))
      frameworkOffers[f.i, default: []].append((frameworkPos, s))
      e.applyHold(
        sign: 1, client: c, agent: a, resources: res, unreserved: unreserved, reserved: parts,
        asTask: false)
    }
    for (_, list) in agentOffers {
      let sorted = list.sorted { $0.0 < $1.0 }
      guard sorted.map(\.0) == Array(0..<sorted.count) else { throw SnapshotReader.bad("offer") }
      for (_, s) in sorted.reversed() { e.linkOfferOnto(agent: s) }
    }
    for (_, list) in frameworkOffers {
      let sorted = list.sorted { $0.0 < $1.0 }
      guard sorted.map(\.0) == Array(0..<sorted.count) else { throw SnapshotReader.bad("offer") }
      for (_, s) in sorted.reversed() { e.linkOfferOnto(framework: s) }
    }
    // Running tasks.
    for _ in 0..<(try r.count()) {
      let f = try framework(try r.u64())
      let ro = try role(try r.u64())
      let a = try agent(try r.u64())
      let id = try r.str()
      let group = try r.optStr()
      var labels: [String: String] = [:]
      for _ in 0..<(try r.count()) { labels[try r.str()] = try r.str() }
      let res = try r.resources(names: names)
      let (unreserved, _) = try r.vector()
      let parts = try r.parts(role: role)
      guard e.frameworks.tasks[f.i][id] == nil, e.frameworks.pending[f.i][id] == nil else {
        throw SnapshotReader.bad("task id")
      }
      let c = try client(f, ro)
      e.addTask(
        TaskRecord(
          id: id, framework: f, role: ro, client: c, agent: a, group: group,
          labels: labels, resources: res, unreserved: unreserved, reserved: parts, agentPos: 0))
    }
    // Queued tasks.
    for _ in 0..<(try r.count()) {
      let f = try framework(try r.u64())
      let ro = try role(try r.u64())
      let seq = try r.u64()
      let t = try r.task(names: names)
      let reason = try r.optStr()
      let message = try r.optStr()
      let need = try e.validateTask(t, field: "snapshot")
      guard seq <= pendingSeq, e.frameworks.tasks[f.i][t.id] == nil,
        e.frameworks.pending[f.i][t.id] == nil
      else { throw SnapshotReader.bad("queued task") }
      let c = try client(f, ro)
      var reasonValue: PlacementReason?
      if let reason {
        guard let v = PlacementReason(rawValue: reason) else { throw SnapshotReader.bad("reason") }
        reasonValue = v
      }
      let slot = e.pendingTasks.count
      e.pendingTasks.append(
        PendingTask(
          spec: t, need: need, framework: f, role: ro, client: c, seq: seq, reason: reasonValue,
          message: message))
      e.frameworks.pending[f.i][t.id] = slot
      e.insertPending(slot, client: c)
    }
    // Decline filters.
    for _ in 0..<(try r.count()) {
      let a = try agent(try r.u64())
      let f = try framework(try r.u64())
      let ro = try role(try r.u64())
      let expires = try r.i64()
      let refused = try r.resources(names: names)
      let c = try client(f, ro)
      e.agents.filters[a.i].append(OfferFilter(client: c, expires: expires, refused: refused))
      e.agents.refreshFilterSummary(a)
      e.noteFilterAgent(c, a)
    }
    try r.magic()
    guard r.atEnd else { throw SnapshotReader.bad("trailing bytes") }
    for (i, (own, subtree)) in roleCounts.enumerated() {
      e.roles.countOwn[i + 1] = own
      e.roles.countSubtree[i + 1] = subtree
    }
    e.nextOfferSeq = nextOfferSeq
    e.pendingSeq = pendingSeq
    e.cycles = cycles
    e.offersMade = offersMade
    e.placementsMade = placementsMade
    e.orderDirty = true
    e.checkInvariantsIfEnabled()
    return e
  }

  static func spec(_ v: ScalarVector, mask: UInt64, names: ResourceNames) -> ResourceSpec {
    var out = ResourceSpec()
    var m = mask
    while m != 0 {
      let k = m.trailingZeroBitCount
      m &= m - 1
      out.entries.append(.init(name: names.scalarNames[k], value: .scalar(Quantity(milli: v[k]))))
    }
    return out
  }
}

/// Appends the snapshot's binary encoding: LEB128 integers, length-prefixed UTF-8.
struct SnapshotWriter {
  var bytes: [UInt8] = []

  mutating func u64(_ v: UInt64) {
    var x = v
    while x >= 0x80 {
      bytes.append(UInt8(x & 0x7F) | 0x80)
      x >>= 7
    }
    bytes.append(UInt8(x))
  }
  mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }
  mutating func f64(_ v: Double) { u64(v.bitPattern) }
  mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
  mutating func str(_ s: String) {
    u64(UInt64(s.utf8.count))
    bytes.append(contentsOf: s.utf8)
  }
  mutating func optStr(_ s: String?) {
    bool(s != nil)
    if let s { str(s) }
  }
  /// The masked entries of a scalar vector, as (index, value) pairs.
  mutating func vector(_ v: ScalarVector, mask: UInt64) {
    u64(mask)
    var m = mask
    while m != 0 {
      let k = m.trailingZeroBitCount
      m &= m - 1
      i64(v[k])
    }
  }
  mutating func resources(_ r: Resources, scalarMask: UInt64) {
    vector(r.scalars, mask: scalarMask)
    u64(UInt64(r.ranges.count))
    for set in r.ranges {
      u64(UInt64(set.intervals.count))
      for iv in set.intervals {
        u64(iv.lowerBound)
        u64(iv.upperBound)
      }
    }
  }
  mutating func parts(_ ps: [PoolPart]) {
    u64(UInt64(ps.count))
    for p in ps {
      u64(UInt64(p.role.i))
      i64Vector(p.amount)
    }
  }
  mutating func i64Vector(_ v: ScalarVector) {
    var mask: UInt64 = 0
    for i in 0..<64 where v[i] != 0 { mask |= 1 << UInt64(i) }
    vector(v, mask: mask)
  }
  mutating func selector(_ s: LabelSelector?) {
    guard let s else {
      bool(false)
      return
    }
    bool(true)
    bool(s.matchesNothing)
    u64(UInt64(s.requirements.count))
    for q in s.requirements {
      str(q.key)
      str(q.operator.rawValue)
      u64(UInt64(q.values.count))
      for v in q.values { str(v) }
    }
  }
  mutating func value(_ v: ResourceValue) {
    switch v {
    case .scalar(let q):
      bool(true)
      i64(q.milli)
    case .ranges(let rs):
      bool(false)
      u64(UInt64(rs.count))
      for iv in rs {
        u64(iv.lowerBound)
        u64(iv.upperBound)
      }
    }
  }
  mutating func term(_ t: NodeSelectorTerm) {
    u64(UInt64(t.matchExpressions.count))
    for x in t.matchExpressions {
      str(x.key)
      str(x.operator.rawValue)
      u64(UInt64(x.values.count))
      for v in x.values { str(v) }
    }
  }
  mutating func task(_ t: TaskSpec) {
    str(t.id)
    optStr(t.group)
    bool(t.groupSize != nil)
    if let n = t.groupSize { i64(n) }
    u64(UInt64(t.resources.entries.count))
    for e in t.resources.entries {
      str(e.name)
      value(e.value)
    }
    i64(t.priority)
    selector(t.selector)
    bool(t.affinity != nil)
    if let a = t.affinity {
      bool(a.required != nil)
      if let req = a.required {
        u64(UInt64(req.count))
        for x in req { term(x) }
      }
      u64(UInt64(a.preferred.count))
      for p in a.preferred {
        i64(Int64(p.weight))
        term(p.term)
      }
    }
    u64(UInt64(t.tolerations.count))
    for x in t.tolerations {
      str(x.key)
      str(x.operator.rawValue)
      str(x.value)
      optStr(x.effect?.rawValue)
    }
    u64(UInt64(t.constraints.count))
    for c in t.constraints {
      str(c.field)
      str(c.operator.rawValue)
      optStr(c.value)
    }
    u64(UInt64(t.spread.count))
    for s in t.spread {
      str(s.topologyKey)
      i64(Int64(s.maxSkew))
      str(s.whenUnsatisfiable.rawValue)
    }
  }
}

/// Reads what ``SnapshotWriter`` wrote; every read is bounds-checked.
struct SnapshotReader {
  let bytes: [UInt8]
  var pos = 0
  /// The engine's scalar and range index of each of the image's.
  var scalarMap: [Int] = []
  var rangeMap: [Int] = []

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  static func bad(_ what: String) -> AllotError {
    AllotError(.invalidParams, field: "snapshot", "the snapshot is inconsistent: \(what)")
  }

  var atEnd: Bool { pos == bytes.count }

  mutating func magic() throws(AllotError) {
    let m = Engine.snapshotMagic
    guard pos + m.count <= bytes.count, Array(bytes[pos..<pos + m.count]) == m else {
      throw SnapshotReader.bad("no snapshot marker at byte \(pos)")
    }
    pos += m.count
  }
  mutating func u64() throws(AllotError) -> UInt64 {
    var v: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      guard pos < bytes.count, shift < 64 else { throw SnapshotReader.bad("truncated integer") }
      let b = bytes[pos]
      pos += 1
      v |= UInt64(b & 0x7F) << shift
      if b < 0x80 { return v }
      shift += 7
    }
  }
  mutating func i64() throws(AllotError) -> Int64 {
    let u = try u64()
    return Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1)
  }
  mutating func f64() throws(AllotError) -> Double { Double(bitPattern: try u64()) }
  /// A count of items still to read (at most the bytes left).
  mutating func count() throws(AllotError) -> Int {
    let n = try u64()
    guard n <= UInt64(bytes.count - pos) else { throw SnapshotReader.bad("count at byte \(pos)") }
    return Int(n)
  }
  mutating func index(below n: Int) throws(AllotError) -> Int {
    let v = try u64()
    guard v < UInt64(n) else { throw SnapshotReader.bad("index at byte \(pos)") }
    return Int(v)
  }
  mutating func bool() throws(AllotError) -> Bool {
    guard pos < bytes.count, bytes[pos] <= 1 else { throw SnapshotReader.bad("flag") }
    pos += 1
    return bytes[pos - 1] == 1
  }
  mutating func str() throws(AllotError) -> String {
    let n = try count()
    let s = String(decoding: bytes[pos..<pos + n], as: UTF8.self)
    pos += n
    return s
  }
  mutating func optStr() throws(AllotError) -> String? { try bool() ? try str() : nil }
  /// A scalar vector and its mask, in the engine's indices.
  mutating func vector() throws(AllotError) -> (ScalarVector, UInt64) {
    var m = try u64()
    var v = ScalarVector()
    var mask: UInt64 = 0
    while m != 0 {
      let k = m.trailingZeroBitCount
      m &= m - 1
      guard k < scalarMap.count else { throw SnapshotReader.bad("scalar index at byte \(pos)") }
      v[scalarMap[k]] = try i64()
      mask |= 1 << UInt64(scalarMap[k])
    }
    return (v, mask)
  }
  /// A mask of range names, in the engine's indices.
  mutating func rangeMask() throws(AllotError) -> UInt64 {
    var m = try u64()
    var mask: UInt64 = 0
    while m != 0 {
      let k = m.trailingZeroBitCount
      m &= m - 1
      guard k < rangeMap.count else { throw SnapshotReader.bad("range index at byte \(pos)") }
      mask |= 1 << UInt64(rangeMap[k])
    }
    return mask
  }
  /// Range sets by the engine's range index.
  mutating func rangeSets() throws(AllotError) -> [RangeSet] {
    let n = try count()
    guard n <= rangeMap.count else { throw SnapshotReader.bad("range index at byte \(pos)") }
    var out = [RangeSet](repeating: RangeSet(), count: (rangeMap.prefix(n).max() ?? -1) + 1)
    for i in 0..<n {
      var ivs: [ClosedRange<UInt64>] = []
      for _ in 0..<(try count()) {
        let lo = try u64()
        let hi = try u64()
        guard lo <= hi else { throw SnapshotReader.bad("range") }
        ivs.append(lo...hi)
      }
      out[rangeMap[i]] = RangeSet(ivs)
    }
    return out
  }
  mutating func resources(names: ResourceNames) throws(AllotError) -> Resources {
    let (v, _) = try vector()
    return Resources(scalars: v, ranges: try rangeSets())
  }
  /// An agent's total as a spec naming every resource it has (zeros and empty ranges
  /// included): scalars, range sets, then the mask of range names it lists.
  mutating func resourceSpec(names: ResourceNames, rangeMaskFollows: Bool) throws(AllotError)
    -> ResourceSpec
  {
    let (v, mask) = try vector()
    var spec = Engine.spec(v, mask: mask, names: names)
    let ranges = try rangeSets()
    let rangeMask = try rangeMask()
    for i in 0..<names.rangeNames.count {
      let set = i < ranges.count ? ranges[i] : RangeSet()
      if !set.isEmpty || rangeMask & (1 << UInt64(i)) != 0 {
        spec.entries.append(.init(name: names.rangeNames[i], value: .ranges(set.intervals)))
      }
    }
    return spec
  }
  mutating func parts(role: (UInt64) throws(AllotError) -> RoleIndex) throws(AllotError)
    -> [PoolPart]
  {
    var out: [PoolPart] = []
    for _ in 0..<(try count()) {
      let r = try role(try u64())
      out.append(PoolPart(role: r, amount: try vector().0))
    }
    return out
  }
  mutating func selector() throws(AllotError) -> LabelSelector? {
    guard try bool() else { return nil }
    let nothing = try bool()
    var reqs: [LabelSelector.Requirement] = []
    for _ in 0..<(try count()) {
      let key = try str()
      guard let op = LabelSelector.Operator(rawValue: try str()) else {
        throw SnapshotReader.bad("selector operator")
      }
      var values: [String] = []
      for _ in 0..<(try count()) { values.append(try str()) }
      reqs.append(LabelSelector.Requirement(unchecked: key, op, values))
    }
    return LabelSelector(requirements: reqs, nothing: nothing)
  }
  mutating func value() throws(AllotError) -> ResourceValue {
    if try bool() { return .scalar(Quantity(milli: try i64())) }
    var ivs: [ClosedRange<UInt64>] = []
    for _ in 0..<(try count()) {
      let lo = try u64()
      let hi = try u64()
      guard lo <= hi else { throw SnapshotReader.bad("range") }
      ivs.append(lo...hi)
    }
    return .ranges(ivs)
  }
  mutating func term() throws(AllotError) -> NodeSelectorTerm {
    var xs: [NodeSelectorRequirement] = []
    for _ in 0..<(try count()) {
      let key = try str()
      guard let op = NodeSelectorRequirement.Operator(rawValue: try str()) else {
        throw SnapshotReader.bad("affinity operator")
      }
      var values: [String] = []
      for _ in 0..<(try count()) { values.append(try str()) }
      xs.append(NodeSelectorRequirement(key: key, operator: op, values: values))
    }
    return NodeSelectorTerm(matchExpressions: xs)
  }
  mutating func task(names: ResourceNames) throws(AllotError) -> TaskSpec {
    let id = try str()
    let group = try optStr()
    let groupSize: Int64? = try bool() ? try i64() : nil
    var res = ResourceSpec()
    for _ in 0..<(try count()) {
      let name = try str()
      res.entries.append(.init(name: name, value: try value()))
    }
    let priority = try i64()
    let selector = try selector()
    var affinity: NodeAffinity?
    if try bool() {
      var required: [NodeSelectorTerm]?
      if try bool() {
        var terms: [NodeSelectorTerm] = []
        for _ in 0..<(try count()) { terms.append(try term()) }
        required = terms
      }
      var preferred: [PreferredSchedulingTerm] = []
      for _ in 0..<(try count()) {
        let w = try i64()
        preferred.append(PreferredSchedulingTerm(weight: Int(w), term: try term()))
      }
      affinity = NodeAffinity(required: required, preferred: preferred)
    }
    var tolerations: [Toleration] = []
    for _ in 0..<(try count()) {
      let key = try str()
      guard let op = Toleration.Operator(rawValue: try str()) else {
        throw SnapshotReader.bad("toleration operator")
      }
      let value = try str()
      var effect: Taint.Effect?
      if let e = try optStr() {
        guard let v = Taint.Effect(rawValue: e) else { throw SnapshotReader.bad("effect") }
        effect = v
      }
      tolerations.append(Toleration(key: key, operator: op, value: value, effect: effect))
    }
    var constraints: [MarathonConstraint] = []
    for _ in 0..<(try count()) {
      var parts = [try str(), try str()]
      if let v = try optStr() { parts.append(v) }
      constraints.append(try MarathonConstraint(parts: parts, field: "snapshot"))
    }
    var spread: [TopologySpread.Constraint] = []
    for _ in 0..<(try count()) {
      let key = try str()
      let skew = try i64()
      guard let when = TopologySpread.WhenUnsatisfiable(rawValue: try str()) else {
        throw SnapshotReader.bad("whenUnsatisfiable")
      }
      spread.append(
        TopologySpread.Constraint(topologyKey: key, maxSkew: Int(skew), whenUnsatisfiable: when))
    }
    return TaskSpec(
      id: id, group: group, groupSize: groupSize, resources: res, priority: priority,
      selector: selector, affinity: affinity, tolerations: tolerations, constraints: constraints,
      spread: spread)
  }
}
