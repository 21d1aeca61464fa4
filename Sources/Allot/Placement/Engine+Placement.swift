/// A queued task.
struct PendingTask: Sendable {
  var spec: TaskSpec
  var need: TaskNeed
  var framework: FrameworkIndex
  var role: RoleIndex
  var client: ClientIndex
  var seq: UInt64
  var reason: PlacementReason?
  var message: String?
}

/// Why agents were rejected for one task: counts per reason and per missing resource.
struct FailureTally {
  var considered = 0
  var counts: [Int] = Array(repeating: 0, count: PlacementReason.allCases.count)
  /// Insufficient resource name -> agents.
  var insufficient: [String: Int] = [:]
  /// Constraint or rule text -> agents, for the message.
  var details: [PlacementReason: [String: Int]] = [:]

  mutating func add(_ r: PlacementReason, detail: String? = nil) {
    counts[PlacementReason.allCases.firstIndex(of: r)!] += 1
    if let detail { details[r, default: [:]][detail, default: 0] += 1 }
  }

  /// The reason shared by the most agents (ties in the listed order), or `noAgents`.
  var reason: PlacementReason {
    if considered == 0 { return .noAgents }
    var best = 0
    for i in counts.indices where counts[i] > counts[best] { best = i }
    return PlacementReason.allCases[best]
  }

  /// `0/5 agents fit: 3 insufficient mem, 2 do not match the selector`.
  var message: String {
    if considered == 0 { return "0/0 agents fit: no agent is available (none, or all draining)" }
    var parts: [String] = []
    for r in PlacementReason.allCases {
      let n = counts[PlacementReason.allCases.firstIndex(of: r)!]
      if n == 0 { continue }
      switch r {
      case .resources:
        for name in insufficient.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
          parts.append("\(insufficient[name]!) insufficient \(name)")
        }
      case .selector: parts.append("\(n) do not match the selector")
      case .affinity: parts.append("\(n) do not match the required node affinity")
      case .taints: parts.append("\(n) have a taint the task does not tolerate")
      case .constraints, .spread:
        let d = details[r] ?? [:]
        for text in d.keys.sorted() {
          parts.append(
            r == .constraints
              ? "\(d[text]!) violate constraint \(text)"
              : "\(d[text]!) violate topology spread \(text)")
        }
      case .quota: parts.append("\(n) would take the role past its quota limit")
      case .gang, .noAgents: break
      }
    }
    return "0/\(considered) agents fit: " + parts.joined(separator: ", ")
  }
}

/// A task's matching rules, compiled against the engine's label index for one placement
/// attempt.
struct TaskRules {
  var selector: CompiledSelector?
  var selectorSet: AgentBitset?
  var affinity: CompiledNodeAffinity?
  var hasPreferred = false
  var tolerations: [Toleration] = []
  var constraints: [MarathonConstraint] = []
  var hardSpread: [TopologySpread.Constraint] = []
  var hardCounts: [[String: Int]] = []
  var softSpread: [TopologySpread.Constraint] = []
  var softCounts: [[String: Int]] = []
  /// Agents that certainly fail a `hostname:UNIQUE` constraint (they host the group),
  /// skipped without the full check.
  var excluded: AgentBitset?
  /// The counting scope: the framework's id, or nil for every framework (`match`).
  var framework: String?
  var group: String?
  var groupSize: Int?

  /// Whether anything but the selector and resources can reject an agent.
  var hasAgentRules: Bool {
    affinity?.required != nil || !tolerations.isEmpty || !constraints.isEmpty
      || !hardSpread.isEmpty
  }
}

extension Engine {
  // MARK: - Request checks

  /// The role of a request that names a framework: omitted means the framework's first
  /// role; a role it does not hold is `invalidParams`.
  func requestRole(_ f: FrameworkIndex, _ role: String?, field: String) throws(AllotError)
    -> RoleIndex
  {
    guard let role else { return frameworks.roles[f.i][0] }
    guard let r = roles.byName[role], frameworks.roles[f.i].contains(r) else {
      throw .invalid(field, "framework '\(frameworks.ids[f.i])' does not hold role '\(role)'")
    }
    return r
  }

  func validateTask(_ t: TaskSpec, field: String, needsID: Bool = true) throws(AllotError)
    -> TaskNeed
  {
    if needsID { try Validate.id(t.id, field: "\(field).id") }
    if let g = t.group { try Validate.id(g, field: "\(field).group") }
    if let n = t.groupSize, n < 1 {
      throw .invalid("\(field).groupSize", "\(field).groupSize must be at least 1")
    }
    let need = try registry.resolveNeed(t.resources, field: "\(field).resources")
    if let a = t.affinity { _ = try a.selectors(field: "\(field).affinity") }
    try Toleration.validate(t.tolerations, field: "\(field).tolerations")
    for (i, c) in t.spread.enumerated() {
      let f = "\(field).spread[\(i)]"
      if c.topologyKey.isEmpty || c.topologyKey.utf8.count > 317
        || Validate.hasControl(c.topologyKey)
      {
        throw .invalid("\(f).topologyKey", "topologyKey must be a label key of 1 to 317 bytes")
      }
      if c.maxSkew < 1 { throw .invalid("\(f).maxSkew", "maxSkew must be at least 1") }
    }
    return need
  }

  /// Compiles a task's rules against the label index and counts the group's tasks per
  /// topology domain for its spread constraints.
  mutating func compileRules(_ t: TaskSpec, framework: String?) -> TaskRules {
    var rules = TaskRules()
    rules.framework = framework
    rules.group = t.group
    rules.groupSize = t.groupSize.map { Int($0) }
    if let sel = t.selector, !sel.isEmpty {
      let c = labelIndex.compile(sel)
      rules.selector = c
      rules.selectorSet = labelIndex.agents(matching: c)
    }
    if let a = t.affinity, let sels = try? a.selectors() {
      rules.affinity = labelIndex.compile(sels)
      rules.hasPreferred = !sels.preferred.isEmpty
    }
    rules.tolerations = t.tolerations
    rules.constraints = t.constraints
    if let g = t.group,
      t.constraints.contains(where: {
        $0.operator == .unique && ($0.field == "hostname" || $0.field == "@hostname")
      })
    {
      var ex = AgentBitset(capacity: agents.ids.count)
      for (agent, _) in constraintCounts.tasksPerAgent(framework: framework, group: g) {
        for same in hostnameAgents[agents.hostnames[agent], default: []] { ex.insert(Int(same)) }
      }
      rules.excluded = ex
    }
    if let g = t.group {
      for c in t.constraints {
        constraintCounts.track(field: c.field, framework: framework, group: g)
      }
    }
    if !t.spread.isEmpty {
      // Eligible domains: agents matching the selector and required affinity (node-affinity
      // policy Honor; taints are ignored; draining agents count).
      var eligible =
        rules.selectorSet ?? labelIndex.agents(matching: labelIndex.compile(.everything))
      if let aff = rules.affinity, aff.required != nil {
        eligible.formIntersection(labelIndex.agents(matchingRequired: aff))
      }
      let perAgent =
        t.group.map { constraintCounts.tasksPerAgent(framework: framework, group: $0) } ?? [:]
      for c in t.spread {
        let counts = TopologySpread.domainCounts(
          topologyKey: c.topologyKey, eligible: eligible, index: labelIndex, tasksPerAgent: perAgent
        )
        if c.whenUnsatisfiable == .doNotSchedule {
          rules.hardSpread.append(c)
          rules.hardCounts.append(counts)
        } else {
          rules.softSpread.append(c)
          rules.softCounts.append(counts)
        }
      }
    }
    return rules
  }

  /// The value of label `key` on an agent.
  func labelValue(_ a: AgentIndex, _ key: String) -> String? {
    for (k, v) in agents.labels[a.i] where k == key { return v }
    return nil
  }

  /// The first rule (after resources) an agent fails, in the contract's order: selector,
  /// affinity, taints, constraints, spread; with the constraint or spread text.
  func ruleFailure(_ rules: TaskRules, agent a: AgentIndex) -> (PlacementReason, String?)? {
    if let set = rules.selectorSet, !set.contains(a.i) { return (.selector, nil) }
    if let aff = rules.affinity, aff.required != nil {
      guard let labels = labelIndex.labels(of: a.i),
        aff.matchesRequired(labels, in: labelIndex.interner)
      else { return (.affinity, nil) }
    }
    if blockingTaintCount > 0,
      TaintToleration.firstUntolerated(taints: agents.taints[a.i], tolerations: rules.tolerations)
        != nil
    {
      return (.taints, nil)
    }
    if !rules.constraints.isEmpty {
      let view = ConstraintAgentView(hostname: agents.hostnames[a.i], labels: agents.labels[a.i])
      for c in rules.constraints
      where !c.isSatisfied(
        by: view, counts: constraintCounts, framework: rules.framework, group: rules.group,
        groupSize: rules.groupSize)
      {
        return (.constraints, c.description)
      }
    }
    for (i, c) in rules.hardSpread.enumerated() {
      let domain = labelValue(a, c.topologyKey)
      if !TopologySpread.admits(maxSkew: c.maxSkew, domain: domain, counts: rules.hardCounts[i]) {
        return (.spread, c.topologyKey)
      }
    }
    return nil
  }

  func validateStrategy(_ s: PlacementStrategy?, field: String) throws(AllotError) {
    try s?.validate(field: field)
  }

  // MARK: - Fit

  /// Draws a task's scalars on an agent for role `r`: the role's reservation, then its
  /// ancestors' from the nearest, then unreserved.
  ///
  /// Returns the reserved parts and the
  /// unreserved remainder (which may exceed what is free: the caller checks).
  func draw(_ need: ScalarVector, role r: RoleIndex, agent a: AgentIndex) -> (
    [PoolPart], ScalarVector
  ) {
    var want = need
    var parts: [PoolPart] = []
    if !agents.reservations[a.i].isEmpty {
      var x = r
      while x.i > 0 {
        if let res = agents.reservations[a.i].first(where: { $0.role == x }) {
          let take = want.pointwiseMin(res.amount - res.held).clampedAtZero()
          if !take.isZero {
            parts.append(PoolPart(role: x, amount: take))
            want -= take
          }
        }
        x = roles.parent[x.i]
      }
    }
    return (parts, want)
  }

  /// The first resource the agent lacks for the task, or nil when it fits.
  func insufficientResource(_ need: TaskNeed, role r: RoleIndex, agent a: AgentIndex) -> String? {
    if let m = need.missing.first { return m }
    let (_, unres) = draw(need.scalars, role: r, agent: a)
    let free = agents.unreservedFree[a.i]
    if !free.covers(unres) {
      var first: String?
      for i in 0..<registry.scalarCount where unres[i] > free[i] {
        let n = registry.names.scalarNames[i]
        if first == nil || n.utf8.lexicographicallyPrecedes(first!.utf8) { first = n }
      }
      return first
    }
    var ranges = Resources(ranges: agents.freeRanges[a.i])
    if !need.ranges.rangesEmpty {
      if !ranges.contains(need.ranges) {
        for i in 0..<need.ranges.ranges.count where !ranges.range(i).contains(need.ranges.range(i))
        {
          return registry.names.rangeNames[i]
        }
      }
      ranges.subtract(need.ranges)
    }
    for (i, n) in need.counts where ranges.range(i).count < n {
      return registry.names.rangeNames[i]
    }
    return nil
  }

  /// Whether the unreserved part of the task keeps the role and its ancestors within their
  /// limits.
  func withinLimits(_ need: TaskNeed, role r: RoleIndex, agent a: AgentIndex) -> Bool {
    let (_, unres) = draw(need.scalars, role: r, agent: a)
    var x = r
    while x.i > 0 {
      var m = roles.limitMask[x.i]
      while m != 0 {
        let k = m.trailingZeroBitCount
        m &= m - 1
        if unres[k] > 0 && roles.consumption[x.i][k] + unres[k] > roles.limit[x.i][k] {
          return false
        }
      }
      x = roles.parent[x.i]
    }
    return true
  }

  // MARK: - Scoring

  /// What a strategy scores for one task: the scored scalar kinds with their weights and
  /// the task's requests, resolved once per task.
  struct ScorePlan {
    var kind: PlacementStrategy.Kind
    var entries: [(k: Int, weight: Int64, request: Int64)]
    var shape: [(Int64, Int64)]
    var requestsAny: Bool
  }

  func scorePlan(_ need: TaskNeed, _ s: PlacementStrategy) -> ScorePlan {
    var entries: [(k: Int, weight: Int64, request: Int64)] = []
    var requestsAny = false
    for (name, weight) in s.weights {
      guard let k = registry.scalarIndex(name) else { continue }
      let request = need.scalars[k]
      if name != "cpus" && name != "mem" && name != "disk" && request == 0 { continue }
      entries.append((k, weight, request))
    }
    for e in entries where e.request > 0 { requestsAny = true }
    return ScorePlan(
      kind: s.kind, entries: entries, shape: s.shape.map { ($0.utilization, $0.score * 10) },
      requestsAny: requestsAny)
  }

  /// Free amount of scalar `k` on agent `a` (unreserved plus every reservation).
  @inline(__always)
  func freeScalar(_ a: AgentIndex, _ k: Int) -> Int64 {
    var v = agents.unreservedFree[a.i][k]
    for r in agents.reservations[a.i] { v += r.amount[k] - r.held[k] }
    return v
  }

  /// The resources part of the score of placing a task on agent `a`.
  func resourceScore(_ plan: ScorePlan, agent a: AgentIndex) -> Int64 {
    var nodeScore: Int64 = 0
    var weightSum: Int64 = 0
    var fractions: [Double] = []
    for e in plan.entries {
      let capacity = agents.total[a.i].scalars[e.k]
      if capacity == 0 { continue }
      let requested = (capacity - freeScalar(a, e.k)) + e.request
      switch plan.kind {
      case .binpack:
        nodeScore += ResourceScore.most(requested, capacity) * e.weight
        weightSum += e.weight
      case .spread:
        nodeScore += ResourceScore.least(requested, capacity) * e.weight
        weightSum += e.weight
      case .ratio:
        let rs = ResourceScore.ratio(requested, capacity, plan.shape)
        if rs > 0 {
          nodeScore += rs * e.weight
          weightSum += e.weight
        }
      case .balanced:
        fractions.append(min(1, Double(requested) / Double(capacity)))
      case .firstfit:
        break
      }
    }
    switch plan.kind {
    case .binpack, .spread:
      return weightSum == 0 ? 0 : nodeScore / weightSum
    case .ratio:
      return weightSum == 0 ? 0 : Int64((Double(nodeScore) / Double(weightSum)).rounded())
    case .balanced:
      return plan.requestsAny ? ResourceScore.balanced(fractions) : 0
    case .firstfit:
      return 0
    }
  }

  /// Whether the task fits on the agent by resources (fast path for the common case).
  @inline(__always)
  func fitsResources(_ need: TaskNeed, role r: RoleIndex, agent a: AgentIndex) -> Bool {
    if agents.reservations[a.i].isEmpty && need.ranges.ranges.isEmpty && need.counts.isEmpty
      && need.missing.isEmpty
    {
      return agents.unreservedFree[a.i].covers(need.scalars)
    }
    return insufficientResource(need, role: r, agent: a) == nil
  }

  // MARK: - Choosing an agent

  /// Every agent where the task may run now, scored; and why the others were rejected.
  func candidates(
    _ need: TaskNeed, _ rules: TaskRules, role r: RoleIndex, strategy s: PlacementStrategy,
    firstOnly: Bool
  ) -> ([MatchedAgent], [AgentIndex], FailureTally) {
    var tally = FailureTally()
    var feasible: [AgentIndex] = []
    for a in agents.order where !agents.draining[a.i] {
      tally.considered += 1
      if let name = insufficientResource(need, role: r, agent: a) {
        tally.add(.resources)
        tally.insufficient[name, default: 0] += 1
        continue
      }
      if let (reason, detail) = ruleFailure(rules, agent: a) {
        tally.add(reason, detail: detail)
        continue
      }
      if !withinLimits(need, role: r, agent: a) {
        tally.add(.quota)
        continue
      }
      feasible.append(a)
      if firstOnly && s.kind == .firstfit { break }
    }
    if s.kind == .firstfit {
      return (
        feasible.map {
          MatchedAgent(
            agent: agents.ids[$0.i], score: 0, resources: 0, affinity: 0, taints: 0, spread: 0)
        }, feasible, tally
      )
    }
    var taints = feasible.map {
      Int64(
        TaintToleration.untoleratedPreferNoScheduleCount(
          taints: agents.taints[$0.i], tolerations: rules.tolerations))
    }
    ScoreNormalization.normalize(&taints, reverse: true)
    var affinity = feasible.map { a -> Int64 in
      guard let aff = rules.affinity, let labels = labelIndex.labels(of: a.i) else { return 0 }
      return Int64(aff.preferredScore(labels, in: labelIndex.interner))
    }
    ScoreNormalization.normalize(&affinity, reverse: false)
    let spread = TopologySpread.scores(
      constraints: rules.softSpread.map { ($0.topologyKey, $0.maxSkew) },
      candidates: feasible.map { a in rules.softSpread.map { labelValue(a, $0.topologyKey) } },
      counts: rules.softCounts)
    var out: [MatchedAgent] = []
    out.reserveCapacity(feasible.count)
    let plan = scorePlan(need, s)
    for (i, a) in feasible.enumerated() {
      let res = resourceScore(plan, agent: a)
      out.append(
        MatchedAgent(
          agent: agents.ids[a.i], score: res + affinity[i] + taints[i] + spread[i], resources: res,
          affinity: affinity[i], taints: taints[i], spread: spread[i]))
    }
    return (out, feasible, tally)
  }

  /// The best agent for a task (highest score, ties to the earlier agent), or the tally.
  ///
  /// - Complexity: O(agents) with no allocation per agent when no agent has a
  ///   PreferNoSchedule taint (the taints part is then 100 everywhere); otherwise through
  ///   ``candidates(_:role:strategy:firstOnly:)``.
  func bestAgent(
    _ need: TaskNeed, _ rules: TaskRules, role r: RoleIndex, strategy s: PlacementStrategy
  ) -> (AgentIndex?, FailureTally) {
    // Parts other than resources vary between agents: score every candidate.
    if preferTaintCount > 0 || rules.hasPreferred || !rules.softSpread.isEmpty {
      let (scored, feasible, tally) = candidates(need, rules, role: r, strategy: s, firstOnly: true)
      guard !feasible.isEmpty else { return (nil, tally) }
      var best = 0
      for i in scored.indices where scored[i].score > scored[best].score { best = i }
      return (feasible[best], tally)
    }
    let plan = scorePlan(need, s)
    let limited = roles.pathHasLimits(r)
    var best: AgentIndex?
    var bestScore: Int64 = -1
    // The other parts are constant (affinity 0, taints 100, spread 0): the best resources
    // score wins. Rules beyond the selector are checked only for an agent that would become
    // the best, so most agents cost a SIMD fit test and an integer score.
    let agentRules = rules.hasAgentRules
    let selectorSet = rules.selectorSet
    // Plain-data scan when the task names only the first eight scalar kinds and the strategy
    // is MostAllocated or LeastAllocated (the common case): SIMD fit test, integer scores.
    let simple =
      need.scalars.highIsZero && need.ranges.ranges.isEmpty && need.counts.isEmpty
      && need.missing.isEmpty && (s.kind == .binpack || s.kind == .spread)
      && plan.entries.allSatisfy { $0.k < 8 }
    if simple {
      let needHead = need.scalars.head
      let most = s.kind == .binpack
      let excluded = rules.excluded
      var bestOrdinal = UInt64.max
      @inline(__always)
      func score(_ total: SIMD8<Int64>, _ avail: SIMD8<Int64>) -> Int64 {
        var nodeScore: Int64 = 0
        var weightSum: Int64 = 0
        for e in plan.entries {
          let capacity = total[e.k]
          if capacity == 0 { continue }
          let requested = capacity - avail[e.k] + e.request
          nodeScore +=
            (most
              ? ResourceScore.most(requested, capacity) : ResourceScore.least(requested, capacity))
            * e.weight
          weightSum += e.weight
        }
        return weightSum == 0 ? 0 : nodeScore / weightSum
      }
      // Shapes: one fit test and one score per class; members in agent order.
      let shapes = agents.shapes
      for c in shapes.live {
        let key = shapes.keys[Int(c)]
        if any(key.available .< needHead) { continue }
        let sc = score(key.total, key.available)
        if sc < bestScore { continue }
        for m in shapes.members[Int(c)] {
          if sc == bestScore && m.ordinal >= bestOrdinal { break }
          let i = Int(m.agent)
          if let set = selectorSet, !set.contains(i) { continue }
          if let ex = excluded, ex.contains(i) { continue }
          let a = AgentIndex(i)
          if blockingTaintCount > 0 || agentRules {
            if ruleFailure(rules, agent: a) != nil { continue }
          }
          if limited && !withinLimits(need, role: r, agent: a) { continue }
          bestScore = sc
          bestOrdinal = m.ordinal
          best = a
          break
        }
      }
      // Agents with reservations: fit depends on the role; one by one.
      for m in shapes.unclassed {
        let a = AgentIndex(Int(m.agent))
        guard fitsResources(need, role: r, agent: a) else { continue }
        if let set = selectorSet, !set.contains(a.i) { continue }
        let sc = score(agents.totalHead[a.i], agents.availableHead[a.i])
        if sc < bestScore || (sc == bestScore && m.ordinal >= bestOrdinal) { continue }
        if let ex = excluded, ex.contains(a.i) { continue }
        if blockingTaintCount > 0 || agentRules {
          if ruleFailure(rules, agent: a) != nil { continue }
        }
        if limited && !withinLimits(need, role: r, agent: a) { continue }
        bestScore = sc
        bestOrdinal = m.ordinal
        best = a
      }
    } else {
      for a in agents.order where !agents.draining[a.i] {
        guard fitsResources(need, role: r, agent: a) else { continue }
        if let set = selectorSet, !set.contains(a.i) { continue }
        let score = s.kind == .firstfit ? 0 : resourceScore(plan, agent: a)
        if score > bestScore {
          if blockingTaintCount > 0 || agentRules {
            if ruleFailure(rules, agent: a) != nil { continue }
          }
          if limited && !withinLimits(need, role: r, agent: a) { continue }
          if s.kind == .firstfit { return (a, FailureTally()) }
          bestScore = score
          best = a
        }
      }
    }
    if best != nil { return (best, FailureTally()) }
    // Nothing fits: the slow path explains why.
    let (_, _, tally) = candidates(need, rules, role: r, strategy: s, firstOnly: true)
    return (nil, tally)
  }

  /// Places a task on an agent: reserved resources first, range counts resolved to the
  /// lowest free values.
  mutating func commitPlacement(
    id: String, group: String?, need: TaskNeed, framework f: FrameworkIndex, role r: RoleIndex,
    client c: ClientIndex, agent a: AgentIndex
  ) -> Placement {
    let (parts, unres) = draw(need.scalars, role: r, agent: a)
    var ranges = need.ranges
    var free = Resources(ranges: agents.freeRanges[a.i])
    free.subtract(need.ranges)
    for (i, n) in need.counts {
      let got = free.range(i).lowest(n) ?? RangeSet()
      var one = Resources()
      one.setRange(i, got)
      free.subtract(one)
      ranges.add(one)
    }
    let res = Resources(scalars: need.scalars, ranges: ranges.ranges)
    countAllocation(c, r)
    addTask(
      TaskRecord(
        id: id, framework: f, role: r, client: c, agent: a, group: group, labels: [:],
        resources: res, unreserved: unres, reserved: parts, agentPos: 0))
    placementsMade += 1
    return Placement(
      task: id, framework: frameworks.ids[f.i], role: roles.names[r.i], agent: agents.ids[a.i],
      hostname: agents.hostnames[a.i], resources: amounts(res))
  }

  /// Undoes a placement of this call (gang rollback): resources, counts and totals return.
  mutating func undoPlacement(framework f: FrameworkIndex, task id: String) {
    guard let t = frameworks.tasks[f.i][id] else { return }
    let rec = taskRecords[t.i]
    // Counts first: removing the task repositions the keys with them.
    sorter.count[rec.client.i] -= 1
    roles.countOwn[rec.role.i] -= 1
    var x = rec.role
    while x.i > 0 {
      roles.countSubtree[x.i] -= 1
      x = roles.parent[x.i]
    }
    removeTaskRecord(t, fromAgentList: true)
    placementsMade -= 1
  }

  // MARK: - Public API

  /// Places tasks now, in array order, bypassing the queue; with `gang`, all or nothing.
  ///
  /// Tasks placed earlier in the call count for later ones. A task that cannot be placed is
  /// reported with the reason shared by the most agents and a kube-scheduler-style message.
  ///
  /// - Throws: `invalidParams` (tasks, strategy, a role the framework does not hold),
  ///   `notFound` (framework), `conflict` (a task id the framework already has).
  public mutating func placeTasks(
    framework: String, role: String? = nil, tasks: [TaskSpec],
    strategy: PlacementStrategy? = nil, gang: Bool = false
  ) throws(AllotError) -> PlaceResult {
    try Validate.id(framework, field: "framework")
    if let role { try Validate.role(role, field: "role") }
    var needs: [TaskNeed] = []
    for (i, t) in tasks.enumerated() { needs.append(try validateTask(t, field: "tasks[\(i)]")) }
    try validateStrategy(strategy, field: "strategy")
    let f = try frameworkIndex(framework, field: "framework")
    let r = try requestRole(f, role, field: "role")
    try checkNewTaskIDs(tasks, framework: f)
    let s = strategy ?? .binpack
    let c = frameworks.client(f, r)!
    agents.refreshShapes()
    var placements: [Placement] = []
    var unplaced: [Unplaced] = []
    for (i, t) in tasks.enumerated() {
      let rules = compileRules(t, framework: framework)
      agents.refreshShapes()
      let (agent, tally) = bestAgent(needs[i], rules, role: r, strategy: s)
      if let agent {
        placements.append(
          commitPlacement(
            id: t.id, group: t.group, need: needs[i], framework: f, role: r, client: c, agent: agent
          ))
      } else {
        unplaced.append(Unplaced(task: t.id, reason: tally.reason, message: tally.message))
      }
    }
    if gang && !unplaced.isEmpty {
      for p in placements.reversed() { undoPlacement(framework: f, task: p.task) }
      let failed = Set(unplaced.map(\.task))
      var all: [Unplaced] = []
      for t in tasks {
        if let u = unplaced.first(where: { $0.task == t.id }) {
          all.append(u)
        } else if !failed.contains(t.id) {
          all.append(
            Unplaced(
              task: t.id, reason: .gang,
              message: "the task fit, but another task of its gang did not"))
        }
      }
      checkInvariantsIfEnabled()
      return PlaceResult(placements: [], unplaced: all)
    }
    checkInvariantsIfEnabled()
    return PlaceResult(placements: placements, unplaced: unplaced)
  }

  /// Queues tasks for `schedule`.
  ///
  /// - Returns: the framework's pending count after the call.
  public mutating func submitTasks(framework: String, role: String? = nil, tasks: [TaskSpec])
    throws(AllotError) -> Int
  {
    try Validate.id(framework, field: "framework")
    if let role { try Validate.role(role, field: "role") }
    var needs: [TaskNeed] = []
    for (i, t) in tasks.enumerated() { needs.append(try validateTask(t, field: "tasks[\(i)]")) }
    let f = try frameworkIndex(framework, field: "framework")
    let r = try requestRole(f, role, field: "role")
    try checkNewTaskIDs(tasks, framework: f)
    let c = frameworks.client(f, r)!
    for (i, t) in tasks.enumerated() {
      pendingSeq += 1
      let slot: Int
      let p = PendingTask(
        spec: t, need: needs[i], framework: f, role: r, client: c, seq: pendingSeq, reason: nil,
        message: nil)
      if let free = pendingFreeSlots.popLast() {
        slot = free
        pendingTasks[slot] = p
      } else {
        slot = pendingTasks.count
        pendingTasks.append(p)
      }
      frameworks.pending[f.i][t.id] = slot
      insertPending(slot, client: c)
    }
    return frameworks.pending[f.i].count
  }

  /// Task ids must be new to the framework (pending or running) and distinct in the request.
  func checkNewTaskIDs(_ tasks: [TaskSpec], framework f: FrameworkIndex) throws(AllotError) {
    var ids = Set<ByteString>()
    for (i, t) in tasks.enumerated()
    where frameworks.tasks[f.i][t.id] != nil || frameworks.pending[f.i][t.id] != nil
      || !ids.insert(ByteString(t.id)).inserted
    {
      throw AllotError(
        .conflict, field: "tasks[\(i)].id",
        "task '\(t.id)' already exists for framework '\(frameworks.ids[f.i])'")
    }
  }

  /// Keeps a client's queue in (priority descending, submission order).
  mutating func insertPending(_ slot: Int, client c: ClientIndex) {
    while pendingByClient.count <= c.i { pendingByClient.append([]) }
    let p = pendingTasks[slot]!
    var lo = 0
    var hi = pendingByClient[c.i].count
    while lo < hi {
      let mid = (lo + hi) / 2
      let q = pendingTasks[pendingByClient[c.i][mid]]!
      if q.spec.priority > p.spec.priority || (q.spec.priority == p.spec.priority && q.seq < p.seq)
      {
        lo = mid + 1
      } else {
        hi = mid
      }
    }
    pendingByClient[c.i].insert(slot, at: lo)
  }

  mutating func removePending(_ slot: Int) {
    guard let p = pendingTasks[slot] else { return }
    if let k = pendingByClient[p.client.i].firstIndex(of: slot) {
      pendingByClient[p.client.i].remove(at: k)
    }
    frameworks.pending[p.framework.i][p.spec.id] = nil
    pendingTasks[slot] = nil
    pendingFreeSlots.append(slot)
  }

  /// The number of queued tasks.
  public var pendingTaskCount: Int { pendingTasks.count - pendingFreeSlots.count }

  /// Places queued tasks by progressive filling, as the DRF paper does: repeatedly the role
  /// (hierarchically), then the framework, with the lowest share places its first pending
  /// task (priority descending, then submission order) that fits somewhere; a (framework,
  /// role) with no task that fits is skipped for the rest of the call.
  ///
  /// - Parameters:
  ///   - strategy: How to choose among agents (default binpack).
  ///   - max: At most this many placements.
  public mutating func schedule(strategy: PlacementStrategy? = nil, max: Int? = nil)
    throws(AllotError) -> ScheduleResult
  {
    try validateStrategy(strategy, field: "strategy")
    if let max, max < 0 { throw .invalid("max", "max must not be negative") }
    let s = strategy ?? .binpack
    if orderDirty { rebuildOrder() }
    visitStamp += 1
    let stamp = visitStamp
    var placements: [Placement] = []
    while max == nil || placements.count < max! {
      walkTop = 0
      guard let c = firstPendingClient(.root, stamp: stamp) else { break }
      var placed = false
      for slot in pendingByClient[c.i] {
        let p = pendingTasks[slot]!
        let rules = compileRules(p.spec, framework: frameworks.ids[p.framework.i])
        agents.refreshShapes()
        let (agent, tally) = bestAgent(p.need, rules, role: p.role, strategy: s)
        if let agent {
          removePending(slot)
          placements.append(
            commitPlacement(
              id: p.spec.id, group: p.spec.group, need: p.need, framework: p.framework,
              role: p.role, client: c, agent: agent))
          placed = true
          break
        }
        pendingTasks[slot]!.reason = tally.reason
        pendingTasks[slot]!.message = tally.message
      }
      if !placed { sorter.mark[c.i] = stamp }
    }
    checkInvariantsIfEnabled()
    return ScheduleResult(placements: placements, pending: pendingTaskCount)
  }

  /// The first client in hierarchical DRF order with pending tasks not yet skipped.
  mutating func firstPendingClient(_ r: RoleIndex, stamp: UInt64) -> ClientIndex? {
    var w = beginWalk(Sorter.childHeap(r))
    while let c = nextInWalk(&w) {
      switch sorter.kind[c.i] {
      case .roleEntry:
        if let found = firstPendingClient(sorter.role[c.i], stamp: stamp) { return found }
      case .selfEntry:
        // Active and suppressed frameworks merged in DRF order: suppression concerns offers
        // only. Both walks take their scratch space up front as they interleave.
        var wa = beginWalk(Sorter.frameworkHeap(r))
        reserveWalk(wa)
        var ws = beginWalk(Sorter.suppressedHeap(r))
        reserveWalk(ws)
        var ca = nextInWalk(&wa)
        var cs = nextInWalk(&ws)
        while ca != nil || cs != nil {
          let fc: ClientIndex
          if let x = ca, let y = cs {
            // Keys of lone heap entries are not kept current: refresh both before comparing.
            refreshKey(x)
            refreshKey(y)
            if sorter.entry(y) < sorter.entry(x) {
              fc = y
              cs = nextInWalk(&ws)
            } else {
              fc = x
              ca = nextInWalk(&wa)
            }
          } else if let x = ca {
            fc = x
            ca = nextInWalk(&wa)
          } else {
            fc = cs!
            cs = nextInWalk(&ws)
          }
          if sorter.mark[fc.i] != stamp, fc.i < pendingByClient.count,
            !pendingByClient[fc.i].isEmpty
          {
            return fc
          }
        }
        walkTop = wa.base
      case .framework:
        continue
      }
    }
    endWalk(w)
    return nil
  }

  /// Removes running and pending tasks; ids the framework does not have are ignored.
  ///
  /// - Returns: how many were removed.
  public mutating func releaseTasks(framework: String, tasks ids: [String]) throws(AllotError)
    -> Int
  {
    try Validate.id(framework, field: "framework")
    for (i, id) in ids.enumerated() { try Validate.id(id, field: "tasks[\(i)]") }
    let f = try frameworkIndex(framework, field: "framework")
    var n = 0
    for id in ids {
      if let t = frameworks.tasks[f.i][id] {
        removeTaskRecord(t, fromAgentList: true)
        n += 1
      } else if let slot = frameworks.pending[f.i][id] {
        removePending(slot)
        n += 1
      }
    }
    checkInvariantsIfEnabled()
    return n
  }

  /// A task's state: running (with its agent) or pending (with the reason of the last
  /// `schedule` that tried it).
  public func taskStatus(framework: String, task: String) throws(AllotError) -> TaskStatus {
    try Validate.id(framework, field: "framework")
    try Validate.id(task, field: "task")
    let f = try frameworkIndex(framework, field: "framework")
    if let t = frameworks.tasks[f.i][task] {
      return TaskStatus(
        state: .running, agent: agents.ids[taskRecords[t.i].agent.i], reason: nil, message: nil)
    }
    if let slot = frameworks.pending[f.i][task], let p = pendingTasks[slot] {
      return TaskStatus(state: .pending, agent: nil, reason: p.reason, message: p.message)
    }
    throw AllotError(
      .notFound, field: "task", "framework '\(framework)' has no task '\(task)'")
  }

  /// The agents where a task may run now, best first (for `firstfit`: in agent order, every
  /// part 0).
  ///
  /// - Parameters:
  ///   - task: The task (its id is ignored).
  ///   - framework: Optional; with it, `role` defaults to its first role.
  ///   - role: The role whose reservations count (default `default`).
  ///   - strategy: How the agents are scored and ordered (default binpack).
  public mutating func match(
    _ task: TaskSpec, framework: String? = nil, role: String? = nil,
    strategy: PlacementStrategy? = nil
  ) throws(AllotError) -> [MatchedAgent] {
    if let framework { try Validate.id(framework, field: "framework") }
    if let role { try Validate.role(role, field: "role") }
    let need = try validateTask(task, field: "task", needsID: false)
    try validateStrategy(strategy, field: "strategy")
    var r = roles.byName[role ?? "default"] ?? RoleIndex(-1)
    if let framework {
      let f = try frameworkIndex(framework, field: "framework")
      r = try requestRole(f, role, field: "role")
    }
    let s = strategy ?? .binpack
    // A role no one has configured has no reservations and no limits: the root stands in.
    let rules = compileRules(task, framework: framework)
    agents.refreshShapes()
    let (scored, _, _) = candidates(
      need, rules, role: r.i < 0 ? .root : r, strategy: s, firstOnly: false)
    if s.kind == .firstfit { return scored }
    return scored.enumerated().sorted {
      $0.element.score != $1.element.score
        ? $0.element.score > $1.element.score : $0.offset < $1.offset
    }.map(\.element)
  }
}
