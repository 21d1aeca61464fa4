/// What a constraint sees of a candidate agent: its hostname and labels.
///
/// `hostname`/`@hostname` read the hostname; `@zone` and `@region` read the labels
/// `topology.kubernetes.io/zone` and `topology.kubernetes.io/region`; any other field reads
/// the label of that name.
public struct ConstraintAgentView: Sendable {
  /// The agent's hostname.
  public var hostname: String
  /// The labels, sorted by key bytes with unique keys (as the engine keeps them).
  public var labels: [(String, String)]

  /// Creates a view.
  public init(hostname: String, labels: [(String, String)]) {
    self.hostname = hostname
    self.labels = labels
  }

  /// The label a field reads, or `nil` for the hostname fields.
  static func labelKey(of field: String) -> String? {
    switch field {
    case "hostname", "@hostname": return nil
    case "@zone": return "topology.kubernetes.io/zone"
    case "@region": return "topology.kubernetes.io/region"
    default: return field
    }
  }

  /// The value a constraint field reads, or `nil` when the agent lacks it.
  ///
  /// - Complexity: O(log l) string comparisons.
  public func value(of field: String) -> String? {
    guard let key = ConstraintAgentView.labelKey(of: field) else { return hostname }
    var lo = 0
    var hi = labels.count
    while lo < hi {
      let mid = (lo + hi) / 2
      let c = ByteOrder.compare(labels[mid].0, key)
      if c < 0 { lo = mid + 1 } else if c > 0 { hi = mid } else { return labels[mid].1 }
    }
    return nil
  }
}

/// Per group, the tasks placed or running and, per field, how many sit on each value: what
/// Marathon's constraints and topology spread count.
///
/// A group is a framework's named group; the same name across every framework is kept too
/// (framework `nil`), for callers that count a group in all frameworks. Each task's field
/// values are those of its agent when it was placed (Marathon reads the attributes recorded
/// with the instance), and a task counts from ``add(task:framework:group:agent:view:)`` until
/// ``remove(task:)``, so tasks placed earlier in the same call count.
///
/// Fields are counted once ``track(field:framework:group:)`` names them for a group (later
/// tasks are then counted as they come); evaluating an untracked field scans the group.
///
///     var counts = ConstraintCounts()
///     let view = ConstraintAgentView(hostname: "h1", labels: [("rack", "r1")])
///     counts.add(task: 1, framework: "f", group: "web", agent: 0, view: view)
///     counts.count(of: "rack", value: "r1", framework: "f", group: "web")  // 1
public struct ConstraintCounts: Sendable {
  /// A group's identity: the framework (`nil` for every framework) and the group name.
  public struct GroupKey: Hashable, Sendable {
    /// The framework, or `nil` for the group across every framework.
    public var framework: String?
    /// The group name.
    public var group: String

    /// Creates a key.
    public init(framework: String?, group: String) {
      self.framework = framework
      self.group = group
    }

    /// Equal when the framework and group bytes are equal.
    public static func == (a: GroupKey, b: GroupKey) -> Bool {
      ByteOrder.equal(a.group, b.group)
        && (a.framework.map(ByteString.init) == b.framework.map(ByteString.init))
    }

    /// Hashes the bytes.
    public func hash(into hasher: inout Hasher) {
      hasher.combine(ByteString(group))
      hasher.combine(framework.map(ByteString.init))
    }
  }

  /// One field's counts in one group.
  struct FieldCounter: Sendable {
    /// Tasks per value (only values with tasks).
    var counts: [ByteString: Int] = [:]
    /// Tasks whose agent lacked the field.
    var missing = 0
    /// For each count, how many groups (values, and the missing group) have it.
    var histogram: [Int: Int] = [:]

    mutating func bump(_ old: Int, _ new: Int) {
      if old > 0 {
        histogram[old]! -= 1
        if histogram[old] == 0 { histogram[old] = nil }
      }
      if new > 0 { histogram[new, default: 0] += 1 }
    }

    mutating func add(_ value: String?) {
      if let value {
        let k = ByteString(value)
        let old = counts[k] ?? 0
        counts[k] = old + 1
        bump(old, old + 1)
      } else {
        missing += 1
        bump(missing - 1, missing)
      }
    }

    mutating func remove(_ value: String?) {
      if let value {
        let k = ByteString(value)
        let old = counts[k] ?? 0
        guard old > 0 else { return }
        counts[k] = old == 1 ? nil : old - 1
        bump(old, old - 1)
      } else if missing > 0 {
        missing -= 1
        bump(missing + 1, missing)
      }
    }

    /// Tasks on a value.
    func count(_ value: String) -> Int { counts[ByteString(value)] ?? 0 }

    /// Distinct groups, counting the tasks without the field as one.
    var groupCount: Int { counts.count + (missing > 0 ? 1 : 0) }

    /// The smallest group's size, 0 when there are none.
    var minimum: Int { histogram.keys.min() ?? 0 }
  }

  /// A placed task and its agent's view at placement.
  struct Record: Sendable {
    var task: Int
    var agent: Int
    var view: ConstraintAgentView
    var alive: Bool
  }

  /// One group: its tasks in placement order, and counters.
  struct GroupState: Sendable {
    var records: [Record] = []
    /// The first alive record (the anchor of `CLUSTER` without a value).
    var head = 0
    var live = 0
    var fields: [ByteString: FieldCounter] = [:]
    /// Tasks per agent id.
    var agents: [Int: Int] = [:]

    func counter(for field: String) -> FieldCounter {
      if let c = fields[ByteString(field)] { return c }
      var c = FieldCounter()
      for r in records where r.alive { c.add(r.view.value(of: field)) }
      return c
    }

    mutating func append(_ r: Record) -> Int {
      // Mutate the counters in place: iterating `fields.keys` while writing `fields[key]`
      // would copy the whole dictionary on every append.
      for i in fields.indices {
        let field = fields.keys[i].string
        fields.values[i].add(r.view.value(of: field))
      }
      agents[r.agent, default: 0] += 1
      records.append(r)
      live += 1
      return records.count - 1
    }

    mutating func kill(_ i: Int) {
      let r = records[i]
      guard r.alive else { return }
      records[i].alive = false
      live -= 1
      for i in fields.indices {
        let field = fields.keys[i].string
        fields.values[i].remove(r.view.value(of: field))
      }
      agents[r.agent]! -= 1
      if agents[r.agent] == 0 { agents[r.agent] = nil }
      while head < records.count && !records[head].alive { head += 1 }
    }
  }

  struct TaskEntry: Sendable {
    var framework: String
    var group: String
    var own: Int
    var shared: Int
  }

  var groups: [GroupKey: GroupState] = [:]
  var tasks: [Int: TaskEntry] = [:]

  /// Creates empty counts.
  public init() {}

  /// The number of tasks counted.
  public var taskCount: Int { tasks.count }

  /// Counts a task placed on an agent.
  ///
  /// - Parameters:
  ///   - task: A task handle unique among counted tasks (the engine's task slot, say).
  ///   - framework: The task's framework.
  ///   - group: The task's group.
  ///   - agent: The agent's dense id.
  ///   - view: The agent's hostname and labels at placement.
  /// - Precondition: the task is not counted yet.
  /// - Complexity: O(f) in the fields tracked for the group.
  public mutating func add(
    task: Int, framework: String, group: String, agent: Int, view: ConstraintAgentView
  ) {
    precondition(tasks[task] == nil, "task \(task) is already counted")
    let r = Record(task: task, agent: agent, view: view, alive: true)
    let own = groups[GroupKey(framework: framework, group: group), default: GroupState()].append(r)
    let shared = groups[GroupKey(framework: nil, group: group), default: GroupState()].append(r)
    tasks[task] = TaskEntry(framework: framework, group: group, own: own, shared: shared)
  }

  /// Stops counting a task; an unknown task is ignored.
  ///
  /// - Complexity: O(f) in the fields tracked, amortised.
  public mutating func remove(task: Int) {
    guard let e = tasks.removeValue(forKey: task) else { return }
    for (key, index) in [
      (GroupKey(framework: e.framework, group: e.group), e.own),
      (GroupKey(framework: nil, group: e.group), e.shared),
    ] {
      groups[key]!.kill(index)
      if groups[key]!.live == 0 {
        if groups[key]!.fields.isEmpty {
          groups[key] = nil
        } else {
          groups[key]!.records.removeAll()
          groups[key]!.head = 0
        }
      } else if groups[key]!.records.count > 32
        && groups[key]!.live * 2 < groups[key]!.records.count
      {
        compact(key)
      }
    }
  }

  /// Drops dead records of a group and renumbers its tasks.
  mutating func compact(_ key: GroupKey) {
    var g = groups[key]!
    g.records.removeAll { !$0.alive }
    g.head = 0
    for (i, r) in g.records.enumerated() {
      if key.framework == nil { tasks[r.task]!.shared = i } else { tasks[r.task]!.own = i }
    }
    groups[key] = g
  }

  /// Starts counting a field for a group (and for the group across frameworks), from the
  /// tasks already there; later tasks are counted as they come.
  ///
  /// - Complexity: O(t) in the group's tasks, once per field.
  public mutating func track(field: String, framework: String?, group: String) {
    for key in [
      GroupKey(framework: framework, group: group), GroupKey(framework: nil, group: group),
    ]
    where groups[key] != nil && groups[key]!.fields[ByteString(field)] == nil {
      groups[key]!.fields[ByteString(field)] = groups[key]!.counter(for: field)
    }
  }

  /// The group's tasks whose agent had `value` for `field`.
  ///
  /// - Complexity: O(1) for a tracked field; O(t) otherwise.
  public func count(of field: String, value: String, framework: String?, group: String) -> Int {
    groups[GroupKey(framework: framework, group: group)]?.counter(for: field).count(value) ?? 0
  }

  /// The group's tasks per agent id (for topology spread).
  public func tasksPerAgent(framework: String?, group: String) -> [Int: Int] {
    groups[GroupKey(framework: framework, group: group)]?.agents ?? [:]
  }

  /// The number of the group's tasks.
  public func taskCount(framework: String?, group: String) -> Int {
    groups[GroupKey(framework: framework, group: group)]?.live ?? 0
  }
}
