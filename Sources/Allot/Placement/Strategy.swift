/// How placement chooses among the agents where a task fits: Kubernetes's `noderesources`
/// scoring (v1.35), or the first agent in agent order.
///
///     .binpack                                   // MostAllocated, cpus and mem weight 1
///     .custom(.ratio, weights: [("cpus", 2), ("gpus", 5)],
///             shape: [(0, 0), (100, 10)])        // RequestedToCapacityRatio
public struct PlacementStrategy: Hashable, Sendable, CustomStringConvertible {
  /// The scoring function.
  public enum Kind: String, Hashable, Sendable, CaseIterable {
    /// MostAllocated: prefer the fullest agents.
    case binpack
    /// LeastAllocated: prefer the emptiest agents.
    case spread
    /// BalancedAllocation: prefer agents whose resources are used evenly.
    case balanced
    /// RequestedToCapacityRatio with a shape.
    case ratio
    /// The first agent in agent order where the task fits, without scoring.
    case firstfit
  }

  /// A point of a RequestedToCapacityRatio shape.
  public struct ShapePoint: Hashable, Sendable {
    /// Utilisation in percent, 0...100, strictly increasing along the shape.
    public var utilization: Int64
    /// Score, 0...10 (scaled by 10 before interpolation).
    public var score: Int64
    /// Creates a point.
    public init(utilization: Int64, score: Int64) {
      self.utilization = utilization
      self.score = score
    }
  }

  /// The scoring function.
  public var kind: Kind
  /// Scored resources and their weights (1...100), in request order.
  public var weights: [(String, Int64)]
  /// The shape of `ratio`.
  public var shape: [ShapePoint]

  /// Creates a strategy with custom weights (default: `cpus` and `mem`, weight 1 each) and,
  /// for `ratio`, a shape (default: the Kubernetes default, utilisation 0 scores 0 and 100
  /// scores 10, i.e.
  ///
  /// bin packing).
  public init(
    _ kind: Kind, weights: [(String, Int64)] = [("cpus", 1), ("mem", 1)],
    shape: [ShapePoint] = [
      ShapePoint(utilization: 0, score: 0), ShapePoint(utilization: 100, score: 10),
    ]
  ) {
    self.kind = kind
    self.weights = weights
    self.shape = shape
  }

  /// MostAllocated with the default weights.
  public static let binpack = PlacementStrategy(.binpack)
  /// LeastAllocated with the default weights.
  public static let spread = PlacementStrategy(.spread)
  /// BalancedAllocation over `cpus` and `mem`.
  public static let balanced = PlacementStrategy(.balanced)
  /// The first agent that fits.
  public static let firstfit = PlacementStrategy(.firstfit)

  /// Equal when kind, weights and shape are equal.
  public static func == (a: PlacementStrategy, b: PlacementStrategy) -> Bool {
    a.kind == b.kind && a.weights.elementsEqual(b.weights, by: ==) && a.shape == b.shape
  }

  /// Hashes the kind and the shape.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(kind)
    hasher.combine(shape)
  }

  /// The kind's name.
  public var description: String { kind.rawValue }

  /// Checks weights (1...100, non-empty, names unique) and the shape (utilisation 0...100
  /// strictly increasing, scores 0...10, non-empty).
  func validate(field: String) throws(AllotError) {
    if weights.isEmpty {
      throw .invalid("\(field).resources", "\(field).resources must name at least one resource")
    }
    for (i, (name, w)) in weights.enumerated() {
      try ResourceRegistry.validateName(name, field: "\(field).resources.\(name)")
      if w < 1 || w > 100 {
        throw .invalid("\(field).resources.\(name)", "weights are integers from 1 to 100")
      }
      for j in 0..<i where weights[j].0 == name {
        throw .invalid("\(field).resources.\(name)", "resource '\(name)' is given twice")
      }
    }
    if kind == .ratio {
      if shape.isEmpty { throw .invalid("\(field).shape", "\(field).shape must not be empty") }
      for (i, p) in shape.enumerated() {
        if p.utilization < 0 || p.utilization > 100 {
          throw .invalid("\(field).shape[\(i)].utilization", "utilization must be 0 to 100")
        }
        if p.score < 0 || p.score > 10 {
          throw .invalid("\(field).shape[\(i)].score", "score must be 0 to 10")
        }
        if i > 0 && p.utilization <= shape[i - 1].utilization {
          throw .invalid(
            "\(field).shape[\(i)].utilization", "utilization must increase strictly along the shape"
          )
        }
      }
    }
  }
}

/// Kubernetes's node-resources scores, on fixed-point amounts (the ratios are exact: both
/// sides are thousandths).
enum ResourceScore {
  static let maxNodeScore: Int64 = 100

  /// MostAllocated for one resource: `requested * 100 / capacity`, requested capped at
  /// capacity; 0 for no capacity.
  static func most(_ requested: Int64, _ capacity: Int64) -> Int64 {
    if capacity == 0 { return 0 }
    let r = min(requested, capacity)
    // Amounts are at most 2^53 thousandths, so the product stays below 2^60.
    return (r &* maxNodeScore) / capacity
  }

  /// LeastAllocated for one resource: `(capacity - requested) * 100 / capacity`; 0 when the
  /// request exceeds the capacity or there is no capacity.
  static func least(_ requested: Int64, _ capacity: Int64) -> Int64 {
    if capacity == 0 || requested > capacity { return 0 }
    return ((capacity - requested) &* maxNodeScore) / capacity
  }

  /// The broken linear function of RequestedToCapacityRatio over shape points with scores
  /// already scaled to 0...100.
  static func brokenLinear(_ p: Int64, _ shape: [(Int64, Int64)]) -> Int64 {
    for i in shape.indices where p <= shape[i].0 {
      if i == 0 { return shape[0].1 }
      let (u0, s0) = shape[i - 1]
      let (u1, s1) = shape[i]
      return s0 + (s1 - s0) * (p - u0) / (u1 - u0)
    }
    return shape[shape.count - 1].1
  }

  /// RequestedToCapacityRatio for one resource.
  static func ratio(_ requested: Int64, _ capacity: Int64, _ shape: [(Int64, Int64)]) -> Int64 {
    if capacity == 0 || requested > capacity { return brokenLinear(100, shape) }
    return brokenLinear((requested &* 100) / capacity, shape)
  }

  /// BalancedAllocation: `int((1 - std) * 100)` over the fractions capped at 1.
  static func balanced(_ fractions: [Double]) -> Int64 {
    var std = 0.0
    if fractions.count == 2 {
      std = abs((fractions[0] - fractions[1]) / 2)
    } else if fractions.count > 2 {
      let mean = fractions.reduce(0, +) / Double(fractions.count)
      var sum = 0.0
      for f in fractions { sum += (f - mean) * (f - mean) }
      std = (sum / Double(fractions.count)).squareRoot()
    }
    return Int64((1 - std) * Double(maxNodeScore))
  }

}
