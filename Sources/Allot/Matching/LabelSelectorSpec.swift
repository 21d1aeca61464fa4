/// The structured form of a label selector: Kubernetes's `metav1.LabelSelector`.
///
/// `matchLabels` are `key=value` requirements; `matchExpressions` use `In`, `NotIn`,
/// `Exists` and `DoesNotExist`. ``selector(field:)`` validates as the API server does
/// (`ValidateLabelSelector`) and converts as `LabelSelectorAsSelector` does: a spec with
/// neither labels nor expressions selects everything; a missing spec (`nil`, see
/// ``selector(_:field:)``) selects nothing.
///
///     let spec = LabelSelectorSpec(
///       matchLabels: [("app", "web")],
///       matchExpressions: [.init(key: "tier", operator: .notIn, values: ["db"])])
///     let s = try spec.selector()
///     s.description  // "app=web,tier notin (db)"
public struct LabelSelectorSpec: Sendable, Equatable {
  /// The operators of `matchExpressions`.
  public enum Operator: String, Hashable, Sendable, CaseIterable {
    /// The label's value is one of the values.
    case `in` = "In"
    /// The label is absent or its value is none of the values.
    case notIn = "NotIn"
    /// The label is present.
    case exists = "Exists"
    /// The label is absent.
    case doesNotExist = "DoesNotExist"

    /// Reads an operator from its wire spelling.
    ///
    /// - Parameters:
    ///   - raw: The spelling (`In`, `NotIn`, `Exists`, `DoesNotExist`; case matters).
    ///   - field: The expression's path, such as `selector.matchExpressions[0]`.
    /// - Throws: ``AllotError/Kind/invalidSelector`` with Kubernetes's message
    ///   (`...operator: Invalid value: "Foo": not a valid selector operator`).
    public static func parse(_ raw: String, field: String) throws(AllotError) -> Operator {
      if let op = Operator(rawValue: raw) { return op }
      let e = FieldError.invalid(
        FieldPath.child(field, "operator"), json: GoText.json(raw), "not a valid selector operator")
      throw AllotError(.invalidSelector, field: e.field, e.text)
    }

    var selection: LabelSelector.Operator {
      switch self {
      case .in: return .in
      case .notIn: return .notIn
      case .exists: return .exists
      case .doesNotExist: return .doesNotExist
      }
    }
  }

  /// One entry of `matchExpressions`.
  public struct Expression: Hashable, Sendable {
    /// The label key.
    public var key: String
    /// The operator.
    public var `operator`: Operator
    /// The values: non-empty for `In`/`NotIn`, empty otherwise.
    public var values: [String]

    /// Creates an expression.
    public init(key: String, operator op: Operator, values: [String] = []) {
      self.key = key
      self.operator = op
      self.values = values
    }
  }

  /// `key=value` requirements, in request order (a repeated key keeps its last value, as
  /// decoding into a map does).
  public var matchLabels: [(String, String)]
  /// Set-based requirements.
  public var matchExpressions: [Expression]

  /// Creates a spec.
  public init(matchLabels: [(String, String)] = [], matchExpressions: [Expression] = []) {
    self.matchLabels = matchLabels
    self.matchExpressions = matchExpressions
  }

  /// Equal when the labels (in order) and expressions are equal.
  public static func == (a: LabelSelectorSpec, b: LabelSelectorSpec) -> Bool {
    a.matchLabels.elementsEqual(b.matchLabels, by: ==) && a.matchExpressions == b.matchExpressions
  }

  /// `matchLabels` with repeated keys resolved to their last value, sorted by key bytes.
  var uniqueLabels: [(String, String)] {
    var out: [(String, String)] = []
    for (k, v) in matchLabels {
      if let i = out.firstIndex(where: { ByteOrder.equal($0.0, k) }) {
        out[i].1 = v
      } else {
        out.append((k, v))
      }
    }
    return out.sorted { ByteOrder.less($0.0, $1.0) }
  }

  /// The API server's checks (`ValidateLabelSelector`), every error in its order.
  func validationErrors(field: String) -> [FieldError] {
    var errors: [FieldError] = []
    let labelsPath = FieldPath.child(field, "matchLabels")
    for (k, v) in uniqueLabels {
      for m in LabelSyntax.keyErrors(k) { errors.append(.invalid(labelsPath, k, m)) }
      for m in LabelSyntax.valueErrors(v) { errors.append(.invalid(labelsPath, v, m)) }
    }
    for (i, e) in matchExpressions.enumerated() {
      let p = FieldPath.index(FieldPath.child(field, "matchExpressions"), String(i))
      switch e.operator {
      case .in, .notIn:
        if e.values.isEmpty {
          errors.append(
            .required(
              FieldPath.child(p, "values"), "must be specified when `operator` is 'In' or 'NotIn'"))
        }
      case .exists, .doesNotExist:
        if !e.values.isEmpty {
          errors.append(
            .forbidden(
              FieldPath.child(p, "values"),
              "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
        }
      }
      for m in LabelSyntax.keyErrors(e.key) {
        errors.append(.invalid(FieldPath.child(p, "key"), e.key, m))
      }
      for (j, v) in e.values.enumerated() {
        for m in LabelSyntax.valueErrors(v) {
          errors.append(.invalid(FieldPath.index(FieldPath.child(p, "values"), String(j)), v, m))
        }
      }
    }
    return errors
  }

  /// Validates the spec and converts it to a selector.
  ///
  /// The first of the API server's errors is reported: its path is the error's field and
  /// its text (`selector.matchExpressions[0].values: Required value: ...`) the message.
  ///
  /// - Parameter field: The spec's path in the request.
  /// - Throws: ``AllotError/Kind/invalidSelector``.
  /// - Complexity: O(n) in labels, expressions and values, plus sorting by key.
  public func selector(field: String = "selector") throws(AllotError) -> LabelSelector {
    let errors = validationErrors(field: field)
    if let e = errors.first { throw AllotError(.invalidSelector, field: e.field, e.text) }
    if matchLabels.isEmpty && matchExpressions.isEmpty { return .everything }
    var requirements: [LabelSelector.Requirement] = []
    for (k, v) in uniqueLabels {
      requirements.append(LabelSelector.Requirement(unchecked: k, .equals, [v]))
    }
    for e in matchExpressions {
      requirements.append(
        LabelSelector.Requirement(unchecked: e.key, e.operator.selection, e.values))
    }
    return LabelSelector(requirements)
  }

  /// Converts an optional spec: `nil` selects nothing, as `LabelSelectorAsSelector(nil)` does.
  ///
  /// - Throws: ``AllotError/Kind/invalidSelector``, as ``selector(field:)``.
  public static func selector(_ spec: LabelSelectorSpec?, field: String = "selector")
    throws(AllotError) -> LabelSelector
  {
    guard let spec else { return .nothing }
    return try spec.selector(field: field)
  }
}
