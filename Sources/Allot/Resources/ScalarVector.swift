/// A vector of scalar amounts in thousandths, indexed by dense scalar-resource index.
///
/// The first eight kinds live inline in one `SIMD8<Int64>` (no heap allocation: real
/// clusters name four to six scalars); kinds 8 to 63 spill into an array that stays empty,
/// and so unallocated, until one of them is used.
///
/// - Complexity: element-wise operations are O(1) for the inline part (a few vector
///   instructions) plus O(k) in the spilled kinds.
@frozen
public struct ScalarVector: Sendable, Equatable, Hashable {
  /// Kinds 0 to 7.
  @usableFromInline internal var head: SIMD8<Int64>
  /// Kinds 8 and up; may be shorter than needed (missing entries are zero).
  @usableFromInline internal var tail: [Int64]

  /// The zero vector.
  @inlinable
  public init() {
    head = .zero
    tail = []
  }

  /// The zero vector.
  public static let zero = ScalarVector()

  /// The amount of kind `i`, in thousandths.
  @inlinable
  public subscript(i: Int) -> Int64 {
    get {
      if i < 8 { return head[i] }
      let j = i - 8
      return j < tail.count ? tail[j] : 0
    }
    set {
      if i < 8 {
        head[i] = newValue
        return
      }
      let j = i - 8
      if j >= tail.count {
        if newValue == 0 { return }
        tail.append(contentsOf: repeatElement(0, count: j - tail.count + 1))
      }
      tail[j] = newValue
    }
  }

  /// Whether every amount is zero.
  @inlinable
  public var isZero: Bool {
    if head != .zero { return false }
    for v in tail where v != 0 { return false }
    return true
  }

  /// Whether any amount is negative.
  @inlinable
  public var hasNegative: Bool {
    if any(head .< 0) { return true }
    for v in tail where v < 0 { return true }
    return false
  }

  /// Whether every amount of `self` is at least the matching amount of `other`.
  @inlinable
  public func covers(_ other: ScalarVector) -> Bool {
    if any(head .< other.head) { return false }
    if other.tail.isEmpty { return true }
    for j in 0..<other.tail.count
    where self.tail.count <= j ? other.tail[j] > 0 : self.tail[j] < other.tail[j] {
      return false
    }
    return true
  }

  /// Adds `other` element-wise.
  @inlinable
  public static func += (a: inout ScalarVector, b: ScalarVector) {
    a.head &+= b.head
    if !b.tail.isEmpty { a.addTail(b.tail, sign: 1) }
  }

  /// Subtracts `other` element-wise.
  @inlinable
  public static func -= (a: inout ScalarVector, b: ScalarVector) {
    a.head &-= b.head
    if !b.tail.isEmpty { a.addTail(b.tail, sign: -1) }
  }

  /// The element-wise sum.
  @inlinable
  public static func + (a: ScalarVector, b: ScalarVector) -> ScalarVector {
    var r = a
    r += b
    return r
  }

  /// The element-wise difference.
  @inlinable
  public static func - (a: ScalarVector, b: ScalarVector) -> ScalarVector {
    var r = a
    r -= b
    return r
  }

  @usableFromInline
  internal mutating func addTail(_ other: [Int64], sign: Int64) {
    if tail.count < other.count {
      tail.append(contentsOf: repeatElement(0, count: other.count - tail.count))
    }
    for j in 0..<other.count { tail[j] &+= sign &* other[j] }
  }

  /// The element-wise minimum.
  @inlinable
  public func pointwiseMin(_ other: ScalarVector) -> ScalarVector {
    var r = ScalarVector()
    r.head = self.head.replacing(with: other.head, where: other.head .< self.head)
    let n = Swift.max(tail.count, other.tail.count)
    if n > 0 {
      for j in 0..<n {
        let a = j < tail.count ? tail[j] : 0
        let b = j < other.tail.count ? other.tail[j] : 0
        r[8 + j] = Swift.min(a, b)
      }
    }
    return r
  }

  /// Each amount clamped below at zero.
  @inlinable
  public func clampedAtZero() -> ScalarVector {
    var r = self
    r.head = r.head.replacing(with: 0, where: r.head .< 0)
    for j in 0..<r.tail.count where r.tail[j] < 0 { r.tail[j] = 0 }
    return r
  }

  /// The number of kinds this vector may hold non-zero amounts for (8 plus the spill).
  @inlinable
  public var width: Int { 8 + tail.count }

  /// Equality by value (trailing zeros in the spill do not matter).
  public static func == (a: ScalarVector, b: ScalarVector) -> Bool {
    if a.head != b.head { return false }
    let n = Swift.max(a.tail.count, b.tail.count)
    for j in 0..<n {
      let x = j < a.tail.count ? a.tail[j] : 0
      let y = j < b.tail.count ? b.tail[j] : 0
      if x != y { return false }
    }
    return true
  }

  /// Hashes by value (trailing zeros in the spill do not matter).
  public func hash(into hasher: inout Hasher) {
    for i in 0..<8 { hasher.combine(head[i]) }
    var n = tail.count
    while n > 0, tail[n - 1] == 0 { n -= 1 }
    for j in 0..<n { hasher.combine(tail[j]) }
  }
}
