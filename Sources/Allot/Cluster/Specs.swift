/// A node taint, as Kubernetes has them: agents repel tasks that do not tolerate it.
public struct Taint: Hashable, Sendable {
  /// What a taint does to tasks that do not tolerate it.
  public enum Effect: String, Hashable, Sendable, CaseIterable {
    /// Untolerated: the agent is excluded.
    case noSchedule = "NoSchedule"
    /// Untolerated: the agent's score is lowered.
    case preferNoSchedule = "PreferNoSchedule"
    /// Untolerated: the agent is excluded.
    case noExecute = "NoExecute"
  }
  /// The taint key.
  public var key: String
  /// The taint value (may be empty).
  public var value: String
  /// The effect.
  public var effect: Effect

  /// Creates a taint.
  public init(key: String, value: String = "", effect: Effect) {
    self.key = key
    self.value = value
    self.effect = effect
  }
}

/// What `addAgent` needs: an agent's identity, resources, labels, taints and reservations.
///
///     try engine.addAgent(AgentSpec(
///       id: "a1", hostname: "node-1",
///       resources: ["cpus": 8, "mem": 16384, "ports": [31000...31999]],
///       labels: ["zone": "us-east-1a"],
///       reservations: ["ml": ["cpus": 2]]))
public struct AgentSpec: Hashable, Sendable {
  /// The agent id: 1 to 255 bytes, no control characters.
  public var id: String
  /// The hostname (defaults to the id; need not be unique).
  public var hostname: String?
  /// Everything the agent has, reservations included.
  public var resources: ResourceSpec
  /// Labels (Mesos attributes or Kubernetes labels), in request order.
  public var labels: [(String, String)]
  /// Taints.
  public var taints: [Taint]
  /// Scalars set aside for a role and its descendants, part of `resources`; in request order.
  public var reservations: [(String, ResourceSpec)]

  /// Creates a spec.
  public init(
    id: String, hostname: String? = nil, resources: ResourceSpec,
    labels: KeyValuePairs<String, String> = [:], taints: [Taint] = [],
    reservations: KeyValuePairs<String, ResourceSpec> = [:]
  ) {
    self.id = id
    self.hostname = hostname
    self.resources = resources
    self.labels = labels.map { ($0.key, $0.value) }
    self.taints = taints
    self.reservations = reservations.map { ($0.key, $0.value) }
  }

  /// Equal when every field is equal.
  public static func == (a: AgentSpec, b: AgentSpec) -> Bool {
    a.id == b.id && a.hostname == b.hostname && a.resources == b.resources
      && a.labels.elementsEqual(b.labels, by: ==) && a.taints == b.taints
      && a.reservations.elementsEqual(b.reservations, by: ==)
  }

  /// Hashes the id.
  public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

/// A change to an agent: each given field replaces the old value whole.
public struct AgentUpdate: Sendable {
  /// The agent id.
  public var id: String
  /// New resources, if given.
  public var resources: ResourceSpec?
  /// New labels, if given.
  public var labels: [(String, String)]?
  /// New taints, if given.
  public var taints: [Taint]?
  /// New reservations, if given.
  public var reservations: [(String, ResourceSpec)]?

  /// Creates an update of agent `id`.
  public init(
    id: String, resources: ResourceSpec? = nil, labels: [(String, String)]? = nil,
    taints: [Taint]? = nil, reservations: [(String, ResourceSpec)]? = nil
  ) {
    self.id = id
    self.resources = resources
    self.labels = labels
    self.taints = taints
    self.reservations = reservations
  }
}

/// What `addFramework` needs.
///
///     try engine.addFramework(FrameworkSpec(id: "spark", roles: ["ml"], capabilities: ["gpu"]))
public struct FrameworkSpec: Sendable {
  /// The framework id: 1 to 255 bytes, no control characters.
  public var id: String
  /// The roles it subscribes to: non-empty, no duplicates, never `*`.
  public var roles: [String]
  /// Capabilities; `gpu` lets it receive offers from agents with GPUs.
  ///
  /// Unknown ones are ignored.
  public var capabilities: [String]
  /// The smallest offer it wants: every listed scalar at least this amount; an empty spec
  /// accepts any non-empty offer; `nil` means the engine's minimum.
  public var minAllocatable: ResourceSpec?
  /// Offers only come from agents whose labels match (`nil`: every agent).
  public var offerSelector: LabelSelector?

  /// Creates a spec.
  public init(
    id: String, roles: [String] = ["default"], capabilities: [String] = [],
    minAllocatable: ResourceSpec? = nil, offerSelector: LabelSelector? = nil
  ) {
    self.id = id
    self.roles = roles
    self.capabilities = capabilities
    self.minAllocatable = minAllocatable
    self.offerSelector = offerSelector
  }
}

/// A change to a framework: each given field replaces the old value.
public struct FrameworkUpdate: Sendable {
  /// The framework id.
  public var id: String
  /// New roles, if given.
  public var roles: [String]?
  /// New capabilities, if given.
  public var capabilities: [String]?
  /// New minimum offer, if given (`.some(nil)` clears it back to the engine's minimum).
  public var minAllocatable: ResourceSpec??
  /// New offer selector, if given (`.some(nil)` removes it).
  public var offerSelector: LabelSelector??

  /// Creates an update of framework `id`.
  public init(
    id: String, roles: [String]? = nil, capabilities: [String]? = nil,
    minAllocatable: ResourceSpec?? = nil, offerSelector: LabelSelector?? = nil
  ) {
    self.id = id
    self.roles = roles
    self.capabilities = capabilities
    self.minAllocatable = minAllocatable
    self.offerSelector = offerSelector
  }
}

/// A role's quota: a guarantee (offered first, and kept as headroom) and a limit (never
/// exceeded).
///
/// Scalars only.
public struct Quota: Hashable, Sendable {
  /// Resources the role is guaranteed.
  public var guarantee: ResourceSpec
  /// Resources the role may never exceed; names not listed are unlimited.
  public var limit: ResourceSpec

  /// Creates a quota.
  public init(guarantee: ResourceSpec = [:], limit: ResourceSpec = [:]) {
    self.guarantee = guarantee
    self.limit = limit
  }
}

/// A change to a role; omitted fields keep their value.
///
///     try engine.updateRole(RoleUpdate(name: "web", weight: 2))
///     try engine.updateRole(RoleUpdate(name: "ml", quota: Quota(guarantee: ["cpus": 4])))
public struct RoleUpdate: Hashable, Sendable {
  /// The role path (not `*`).
  public var name: String
  /// A weight above 0 (a new role has weight 1).
  public var weight: Double?
  /// The new quota, replacing the old one whole (an empty quota removes it).
  public var quota: Quota?
  /// Set a limit below the role's current consumption anyway.
  public var force: Bool

  /// Creates an update.
  public init(name: String, weight: Double? = nil, quota: Quota? = nil, force: Bool = false) {
    self.name = name
    self.weight = weight
    self.quota = quota
    self.force = force
  }
}

/// A task launched on an offer.
public struct TaskLaunch: Hashable, Sendable {
  /// The task id, unique within its framework.
  public var id: String
  /// The constraint group, if any.
  public var group: String?
  /// What the task holds; a scalar for a range resource is a count of values.
  public var resources: ResourceSpec
  /// Task labels.
  public var labels: [String: String]

  /// Creates a task.
  public init(
    id: String, group: String? = nil, resources: ResourceSpec, labels: [String: String] = [:]
  ) {
    self.id = id
    self.group = group
    self.resources = resources
    self.labels = labels
  }
}

/// An offer: everything one agent holds that one framework may use for one of its roles.
///
/// An offer is a position in the batch of offers it was listed with (one allocation cycle,
/// or one listing of outstanding offers): 16 bytes, whose fields are read from the batch's
/// columns. The batch keeps the names as they were when it was made, so an offer reads the
/// same after the engine changes (the engine's next change to a name table it shares then
/// copies that table once).
public struct Offer: Sendable, Equatable, CustomStringConvertible {
  let batch: OfferBatch
  let index: Int

  /// The offer id.
  public var id: OfferID { OfferID(sequence: batch.entries[index].seq) }
  /// The framework it was made to.
  public var framework: String { batch.frameworkIDs[Int(batch.entries[index].framework)] }
  /// The role it was made for.
  public var role: String { batch.roleNames[Int(batch.entries[index].role)] }
  /// The agent id.
  public var agent: String { batch.agentIDs[Int(batch.entries[index].agent)] }
  /// The agent's hostname.
  public var hostname: String { batch.hostnames[Int(batch.entries[index].agent)] }
  /// What it holds.
  public var resources: ResourceAmounts {
    ResourceAmounts(batch.resources(index), names: batch.names)
  }

  /// `o7 framework-1 (role web) on agent-3: {cpus:4,mem:8192}`.
  public var description: String {
    "\(id) \(framework) (role \(role)) on \(agent): \(resources)"
  }

  /// Equal when every field is.
  public static func == (a: Offer, b: Offer) -> Bool {
    a.id == b.id && a.framework == b.framework && a.role == b.role && a.agent == b.agent
      && a.hostname == b.hostname && a.resources == b.resources
  }
}

/// One offer of a batch: its sequence number and dense indices.
struct OfferBatchEntry: Sendable {
  var seq: UInt64
  var framework: Int32
  var role: Int32
  var agent: Int32
}

/// The columns of a batch of offers while it is being filled (an allocation cycle appends
/// a few bytes per offer: no strings, no per-offer object).
struct OfferColumns: Sendable {
  /// Scalar kinds stored per offer (the registry's scalar count when the batch began).
  var width: Int
  var entries: [OfferBatchEntry] = []
  /// `width` amounts per offer; zero-filled ahead of `entries` (see ``finished()``).
  var scalars: [Int64] = []
  /// Range sets per offer (an empty array for offers without ranges).
  var ranges: [[RangeSet]] = []

  init(width: Int, capacity: Int) {
    self.width = width
    entries.reserveCapacity(capacity)
    scalars = Array(repeating: 0, count: max(capacity, 16) * width)
    ranges.reserveCapacity(capacity)
  }

  /// Appends one offer.
  @inline(__always)
  mutating func append(_ e: OfferBatchEntry, _ r: Resources) {
    let w = width
    let base = entries.count * w
    entries.append(e)
    if base + w > scalars.count {
      scalars.append(contentsOf: repeatElement(0, count: Swift.max(scalars.count, w)))
    }
    let v = r.scalars
    // One uniqueness check for the offer's amounts, not one per kind.
    scalars.withUnsafeMutableBufferPointer { buf in
      for k in 0..<w { buf[base &+ k] = v[k] }
    }
    ranges.append(r.ranges)
  }

  /// The columns with the zero fill beyond the last offer cut off.
  consuming func finished() -> OfferColumns {
    let used = entries.count * width
    if scalars.count > used { scalars.removeSubrange(used...) }
    return self
  }
}

/// Offers listed together, column by column, with the name tables of their moment.
final class OfferBatch: Sendable {
  let frameworkIDs: [String]
  let roleNames: [String]
  let agentIDs: [String]
  let hostnames: [String]
  let names: ResourceNames
  let width: Int
  let entries: [OfferBatchEntry]
  let scalars: [Int64]
  let ranges: [[RangeSet]]

  init(
    _ c: OfferColumns, frameworkIDs: [String], roleNames: [String], agentIDs: [String],
    hostnames: [String], names: ResourceNames
  ) {
    self.frameworkIDs = frameworkIDs
    self.roleNames = roleNames
    self.agentIDs = agentIDs
    self.hostnames = hostnames
    self.names = names
    let c = c.finished()
    width = c.width
    entries = c.entries
    scalars = c.scalars
    ranges = c.ranges
  }

  /// Offer `i`'s resources.
  func resources(_ i: Int) -> Resources {
    var v = ScalarVector()
    for k in 0..<width { v[k] = scalars[i * width + k] }
    return Resources(scalars: v, ranges: ranges[i])
  }

  /// One offer per entry, in order.
  func offers() -> [Offer] {
    let n = entries.count
    return [Offer](unsafeUninitializedCapacity: n) { buf, count in
      for i in 0..<n { (buf.baseAddress! + i).initialize(to: Offer(batch: self, index: i)) }
      count = n
    }
  }
}

/// A task launched by `acceptOffer`, with the resources it holds (range counts resolved).
public struct LaunchedTask: Sendable, Equatable {
  /// The task id.
  public let id: String
  /// What it holds.
  public let resources: ResourceAmounts
}

/// A task lost with its agent.
public struct LostTask: Hashable, Sendable, Comparable {
  /// The framework id.
  public let framework: String
  /// The task id.
  public let task: String

  /// Orders by (framework, task) bytes.
  public static func < (a: LostTask, b: LostTask) -> Bool {
    if a.framework != b.framework {
      return a.framework.utf8.lexicographicallyPrecedes(b.framework.utf8)
    }
    return a.task.utf8.lexicographicallyPrecedes(b.task.utf8)
  }
}

/// What `removeAgent` reports.
public struct AgentRemoval: Sendable, Equatable {
  /// Offers rescinded, in the order issued.
  public let rescinded: [OfferID]
  /// Tasks lost, sorted by (framework, task).
  public let lostTasks: [LostTask]
}

/// What `removeFramework` reports.
public struct FrameworkRemoval: Sendable, Equatable {
  /// Offers rescinded, in the order issued.
  public let rescinded: [OfferID]
  /// The number of running tasks released.
  public let released: Int
}
