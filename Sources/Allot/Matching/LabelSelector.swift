/// A Kubernetes label selector: requirements that all must hold (kubernetes/apimachinery
/// `pkg/labels`, v1.35).
///
/// Parse the string grammar with ``init(parsing:field:)``, build the structured form with
/// ``LabelSelectorSpec``, or give requirements directly. The empty selector matches every
/// label set; ``nothing`` matches none (Kubernetes's `labels.Nothing()`, what a `nil`
/// structured selector converts to). `!=`, `notin` and `!key` hold when the key is absent.
///
///     let s = try LabelSelector(parsing: "env in (prod,qa),tier!=frontend,!canary,gpu")
///     s.matches(sortedLabels: [("env", "qa"), ("gpu", "")])   // true
///     s.description  // "!canary,env in (prod,qa),gpu,tier!=frontend"
///
/// Requirements are kept sorted by key (byte order; equal keys keep their order), so the
/// ``description`` is the canonical form Kubernetes's `String()` writes, and parsing it gives
/// back an equal selector. Comparisons of keys and values are by UTF-8 bytes, as Go's are.
public struct LabelSelector: Hashable, Sendable, CustomStringConvertible {
  /// A requirement's operator, spelled as Kubernetes's `selection.Operator`.
  public enum Operator: String, Hashable, Sendable, CaseIterable {
    /// `!key`: the key is absent.
    case doesNotExist = "!"
    /// `key=value`.
    case equals = "="
    /// `key==value` (same meaning as `=`).
    case doubleEquals = "=="
    /// `key in (a,b)`.
    case `in` = "in"
    /// `key!=value`: true when the key is absent too.
    case notEquals = "!="
    /// `key notin (a,b)`: true when the key is absent too.
    case notIn = "notin"
    /// `key`: the key is present, with any value.
    case exists = "exists"
    /// `key>n`: the value parses as an integer greater than `n`.
    case greaterThan = "gt"
    /// `key<n`: the value parses as an integer less than `n`.
    case lessThan = "lt"
  }

  /// One condition on one key.
  ///
  /// Build one through ``init(key:operator:values:path:)``, which applies Kubernetes's
  /// `NewRequirement` rules.
  public struct Requirement: Hashable, Sendable, CustomStringConvertible {
    /// The label key.
    public let key: String
    /// The operator.
    public let `operator`: Operator
    /// The values, in the order given (the parser gives them sorted and without repeats).
    public var values: [String] { Array(_values) }
    /// The values' storage: a parsed selector's requirements share one buffer.
    @usableFromInline let _values: ArraySlice<String>
    /// For `gt`/`lt`: the bound, parsed once.
    @usableFromInline let bound: Int64
    /// The key's length and first byte in UTF-8, for matching without decoding.
    @usableFromInline let keyCount: Int
    @usableFromInline let keyFirst: UInt8

    /// Creates a requirement with Kubernetes's checks (`labels.NewRequirement`).
    ///
    /// The key must be a valid label key; `in`/`notin` need at least one value, `=`, `==`,
    /// `!=`, `gt` and `lt` exactly one, `exists` and `!` none; `gt`/`lt` values parse as
    /// 64-bit integers; every value is a valid label value. The empty string is a valid value.
    ///
    ///     try LabelSelector.Requirement(key: "tier", operator: .notIn, values: ["web"])
    ///
    /// - Parameters:
    ///   - key: The label key.
    ///   - op: The operator.
    ///   - values: The values.
    ///   - path: The field path that Kubernetes's messages start from (`nil`: none, as
    ///     `NewRequirement` without a path option writes them).
    /// - Throws: ``AllotError/Kind/invalidSelector`` with Kubernetes's aggregated message;
    ///   the error's field is the first offending member's path.
    public init(key: String, operator op: Operator, values: [String], path: String? = nil)
      throws(AllotError)
    {
      let errors = Requirement.check(key: key, op: op, values: values, path: path)
      if !errors.isEmpty {
        throw AllotError(.invalidSelector, field: errors[0].field, FieldError.aggregate(errors))
      }
      self.init(unchecked: key, op, values)
    }

    init(unchecked key: String, _ op: Operator, _ values: [String]) {
      var bound: Int64 = 0
      if op == .greaterThan || op == .lessThan, values.count == 1,
        let b = GoText.parseInt64(values[0])
      {
        bound = b
      }
      self.init(unchecked: key, op, values, bound: bound)
    }

    init(unchecked key: String, _ op: Operator, _ values: [String], bound: Int64) {
      self.init(unchecked: key, op, values[...], bound: bound)
    }

    init(
      unchecked key: String, _ op: Operator, _ values: ArraySlice<String>, bound: Int64,
      keyCount: Int? = nil, keyFirst: UInt8? = nil
    ) {
      self.key = key
      self.operator = op
      self._values = values
      self.bound = bound
      self.keyCount = keyCount ?? key.utf8.count
      self.keyFirst = keyFirst ?? key.utf8.first ?? 0
    }

    /// `NewRequirement`'s checks, in its order.
    static func check(key: String, op: Operator, values: [String], path: String?)
      -> [FieldError]
    {
      var errors: [FieldError] = []
      let keyErrors = LabelSyntax.keyErrors(key)
      if !keyErrors.isEmpty {
        errors.append(
          .invalid(FieldPath.child(path, "key"), key, keyErrors.joined(separator: "; ")))
      }
      let valuePath = FieldPath.child(path, "values")
      switch op {
      case .in, .notIn:
        if values.isEmpty {
          errors.append(
            .invalid(
              valuePath, json: GoText.json(values),
              "for 'in', 'notin' operators, values set can't be empty"))
        }
      case .equals, .doubleEquals, .notEquals:
        if values.count != 1 {
          errors.append(
            .invalid(
              valuePath, json: GoText.json(values),
              "exact-match compatibility requires one single value"))
        }
      case .exists, .doesNotExist:
        if !values.isEmpty {
          errors.append(
            .invalid(
              valuePath, json: GoText.json(values),
              "values set must be empty for exists and does not exist"))
        }
      case .greaterThan, .lessThan:
        if values.count != 1 {
          errors.append(
            .invalid(
              valuePath, json: GoText.json(values),
              "for 'Gt', 'Lt' operators, exactly one value is required"))
        }
        for (i, v) in values.enumerated() where GoText.parseInt64(v) == nil {
          errors.append(
            .invalid(
              FieldPath.index(valuePath, String(i)), v,
              "for 'Gt', 'Lt' operators, the value must be an integer"))
        }
      }
      for (i, v) in values.enumerated() {
        let msgs = LabelSyntax.valueErrors(v)
        if !msgs.isEmpty {
          let p = FieldPath.index(FieldPath.index(valuePath, String(i)), key)
          errors.append(.invalid(p, v, msgs.joined(separator: "; ")))
        }
      }
      return errors
    }

    /// Kubernetes's text for the requirement: `!k`, `k`, `k=v`, `k in (a,b)` (values sorted
    /// by bytes when there are several).
    public var description: String {
      var s = ""
      if self.operator == .doesNotExist { s += "!" }
      s += key
      switch self.operator {
      case .equals: s += "="
      case .doubleEquals: s += "=="
      case .notEquals: s += "!="
      case .in: s += " in "
      case .notIn: s += " notin "
      case .greaterThan: s += ">"
      case .lessThan: s += "<"
      case .exists, .doesNotExist: return s
      }
      let list = self.operator == .in || self.operator == .notIn
      if list { s += "(" }
      if _values.count == 1 {
        s += _values.first!
      } else {
        s += ByteOrder.sorted(values).joined(separator: ",")
      }
      if list { s += ")" }
      return s
    }

    /// Whether the value is among the requirement's values, by bytes.
    ///
    /// The values are label syntax, so ASCII; a string canonically equivalent to an ASCII
    /// string but spelled differently (the Kelvin sign for `K`) is longer in UTF-8, so
    /// Swift's `==` plus equal lengths is byte equality here.
    @inlinable
    func hasValue(_ value: String) -> Bool {
      let n = value.utf8.count
      for v in _values where v == value && v.utf8.count == n { return true }
      return false
    }

    /// Whether the requirement holds for a label that is present with `value`, or absent
    /// (`nil`).
    ///
    /// - Complexity: O(v) in the number of values; never allocates.
    @inlinable
    public func matches(value: String?) -> Bool {
      switch self.operator {
      case .in, .equals, .doubleEquals:
        guard let value else { return false }
        return hasValue(value)
      case .notIn, .notEquals:
        guard let value else { return true }
        return !hasValue(value)
      case .exists: return value != nil
      case .doesNotExist: return value == nil
      case .greaterThan, .lessThan:
        guard let value, _values.count == 1, let n = GoText.parseInt64(value) else { return false }
        return self.operator == .greaterThan ? n > bound : n < bound
      }
    }

    /// Equal when key, operator and values (in order, by bytes) are equal.
    public static func == (a: Requirement, b: Requirement) -> Bool {
      ByteOrder.equal(a.key, b.key) && a.operator == b.operator
        && a._values.elementsEqual(b._values, by: ByteOrder.equal)
    }

    /// Hashes key, operator and values.
    public func hash(into hasher: inout Hasher) {
      hasher.combine(ByteString(key))
      hasher.combine(self.operator)
      for v in _values { hasher.combine(ByteString(v)) }
    }
  }

  /// The requirements, sorted by key (bytes; equal keys keep their order).
  public let requirements: [Requirement]
  /// Whether this is Kubernetes's `Nothing()` selector, which matches no label set.
  public let matchesNothing: Bool

  /// The selector matching every label set.
  public static let everything = LabelSelector(requirements: [], nothing: false)
  /// The selector matching no label set (what a `nil` structured selector converts to).
  public static let nothing = LabelSelector(requirements: [], nothing: true)

  /// A selector of the given requirements, sorted stably by key.
  ///
  /// - Complexity: O(n²) in the worst case of the insertion sort; n is small.
  public init(_ requirements: [Requirement]) {
    self.init(requirements: LabelSelector.sortedByKey(requirements), nothing: false)
  }

  init(requirements: [Requirement], nothing: Bool) {
    self.requirements = requirements
    self.matchesNothing = nothing
  }

  /// Stable insertion sort by key bytes (Go's `sort.Sort(ByKey)`, stable for the up to 12
  /// requirements where it uses insertion sort).
  static func sortedByKey(_ rs: [Requirement]) -> [Requirement] {
    var out = rs
    if out.count < 2 { return out }
    for i in 1..<out.count {
      let x = out[i]
      var j = i - 1
      while j >= 0 && ByteOrder.less(x.key, out[j].key) {
        out[j + 1] = out[j]
        j -= 1
      }
      out[j + 1] = x
    }
    return out
  }

  /// Whether the selector places no restriction (no requirements and not ``nothing``).
  public var isEmpty: Bool { requirements.isEmpty && !matchesNothing }

  /// The canonical text, as Kubernetes's `String()` writes it: the requirements joined by
  /// `,` (``nothing`` writes as the empty string).
  public var description: String {
    requirements.map(\.description).joined(separator: ",")
  }

  /// Whether a label set matches, given as `(key, value)` pairs sorted by key bytes with
  /// unique keys (the engine keeps agent labels so).
  ///
  ///     let s = try LabelSelector(parsing: "x notin (a)")
  ///     s.matches(sortedLabels: [])            // true: the key is absent
  ///     s.matches(sortedLabels: [("x", "a")])  // false
  ///
  /// - Complexity: O(r + l) in requirements and labels; never allocates.
  @inlinable
  public func matches(sortedLabels labels: [(String, String)]) -> Bool {
    if matchesNothing { return false }
    let n = labels.count
    var start = 0
    for r in requirements {
      // Labels are sorted by bytes and so are the requirements: skip the labels whose
      // first byte is below the key's, then look among those that share it.
      while start < n && (labels[start].0.utf8.first ?? 0) < r.keyFirst { start += 1 }
      var value: String?
      var j = start
      while j < n {
        let k = labels[j].0
        if (k.utf8.first ?? 0) != r.keyFirst { break }
        // Keys are label syntax (ASCII): `==` with equal lengths is byte equality.
        if k == r.key && k.utf8.count == r.keyCount {
          value = labels[j].1
          break
        }
        j += 1
      }
      if !r.matches(value: value) { return false }
    }
    return true
  }

  /// Whether a label set given as a dictionary matches (keys compared by Swift's `==`).
  ///
  /// - Complexity: O(r) dictionary lookups.
  public func matches(_ labels: [String: String]) -> Bool {
    if matchesNothing { return false }
    for r in requirements where !r.matches(value: labels[r.key]) { return false }
    return true
  }
}
