/// A set of non-negative integers stored as sorted, merged, inclusive intervals.
///
/// Used for range resources such as `ports`. Intervals are kept sorted by their lower bound,
/// non-overlapping and non-adjacent (`[1,3]` and `[4,5]` merge into `[1,5]`).
///
///     var ports = RangeSet([31000...31999, 8080...8080])
///     ports.count                      // 1001
///     let two = ports.lowest(2)        // [8080, 31000]
///     ports.subtract(two!)
@frozen
public struct RangeSet: Hashable, Sendable, CustomStringConvertible {
  /// The intervals, sorted and merged.
  @usableFromInline internal var _intervals: [ClosedRange<UInt64>]

  /// The empty set.
  @inlinable
  public init() { _intervals = [] }

  /// Creates a set from any intervals, merging overlapping and adjacent ones.
  ///
  /// - Complexity: O(n log n) in the number of intervals.
  public init<S: Sequence>(_ ranges: S) where S.Element == ClosedRange<UInt64> {
    let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
    var out: [ClosedRange<UInt64>] = []
    out.reserveCapacity(sorted.count)
    for r in sorted {
      if let last = out.last, r.lowerBound <= last.upperBound &+ 1, last.upperBound != .max {
        if r.upperBound > last.upperBound {
          out[out.count - 1] = last.lowerBound...r.upperBound
        }
      } else if let last = out.last, last.upperBound == .max {
        continue
      } else {
        out.append(r)
      }
    }
    _intervals = out
  }

  /// The sorted, merged intervals.
  @inlinable
  public var intervals: [ClosedRange<UInt64>] { _intervals }

  /// Whether the set is empty.
  @inlinable
  public var isEmpty: Bool { _intervals.isEmpty }

  /// The number of integers in the set.
  ///
  /// - Complexity: O(n) in the number of intervals.
  public var count: UInt64 {
    var n: UInt64 = 0
    for r in _intervals { n &+= r.upperBound - r.lowerBound + 1 }
    return n
  }

  /// Whether every value of `other` is in this set.
  ///
  /// - Complexity: O(n + m).
  public func contains(_ other: RangeSet) -> Bool {
    if other._intervals.isEmpty { return true }
    var i = 0
    for r in other._intervals {
      while i < _intervals.count, _intervals[i].upperBound < r.lowerBound { i += 1 }
      guard i < _intervals.count, _intervals[i].lowerBound <= r.lowerBound,
        _intervals[i].upperBound >= r.upperBound
      else { return false }
    }
    return true
  }

  /// Whether the two sets share a value.
  ///
  /// - Complexity: O(n + m).
  public func overlaps(_ other: RangeSet) -> Bool {
    var i = 0
    var j = 0
    while i < _intervals.count, j < other._intervals.count {
      let a = _intervals[i]
      let b = other._intervals[j]
      if a.upperBound < b.lowerBound {
        i += 1
      } else if b.upperBound < a.lowerBound {
        j += 1
      } else {
        return true
      }
    }
    return false
  }

  /// Adds every value of `other`.
  ///
  /// - Complexity: O(n + m).
  public mutating func formUnion(_ other: RangeSet) {
    if other._intervals.isEmpty { return }
    if _intervals.isEmpty {
      _intervals = other._intervals
      return
    }
    var out: [ClosedRange<UInt64>] = []
    out.reserveCapacity(_intervals.count + other._intervals.count)
    var i = 0
    var j = 0
    func push(_ r: ClosedRange<UInt64>) {
      if let last = out.last,
        last.upperBound == .max || r.lowerBound <= last.upperBound + 1
      {
        if r.upperBound > last.upperBound { out[out.count - 1] = last.lowerBound...r.upperBound }
      } else {
        out.append(r)
      }
    }
    while i < _intervals.count || j < other._intervals.count {
      if j == other._intervals.count
        || (i < _intervals.count && _intervals[i].lowerBound <= other._intervals[j].lowerBound)
      {
        push(_intervals[i])
        i += 1
      } else {
        push(other._intervals[j])
        j += 1
      }
    }
    _intervals = out
  }

  /// Removes every value of `other`.
  ///
  /// - Complexity: O(n + m).
  public mutating func subtract(_ other: RangeSet) {
    if other._intervals.isEmpty || _intervals.isEmpty { return }
    if other._intervals == _intervals {
      _intervals = []
      return
    }
    var out: [ClosedRange<UInt64>] = []
    out.reserveCapacity(_intervals.count + other._intervals.count)
    var j = 0
    for r in _intervals {
      var lo = r.lowerBound
      let hi = r.upperBound
      var done = false
      while j < other._intervals.count, other._intervals[j].upperBound < lo { j += 1 }
      var k = j
      while k < other._intervals.count, other._intervals[k].lowerBound <= hi {
        let s = other._intervals[k]
        if s.lowerBound > lo { out.append(lo...(s.lowerBound - 1)) }
        if s.upperBound >= hi {
          done = true
          break
        }
        lo = s.upperBound + 1
        k += 1
      }
      if !done { out.append(lo...hi) }
    }
    _intervals = out
  }

  /// The `n` lowest values of the set, or `nil` when it holds fewer than `n`.
  ///
  /// - Complexity: O(k) in the number of intervals touched.
  public func lowest(_ n: UInt64) -> RangeSet? {
    var out = RangeSet()
    var need = n
    if need == 0 { return out }
    for r in _intervals {
      let size = r.upperBound - r.lowerBound + 1
      if size >= need {
        out._intervals.append(r.lowerBound...(r.lowerBound + need - 1))
        return out
      }
      out._intervals.append(r)
      need -= size
    }
    return nil
  }

  /// The intervals as `[[a,b],...]`.
  public var description: String {
    "[" + _intervals.map { "[\($0.lowerBound),\($0.upperBound)]" }.joined(separator: ",") + "]"
  }
}
