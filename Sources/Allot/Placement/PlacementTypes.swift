/// A task to place: what it needs and the rules of where it may run.
///
///     TaskSpec(id: "web-1", group: "web", resources: ["cpus": 1, "mem": 512, "ports": 1],
///              priority: 10)
public struct TaskSpec: Sendable {
  /// The task id: 1 to 255 bytes, unique within its framework across pending and running.
  public var id: String
  /// The constraint group (with the framework); a task without one is alone in its group.
  public var group: String?
  /// The group's target size, for Marathon 1.10+ GROUP_BY.
  public var groupSize: Int64?
  /// What the task needs; a scalar for a range resource is a count of values.
  public var resources: ResourceSpec
  /// Higher priorities are placed first by `schedule`.
  public var priority: Int64
  /// The agents' labels must match (`nil`: no restriction).
  public var selector: LabelSelector?
  /// Kubernetes node affinity: required terms filter, preferred terms score.
  public var affinity: NodeAffinity?
  /// Taints the task tolerates.
  public var tolerations: [Toleration]
  /// Marathon placement constraints over the task's group.
  public var constraints: [MarathonConstraint]
  /// Kubernetes topology spread constraints over the task's group.
  public var spread: [TopologySpread.Constraint]

  /// Creates a task.
  public init(
    id: String, group: String? = nil, groupSize: Int64? = nil, resources: ResourceSpec,
    priority: Int64 = 0, selector: LabelSelector? = nil, affinity: NodeAffinity? = nil,
    tolerations: [Toleration] = [], constraints: [MarathonConstraint] = [],
    spread: [TopologySpread.Constraint] = []
  ) {
    self.id = id
    self.group = group
    self.groupSize = groupSize
    self.resources = resources
    self.priority = priority
    self.selector = selector
    self.affinity = affinity
    self.tolerations = tolerations
    self.constraints = constraints
    self.spread = spread
  }
}

/// Why a task was not placed; the contract's `reason` values.
public enum PlacementReason: String, Hashable, Sendable, CaseIterable {
  /// No agent has the resources free.
  case resources
  /// No agent matches the selector.
  case selector
  /// No agent matches the required node affinity.
  case affinity
  /// Every agent has a taint the task does not tolerate.
  case taints
  /// Every agent violates a placement constraint.
  case constraints
  /// Every agent violates a topology spread constraint.
  case spread
  /// The task would take its role past a quota limit.
  case quota
  /// The task fit, another task of its gang did not.
  case gang
  /// There is no agent that is not draining.
  case noAgents
}

/// A placement made.
public struct Placement: Sendable, Equatable {
  /// The task id.
  public let task: String
  /// The framework id.
  public let framework: String
  /// The role the task runs for.
  public let role: String
  /// The agent id.
  public let agent: String
  /// The agent's hostname.
  public let hostname: String
  /// What the task holds (range counts resolved to values).
  public let resources: ResourceAmounts
}

/// A task `place` could not place.
public struct Unplaced: Sendable, Equatable {
  /// The task id.
  public let task: String
  /// The reason shared by the most agents.
  public let reason: PlacementReason
  /// A sentence as kube-scheduler writes one: `0/5 agents fit: 3 insufficient mem, ...`.
  public let message: String
}

/// What `place` did.
public struct PlaceResult: Sendable, Equatable {
  /// Placements, in array order.
  public let placements: [Placement]
  /// Tasks not placed, in array order.
  public let unplaced: [Unplaced]
}

/// What `schedule` did.
public struct ScheduleResult: Sendable, Equatable {
  /// Placements in the order made.
  public let placements: [Placement]
  /// Tasks still pending in the whole queue.
  public let pending: Int
}

/// A task's state.
public struct TaskStatus: Sendable, Equatable {
  /// Pending or running.
  public enum State: String, Sendable {
    /// Queued, not placed yet.
    case pending
    /// Holding resources on an agent.
    case running
  }
  /// The state.
  public let state: State
  /// The agent of a running task.
  public let agent: String?
  /// Why the last `schedule` that tried the task did not place it.
  public let reason: PlacementReason?
  /// The sentence for `reason`.
  public let message: String?
}

/// One agent where a task may run, with its score.
public struct MatchedAgent: Sendable, Equatable {
  /// The agent id.
  public let agent: String
  /// The sum of the parts.
  public let score: Int64
  /// The resources part (0...100).
  public let resources: Int64
  /// The preferred-affinity part, normalised (0...100).
  public let affinity: Int64
  /// The taints part: 100 minus the normalised count of untolerated PreferNoSchedule taints.
  public let taints: Int64
  /// The topology-spread part, normalised (0...100).
  public let spread: Int64
}
