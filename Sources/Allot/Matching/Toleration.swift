/// A toleration of node taints, with Kubernetes's matching rules (kubernetes/api
/// `core/v1/toleration.go`, `ToleratesTaint`, v1.35).
///
/// A toleration tolerates a taint when its effect is empty or equal to the taint's, its key
/// is empty or equal, and — for `Equal` — the values are equal; `Exists` ignores the value,
/// and an empty key with `Exists` tolerates every taint (of the effect, if one is given).
/// Untolerated `NoSchedule` and `NoExecute` taints exclude an agent; untolerated
/// `PreferNoSchedule` taints lower its score.
///
///     let t = Toleration(key: "dedicated", operator: .equal, value: "ml", effect: .noSchedule)
///     t.tolerates(Taint(key: "dedicated", value: "ml", effect: .noSchedule))  // true
///     Toleration(operator: .exists).tolerates(Taint(key: "any", effect: .noExecute))  // true
public struct Toleration: Hashable, Sendable {
  /// How the value is compared.
  public enum Operator: String, Hashable, Sendable, CaseIterable {
    /// The values must be equal (the default).
    case equal = "Equal"
    /// Any value.
    case exists = "Exists"
  }

  /// The taint key; empty matches every key (only with ``Operator/exists``).
  public var key: String
  /// The operator.
  public var `operator`: Operator
  /// The value, compared for ``Operator/equal`` and ignored for ``Operator/exists``.
  public var value: String
  /// The effect; `nil` matches every effect.
  public var effect: Taint.Effect?

  /// Creates a toleration.
  public init(
    key: String = "", operator op: Operator = .equal, value: String = "",
    effect: Taint.Effect? = nil
  ) {
    self.key = key
    self.operator = op
    self.value = value
    self.effect = effect
  }

  /// Whether this toleration tolerates a taint.
  ///
  /// - Complexity: O(1) apart from comparing strings; never allocates.
  @inlinable
  public func tolerates(_ taint: Taint) -> Bool {
    if let effect, effect != taint.effect { return false }
    if !key.isEmpty && !ByteOrder.equal(key, taint.key) { return false }
    switch self.operator {
    case .equal: return ByteOrder.equal(value, taint.value)
    case .exists: return true
    }
  }

  /// Checks tolerations the way the engine checks taints.
  ///
  /// Each key is at most 317 bytes and each value at most 1,024, without control characters,
  /// as the engine accepts for taints; an empty key requires ``Operator/exists``. A value
  /// given with ``Operator/exists`` is accepted and ignored (the contract's rule; the
  /// Kubernetes API server would reject it).
  ///
  /// - Parameters:
  ///   - tolerations: The tolerations.
  ///   - field: Their path, such as `tolerations`.
  /// - Throws: ``AllotError/Kind/invalidParams`` naming the first offending member.
  public static func validate(_ tolerations: [Toleration], field: String = "tolerations")
    throws(AllotError)
  {
    func control(_ s: String) -> Bool {
      s.unicodeScalars.contains { $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) }
    }
    for (i, t) in tolerations.enumerated() {
      let f = FieldPath.index(field, String(i))
      if t.key.utf8.count > 317 || control(t.key) {
        throw AllotError(
          .invalidParams, field: f + ".key",
          "toleration keys must be at most 317 bytes without control characters")
      }
      if t.key.isEmpty && t.operator != .exists {
        throw AllotError(
          .invalidParams, field: f + ".operator",
          "operator must be Exists when `key` is empty, which means \"match all values and all keys\""
        )
      }
      if t.value.utf8.count > 1024 || control(t.value) {
        throw AllotError(
          .invalidParams, field: f + ".value",
          "toleration values must be at most 1024 bytes without control characters")
      }
    }
  }
}

/// Kubernetes's TaintToleration plugin: the filter and the raw score.
public enum TaintToleration {
  /// Whether some toleration tolerates the taint (`TolerationsTolerateTaint`).
  ///
  /// - Complexity: O(t).
  @inlinable
  public static func isTolerated(_ taint: Taint, by tolerations: [Toleration]) -> Bool {
    for t in tolerations where t.tolerates(taint) { return true }
    return false
  }

  /// The first `NoSchedule` or `NoExecute` taint no toleration tolerates, or `nil` when the
  /// agent passes the filter (`FindMatchingUntoleratedTaint`).
  ///
  /// - Complexity: O(taints · tolerations); never allocates.
  @inlinable
  public static func firstUntolerated(taints: [Taint], tolerations: [Toleration]) -> Taint? {
    for taint in taints where taint.effect != .preferNoSchedule {
      if !isTolerated(taint, by: tolerations) { return taint }
    }
    return nil
  }

  /// The number of `PreferNoSchedule` taints that no toleration with an empty or
  /// `PreferNoSchedule` effect tolerates: the plugin's raw score (lower is better; normalise
  /// with ``ScoreNormalization/normalize(_:reverse:)`` and `reverse: true`).
  ///
  /// - Complexity: O(taints · tolerations); never allocates.
  @inlinable
  public static func untoleratedPreferNoScheduleCount(
    taints: [Taint], tolerations: [Toleration]
  ) -> Int {
    var n = 0
    for taint in taints where taint.effect == .preferNoSchedule {
      var tolerated = false
      for t in tolerations where t.effect == nil || t.effect == .preferNoSchedule {
        if t.tolerates(taint) {
          tolerated = true
          break
        }
      }
      if !tolerated { n += 1 }
    }
    return n
  }
}

/// Kubernetes's score normalisation (`helper.DefaultNormalizeScore`, v1.35).
public enum ScoreNormalization {
  /// The highest score a plugin gives (`framework.MaxNodeScore`).
  public static let maxScore: Int64 = 100

  /// Scales scores from `0...max(scores)` to `0...100` with integer division, then, when
  /// `reverse`, subtracts each from 100.
  ///
  /// When every score is 0 the scores stay 0, or all
  /// become 100 when `reverse`.
  ///
  ///     var s: [Int64] = [0, 3, 6]
  ///     ScoreNormalization.normalize(&s, reverse: false)  // [0, 50, 100]
  ///
  /// - Complexity: O(n).
  public static func normalize(_ scores: inout [Int64], reverse: Bool) {
    var maxCount: Int64 = 0
    for s in scores where s > maxCount { maxCount = s }
    if maxCount == 0 {
      if reverse { for i in scores.indices { scores[i] = maxScore } }
      return
    }
    for i in scores.indices {
      var s = maxScore * scores[i] / maxCount
      if reverse { s = maxScore - s }
      scores[i] = s
    }
  }
}
