extension MarathonConstraint {
  /// Whether a task may go to an agent, with Marathon's semantics (`Constraints.scala`).
  ///
  /// The field's value is read from the agent (see ``ConstraintAgentView``); an agent
  /// lacking it is rejected by every operator but `UNLIKE`. Values are compared as strings
  /// (by bytes). With the value present:
  /// - `UNIQUE`: no task of the group has that value.
  /// - `CLUSTER v`: the value is `v`. Without a value (or an empty one), the value is that of
  ///   the group's first placed task still counted; any value when there is none.
  /// - `MAX_PER n`: fewer than n tasks of the group have the value (a value without tasks is
  ///   always allowed, as in Marathon).
  /// - `LIKE`/`UNLIKE re`: the whole value matches / does not match (an empty expression
  ///   rejects).
  /// - `IS v`: the value is `v` (the empty string when no value was given).
  /// - `GROUP_BY`: with a positive value g and a `groupSize` n, Marathon 1.10's rule: a value
  ///   already used may take tasks up to n / g, and one more while fewer than n % g values
  ///   have taken their extra one; a new value is allowed while fewer than g values (tasks
  ///   on agents lacking the field count as one value) are in use. Otherwise Marathon 1.9's
  ///   rule: a new value is always allowed, a used one only when it has the fewest tasks and
  ///   at least g (0 without a value) values are in use.
  ///
  /// Differences from Marathon, all documented choices: Mesos scalar attributes are not
  /// reformatted (`1.0` and `1` are different strings here, the same number to Marathon),
  /// and `GROUP_BY` with a value of 0 or less and a `groupSize` (where Marathon 1.10 divides
  /// by zero) uses the 1.9 rule.
  ///
  ///     var counts = ConstraintCounts()
  ///     let unique = try MarathonConstraint(parts: ["hostname", "UNIQUE"])
  ///     let h1 = ConstraintAgentView(hostname: "h1", labels: [])
  ///     counts.add(task: 1, framework: "f", group: "g", agent: 0, view: h1)
  ///     unique.isSatisfied(by: h1, counts: counts, framework: "f", group: "g")  // false
  ///
  /// - Parameters:
  ///   - agent: The candidate agent.
  ///   - counts: The tasks counted so far.
  ///   - framework: The task's framework, or `nil` to count the group in every framework.
  ///   - group: The task's group, or `nil` for a task alone in its group.
  ///   - groupSize: The target number of tasks in the group, from the task being placed.
  /// - Complexity: O(1) lookups for tracked fields (see
  ///   ``ConstraintCounts/track(field:framework:group:)``), plus the regular expression.
  public func isSatisfied(
    by agent: ConstraintAgentView, counts: ConstraintCounts, framework: String?, group: String?,
    groupSize: Int? = nil
  ) -> Bool {
    guard let offered = agent.value(of: field) else { return self.operator == .unlike }
    let state = group.flatMap {
      counts.groups[ConstraintCounts.GroupKey(framework: framework, group: $0)]
    }
    switch self.operator {
    case .like:
      guard let regex, let value, !value.isEmpty else { return false }
      return regex.fullMatch(offered)
    case .unlike:
      guard let regex, let value, !value.isEmpty else { return false }
      return !regex.fullMatch(offered)
    case .is:
      return ByteOrder.equal(offered, value ?? "")
    case .unique:
      guard let state else { return true }
      return state.counter(for: field).count(offered) == 0
    case .maxPer:
      guard let state else { return true }
      let n = state.counter(for: field).count(offered)
      return n == 0 || n < Int(JavaInt.parse(value ?? "") ?? 0)
    case .cluster:
      if let value, !value.isEmpty { return ByteOrder.equal(offered, value) }
      guard let state, state.live > 0 else { return true }
      guard let anchor = state.records[state.head].view.value(of: field) else { return false }
      return ByteOrder.equal(anchor, offered)
    case .groupBy:
      guard let state, state.live > 0 else { return true }
      let counter = state.counter(for: field)
      let wanted = value.map { max(0, Int(JavaInt.parse($0) ?? 0)) }
      let used = counter.count(offered)
      if let size = groupSize, let groups = wanted, groups > 0 {
        let perGroup = size / groups
        let remainder = size % groups
        var consumed = 0
        for (c, k) in counter.histogram where c > perGroup { consumed += k * (c - perGroup) }
        if used > 0 {
          return used < perGroup || (used == perGroup && remainder - consumed > 0)
        }
        return counter.groupCount < groups
      }
      if used == 0 { return true }
      return counter.groupCount >= (wanted ?? 0) && used == counter.minimum
    }
  }
}
