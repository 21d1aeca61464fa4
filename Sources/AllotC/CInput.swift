import Allot
import CAllot

/// Reading what C passes in: every pointer and length is checked before use.
///
/// Field paths are autoclosures: they are formatted only when something is wrong, so the
/// success path builds no strings.
enum CInput {
  /// The most elements an array argument may hold (a larger count is a mistake, not data).
  static let maxCount = 1 << 24

  /// A NUL-terminated UTF-8 string that must be there.
  @inline(__always)
  static func string(_ p: UnsafePointer<CChar>?, field: @autoclosure () -> String)
    throws(Failure) -> String
  {
    guard let p else { throw .misuse("\(field()) is NULL", field: field()) }
    guard let s = String(validatingCString: p) else {
      throw .invalid(field(), "\(field()) is not valid UTF-8")
    }
    return s
  }

  /// A NUL-terminated UTF-8 string, or `nil` for NULL.
  @inline(__always)
  static func optionalString(_ p: UnsafePointer<CChar>?, field: @autoclosure () -> String)
    throws(Failure) -> String?
  {
    guard let p else { return nil }
    return try string(p, field: field())
  }

  /// An array of `count` elements; NULL only with a count of 0.
  @inline(__always)
  static func buffer<T>(
    _ p: UnsafePointer<T>?, _ count: Int, field: @autoclosure () -> String
  ) throws(Failure) -> UnsafeBufferPointer<T> {
    guard count >= 0, count <= maxCount else {
      throw .misuse("\(field())_count is too large (at most \(maxCount))", field: field())
    }
    if count > 0 && p == nil {
      throw .misuse("\(field()) is NULL with a count of \(count)", field: field())
    }
    return UnsafeBufferPointer(start: count == 0 ? nil : p, count: count)
  }

  /// An array of `count` strings, none NULL.
  static func strings(
    _ p: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int, field: String
  ) throws(Failure) -> [String] {
    let b = try buffer(p, count, field: field)
    var out: [String] = []
    out.reserveCapacity(b.count)
    for (i, s) in b.enumerated() { out.append(try string(s, field: "\(field)[\(i)]")) }
    return out
  }

  /// A refusal in thousandths of a second: `ALLOT_REFUSE_DEFAULT` is the default.
  static func refusal(_ milli: Int64) throws(Failure) -> Seconds? {
    if milli == -1 { return nil }
    if milli < 0 {
      throw .invalid(
        "refuse_milli", "refuse_milli must not be negative (ALLOT_REFUSE_DEFAULT is -1)")
    }
    return Seconds(milli: milli)
  }

  /// A placement strategy constant.
  static func strategy(_ s: Int32) throws(Failure) -> PlacementStrategy {
    switch s {
    case 0: return .binpack
    case 1: return .spread
    case 2: return .balanced
    case 3: return .firstfit
    default:
      throw .invalid(
        "strategy",
        "strategy \(s) is not ALLOT_BINPACK, ALLOT_SPREAD, ALLOT_BALANCED or ALLOT_FIRSTFIT")
    }
  }
}
