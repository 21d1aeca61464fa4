/// One expression of a node-selector term, as Kubernetes's `NodeSelectorRequirement`.
public struct NodeSelectorRequirement: Hashable, Sendable {
  /// The operators of node affinity.
  public enum Operator: String, Hashable, Sendable, CaseIterable {
    /// The label's value is one of the values.
    case `in` = "In"
    /// The label is absent or its value is none of the values.
    case notIn = "NotIn"
    /// The label is present.
    case exists = "Exists"
    /// The label is absent.
    case doesNotExist = "DoesNotExist"
    /// The label's value, read as a 64-bit integer, is greater than the one value.
    case gt = "Gt"
    /// The label's value, read as a 64-bit integer, is less than the one value.
    case lt = "Lt"

    /// Reads an operator from its wire spelling (case matters).
    ///
    /// - Parameters:
    ///   - raw: The spelling.
    ///   - field: The expression's path, such as `affinity.required[0].matchExpressions[1]`.
    /// - Throws: ``AllotError/Kind/invalidSelector`` with Kubernetes's message
    ///   (`...operator: Unsupported value: "Foo": supported values: "In", "NotIn", ...`).
    public static func parse(_ raw: String, field: String) throws(AllotError) -> Operator {
      if let op = Operator(rawValue: raw) { return op }
      let e = FieldError.notSupported(
        FieldPath.child(field, "operator"), json: GoText.json(raw),
        supported: Operator.allCases.map(\.rawValue))
      throw AllotError(.invalidSelector, field: e.field, e.text)
    }

    var selection: LabelSelector.Operator {
      switch self {
      case .in: return .in
      case .notIn: return .notIn
      case .exists: return .exists
      case .doesNotExist: return .doesNotExist
      case .gt: return .greaterThan
      case .lt: return .lessThan
      }
    }
  }

  /// The label key.
  public var key: String
  /// The operator.
  public var `operator`: Operator
  /// The values: one or more for `In`/`NotIn`, none for `Exists`/`DoesNotExist`, exactly one
  /// integer for `Gt`/`Lt`.
  public var values: [String]

  /// Creates an expression.
  public init(key: String, operator op: Operator, values: [String] = []) {
    self.key = key
    self.operator = op
    self.values = values
  }
}

/// A node-selector term: expressions that must all hold.
///
/// A term without expressions matches
/// no agent.
public struct NodeSelectorTerm: Hashable, Sendable {
  /// The expressions, AND-ed.
  public var matchExpressions: [NodeSelectorRequirement]

  /// Creates a term.
  public init(matchExpressions: [NodeSelectorRequirement]) {
    self.matchExpressions = matchExpressions
  }
}

/// A weighted preference: agents matching the term gain the weight.
public struct PreferredSchedulingTerm: Hashable, Sendable {
  /// The weight, 1 to 100.
  public var weight: Int
  /// The term.
  public var term: NodeSelectorTerm

  /// Creates a preference.
  public init(weight: Int, term: NodeSelectorTerm) {
    self.weight = weight
    self.term = term
  }
}

/// Node affinity as Kubernetes evaluates it (kubernetes/component-helpers
/// `scheduling/corev1/nodeaffinity`, v1.35).
///
/// Required terms are OR-ed and each term's expressions AND-ed. An empty `required` array or
/// a term without expressions matches nothing; `required == nil` places no restriction.
/// Preferred terms add their weights for the agents they match (Kubernetes's NodeAffinity
/// score before normalisation; see ``ScoreNormalization``).
///
///     let affinity = NodeAffinity(
///       required: [NodeSelectorTerm(matchExpressions: [.init(key: "gpu", operator: .exists)])],
///       preferred: [PreferredSchedulingTerm(weight: 10, term: NodeSelectorTerm(
///         matchExpressions: [.init(key: "zone", operator: .in, values: ["a"])]))])
///     let rules = try affinity.selectors()
///     rules.matchesRequired(sortedLabels: [("gpu", "1"), ("zone", "a")])  // true
///     rules.preferredScore(sortedLabels: [("gpu", "1"), ("zone", "a")])   // 10
public struct NodeAffinity: Hashable, Sendable {
  /// Terms of which one must match; `nil` for no restriction.
  public var required: [NodeSelectorTerm]?
  /// Weighted preferences.
  public var preferred: [PreferredSchedulingTerm]

  /// Creates an affinity.
  public init(required: [NodeSelectorTerm]? = nil, preferred: [PreferredSchedulingTerm] = []) {
    self.required = required
    self.preferred = preferred
  }

  /// The errors of one term, as `newNodeSelectorTerm` collects them.
  static func termErrors(_ term: NodeSelectorTerm, path: String) -> (
    [FieldError], [LabelSelector.Requirement]
  ) {
    var errors: [FieldError] = []
    var requirements: [LabelSelector.Requirement] = []
    for (j, e) in term.matchExpressions.enumerated() {
      let p = FieldPath.index(FieldPath.child(path, "matchExpressions"), String(j))
      let errs = LabelSelector.Requirement.check(
        key: e.key, op: e.operator.selection, values: e.values, path: p)
      if errs.isEmpty {
        requirements.append(
          LabelSelector.Requirement(unchecked: e.key, e.operator.selection, e.values))
      } else {
        errors += errs
      }
    }
    return (errors, requirements)
  }

  /// Validates the affinity and converts each term to a label selector.
  ///
  /// Checks, in order: every preferred weight is 1...100 (``AllotError/Kind/invalidParams``);
  /// then the required terms' expressions, then the preferred ones', with Kubernetes's
  /// `NewRequirement` rules (keys and values are label syntax, `Gt`/`Lt` take one integer),
  /// reported as Kubernetes aggregates them (``AllotError/Kind/invalidSelector``, the field
  /// naming the first offending member).
  ///
  /// - Parameter field: The affinity's path in the request.
  /// - Complexity: O(n) in expressions and values.
  public func selectors(field: String = "affinity") throws(AllotError) -> NodeAffinitySelectors {
    for (i, p) in preferred.enumerated() where !(1...100).contains(p.weight) {
      let f = FieldPath.child(
        FieldPath.index(FieldPath.child(field, "preferred"), String(i)), "weight")
      throw AllotError(
        .invalidParams, field: f, "\(f): Invalid value: \(p.weight): must be in the range 1-100")
    }
    var requiredSelectors: [LabelSelector]?
    if let required {
      var errors: [FieldError] = []
      var selectors: [LabelSelector] = []
      for (i, term) in required.enumerated() where !term.matchExpressions.isEmpty {
        let (errs, reqs) = NodeAffinity.termErrors(
          term, path: FieldPath.index(FieldPath.child(field, "required"), String(i)))
        errors += errs
        selectors.append(LabelSelector(reqs))
      }
      if !errors.isEmpty {
        throw AllotError(.invalidSelector, field: errors[0].field, FieldError.aggregate(errors))
      }
      requiredSelectors = selectors
    }
    var errors: [FieldError] = []
    var weighted: [(weight: Int, selector: LabelSelector)] = []
    for (i, p) in preferred.enumerated() where !p.term.matchExpressions.isEmpty {
      let path = FieldPath.child(
        FieldPath.index(FieldPath.child(field, "preferred"), String(i)), "term")
      let (errs, reqs) = NodeAffinity.termErrors(p.term, path: path)
      errors += errs
      weighted.append((p.weight, LabelSelector(reqs)))
    }
    if !errors.isEmpty {
      throw AllotError(.invalidSelector, field: errors[0].field, FieldError.aggregate(errors))
    }
    return NodeAffinitySelectors(required: requiredSelectors, preferred: weighted)
  }
}

/// A validated node affinity: one label selector per non-empty term.
public struct NodeAffinitySelectors: Sendable {
  /// The required terms' selectors (terms without expressions dropped); `nil` for no
  /// restriction, empty for "matches nothing".
  public let required: [LabelSelector]?
  /// The preferred terms' weights and selectors (terms without expressions dropped).
  public let preferred: [(weight: Int, selector: LabelSelector)]

  /// Whether the required terms admit a label set sorted by key bytes.
  ///
  /// - Complexity: O(t · (r + l)); never allocates.
  public func matchesRequired(sortedLabels labels: [(String, String)]) -> Bool {
    guard let required else { return true }
    for s in required where s.matches(sortedLabels: labels) { return true }
    return false
  }

  /// The sum of the weights of the preferred terms that match.
  ///
  /// - Complexity: O(t · (r + l)); never allocates.
  public func preferredScore(sortedLabels labels: [(String, String)]) -> Int {
    var score = 0
    for p in preferred where p.selector.matches(sortedLabels: labels) { score += p.weight }
    return score
  }

  /// Compiles every term against an interner.
  public func compiled(interner: inout LabelInterner) -> CompiledNodeAffinity {
    CompiledNodeAffinity(
      required: required.map { $0.map { CompiledSelector($0, interner: &interner) } },
      preferred: preferred.map { ($0.weight, CompiledSelector($0.selector, interner: &interner)) })
  }
}

/// A node affinity compiled against a ``LabelInterner``, for interned labels and the
/// ``LabelIndex``.
public struct CompiledNodeAffinity: Sendable {
  /// The required terms; `nil` for no restriction.
  public let required: [CompiledSelector]?
  /// The preferred terms with their weights.
  public let preferred: [(weight: Int, selector: CompiledSelector)]

  /// Whether the required terms admit an interned label set.
  ///
  /// - Complexity: O(t · (r + l)); never allocates.
  @inlinable
  public func matchesRequired(_ labels: InternedLabels, in interner: LabelInterner) -> Bool {
    guard let required else { return true }
    for s in required where s.matches(labels, in: interner) { return true }
    return false
  }

  /// The sum of the weights of the preferred terms matching an interned label set.
  ///
  /// - Complexity: O(t · (r + l)); never allocates.
  @inlinable
  public func preferredScore(_ labels: InternedLabels, in interner: LabelInterner) -> Int {
    var score = 0
    for p in preferred where p.selector.matches(labels, in: interner) { score += p.weight }
    return score
  }
}

extension LabelIndex {
  /// The agents the required terms admit: the union of each term's agents (every agent when
  /// there is no restriction).
  ///
  /// - Complexity: O(t · r · w) word operations.
  public func agents(matchingRequired affinity: CompiledNodeAffinity) -> AgentBitset {
    guard let required = affinity.required else { return all }
    var result = AgentBitset(capacity: all.wordCount * 64)
    var term = AgentBitset()
    for s in required {
      evaluate(s, into: &term)
      result.formUnion(term)
    }
    return result
  }
}
