import Foundation

/// Kubernetes's PodTopologySpread plugin (v1.35) as pure functions over domain counts.
///
/// A constraint names a topology key (an agent label); its domains are the key's values.
/// Counts are the group's tasks per domain, over the *eligible* agents: those that carry the
/// topology keys of every constraint of the same kind and that the task's required node
/// affinity or selector admits (Kubernetes's defaults: node-affinity policy Honor,
/// node-taints policy Ignore; draining agents count). ``domainCounts(topologyKey:eligible:index:tasksPerAgent:)``
/// builds them from the ``LabelIndex`` and ``ConstraintCounts``.
///
///     // Zones a: 2 tasks, b: 0 tasks; maxSkew 1.
///     TopologySpread.admits(maxSkew: 1, domain: "a", counts: ["a": 2, "b": 0])  // false
///     TopologySpread.admits(maxSkew: 1, domain: "b", counts: ["a": 2, "b": 0])  // true
public enum TopologySpread {
  /// What to do when a constraint cannot be met.
  public enum WhenUnsatisfiable: String, Hashable, Sendable, CaseIterable {
    /// Exclude agents that would break the skew (a filter).
    case doNotSchedule = "DoNotSchedule"
    /// Prefer agents that keep the skew low (a score).
    case scheduleAnyway = "ScheduleAnyway"
  }

  /// One spread constraint.
  public struct Constraint: Hashable, Sendable {
    /// The agent label whose values are the domains.
    public var topologyKey: String
    /// The largest allowed difference between a domain's count and the smallest one; ≥ 1.
    public var maxSkew: Int
    /// Filter or score.
    public var whenUnsatisfiable: WhenUnsatisfiable

    /// Creates a constraint.
    public init(topologyKey: String, maxSkew: Int, whenUnsatisfiable: WhenUnsatisfiable) {
      self.topologyKey = topologyKey
      self.maxSkew = maxSkew
      self.whenUnsatisfiable = whenUnsatisfiable
    }
  }

  /// The label Kubernetes treats as one domain per agent.
  public static let hostnameKey = "kubernetes.io/hostname"

  /// The domains of the eligible agents carrying `topologyKey`, each with the number of the
  /// group's tasks on eligible agents of that domain (domains without tasks are listed
  /// with 0).
  ///
  /// - Parameters:
  ///   - topologyKey: The constraint's key.
  ///   - eligible: The eligible agents (see ``TopologySpread``).
  ///   - index: The label index.
  ///   - tasksPerAgent: The group's tasks per agent
  ///     (``ConstraintCounts/tasksPerAgent(framework:group:)``).
  /// - Complexity: O(d · w + a) in domains, bitset words and agents with tasks.
  public static func domainCounts(
    topologyKey: String, eligible: AgentBitset, index: LabelIndex, tasksPerAgent: [Int: Int]
  ) -> [String: Int] {
    var out: [String: Int] = [:]
    for (value, agents) in index.domains(ofKey: topologyKey) where agents.intersects(eligible) {
      out[value] = 0
    }
    for (agent, n) in tasksPerAgent where eligible.contains(agent) {
      guard let labels = index.labels(of: agent),
        let key = index.interner.id(of: topologyKey), let v = labels.value(for: key)
      else { continue }
      out[index.interner.string(v), default: 0] += n
    }
    return out
  }

  /// The `DoNotSchedule` filter for one constraint: whether placing the task in `domain`
  /// keeps `count + 1 - global minimum <= maxSkew` (the minimum is 0 with fewer domains than
  /// `minDomains`).
  ///
  /// An agent without the key (`domain == nil`) is excluded.
  ///
  /// - Parameters:
  ///   - maxSkew: The constraint's maximum skew.
  ///   - domain: The candidate agent's value for the key.
  ///   - counts: The domain counts over the eligible agents.
  ///   - minDomains: Kubernetes's `minDomains` (1 by default).
  ///   - selfMatch: Whether the task itself counts (it belongs to its group: `true`).
  /// - Complexity: O(d) for the minimum.
  public static func admits(
    maxSkew: Int, domain: String?, counts: [String: Int], minDomains: Int = 1,
    selfMatch: Bool = true
  ) -> Bool {
    guard let domain else { return false }
    let minimum = counts.count < minDomains ? 0 : (counts.values.min() ?? 0)
    let skew = (counts[domain] ?? 0) + (selfMatch ? 1 : 0) - minimum
    return skew <= maxSkew
  }

  /// The `ScheduleAnyway` scores of the candidate agents, normalised to 0...100 as
  /// Kubernetes's `Score` and `NormalizeScore` compute them.
  ///
  /// Candidates lacking any constraint's key are ignored and score 0. For each constraint,
  /// the domains are the values of the other candidates, weighted by `ln(domains + 2)` (for
  /// ``hostnameKey``, the number of such candidates); a candidate's raw score is
  /// `round(Σ count × weight + maxSkew − 1)`. Normalised: 100 for all when the highest raw
  /// score is 0, else `100 × (max + min − score) / max` in integers.
  ///
  /// - Parameters:
  ///   - constraints: The `ScheduleAnyway` constraints: key and maximum skew.
  ///   - candidates: For each candidate agent, its value for each constraint's key.
  ///   - counts: For each constraint, the domain counts over the eligible agents.
  /// - Returns: One score per candidate; all 0 without constraints.
  /// - Complexity: O(c · k) in candidates and constraints.
  public static func scores(
    constraints: [(topologyKey: String, maxSkew: Int)], candidates: [[String?]],
    counts: [[String: Int]]
  ) -> [Int64] {
    precondition(counts.count == constraints.count, "one count table per constraint")
    if constraints.isEmpty { return Array(repeating: 0, count: candidates.count) }
    let ignored = candidates.map { values in values.contains { $0 == nil } }
    var weights: [Double] = []
    for (i, c) in constraints.enumerated() {
      var size: Int
      if c.topologyKey == hostnameKey {
        size = ignored.filter { !$0 }.count
      } else {
        var seen = Set<ByteString>()
        for (j, values) in candidates.enumerated() where !ignored[j] {
          seen.insert(ByteString(values[i]!))
        }
        size = seen.count
      }
      weights.append(log(Double(size + 2)))
    }
    var raw = [Int64](repeating: 0, count: candidates.count)
    for (j, values) in candidates.enumerated() where !ignored[j] {
      var score = 0.0
      for (i, c) in constraints.enumerated() {
        let n = counts[i][values[i]!] ?? 0
        score += Double(n) * weights[i] + Double(c.maxSkew - 1)
      }
      raw[j] = Int64(score.rounded())
    }
    var minScore = Int64.max
    var maxScore: Int64 = 0
    for j in raw.indices where !ignored[j] {
      minScore = min(minScore, raw[j])
      maxScore = max(maxScore, raw[j])
    }
    var out = [Int64](repeating: 0, count: candidates.count)
    for j in raw.indices where !ignored[j] {
      out[j] = maxScore == 0 ? 100 : 100 * (maxScore + minScore - raw[j]) / maxScore
    }
    return out
  }
}
