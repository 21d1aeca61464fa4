/// A label selector compiled against a ``LabelInterner``: matching an interned label set is
/// a merge of two sorted integer sequences, with no hashing, no string comparison and no
/// allocation.
///
/// Compile once (per selector text, say) and match many agents. Keys and values are interned
/// at compile time, so labels that appear later still match.
///
///     var interner = LabelInterner()
///     let s = CompiledSelector(try LabelSelector(parsing: "a=b"), interner: &interner)
///     let agent = interner.intern(labels: [("a", "b"), ("zone", "z1")])
///     s.matches(agent, in: interner)  // true
@frozen
public struct CompiledSelector: Sendable {
  /// One requirement: key id, operation, values (a range of `_values`) and bound.
  @frozen @usableFromInline
  struct Clause: Sendable {
    @usableFromInline var key: UInt32
    @usableFromInline var op: Op
    @usableFromInline var start: UInt32
    @usableFromInline var count: UInt32
    @usableFromInline var bound: Int64

    @inlinable init(key: UInt32, op: Op, start: UInt32, count: UInt32, bound: Int64) {
      self.key = key
      self.op = op
      self.start = start
      self.count = count
      self.bound = bound
    }
  }

  /// The compiled operations.
  @usableFromInline
  enum Op: UInt8, Sendable {
    /// `=`, `==`, `in`: present with one of the values.
    case `in`
    /// `!=`, `notin`: absent, or present with none of the values.
    case notIn
    case exists
    case doesNotExist
    case greaterThan
    case lessThan
  }

  /// Clauses sorted by key id.
  @usableFromInline var _clauses: ContiguousArray<Clause>
  /// Value ids, ascending within each clause.
  @usableFromInline var _values: ContiguousArray<UInt32>
  @usableFromInline var _nothing: Bool
  /// The selector this was compiled from.
  public let selector: LabelSelector

  /// Compiles a selector, interning its keys and values.
  ///
  /// - Complexity: O(r + v) interning plus sorting.
  public init(_ selector: LabelSelector, interner: inout LabelInterner) {
    self.selector = selector
    _nothing = selector.matchesNothing
    var clauses = ContiguousArray<Clause>()
    var values = ContiguousArray<UInt32>()
    clauses.reserveCapacity(selector.requirements.count)
    for r in selector.requirements {
      let key = interner.intern(r.key).rawValue
      let op: Op
      switch r.operator {
      case .in, .equals, .doubleEquals: op = .in
      case .notIn, .notEquals: op = .notIn
      case .exists: op = .exists
      case .doesNotExist: op = .doesNotExist
      case .greaterThan: op = .greaterThan
      case .lessThan: op = .lessThan
      }
      let start = UInt32(values.count)
      var ids = r._values.map { interner.intern($0).rawValue }
      ids.sort()
      var last: UInt32?
      for id in ids where id != last {
        values.append(id)
        last = id
      }
      var clause = Clause(
        key: key, op: op, start: start, count: UInt32(values.count) - start, bound: r.bound)
      if (op == .greaterThan || op == .lessThan) && r._values.count != 1 {
        // Kubernetes requires exactly one integer; anything else never matches.
        clause.op = .in
        clause.count = 0
      }
      clauses.append(clause)
    }
    // Stable by key id: clauses on one key keep their order.
    var indexed = Array(clauses.enumerated())
    indexed.sort { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }
    _clauses = ContiguousArray(indexed.map(\.element))
    _values = values
  }

  /// Whether the selector matches everything.
  @inlinable public var isEmpty: Bool { _clauses.isEmpty && !_nothing }

  /// The number of requirements.
  @inlinable public var count: Int { _clauses.count }

  @inlinable
  static func contains(
    _ vs: UnsafeBufferPointer<UInt32>, _ start: Int, _ count: Int, _ value: UInt32
  ) -> Bool {
    if count <= 8 {
      var i = start
      let end = start + count
      while i < end {
        if vs[i] == value { return true }
        i += 1
      }
      return false
    }
    var lo = start
    var hi = start + count
    while lo < hi {
      let mid = (lo + hi) >> 1
      let x = vs[mid]
      if x < value { lo = mid + 1 } else if x > value { hi = mid } else { return true }
    }
    return false
  }

  /// Whether an interned label set matches.
  ///
  /// - Parameters:
  ///   - labels: Labels interned by the same interner.
  ///   - interner: The interner (read for the integer values `gt`/`lt` compare).
  /// - Complexity: O(r + l) integer comparisons; never allocates.
  @inlinable
  public func matches(_ labels: InternedLabels, in interner: LabelInterner) -> Bool {
    if _nothing { return false }
    return _clauses.withUnsafeBufferPointer { cs in
      labels._storage.withUnsafeBufferPointer { ls in
        _values.withUnsafeBufferPointer { vs in
          var li = 0
          let n = ls.count
          for c in cs {
            let key = UInt64(c.key)
            while li < n && ls[li] >> 32 < key { li += 1 }
            let present = li < n && ls[li] >> 32 == key
            let value = present ? UInt32(truncatingIfNeeded: ls[li]) : 0
            switch c.op {
            case .in:
              if !present || !CompiledSelector.contains(vs, Int(c.start), Int(c.count), value) {
                return false
              }
            case .notIn:
              if present && CompiledSelector.contains(vs, Int(c.start), Int(c.count), value) {
                return false
              }
            case .exists:
              if !present { return false }
            case .doesNotExist:
              if present { return false }
            case .greaterThan, .lessThan:
              guard present, let x = interner.integer(LabelID(rawValue: value)) else {
                return false
              }
              if c.op == .greaterThan ? !(x > c.bound) : !(x < c.bound) { return false }
            }
          }
          return true
        }
      }
    }
  }

  /// Whether a label set given as `(key, value)` pairs sorted by key bytes matches (no
  /// interning needed).
  ///
  /// - Complexity: O(r + l) string comparisons; never allocates.
  @inlinable
  public func matches(sortedLabels labels: [(String, String)]) -> Bool {
    selector.matches(sortedLabels: labels)
  }
}
