extension Engine {
  func validateRoleList(_ list: [String], field: String) throws(AllotError) {
    if list.isEmpty { throw .invalid(field, "\(field) must name at least one role") }
    var seen = Set<String>()
    for (i, r) in list.enumerated() {
      try Validate.role(r, field: "\(field)[\(i)]")
      if !seen.insert(r).inserted {
        throw .invalid("\(field)[\(i)]", "role '\(r)' is listed twice")
      }
    }
  }

  func validateCapabilities(_ caps: [String], field: String) throws(AllotError) {
    for (i, c) in caps.enumerated() where c.utf8.count > 255 || Validate.hasControl(c) {
      throw .invalid(
        "\(field)[\(i)]", "capabilities must be short names without control characters")
    }
  }

  /// Adds a framework subscribed to its roles.
  ///
  /// Checks, in order: id, roles (non-empty, valid, no duplicates), capabilities,
  /// `minAllocatable` (`invalidParams`), then a duplicate id (`conflict`).
  public mutating func addFramework(_ spec: FrameworkSpec) throws(AllotError) {
    try Validate.id(spec.id, field: "id")
    try validateRoleList(spec.roles, field: "roles")
    try validateCapabilities(spec.capabilities, field: "capabilities")
    var reg = registry
    var minimum: (ScalarVector, UInt64)?
    if let m = spec.minAllocatable {
      minimum = try reg.resolveScalars(m, field: "minAllocatable")
    }
    if frameworks.byId[spec.id] != nil {
      throw AllotError(.conflict, field: "id", "framework '\(spec.id)' already exists")
    }
    registry = reg
    let f = frameworks.allocateSlot()
    frameworks.ids[f.i] = spec.id
    frameworks.byId[spec.id] = f
    frameworks.alive[f.i] = true
    frameworks.capabilities[f.i] = spec.capabilities
    frameworks.gpu[f.i] = spec.capabilities.contains("gpu")
    frameworks.minAllocatable[f.i] = minimum
    frameworks.hasMinimum[f.i] = minimum != nil
    frameworks.offerSelector[f.i] = spec.offerSelector.map { labelIndex.compile($0) }
    frameworks.hasSelector[f.i] = frameworks.offerSelector[f.i] != nil
    frameworks.tasks[f.i] = [:]
    frameworks.pending[f.i] = [:]
    frameworks.offerHead[f.i] = -1
    frameworks.clientRoles[f.i] = []
    frameworks.clients[f.i] = []
    orderDirty = true
    var rs: [RoleIndex] = []
    for name in spec.roles {
      let r = internRole(name)
      rs.append(r)
      subscribe(f, r)
    }
    frameworks.roles[f.i] = rs
    checkInvariantsIfEnabled()
  }

  /// Changes a framework's roles, capabilities or minimum offer.
  ///
  /// Dropping a role rescinds the framework's offers for it and removes its filters for it;
  /// running tasks stay until released.
  ///
  /// - Returns: the rescinded offers, in the order issued.
  public mutating func updateFramework(_ update: FrameworkUpdate) throws(AllotError) -> [OfferID] {
    try Validate.id(update.id, field: "id")
    if let r = update.roles { try validateRoleList(r, field: "roles") }
    if let c = update.capabilities { try validateCapabilities(c, field: "capabilities") }
    var reg = registry
    var minimum: (ScalarVector, UInt64)?? = nil
    if let m = update.minAllocatable {
      if let m {
        minimum = .some(try reg.resolveScalars(m, field: "minAllocatable"))
      } else {
        minimum = .some(nil)
      }
    }
    let f = try frameworkIndex(update.id, field: "id")
    registry = reg
    var rescinded: [OfferID] = []
    if let newRoles = update.roles {
      let old = frameworks.roles[f.i]
      let dropped = old.filter { !newRoles.contains(roles.names[$0.i]) }
      for r in dropped {
        guard let c = frameworks.client(f, r) else { continue }
        let slots = frameworkOfferSlots(f).filter { offerRecords[$0.i].role == r }
          .sorted { offerRecords[$0.i].seq < offerRecords[$1.i].seq }
        for s in slots {
          rescinded.append(OfferID(sequence: offerRecords[s.i].seq))
          dropOffer(s)
        }
        removeFilters(of: c)
        unsubscribe(f, r)
        for (_, slot) in frameworks.pending[f.i] where pendingTasks[slot]?.role == r {
          removePending(slot)
        }
      }
      var rs: [RoleIndex] = []
      for name in newRoles {
        let r = internRole(name)
        rs.append(r)
        if !old.contains(r) { subscribe(f, r) }
      }
      frameworks.roles[f.i] = rs
      rescinded.sort()
    }
    if let caps = update.capabilities {
      frameworks.capabilities[f.i] = caps
      frameworks.gpu[f.i] = caps.contains("gpu")
    }
    if let m = minimum {
      frameworks.minAllocatable[f.i] = m
      frameworks.hasMinimum[f.i] = m != nil
    }
    if let sel = update.offerSelector {
      frameworks.offerSelector[f.i] = sel.map { labelIndex.compile($0) }
      frameworks.hasSelector[f.i] = frameworks.offerSelector[f.i] != nil
    }
    orderDirty = true
    checkInvariantsIfEnabled()
    return rescinded
  }

  /// Removes a framework: its offers are rescinded and its tasks released.
  ///
  /// - Returns: the rescinded offers and the number of running tasks released.
  public mutating func removeFramework(_ id: String) throws(AllotError) -> FrameworkRemoval {
    try Validate.id(id, field: "id")
    let f = try frameworkIndex(id, field: "id")
    let slots = frameworkOfferSlots(f).sorted { offerRecords[$0.i].seq < offerRecords[$1.i].seq }
    var rescinded: [OfferID] = []
    for s in slots {
      rescinded.append(OfferID(sequence: offerRecords[s.i].seq))
      dropOffer(s)
    }
    let tasks = Array(frameworks.tasks[f.i].values)
    for t in tasks { removeTaskRecord(t, fromAgentList: true) }
    for slot in Array(frameworks.pending[f.i].values) { removePending(slot) }
    for (k, r) in frameworks.clientRoles[f.i].enumerated() {
      let c = frameworks.clients[f.i][k]
      removeFilters(of: c)
      unsubscribe(f, r)
      sorter.freeClient(c)
    }
    frameworks.clientRoles[f.i] = []
    frameworks.clients[f.i] = []
    frameworks.roles[f.i] = []
    frameworks.tasks[f.i] = [:]
    frameworks.pending[f.i] = [:]
    frameworks.offerSelector[f.i] = nil
    frameworks.hasSelector[f.i] = frameworks.offerSelector[f.i] != nil
    frameworks.alive[f.i] = false
    frameworks.byId[id] = nil
    frameworks.freeSlots.append(f)
    orderDirty = true
    checkInvariantsIfEnabled()
    return FrameworkRemoval(rescinded: rescinded, released: tasks.count)
  }

  /// Resolves the `roles` of suppress/revive: omitted means all the framework's roles.
  func clientsFor(_ f: FrameworkIndex, roles names: [String]?) throws(AllotError) -> [ClientIndex] {
    guard let names else {
      return frameworks.roles[f.i].compactMap { frameworks.client(f, $0) }
    }
    var out: [ClientIndex] = []
    for (i, n) in names.enumerated() {
      guard let r = roles.byName[n], frameworks.roles[f.i].contains(r),
        let c = frameworks.client(f, r)
      else {
        throw .invalid(
          "roles[\(i)]", "framework '\(frameworks.ids[f.i])' does not hold role '\(n)'")
      }
      out.append(c)
    }
    return out
  }

  /// Stops offers to a framework for some or all of its roles (Mesos's suppress).
  ///
  /// Does not
  /// rescind outstanding offers.
  public mutating func suppress(framework id: String, roles names: [String]? = nil)
    throws(AllotError)
  {
    try Validate.id(id, field: "id")
    if let names { for (i, n) in names.enumerated() { try Validate.role(n, field: "roles[\(i)]") } }
    let f = try frameworkIndex(id, field: "id")
    for c in try clientsFor(f, roles: names) where !sorter.suppressed[c.i] {
      sorter.suppressed[c.i] = true
      moveClient(c, to: Sorter.suppressedHeap(sorter.role[c.i]))
    }
  }

  /// Resumes offers for some or all of a framework's roles and clears its decline filters
  /// for those roles only (Mesos's revive).
  ///
  /// Does not rescind outstanding offers.
  public mutating func revive(framework id: String, roles names: [String]? = nil)
    throws(AllotError)
  {
    try Validate.id(id, field: "id")
    if let names { for (i, n) in names.enumerated() { try Validate.role(n, field: "roles[\(i)]") } }
    let f = try frameworkIndex(id, field: "id")
    for c in try clientsFor(f, roles: names) {
      if sorter.suppressed[c.i] {
        sorter.suppressed[c.i] = false
        moveClient(c, to: Sorter.frameworkHeap(sorter.role[c.i]))
      }
      removeFilters(of: c)
    }
  }

  /// Moves a subscribed framework client between its role's active and suppressed heaps.
  mutating func moveClient(_ c: ClientIndex, to h: Int) {
    guard sorter.subscribed[c.i], Int(sorter.heapOf[c.i]) != h else { return }
    sorter.remove(c)
    refreshKey(c)
    insertRefreshing(c, heap: h)
  }

  /// Removes every decline filter of a client.
  ///
  /// - Complexity: O(k) in the agents where the client declined since its last revive
  ///   (filters live with their agents; each client lists the agents it filtered).
  mutating func removeFilters(of c: ClientIndex) {
    guard c.i < filterAgents.count else { return }
    for a in filterAgents[c.i] where !agents.filters[Int(a)].isEmpty {
      agents.filters[Int(a)].removeAll { $0.client == c }
      agents.refreshFilterSummary(AgentIndex(Int(a)))
    }
    filterAgents[c.i].removeAll()
  }

  /// Sets a role's weight and/or quota; omitted fields keep their value.
  ///
  /// Checks, in order: name, weight (> 0, at most 2^53/1000), quota (scalars only, guarantee
  /// not above limit) as `invalidParams`; then `quotaExceeded` when a limit is below the
  /// role's current consumption and `force` is false.
  public mutating func updateRole(_ update: RoleUpdate) throws(AllotError) {
    try Validate.role(update.name, field: "name")
    if let w = update.weight {
      guard w.isFinite, w > 0, w <= Double(Quantity.maxMilli) / 1000 else {
        throw .invalid("weight", "weight must be a number above 0 and at most 2^53/1000")
      }
    }
    var reg = registry
    var g = (ScalarVector(), UInt64(0))
    var l = (ScalarVector(), UInt64(0))
    if let q = update.quota {
      g = try reg.resolveScalars(q.guarantee, field: "quota.guarantee")
      l = try reg.resolveScalars(q.limit, field: "quota.limit")
      var m = g.1 & l.1
      while m != 0 {
        let k = m.trailingZeroBitCount
        m &= m - 1
        if g.0[k] > l.0[k] {
          let name = reg.names.scalarNames[k]
          throw .invalid(
            "quota.guarantee.\(name)",
            "the guarantee of \(name) (\(Quantity(milli: g.0[k]))) is above its limit "
              + "(\(Quantity(milli: l.0[k])))")
        }
      }
      if !update.force, let r = roles.byName[update.name] {
        var m2 = l.1
        while m2 != 0 {
          let k = m2.trailingZeroBitCount
          m2 &= m2 - 1
          if roles.consumption[r.i][k] > l.0[k] {
            let name = reg.names.scalarNames[k]
            throw AllotError(
              .quotaExceeded, field: "quota.limit.\(name)",
              "role '\(update.name)' already consumes \(Quantity(milli: roles.consumption[r.i][k])) "
                + "\(name), above the new limit; pass force to set it anyway")
          }
        }
      }
    }
    registry = reg
    let r = internRole(update.name)
    roles.configured[r.i] = true
    if let w = update.weight {
      roles.weight[r.i] = w
      orderDirty = true
    }
    if update.quota != nil {
      roles.guarantee[r.i] = g.0
      roles.guaranteeMask[r.i] = g.1
      roles.limit[r.i] = l.0
      roles.limitMask[r.i] = l.1
      guaranteedRoles = (0..<roles.count).filter { roles.guaranteeMask[$0] != 0 }.map(
        RoleIndex.init)
    }
  }
}
