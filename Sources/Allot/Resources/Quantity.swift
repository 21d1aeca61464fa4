/// A non-negative scalar amount in fixed point: an integer count of thousandths.
///
/// Quantities are exact under any number of additions and subtractions: `0.1 + 0.2` is
/// `0.3`, a million times over. The largest valid quantity is 2^53 thousandths
/// (``maxMilli``), so every quantity and every sum the engine allows fits a `Double` exactly.
///
/// Build one from milli-units, from decimal text (rounded half-up to 0.001 from its digits,
/// never through binary floating point), or from a `Double` (through its shortest decimal
/// form):
///
///     let a = Quantity(milli: 1500)                 // 1.5
///     let b = try Quantity(parsing: "0.0005")       // 0.001 (half-up)
///     let c = try Quantity(2.25)                    // 2.25
///     let d: Quantity = 4                           // literals
@frozen
public struct Quantity: Hashable, Comparable, Sendable, CustomStringConvertible,
  ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral
{
  /// The amount in thousandths.
  public var milli: Int64

  /// The largest amount, in thousandths: 2^53.
  public static let maxMilli: Int64 = 1 << 53

  /// Zero.
  public static let zero = Quantity(milli: 0)

  /// Creates a quantity from thousandths.
  ///
  /// The engine rejects values outside
  /// `0...maxMilli` where they enter it.
  @inlinable
  public init(milli: Int64) { self.milli = milli }

  /// Creates a quantity from an integer literal (whole units).
  ///
  /// A literal out of range is a programmer error and traps.
  public init(integerLiteral value: Int64) {
    precondition(value >= 0 && value <= Quantity.maxMilli / 1000, "quantity literal out of range")
    self.milli = value * 1000
  }

  /// Creates a quantity from a float literal, through its shortest decimal form.
  ///
  /// A literal out of range is a programmer error and traps.
  public init(floatLiteral value: Double) {
    guard let q = try? Quantity(value) else { preconditionFailure("invalid quantity literal") }
    self = q
  }

  /// Creates a quantity from a `Double`, rounding its shortest decimal form half-up to 0.001.
  ///
  /// - Throws: ``AllotError/Kind/invalidParams`` for NaN, infinities, negative values and
  ///   values above 2^53/1000.
  public init(_ value: Double, field: String = "value") throws(AllotError) {
    guard value.isFinite else {
      throw .invalid(field, "\(field) must be a finite number")
    }
    try self.init(parsing: "\(value)", field: field)
  }

  /// Parses decimal text in JSON number syntax (`12`, `0.5`, `1e3`, `-0`), rounding half-up
  /// (away from zero) to 0.001 from the digits as written.
  ///
  /// - Complexity: O(n) in the length of the text.
  /// - Throws: ``AllotError/Kind/invalidParams`` naming `field` when the text is not a
  ///   number, is negative after rounding, or exceeds 2^53/1000.
  public init(parsing text: String, field: String = "value") throws(AllotError) {
    switch Quantity.parseMilli(Array(text.utf8)) {
    case .ok(let m): self.milli = m
    case .negative: throw .invalid(field, "\(field) must not be negative")
    case .tooLarge: throw .invalid(field, "\(field) must be at most 2^53/1000")
    case .malformed: throw .invalid(field, "\(field) is not a number: '\(text)'")
    }
  }

  /// The outcome of parsing decimal digits into thousandths.
  public enum ParseResult: Hashable, Sendable {
    /// A valid amount in thousandths.
    case ok(Int64)
    /// Negative after rounding.
    case negative
    /// Above 2^53 thousandths.
    case tooLarge
    /// Not JSON number syntax.
    case malformed
  }

  /// Parses JSON number bytes into thousandths, rounding half-up from the digits.
  ///
  /// Used by the JSON layer on raw bytes so numbers never pass through `Double`.
  ///
  /// - Complexity: O(n) in the number of bytes.
  public static func parseMilli<C: Collection>(_ bytes: C) -> ParseResult where C.Element == UInt8 {
    var i = bytes.startIndex
    let end = bytes.endIndex
    var negative = false
    if i < end, bytes[i] == UInt8(ascii: "-") {
      negative = true
      i = bytes.index(after: i)
    }
    // Collect significant digits: integer part and fraction part.
    var intDigits: [UInt8] = []
    var fracDigits: [UInt8] = []
    var sawDigit = false
    while i < end, bytes[i] >= 48, bytes[i] <= 57 {
      intDigits.append(bytes[i] - 48)
      sawDigit = true
      i = bytes.index(after: i)
    }
    guard sawDigit else { return .malformed }
    if intDigits.count > 1, intDigits[0] == 0 { return .malformed }
    if i < end, bytes[i] == UInt8(ascii: ".") {
      i = bytes.index(after: i)
      var any = false
      while i < end, bytes[i] >= 48, bytes[i] <= 57 {
        fracDigits.append(bytes[i] - 48)
        any = true
        i = bytes.index(after: i)
      }
      if !any { return .malformed }
    }
    var exponent = 0
    if i < end, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
      i = bytes.index(after: i)
      var expNegative = false
      if i < end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
        expNegative = bytes[i] == UInt8(ascii: "-")
        i = bytes.index(after: i)
      }
      var any = false
      while i < end, bytes[i] >= 48, bytes[i] <= 57 {
        if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[i] - 48) }
        any = true
        i = bytes.index(after: i)
      }
      if !any { return .malformed }
      if expNegative { exponent = -exponent }
    }
    guard i == end else { return .malformed }
    // Value = 0.<digits> * 10^(pointPos); we need floor(value*1000 + 0.5) on the magnitude.
    var digits = intDigits + fracDigits
    var point = intDigits.count + exponent  // position of the decimal point within digits
    // Strip leading zeros (they do not change the value).
    var lead = 0
    while lead < digits.count - 1, digits[lead] == 0 { lead += 1 }
    if lead > 0 {
      digits.removeFirst(lead)
      point -= lead
    }
    if digits.count == 1, digits[0] == 0 { return .ok(0) }
    // Integer part of value*1000 is digits[0 ..< point+3]; the next digit decides rounding.
    let cut = point + 3
    if cut >= 17 { return negative ? .negative : .tooLarge }  // >= 10^16 > 2^53 milli
    var milli: Int64 = 0
    if cut > 0 {
      for k in 0..<cut {
        milli = milli * 10 + Int64(k < digits.count ? digits[k] : 0)
      }
    }
    if cut >= 0, cut < digits.count, digits[cut] >= 5 { milli += 1 }
    if milli == 0 { return .ok(0) }
    if negative { return .negative }
    if milli > maxMilli { return .tooLarge }
    return .ok(milli)
  }

  /// The shortest decimal form with at most three fraction digits and no exponent.
  ///
  ///     Quantity(milli: 4000).description   // "4"
  ///     Quantity(milli: 125).description    // "0.125"
  public var description: String { Quantity.format(milli: milli) }

  /// Formats thousandths as the shortest decimal with at most three fraction digits.
  public static func format(milli: Int64) -> String {
    let negative = milli < 0
    let m = milli.magnitude
    let whole = m / 1000
    var frac = m % 1000
    var s = negative ? "-" : ""
    s += String(whole)
    if frac != 0 {
      var width = 3
      while frac % 10 == 0 {
        frac /= 10
        width -= 1
      }
      let digits = String(frac)
      s += "." + String(repeating: "0", count: width - digits.count) + digits
    }
    return s
  }

  /// The amount as a `Double` (exact: every valid quantity is a multiple of 0.001 below 2^53
  /// thousandths, and the division rounds correctly).
  @inlinable
  public var doubleValue: Double { Double(milli) / 1000 }

  /// Orders by amount.
  @inlinable
  public static func < (a: Quantity, b: Quantity) -> Bool { a.milli < b.milli }

  /// The exact sum.
  @inlinable
  public static func + (a: Quantity, b: Quantity) -> Quantity { Quantity(milli: a.milli + b.milli) }

  /// The exact difference.
  @inlinable
  public static func - (a: Quantity, b: Quantity) -> Quantity { Quantity(milli: a.milli - b.milli) }
}
