/// The kind of an interned resource name and its dense index within that kind.
@usableFromInline
enum ResourceKind: Hashable, Sendable {
  case scalar(Int)
  case ranges(Int)
}

/// An immutable snapshot of the interned names, shared by every result built while it is
/// current (a new name makes a new snapshot).
public final class ResourceNames: Sendable {
  /// Scalar names by scalar index.
  public let scalarNames: [String]
  /// Range names by range index.
  public let rangeNames: [String]
  /// Scalar indices sorted by the bytes of their names.
  let scalarOrder: [Int]
  /// Range indices sorted by the bytes of their names.
  let rangeOrder: [Int]

  init(scalarNames: [String], rangeNames: [String]) {
    self.scalarNames = scalarNames
    self.rangeNames = rangeNames
    scalarOrder = scalarNames.indices.sorted {
      scalarNames[$0].utf8.lexicographicallyPrecedes(scalarNames[$1].utf8)
    }
    rangeOrder = rangeNames.indices.sorted {
      rangeNames[$0].utf8.lexicographicallyPrecedes(rangeNames[$1].utf8)
    }
  }
}

/// Interns resource names into dense scalar and range indices.
///
/// At most ``maxNames`` distinct names, of which at most ``ScalarVector/capacity`` scalars;
/// a name's kind is fixed when it is first seen.
struct ResourceRegistry: Sendable {
  /// The most distinct resource names an engine accepts.
  static let maxNames = 64

  private(set) var byName: [String: ResourceKind] = [:]
  private(set) var names = ResourceNames(scalarNames: [], rangeNames: [])

  var scalarCount: Int { names.scalarNames.count }
  var rangeCount: Int { names.rangeNames.count }

  /// Names and kinds in interning order, for a linear lookup: names are short ASCII, so
  /// comparing them is a 16-byte compare, cheaper than hashing for the usual handful.
  private(set) var ordered: [(String, ResourceKind)] = []

  /// The scalar index of `gpus` once it is interned (every agent added or changed asks;
  /// snapshots restore the registry through `intern`, which sets it).
  private(set) var gpuScalarIndex: Int?

  func kind(of name: String) -> ResourceKind? {
    if ordered.count <= 16 {
      for (n, k) in ordered where n == name { return k }
      return nil
    }
    return byName[name]
  }

  func scalarIndex(_ name: String) -> Int? {
    if case .scalar(let i)? = kind(of: name) { return i }
    return nil
  }

  /// Validates a resource name: `[a-z][a-z0-9_.-]*`, at most 64 bytes.
  static func validateName(_ name: String, field: String) throws(AllotError) {
    let u = Array(name.utf8)
    guard let first = u.first, first >= 97, first <= 122 else {
      throw .invalid(field, "resource name '\(name)' must match [a-z][a-z0-9_.-]*")
    }
    guard u.count <= 64 else {
      throw .invalid(field, "resource name '\(name.prefix(64))...' is longer than 64 bytes")
    }
    for c in u {
      let ok = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 95 || c == 46 || c == 45
      if !ok { throw .invalid(field, "resource name '\(name)' must match [a-z][a-z0-9_.-]*") }
    }
  }

  /// Returns the kind of `name`, interning it with `wanted` kind if it is new.
  mutating func intern(_ name: String, scalar wanted: Bool, field: String) throws(AllotError)
    -> ResourceKind
  {
    if let k = kind(of: name) {
      switch (k, wanted) {
      case (.scalar, true), (.ranges, false): return k
      case (.scalar, false):
        throw .invalid(field, "\(field) must be a number: '\(name)' is a scalar resource")
      case (.ranges, true):
        throw .invalid(field, "\(field) must be ranges: '\(name)' is a range resource")
      }
    }
    try ResourceRegistry.validateName(name, field: field)
    guard byName.count < ResourceRegistry.maxNames else {
      throw .invalid(
        field, "too many resource names: at most \(ResourceRegistry.maxNames) distinct names")
    }
    if wanted && names.scalarNames.count >= ScalarVector.capacity {
      throw .invalid(
        field,
        "too many scalar resource names: at most \(ScalarVector.capacity) distinct scalar names")
    }
    var s = names.scalarNames
    var r = names.rangeNames
    let k: ResourceKind
    if wanted {
      k = .scalar(s.count)
      s.append(name)
    } else {
      k = .ranges(r.count)
      r.append(name)
    }
    byName[name] = k
    ordered.append((name, k))
    if wanted && name == "gpus" { gpuScalarIndex = s.count - 1 }
    names = ResourceNames(scalarNames: s, rangeNames: r)
    return k
  }
}

/// The engine's rule for resource names, for the other modules of the package (the C API
/// validates the names of its resource table with it, so both give the same answer).
package enum ResourceNameRule {
  /// Throws `invalidParams` naming `field` unless `name` matches `[a-z][a-z0-9_.-]*` and is
  /// at most 64 bytes.
  package static func validate(_ name: String, field: String) throws(AllotError) {
    try ResourceRegistry.validateName(name, field: field)
  }
}
