/// A snapshot of everything the engine holds, as the wire contract's `state` reports it.
///
/// Agents are in the order they were added; frameworks and roles sorted by the bytes of
/// their names. Equal snapshots mean equal observable state (the property tests compare
/// snapshots before and after a failing call).
public struct EngineState: Sendable, Equatable {
  /// A label or other string pair.
  public struct Pair: Sendable, Equatable {
    /// The key.
    public let key: String
    /// The value.
    public let value: String
  }

  /// Resources keyed by role.
  public struct RoleAmounts: Sendable, Equatable {
    /// The role.
    public let role: String
    /// The amounts.
    public let resources: ResourceAmounts
  }

  /// One agent.
  public struct Agent: Sendable, Equatable {
    /// The agent id.
    public let id: String
    /// The hostname.
    public let hostname: String
    /// Everything it has (every name it has, zeros included).
    public let total: ResourceAmounts
    /// Reservations by role, sorted by role.
    public let reserved: [RoleAmounts]
    /// What tasks hold.
    public let allocated: ResourceAmounts
    /// What outstanding offers hold.
    public let offered: ResourceAmounts
    /// Neither offered nor allocated.
    public let available: ResourceAmounts
    /// Labels sorted by key.
    public let labels: [Pair]
    /// Whether it is draining.
    public let draining: Bool
  }

  /// One framework.
  public struct Framework: Sendable, Equatable {
    /// The framework id.
    public let id: String
    /// Its roles, in the order given.
    public let roles: [String]
    /// What its tasks hold, summed over its roles (non-zero scalars).
    public let allocated: ResourceAmounts
    /// Its unweighted dominant share over all its roles (offered and allocated).
    public let share: Double
    /// Its suppressed roles, in role order.
    public let suppressed: [String]
    /// Pending tasks.
    public let pending: Int
    /// Running tasks.
    public let running: Int
  }

  /// One role.
  public struct Role: Sendable, Equatable {
    /// The role path.
    public let name: String
    /// Its weight.
    public let weight: Double
    /// Its guarantee (the names set, zeros included).
    public let guarantee: ResourceAmounts
    /// Its limit (the names set, zeros included).
    public let limit: ResourceAmounts
    /// What its subtree's tasks hold (non-zero scalars).
    public let allocated: ResourceAmounts
    /// Its weighted share, as used for ordering.
    public let share: Double
  }

  /// The engine's time.
  public let now: Seconds
  /// Scalar totals over all agents, every scalar name included.
  public let total: ResourceAmounts
  /// Agents in the order added.
  public let agents: [Agent]
  /// Frameworks sorted by id bytes.
  public let frameworks: [Framework]
  /// Roles sorted by name bytes.
  public let roles: [Role]
}

extension Engine {
  /// A snapshot of the whole state (the wire contract's `state`).
  ///
  /// - Complexity: O(agents + frameworks + roles + tasks).
  public func state() -> EngineState {
    let names = registry.names
    // Shares from the current totals, whether or not the order is up to date.
    let fresh = currentShareBasis()
    let allScalars: UInt64 =
      registry.scalarCount >= 64 ? ~0 : (UInt64(1) << UInt64(registry.scalarCount)) - 1
    var agentsOut: [EngineState.Agent] = []
    for a in agents.order {
      let sm = agents.scalarMask[a.i]
      let rm = agents.rangeMask[a.i]
      func view(_ r: Resources) -> ResourceAmounts {
        ResourceAmounts(r, names: names, keepZerosScalars: sm, ranges: rm)
      }
      let reserved = agents.reservations[a.i].map {
        EngineState.RoleAmounts(
          role: roles.names[$0.role.i], resources: amounts(Resources(scalars: $0.amount)))
      }.sorted { $0.role.utf8.lexicographicallyPrecedes($1.role.utf8) }
      agentsOut.append(
        EngineState.Agent(
          id: agents.ids[a.i], hostname: agents.hostnames[a.i], total: view(agents.total[a.i]),
          reserved: reserved, allocated: view(agents.allocated[a.i]),
          offered: view(offered(a)), available: view(agents.available(a)),
          labels: agents.labels[a.i].map { EngineState.Pair(key: $0.0, value: $0.1) },
          draining: agents.draining[a.i]))
    }
    var fwOut: [EngineState.Framework] = []
    for f in frameworks.ids.indices where frameworks.alive[f] {
      var held = ScalarVector()
      var alloc = ScalarVector()
      for c in frameworks.clients[f] {
        held += sorter.held[c.i]
        alloc += sorter.allocated[c.i]
      }
      let fi = FrameworkIndex(f)
      let suppressed = frameworks.roles[f].filter {
        guard let c = frameworks.client(fi, $0) else { return false }
        return sorter.suppressed[c.i]
      }.map { roles.names[$0.i] }
      fwOut.append(
        EngineState.Framework(
          id: frameworks.ids[f], roles: frameworks.roles[f].map { roles.names[$0.i] },
          allocated: amounts(Resources(scalars: alloc)), share: fresh.share(held),
          suppressed: suppressed, pending: frameworks.pending[f].count,
          running: frameworks.tasks[f].count))
    }
    fwOut.sort { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
    var listed = Array(repeating: false, count: roles.count)
    for r in 1..<roles.count
    where roles.configured[r] || roles.subscribers[r] > 0 || !roles.heldOwn[r].isZero {
      var x = RoleIndex(r)
      while x.i > 0 && !listed[x.i] {
        listed[x.i] = true
        x = roles.parent[x.i]
      }
    }
    var rolesOut: [EngineState.Role] = []
    for r in 1..<max(1, roles.count) where listed[r] {
      rolesOut.append(
        EngineState.Role(
          name: roles.names[r], weight: roles.weight[r],
          guarantee: ResourceAmounts(
            Resources(scalars: roles.guarantee[r]), names: names,
            keepZerosScalars: roles.guaranteeMask[r]),
          limit: ResourceAmounts(
            Resources(scalars: roles.limit[r]), names: names,
            keepZerosScalars: roles.limitMask[r]),
          allocated: amounts(Resources(scalars: roles.allocatedSubtree[r])),
          share: fresh.share(roles.heldSubtree[r]) / roles.weight[r]))
    }
    rolesOut.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    return EngineState(
      now: clock.now(),
      total: ResourceAmounts(
        Resources(scalars: clusterTotal), names: names, keepZerosScalars: allScalars),
      agents: agentsOut, frameworks: fwOut, roles: rolesOut)
  }

}
