import Allot
import CAllot

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// The resource ids of one engine: (name, kind) pairs interned for the C API.
///
/// The engine itself speaks names; C callers intern a name once and pass small integers.
/// An id names a kind as well, so that a name used with both kinds (a caller's mistake the
/// engine rejects where it is used) never makes an id ambiguous.
struct ResourceTable: ~Copyable {
  /// At most 64 names (the engine's limit), each with both kinds.
  static let maxIDs = 128

  private(set) var names: [String] = []
  private(set) var isRanges: [Bool] = []
  private var cNames: [UnsafeMutablePointer<CChar>] = []
  private var scalarIDs: [String: UInt32] = [:]
  private var rangeIDs: [String: UInt32] = [:]

  init() {}

  deinit {
    for p in cNames { free(p) }
  }

  /// The id of (`name`, kind), interning it when new.
  mutating func intern(_ name: String, ranges: Bool, field: String = "name") throws(Failure)
    -> UInt32
  {
    if let id = ranges ? rangeIDs[name] : scalarIDs[name] { return id }
    try ResourceTable.validate(name, field: field)
    guard names.count < ResourceTable.maxIDs else {
      throw .misuse("too many resource ids: at most \(ResourceTable.maxIDs)", field: field)
    }
    guard let c = strdup(name) else { throw .noMemory("a resource name") }
    let id = UInt32(names.count)
    names.append(name)
    isRanges.append(ranges)
    cNames.append(c)
    if ranges { rangeIDs[name] = id } else { scalarIDs[name] = id }
    return id
  }

  /// The name's C string, owned by the table.
  func cName(_ id: UInt32) -> UnsafePointer<CChar>? {
    Int(id) < cNames.count ? UnsafePointer(cNames[Int(id)]) : nil
  }

  /// The name and kind of an id the table issued.
  @inline(__always)
  func entry(_ id: UInt32, field: @autoclosure () -> String) throws(Failure)
    -> (name: String, ranges: Bool)
  {
    let i = Int(id)
    guard i < names.count else {
      throw .misuse(
        "\(field()) is resource id \(id), which this engine never issued", field: field())
    }
    return (names[i], isRanges[i])
  }

  /// Resource names: `[a-z][a-z0-9_.-]*`, at most 64 bytes (the engine's own rule).
  static func validate(_ name: String, field: String) throws(Failure) {
    do throws(AllotError) {
      try ResourceNameRule.validate(name, field: field)
    } catch {
      throw Failure(error)
    }
  }

  // MARK: - C arrays to specs

  /// Appends scalar entries; with `counts`, an id of a range resource is a count of values
  /// (what tasks need), otherwise it is an error.
  func appendScalars(
    _ p: UnsafePointer<allot_scalar>?, _ count: Int, field: @autoclosure () -> String,
    counts: Bool, to spec: inout ResourceSpec
  ) throws(Failure) {
    let b = try CInput.buffer(p, count, field: field())
    spec.entries.reserveCapacity(spec.entries.count + b.count)
    for i in 0..<b.count {
      let s = b[i]
      let (name, ranges) = try entry(s.resource, field: "\(field())[\(i)]")
      if ranges && !counts {
        throw .invalid(
          "\(field())[\(i)]", "'\(name)' is a range resource id: give its values as ranges")
      }
      spec.entries.append(ResourceSpec.Entry(name: name, value: .scalar(Quantity(milli: s.milli))))
    }
  }

  /// Appends range entries, one per resource in order of first appearance.
  func appendRanges(
    _ p: UnsafePointer<allot_range>?, _ count: Int, field: @autoclosure () -> String,
    to spec: inout ResourceSpec
  ) throws(Failure) {
    let b = try CInput.buffer(p, count, field: field())
    var at: [UInt32: Int] = [:]
    for i in 0..<b.count {
      let r = b[i]
      let (name, ranges) = try entry(r.resource, field: "\(field())[\(i)]")
      if !ranges {
        throw .invalid("\(field())[\(i)]", "'\(name)' is a scalar resource id: give it as a scalar")
      }
      guard r.first <= r.last else {
        throw .invalid(
          "\(field())[\(i)]", "\(field())[\(i)]: first \(r.first) is above last \(r.last)")
      }
      if let k = at[r.resource] {
        if case .ranges(var list) = spec.entries[k].value {
          list.append(r.first...r.last)
          spec.entries[k].value = .ranges(list)
        }
      } else {
        at[r.resource] = spec.entries.count
        spec.entries.append(ResourceSpec.Entry(name: name, value: .ranges([r.first...r.last])))
      }
    }
  }

  /// A spec of scalars only (quotas, task needs).
  func scalarSpec(
    _ p: UnsafePointer<allot_scalar>?, _ count: Int, field: @autoclosure () -> String,
    counts: Bool
  ) throws(Failure) -> ResourceSpec {
    var spec = ResourceSpec()
    try appendScalars(p, count, field: field(), counts: counts, to: &spec)
    return spec
  }
}
