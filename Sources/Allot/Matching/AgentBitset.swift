/// A set of dense agent ids as a bitset: one bit per agent in 64-bit words.
///
/// Set operations run a word at a time (10,000 agents are 157 words); iteration yields the
/// members in ascending order. Words past the end of the shorter operand count as zero, so
/// sets of different capacities combine freely.
///
///     var a = AgentBitset()
///     a.insert(3); a.insert(70)
///     var b = AgentBitset(); b.insert(70)
///     a.formIntersection(b)
///     Array(a)  // [70]
@frozen
public struct AgentBitset: Sendable, Sequence, CustomStringConvertible {
  /// The words; bit `i % 64` of word `i / 64` is agent `i`.
  @usableFromInline var _words: ContiguousArray<UInt64>

  /// The empty set.
  @inlinable public init() { _words = [] }

  /// The empty set with room for agents `0..<capacity` without growing.
  @inlinable
  public init(capacity: Int) {
    _words = ContiguousArray(repeating: 0, count: (capacity + 63) >> 6)
  }

  /// The set of agents `0..<count`.
  public init(allBelow count: Int) {
    self.init(capacity: count)
    let full = count >> 6
    for w in 0..<full { _words[w] = ~0 }
    if count & 63 != 0 { _words[full] = (1 << UInt64(count & 63)) &- 1 }
  }

  /// The number of words held.
  @inlinable public var wordCount: Int { _words.count }

  /// Adds an agent.
  ///
  /// - Complexity: O(1), amortised when the set grows.
  @inlinable
  public mutating func insert(_ agent: Int) {
    precondition(agent >= 0, "agent ids are not negative")
    let w = agent >> 6
    if w >= _words.count {
      _words.append(contentsOf: repeatElement(0, count: w + 1 - _words.count))
    }
    _words[w] |= 1 << UInt64(agent & 63)
  }

  /// Removes an agent.
  ///
  /// - Complexity: O(1).
  @inlinable
  public mutating func remove(_ agent: Int) {
    let w = agent >> 6
    if agent >= 0 && w < _words.count { _words[w] &= ~(1 << UInt64(agent & 63)) }
  }

  /// Whether an agent is a member.
  ///
  /// - Complexity: O(1).
  @inlinable
  public func contains(_ agent: Int) -> Bool {
    let w = agent >> 6
    return agent >= 0 && w < _words.count && _words[w] & (1 << UInt64(agent & 63)) != 0
  }

  /// The number of members.
  ///
  /// - Complexity: O(w) in words.
  @inlinable
  public var count: Int {
    var n = 0
    for w in _words { n += w.nonzeroBitCount }
    return n
  }

  /// Whether there are no members.
  ///
  /// - Complexity: O(w) in words.
  @inlinable
  public var isEmpty: Bool {
    for w in _words where w != 0 { return false }
    return true
  }

  /// Removes every member, keeping the capacity.
  ///
  /// - Complexity: O(w).
  @inlinable
  public mutating func removeAll() {
    _words.withUnsafeMutableBufferPointer { p in
      for i in p.indices { p[i] = 0 }
    }
  }

  /// Makes this set equal to `other`, reusing this set's storage when it is large enough.
  ///
  /// - Complexity: O(w).
  @inlinable
  public mutating func assign(_ other: AgentBitset) {
    if _words.count < other._words.count {
      _words.append(contentsOf: repeatElement(0, count: other._words.count - _words.count))
    }
    _words.withUnsafeMutableBufferPointer { d in
      other._words.withUnsafeBufferPointer { s in
        let n = s.count
        for i in 0..<n { d[i] = s[i] }
        var i = n
        while i < d.count {
          d[i] = 0
          i += 1
        }
      }
    }
  }

  /// Keeps only members also in `other` (word-wide AND).
  ///
  /// - Complexity: O(w).
  @inlinable
  public mutating func formIntersection(_ other: AgentBitset) {
    _words.withUnsafeMutableBufferPointer { d in
      other._words.withUnsafeBufferPointer { s in
        let n = Swift.min(d.count, s.count)
        var i = 0
        while i < n {
          d[i] &= s[i]
          i += 1
        }
        while i < d.count {
          d[i] = 0
          i += 1
        }
      }
    }
  }

  /// Adds the members of `other` (word-wide OR).
  ///
  /// - Complexity: O(w).
  @inlinable
  public mutating func formUnion(_ other: AgentBitset) {
    if _words.count < other._words.count {
      _words.append(contentsOf: repeatElement(0, count: other._words.count - _words.count))
    }
    _words.withUnsafeMutableBufferPointer { d in
      other._words.withUnsafeBufferPointer { s in
        var i = 0
        while i < s.count {
          d[i] |= s[i]
          i += 1
        }
      }
    }
  }

  /// Removes the members of `other` (word-wide AND-NOT).
  ///
  /// - Complexity: O(w).
  @inlinable
  public mutating func subtract(_ other: AgentBitset) {
    _words.withUnsafeMutableBufferPointer { d in
      other._words.withUnsafeBufferPointer { s in
        let n = Swift.min(d.count, s.count)
        var i = 0
        while i < n {
          d[i] &= ~s[i]
          i += 1
        }
      }
    }
  }

  /// The members of both sets.
  ///
  /// - Complexity: O(w).
  @inlinable
  public func intersection(_ other: AgentBitset) -> AgentBitset {
    var r = self
    r.formIntersection(other)
    return r
  }

  /// The members of either set.
  ///
  /// - Complexity: O(w).
  @inlinable
  public func union(_ other: AgentBitset) -> AgentBitset {
    var r = self
    r.formUnion(other)
    return r
  }

  /// The members of this set not in `other`.
  ///
  /// - Complexity: O(w).
  @inlinable
  public func subtracting(_ other: AgentBitset) -> AgentBitset {
    var r = self
    r.subtract(other)
    return r
  }

  /// Whether the two sets share a member.
  ///
  /// - Complexity: O(w).
  @inlinable
  public func intersects(_ other: AgentBitset) -> Bool {
    let n = Swift.min(_words.count, other._words.count)
    for i in 0..<n where _words[i] & other._words[i] != 0 { return true }
    return false
  }

  /// Iterates the members in ascending order.
  @frozen
  public struct Iterator: IteratorProtocol {
    @usableFromInline let words: ContiguousArray<UInt64>
    @usableFromInline var index: Int
    @usableFromInline var current: UInt64

    @inlinable init(_ words: ContiguousArray<UInt64>) {
      self.words = words
      index = 0
      current = words.first ?? 0
    }

    /// The next member, or `nil`.
    @inlinable
    public mutating func next() -> Int? {
      while current == 0 {
        index += 1
        if index >= words.count { return nil }
        current = words[index]
      }
      let bit = current.trailingZeroBitCount
      current &= current &- 1
      return index << 6 | bit
    }
  }

  /// An iterator over the members in ascending order.
  @inlinable public func makeIterator() -> Iterator { Iterator(_words) }

  /// The members, as `{1, 5, 64}`.
  public var description: String {
    "{" + self.map(String.init).joined(separator: ", ") + "}"
  }
}

extension AgentBitset: Equatable {
  /// Equal when the members are the same (capacity does not matter).
  @inlinable
  public static func == (a: AgentBitset, b: AgentBitset) -> Bool {
    let n = Swift.max(a._words.count, b._words.count)
    for i in 0..<n {
      let x = i < a._words.count ? a._words[i] : 0
      let y = i < b._words.count ? b._words[i] : 0
      if x != y { return false }
    }
    return true
  }
}
