/// The dense id of a string interned by a ``LabelInterner``.
@frozen
public struct LabelID: Hashable, Comparable, Sendable {
  /// The id: the string's position in the interner.
  public var rawValue: UInt32

  /// Wraps a raw id.
  @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

  /// Orders by raw id (the order strings were first interned, not their text order).
  @inlinable public static func < (a: LabelID, b: LabelID) -> Bool { a.rawValue < b.rawValue }
}

/// Label keys and values interned once into dense 32-bit ids, so that matching compares
/// integers instead of strings.
///
/// Keys and values share one table. Strings are told apart by their UTF-8 bytes (Swift's
/// `==` would merge canonically equivalent strings; Kubernetes compares bytes). Each id also
/// carries the string's value as Go's `strconv.ParseInt(s, 10, 64)` reads it, for `gt`/`lt`.
///
///     var interner = LabelInterner()
///     let labels = interner.intern(labels: [("zone", "a"), ("rack", "7")])
///     let s = CompiledSelector(try LabelSelector(parsing: "rack>5"), interner: &interner)
///     s.matches(labels, in: interner)  // true
@frozen
public struct LabelInterner: Sendable {
  @usableFromInline var _ids: [ByteString: UInt32] = [:]
  @usableFromInline var _strings: ContiguousArray<String> = []
  /// The Go integer reading of each string, valid where `_isInteger` is set.
  @usableFromInline var _integers: ContiguousArray<Int64> = []
  @usableFromInline var _isInteger: ContiguousArray<Bool> = []

  /// Creates an empty interner.
  public init() {}

  /// The number of distinct strings interned.
  @inlinable public var count: Int { _strings.count }

  /// The id of `string`, interning it on first sight.
  ///
  /// - Complexity: O(n) in the string's length (one hash); amortised O(1) otherwise.
  @discardableResult
  public mutating func intern(_ string: String) -> LabelID {
    let key = ByteString(string)
    if let id = _ids[key] { return LabelID(rawValue: id) }
    precondition(_strings.count < Int(UInt32.max), "LabelInterner is full")
    let id = UInt32(_strings.count)
    _ids[key] = id
    _strings.append(string)
    let n = GoText.parseInt64(string)
    _integers.append(n ?? 0)
    _isInteger.append(n != nil)
    return LabelID(rawValue: id)
  }

  /// The id of `string` if it has been interned.
  ///
  /// - Complexity: O(n) in the string's length.
  public func id(of string: String) -> LabelID? {
    _ids[ByteString(string)].map(LabelID.init(rawValue:))
  }

  /// The string of an id.
  ///
  /// - Precondition: `id` came from this interner.
  @inlinable public func string(_ id: LabelID) -> String { _strings[Int(id.rawValue)] }

  /// The string's value as a Go 64-bit integer, if it reads as one.
  @inlinable
  public func integer(_ id: LabelID) -> Int64? {
    let i = Int(id.rawValue)
    return _isInteger[i] ? _integers[i] : nil
  }

  /// Interns a label set (unique keys, any order) into its compact form.
  ///
  /// - Complexity: O(l log l) in the number of labels.
  public mutating func intern(labels: [(String, String)]) -> InternedLabels {
    // No buffer for no labels (most agents have none).
    if labels.isEmpty { return InternedLabels() }
    var packed = ContiguousArray<UInt64>()
    packed.reserveCapacity(labels.count)
    for (k, v) in labels {
      packed.append(UInt64(intern(k).rawValue) << 32 | UInt64(intern(v).rawValue))
    }
    packed.sort()
    return InternedLabels(_storage: packed)
  }
}

/// A label set as interned ids: `(key, value)` pairs sorted by key id.
///
/// Made by ``LabelInterner/intern(labels:)``; matched by
/// ``CompiledSelector/matches(_:in:)`` with integer comparisons only.
@frozen
public struct InternedLabels: Hashable, Sendable {
  /// Each pair as `key << 32 | value`, ascending (so sorted by key id; keys are unique).
  @usableFromInline var _storage: ContiguousArray<UInt64>

  @inlinable init(_storage: ContiguousArray<UInt64>) { self._storage = _storage }

  /// The empty label set.
  public init() { _storage = [] }

  /// The number of labels.
  @inlinable public var count: Int { _storage.count }

  /// The pairs, sorted by key id.
  public var pairs: [(key: LabelID, value: LabelID)] {
    _storage.map {
      (LabelID(rawValue: UInt32($0 >> 32)), LabelID(rawValue: UInt32(truncatingIfNeeded: $0)))
    }
  }

  /// The value id for a key id, if the key is present.
  ///
  /// - Complexity: O(log l).
  @inlinable
  public func value(for key: LabelID) -> LabelID? {
    var lo = 0
    var hi = _storage.count
    let k = UInt64(key.rawValue)
    while lo < hi {
      let mid = (lo + hi) / 2
      let mk = _storage[mid] >> 32
      if mk < k {
        lo = mid + 1
      } else if mk > k {
        hi = mid
      } else {
        return LabelID(rawValue: UInt32(truncatingIfNeeded: _storage[mid]))
      }
    }
    return nil
  }
}
