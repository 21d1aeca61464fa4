/// Dense, typed indices used inside the engine.
///
/// Strings appear only at the API boundary.
@usableFromInline struct AgentIndex: Hashable, Sendable {
  @usableFromInline var raw: Int32
  @inlinable init(_ i: Int) { raw = Int32(truncatingIfNeeded: i) }
  @inlinable var i: Int { Int(raw) }
}

@usableFromInline struct FrameworkIndex: Hashable, Sendable {
  @usableFromInline var raw: Int32
  @inlinable init(_ i: Int) { raw = Int32(truncatingIfNeeded: i) }
  @inlinable var i: Int { Int(raw) }
}

@usableFromInline struct RoleIndex: Hashable, Sendable {
  @usableFromInline var raw: Int32
  @inlinable init(_ i: Int) { raw = Int32(truncatingIfNeeded: i) }
  @inlinable var i: Int { Int(raw) }
  static let root = RoleIndex(0)
}

/// A sort entry: a (framework, role) pair, a role within its parent, or a role's implicit
/// child holding its own frameworks.
@usableFromInline struct ClientIndex: Hashable, Sendable {
  @usableFromInline var raw: Int32
  @inlinable init(_ i: Int) { raw = Int32(truncatingIfNeeded: i) }
  @inlinable var i: Int { Int(raw) }
  static let none = ClientIndex(-1)
}

@usableFromInline struct OfferSlot: Hashable, Sendable {
  @usableFromInline var raw: Int32
  @inlinable init(_ i: Int) { raw = Int32(truncatingIfNeeded: i) }
  @inlinable var i: Int { Int(raw) }
}

@usableFromInline struct TaskSlot: Hashable, Sendable {
  @usableFromInline var raw: Int32
  @inlinable init(_ i: Int) { raw = Int32(truncatingIfNeeded: i) }
  @inlinable var i: Int { Int(raw) }
}

/// An offer's public identity: opaque, never reused.
///
/// Its text form is `o` and a sequence
/// number (`o1`, `o2`, ...).
public struct OfferID: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The sequence number (1 for the first offer an engine makes).
  public let sequence: UInt64

  /// Creates an id from its sequence number.
  public init(sequence: UInt64) { self.sequence = sequence }

  /// Parses the text form (`o17`); `nil` when the text is not one an engine issues.
  public init?(_ text: String) {
    let u = Array(text.utf8)
    guard u.count >= 2, u.count <= 21, u[0] == UInt8(ascii: "o"), u[1] != UInt8(ascii: "0") else {
      return nil
    }
    var v: UInt64 = 0
    for c in u.dropFirst() {
      guard c >= 48, c <= 57 else { return nil }
      let (m, o1) = v.multipliedReportingOverflow(by: 10)
      let (a, o2) = m.addingReportingOverflow(UInt64(c - 48))
      if o1 || o2 { return nil }
      v = a
    }
    sequence = v
  }

  /// `o17`.
  public var description: String { "o\(sequence)" }

  /// Orders by issue.
  public static func < (a: OfferID, b: OfferID) -> Bool { a.sequence < b.sequence }
}
