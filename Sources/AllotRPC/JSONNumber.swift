import Allot

/// A JSON number, kept as the exact text it was written with.
///
/// Keeping the text lets each reader take the number the way the wire contract wants it:
/// integers exactly (``int64Value`` refuses `2.0`, `2e0` and anything out of range),
/// scalar quantities rounded half-up to 0.001 from the decimal digits (``milli``, never
/// through binary floating point), weights and shares as the nearest `Double`
/// (``doubleValue``).
///
///     let n = JSONNumber("0.0005")!
///     n.int64Value    // nil: not an integer
///     n.milli         // .ok(1): rounded half-up
///     n.doubleValue   // 0.0005
///
/// The text always has RFC 8259 number syntax: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
@frozen
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
  /// The number's text, in RFC 8259 number syntax (ASCII).
  public let text: String

  @usableFromInline
  init(uncheckedText text: String) { self.text = text }

  /// Creates a number from its text, or `nil` when the text is not exactly one RFC 8259
  /// number (no spaces, no `+`, no leading zeros, no `NaN`).
  ///
  ///     JSONNumber("1e3")   // text "1e3"
  ///     JSONNumber("01")    // nil
  ///
  /// - Complexity: O(*n*) in the length of the text.
  public init?(_ text: String) {
    let valid = JSONNumber.withBytes(text) { p in JSONNumber.syntaxLength(p, 0) == p.count }
    guard valid else { return nil }
    self.text = text
  }

  /// Creates an integer number.
  ///
  ///     JSONNumber(-42).text  // "-42"
  public init(_ value: Int64) {
    var w = JSONWriter()
    w.write(value)
    self.text = String(decoding: w.bytes, as: UTF8.self)
  }

  /// Creates an integer number.
  ///
  ///     JSONNumber(7).text  // "7"
  public init(_ value: Int) { self.init(Int64(value)) }

  /// Creates a number from thousandths, written as the shortest decimal with at most three
  /// fraction digits and no exponent.
  ///
  ///     JSONNumber(milli: 125).text   // "0.125"
  ///     JSONNumber(milli: 4000).text  // "4"
  public init(milli: Int64) {
    var w = JSONWriter()
    w.writeMilli(milli)
    self.text = String(decoding: w.bytes, as: UTF8.self)
  }

  /// Creates a number from a quantity, written as ``JSONWriter/write(_:)-(Quantity)`` writes
  /// it.
  ///
  ///     JSONNumber(Quantity(milli: 500)).text  // "0.5"
  public init(_ quantity: Quantity) { self.init(milli: quantity.milli) }

  /// Creates a number from a `Double`, written as the shortest decimal that reads back as the
  /// same double, without exponent; `nil` for NaN and infinities, which JSON cannot express.
  ///
  ///     JSONNumber(1e-7)?.text  // "0.0000001"
  ///     JSONNumber(1.0)?.text   // "1"
  public init?(_ value: Double) {
    guard value.isFinite else { return nil }
    var w = JSONWriter()
    w.write(value)
    self.text = String(decoding: w.bytes, as: UTF8.self)
  }

  /// The number's text.
  ///
  /// The same as ``text``.
  public var description: String { text }

  /// Whether the text is an integer: no fraction and no exponent (`2` yes, `2.0` and `2e0`
  /// no).
  ///
  /// - Complexity: O(*n*) in the length of the text.
  public var isInteger: Bool {
    !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == 0x45 }
  }

  /// The number as an exact `Int64`, or `nil` when it has a fraction or an exponent or is out
  /// of range.
  ///
  /// The wire contract writes integers (counts, range bounds, priorities) without fraction or
  /// exponent and answers `2.0` with `-32602`; this accessor is that rule. `-0` is 0.
  ///
  ///     JSONNumber("9223372036854775807")!.int64Value  // Int64.max
  ///     JSONNumber("9223372036854775808")!.int64Value  // nil
  ///     JSONNumber("2.0")!.int64Value                  // nil
  ///
  /// - Complexity: O(*n*) in the length of the text.
  public var int64Value: Int64? {
    JSONNumber.withBytes(text) { p -> Int64? in
      var i = 0
      let negative = p.count > 0 && p[0] == UInt8(ascii: "-")
      if negative { i = 1 }
      guard i < p.count else { return nil }
      var magnitude: UInt64 = 0
      while i < p.count {
        let d = p[i] &- 48
        guard d < 10 else { return nil }
        let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
        let (a, o2) = m.addingReportingOverflow(UInt64(d))
        guard !o1, !o2 else { return nil }
        magnitude = a
        i += 1
      }
      if negative {
        guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
        return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
      }
      guard magnitude <= UInt64(Int64.max) else { return nil }
      return Int64(magnitude)
    }
  }

  /// The number as the nearest `Double` (correctly rounded from the decimal text).
  ///
  /// Magnitudes beyond `Double`'s range give an infinity and tiny ones zero, so callers that
  /// need a finite value check `isFinite`.
  ///
  /// - Complexity: O(*n*) in the length of the text.
  public var doubleValue: Double {
    if let i = int64Value, i.magnitude <= 1 << 53 { return Double(i) }
    return Double(text) ?? .nan
  }

  /// The number in thousandths, rounded half-up from its decimal digits, as
  /// `Quantity.parseMilli(_:)` defines it (negative, too large and malformed values are
  /// reported, not thrown).
  ///
  /// Integers and decimals with at most three fraction digits and no exponent (what clients
  /// almost always send) take a direct path; everything else goes through
  /// `Quantity.parseMilli(_:)`. Both give the same result for every text.
  ///
  ///     JSONNumber("1.0005")!.milli  // .ok(1001)
  ///     JSONNumber("-1")!.milli      // .negative
  ///
  /// - Complexity: O(*n*) in the length of the text.
  public var milli: Quantity.ParseResult {
    JSONNumber.withBytes(text) { p -> Quantity.ParseResult in
      if let fast = JSONNumber.fastMilli(p) { return fast }
      return Quantity.parseMilli(p)
    }
  }

  /// Thousandths of a plain decimal (`-?digits(.d{1,3})?`, at most 13 integer digits), or `nil`
  /// to fall back to the general parser.
  static func fastMilli(_ p: UnsafeBufferPointer<UInt8>) -> Quantity.ParseResult? {
    var i = 0
    let negative = p.count > 0 && p[0] == UInt8(ascii: "-")
    if negative { i = 1 }
    let intStart = i
    var whole: Int64 = 0
    while i < p.count, p[i] &- 48 < 10 {
      whole = whole &* 10 &+ Int64(p[i] &- 48)
      i += 1
    }
    let intDigits = i - intStart
    guard intDigits >= 1, intDigits <= 13 else { return nil }
    guard intDigits == 1 || p[intStart] != UInt8(ascii: "0") else { return nil }
    var frac: Int64 = 0
    if i < p.count {
      guard p[i] == UInt8(ascii: ".") else { return nil }
      i += 1
      let fracStart = i
      while i < p.count, p[i] &- 48 < 10 {
        frac = frac &* 10 &+ Int64(p[i] &- 48)
        i += 1
      }
      let fracDigits = i - fracStart
      guard fracDigits >= 1, fracDigits <= 3, i == p.count else { return nil }
      for _ in fracDigits..<3 { frac &*= 10 }
    }
    let milli = whole &* 1000 &+ frac
    if milli == 0 { return .ok(0) }
    if negative { return .negative }
    if milli > Quantity.maxMilli { return .tooLarge }
    return .ok(milli)
  }

  /// Runs `body` on the UTF-8 bytes of `text`.
  @inline(__always)
  static func withBytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    if let r = text.utf8.withContiguousStorageIfAvailable(body) { return r }
    var copy = text
    return copy.withUTF8(body)
  }

  /// The length of the longest RFC 8259 number starting at `start`, or 0 when there is none.
  ///
  /// Follows Python's `json` scanner: a `.` or an exponent that is not followed by a digit
  /// is not part of the number (`1.` is the number `1` followed by `.`).
  @inline(__always)
  static func syntaxLength(_ p: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
    let n = p.count
    var j = start
    if j < n, p[j] == UInt8(ascii: "-") { j += 1 }
    guard j < n else { return 0 }
    let first = p[j]
    if first == UInt8(ascii: "0") {
      j += 1
    } else if first &- 49 < 9 {
      j += 1
      while j < n, p[j] &- 48 < 10 { j += 1 }
    } else {
      return 0
    }
    if j + 1 < n, p[j] == UInt8(ascii: "."), p[j + 1] &- 48 < 10 {
      j += 2
      while j < n, p[j] &- 48 < 10 { j += 1 }
    }
    if j + 1 < n, p[j] | 0x20 == UInt8(ascii: "e") {
      var k = j + 1
      if p[k] == UInt8(ascii: "+") || p[k] == UInt8(ascii: "-") { k += 1 }
      if k < n, p[k] &- 48 < 10 {
        k += 1
        while k < n, p[k] &- 48 < 10 { k += 1 }
        j = k
      }
    }
    return j - start
  }
}
