/// A vector of scalar amounts in thousandths, indexed by dense scalar-resource index.
///
/// All ``capacity`` kinds live inline in one `SIMD16<Int64>`: plain data, no heap storage,
/// so copying a vector never touches a reference count and every element-wise operation is
/// a few vector instructions. Real clusters name four to six scalars (`cpus`, `mem`,
/// `disk`, `gpus`, ...); an engine accepts at most ``capacity`` distinct scalar names.
///
/// - Complexity: every element-wise operation is O(1).
@frozen
public struct ScalarVector: Sendable, Equatable, Hashable {
  /// The most scalar kinds a vector (and so an engine) holds.
  public static let capacity = 16

  /// Every kind, by scalar index.
  @usableFromInline internal var lanes: SIMD16<Int64>

  /// The zero vector.
  @inlinable
  public init() { lanes = .zero }

  @inlinable
  init(lanes: SIMD16<Int64>) { self.lanes = lanes }

  /// The zero vector.
  public static let zero = ScalarVector()

  /// Kinds 0 to 7 (the part placement's shape classes and scores look at).
  @inlinable
  var head: SIMD8<Int64> { lanes.lowHalf }

  /// Whether kinds 8 and up are all zero.
  @inlinable
  var highIsZero: Bool {
    let h = lanes.highHalf
    let y = h.lowHalf | h.highHalf
    let z = y.lowHalf | y.highHalf
    return z[0] | z[1] == 0
  }

  /// The amount of kind `i`, in thousandths (zero for `i` at or beyond ``capacity``; setting
  /// such a kind is a programmer error).
  @inlinable
  public subscript(i: Int) -> Int64 {
    get { i < 16 ? lanes[i] : 0 }
    set {
      precondition(i < 16 || newValue == 0, "scalar index \(i) out of range")
      if i < 16 { lanes[i] = newValue }
    }
  }

  /// The bitwise OR of every lane: zero iff every lane is zero, negative iff some lane is.
  ///
  /// Lane-wise OR by halving is one SSE2 instruction per pair of lanes, where 64-bit lane
  /// compares need SSE4 and are emulated on the baseline x86-64 target.
  @inlinable @inline(__always)
  static func orReduce(_ v: SIMD16<Int64>) -> Int64 {
    let x = v.lowHalf | v.highHalf
    let y = x.lowHalf | x.highHalf
    let z = y.lowHalf | y.highHalf
    return z[0] | z[1]
  }

  /// Whether every amount is zero.
  @inlinable
  public var isZero: Bool { ScalarVector.orReduce(lanes) == 0 }

  /// Whether any amount is negative.
  @inlinable
  public var hasNegative: Bool { ScalarVector.orReduce(lanes) < 0 }

  /// Whether every amount of `self` is at least the matching amount of `other`.
  ///
  /// Amounts are at most 2^53 thousandths in magnitude, so the lane-wise difference cannot
  /// overflow and its sign answers the comparison.
  @inlinable
  public func covers(_ other: ScalarVector) -> Bool {
    ScalarVector.orReduce(lanes &- other.lanes) >= 0
  }

  /// Adds `other` element-wise.
  @inlinable
  public static func += (a: inout ScalarVector, b: ScalarVector) { a.lanes &+= b.lanes }

  /// Subtracts `other` element-wise.
  @inlinable
  public static func -= (a: inout ScalarVector, b: ScalarVector) { a.lanes &-= b.lanes }

  /// Adds `other`; with `lowOnly`, in kinds 0 to 7 only, which equals `+=` when both
  /// vectors are zero in kinds 8 and up (always so in an engine with at most eight scalar
  /// names) at half the work.
  @inlinable @inline(__always)
  mutating func add(_ other: ScalarVector, lowOnly: Bool) {
    if lowOnly { lanes.lowHalf &+= other.lanes.lowHalf } else { lanes &+= other.lanes }
  }

  /// Subtracts `other`; with `lowOnly`, in kinds 0 to 7 only (see ``add(_:lowOnly:)``).
  @inlinable @inline(__always)
  mutating func subtract(_ other: ScalarVector, lowOnly: Bool) {
    if lowOnly { lanes.lowHalf &-= other.lanes.lowHalf } else { lanes &-= other.lanes }
  }

  /// The element-wise sum.
  @inlinable
  public static func + (a: ScalarVector, b: ScalarVector) -> ScalarVector {
    ScalarVector(lanes: a.lanes &+ b.lanes)
  }

  /// The element-wise difference.
  @inlinable
  public static func - (a: ScalarVector, b: ScalarVector) -> ScalarVector {
    ScalarVector(lanes: a.lanes &- b.lanes)
  }

  /// The element-wise minimum.
  @inlinable
  public func pointwiseMin(_ other: ScalarVector) -> ScalarVector {
    ScalarVector(lanes: lanes.replacing(with: other.lanes, where: other.lanes .< lanes))
  }

  /// Each amount clamped below at zero.
  @inlinable
  public func clampedAtZero() -> ScalarVector {
    ScalarVector(lanes: lanes.replacing(with: 0, where: lanes .< 0))
  }

  /// The number of kinds this vector holds (``capacity``).
  @inlinable
  public var width: Int { 16 }

  /// Equality by value.
  @inlinable
  public static func == (a: ScalarVector, b: ScalarVector) -> Bool {
    ScalarVector.orReduce(a.lanes ^ b.lanes) == 0
  }

  /// Hashes by value.
  public func hash(into hasher: inout Hasher) {
    for i in 0..<16 { hasher.combine(lanes[i]) }
  }
}
