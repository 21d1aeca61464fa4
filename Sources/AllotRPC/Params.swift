import Allot

/// Reads a request's `params` member by member, with the contract's `-32602` errors: the
/// field path in `data.field` and a sentence in the message.
///
/// A member whose value is
/// `null` is treated as omitted; unknown members are ignored.
struct Params {
  let object: JSONObject
  /// The path of this object within `params` (empty at the top).
  let path: String

  init(_ object: JSONObject, path: String = "") {
    self.object = object
    self.path = path
  }

  func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

  func value(_ key: String) -> JSONValue? {
    guard let v = object[key], !v.isNull else { return nil }
    return v
  }

  static func typeError(_ field: String, _ want: String, _ got: JSONValue) -> AllotError {
    AllotError(.invalidParams, field: field, "\(field) must be \(want), not \(got.kindName)")
  }

  func string(_ key: String) throws(AllotError) -> String? {
    guard let v = value(key) else { return nil }
    guard case .string(let s) = v else { throw Params.typeError(field(key), "a string", v) }
    return s
  }

  func requiredString(_ key: String) throws(AllotError) -> String {
    guard let s = try string(key) else {
      throw AllotError(.invalidParams, field: field(key), "\(field(key)) is required")
    }
    return s
  }

  /// An id member (1 to 255 bytes, no control characters), checked where it is read so that
  /// the first invalid member in the contract's order is the one reported.
  func id(_ key: String) throws(AllotError) -> String? {
    guard let s = try string(key) else { return nil }
    try Validate.id(s, field: field(key))
    return s
  }

  func requiredID(_ key: String) throws(AllotError) -> String {
    let s = try requiredString(key)
    try Validate.id(s, field: field(key))
    return s
  }

  /// A role member, checked where it is read.
  func role(_ key: String) throws(AllotError) -> String? {
    guard let s = try string(key) else { return nil }
    try Validate.role(s, field: field(key))
    return s
  }

  func bool(_ key: String) throws(AllotError) -> Bool? {
    guard let v = value(key) else { return nil }
    guard case .bool(let b) = v else { throw Params.typeError(field(key), "true or false", v) }
    return b
  }

  /// An integer written without fraction or exponent (`2.0` is rejected).
  static func integer(_ v: JSONValue, field: String) throws(AllotError) -> Int64 {
    guard case .number(let n) = v else { throw typeError(field, "an integer", v) }
    guard n.isInteger, let i = n.int64Value else {
      throw AllotError(
        .invalidParams, field: field,
        "\(field) must be an integer written without fraction or exponent")
    }
    return i
  }

  func integer(_ key: String) throws(AllotError) -> Int64? {
    guard let v = value(key) else { return nil }
    return try Params.integer(v, field: field(key))
  }

  /// A scalar in thousandths, rounded half-up from the digits as written.
  static func milli(_ v: JSONValue, field: String) throws(AllotError) -> Int64 {
    guard case .number(let n) = v else { throw typeError(field, "a number", v) }
    switch n.milli {
    case .ok(let m): return m
    case .negative: throw AllotError(.invalidParams, field: field, "\(field) must not be negative")
    case .tooLarge:
      throw AllotError(.invalidParams, field: field, "\(field) must be at most 2^53/1000")
    case .malformed: throw AllotError(.invalidParams, field: field, "\(field) is not a number")
    }
  }

  func seconds(_ key: String) throws(AllotError) -> Seconds? {
    guard let v = value(key) else { return nil }
    return Seconds(milli: try Params.milli(v, field: field(key)))
  }

  /// A number above 0 (weights), as a double.
  func positiveDouble(_ key: String) throws(AllotError) -> Double? {
    guard let v = value(key) else { return nil }
    guard case .number(let n) = v else { throw Params.typeError(field(key), "a number", v) }
    let d = n.doubleValue
    guard d.isFinite, d > 0, d <= Double(Quantity.maxMilli) / 1000 else {
      throw AllotError(
        .invalidParams, field: field(key),
        "\(field(key)) must be a number above 0 and at most 2^53/1000")
    }
    return d
  }

  func objectParams(_ key: String) throws(AllotError) -> Params? {
    guard let v = value(key) else { return nil }
    guard case .object(let o) = v else { throw Params.typeError(field(key), "an object", v) }
    return Params(o, path: field(key))
  }

  func array(_ key: String) throws(AllotError) -> [JSONValue]? {
    guard let v = value(key) else { return nil }
    guard case .array(let a) = v else { throw Params.typeError(field(key), "an array", v) }
    return a
  }

  func stringArray(_ key: String) throws(AllotError) -> [String]? {
    guard let a = try array(key) else { return nil }
    var out: [String] = []
    for (i, v) in a.enumerated() {
      guard case .string(let s) = v else {
        throw Params.typeError("\(field(key))[\(i)]", "a string", v)
      }
      out.append(s)
    }
    return out
  }

  /// Resources: name -> number (scalar) or array of `[a, b]` integer pairs (ranges).
  static func resources(_ v: JSONValue, field: String) throws(AllotError) -> ResourceSpec {
    guard case .object(let o) = v else { throw typeError(field, "an object of resources", v) }
    var spec = ResourceSpec()
    for m in o.members {
      let f = "\(field).\(m.key)"
      switch m.value {
      case .null:
        continue
      case .number:
        spec.entries.append(
          .init(name: m.key, value: .scalar(Quantity(milli: try milli(m.value, field: f)))))
      case .array(let pairs):
        var ranges: [ClosedRange<UInt64>] = []
        for (i, p) in pairs.enumerated() {
          guard case .array(let ab) = p, ab.count == 2 else {
            throw AllotError(
              .invalidParams, field: "\(f)[\(i)]", "\(f)[\(i)] must be a pair [a, b]")
          }
          let a = try integer(ab[0], field: "\(f)[\(i)][0]")
          let b = try integer(ab[1], field: "\(f)[\(i)][1]")
          guard a >= 0, b >= a, b <= Quantity.maxMilli else {
            throw AllotError(
              .invalidParams, field: "\(f)[\(i)]", "\(f)[\(i)] must satisfy 0 <= a <= b <= 2^53")
          }
          ranges.append(UInt64(a)...UInt64(b))
        }
        spec.entries.append(.init(name: m.key, value: .ranges(ranges)))
      default:
        throw typeError(f, "a number or an array of ranges", m.value)
      }
    }
    return spec
  }

  func resources(_ key: String) throws(AllotError) -> ResourceSpec? {
    guard let v = value(key) else { return nil }
    return try Params.resources(v, field: field(key))
  }

  /// An object of string -> string (labels).
  func stringMap(_ key: String) throws(AllotError) -> [(String, String)]? {
    guard let v = value(key) else { return nil }
    guard case .object(let o) = v else {
      throw Params.typeError(field(key), "an object of strings", v)
    }
    var out: [(String, String)] = []
    for m in o.members {
      guard case .string(let s) = m.value else {
        throw Params.typeError("\(field(key)).\(m.key)", "a string", m.value)
      }
      out.append((m.key, s))
    }
    return out
  }
}
