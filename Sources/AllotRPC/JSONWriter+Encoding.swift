/// The byte-level encoders behind ``JSONWriter``: strings, integers, thousandths, doubles.
extension JSONWriter {
  /// Appends the bytes of a static ASCII string.
  @inline(__always)
  mutating func appendStatic(_ s: StaticString) {
    bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
  }

  /// Appends a string's UTF-8 bytes as they are (no quotes, no escaping).
  mutating func appendRaw(_ s: String) {
    if s.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil {
      bytes.append(contentsOf: s.utf8)
    }
  }

  /// Appends a string in double quotes, escaped as Python's `json.dumps(ensure_ascii=False)`.
  mutating func appendString(_ s: String) {
    if s.utf8.withContiguousStorageIfAvailable({ appendQuoted($0) }) == nil {
      var copy = s
      copy.withUTF8 { appendQuoted($0) }
    }
  }

  /// Appends UTF-8 bytes in double quotes, escaping `"`, `\` and U+0000 to U+001F.
  mutating func appendQuoted(_ source: UnsafeBufferPointer<UInt8>) {
    bytes.append(0x22)
    let n = source.count
    var run = 0
    var k = 0
    while k < n {
      let c = source[k]
      if c >= 0x20, c != 0x22, c != 0x5C {
        k += 1
        continue
      }
      if run < k { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[run..<k])) }
      appendEscape(c)
      k += 1
      run = k
    }
    if run < n { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[run..<n])) }
    bytes.append(0x22)
  }

  /// Appends the escape sequence of one byte that JSON requires to be escaped.
  mutating func appendEscape(_ c: UInt8) {
    switch c {
    case 0x22: appendStatic("\\\"")
    case 0x5C: appendStatic("\\\\")
    case 0x08: appendStatic("\\b")
    case 0x0C: appendStatic("\\f")
    case 0x0A: appendStatic("\\n")
    case 0x0D: appendStatic("\\r")
    case 0x09: appendStatic("\\t")
    default:
      appendStatic("\\u00")
      bytes.append(JSONWriter.hexDigit(c >> 4))
      bytes.append(JSONWriter.hexDigit(c & 0x0F))
    }
  }

  /// The lowercase hexadecimal digit of `nibble` (0 to 15).
  @inline(__always)
  static func hexDigit(_ nibble: UInt8) -> UInt8 {
    nibble < 10 ? 0x30 + nibble : 0x61 - 10 + nibble
  }

  /// Appends an integer in decimal.
  @inline(__always)
  mutating func appendInteger(_ value: Int64) {
    if value < 0 { bytes.append(0x2D) }
    appendUnsigned(value.magnitude)
  }

  /// Appends an unsigned integer in decimal.
  mutating func appendUnsigned(_ value: UInt64) {
    if value < 10 {
      bytes.append(0x30 + UInt8(value))
      return
    }
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
      var m = value
      var k = 20
      repeat {
        k -= 1
        let (q, r) = m.quotientAndRemainder(dividingBy: 10)
        digits[k] = 0x30 + UInt8(truncatingIfNeeded: r)
        m = q
      } while m > 0
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[k..<20]))
    }
  }

  /// Appends thousandths as the shortest decimal with at most three fraction digits.
  mutating func appendMilli(_ milli: Int64) {
    if milli < 0 { bytes.append(0x2D) }
    let (whole, fraction) = milli.magnitude.quotientAndRemainder(dividingBy: 1000)
    appendUnsigned(whole)
    guard fraction != 0 else { return }
    let d1 = UInt8(truncatingIfNeeded: fraction / 100)
    let d2 = UInt8(truncatingIfNeeded: fraction / 10 % 10)
    let d3 = UInt8(truncatingIfNeeded: fraction % 10)
    bytes.append(0x2E)
    bytes.append(0x30 + d1)
    if d2 != 0 || d3 != 0 { bytes.append(0x30 + d2) }
    if d3 != 0 { bytes.append(0x30 + d3) }
  }

  /// Appends a double as the shortest round-trip decimal without exponent, `null` when it is
  /// not finite.
  mutating func appendDouble(_ value: Double) {
    guard value.isFinite else {
      appendStatic("null")
      return
    }
    if value == 0 {
      if value.sign == .minus { bytes.append(0x2D) }
      bytes.append(0x30)
      return
    }
    // Integers below 2^53 are their own shortest round-trip form.
    if value.magnitude < 9_007_199_254_740_992, value == value.rounded(.towardZero) {
      appendInteger(Int64(value))
      return
    }
    // Swift's description is the shortest round-trip digit string (SwiftDtoa), sometimes with
    // an exponent ("1e-07", "1.5e+16"); move the decimal point instead.
    let text = value.description
    if text.utf8.withContiguousStorageIfAvailable({ appendPlainDecimal($0) }) == nil {
      var copy = text
      copy.withUTF8 { appendPlainDecimal($0) }
    }
  }

  /// Appends a finite decimal in `[-]digits[.digits][e[+-]digits]` form as a plain decimal
  /// with the same significant digits, without exponent and without trailing zeros after the
  /// point.
  mutating func appendPlainDecimal(_ s: UnsafeBufferPointer<UInt8>) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(s.count, 1)) { digits in
      var k = 0
      let negative = s.count > 0 && s[0] == 0x2D
      if negative { k = 1 }
      var count = 0
      var integerDigits = 0
      var afterPoint = false
      while k < s.count {
        let c = s[k]
        if c &- 0x30 < 10 {
          digits[count] = c
          count += 1
          if !afterPoint { integerDigits += 1 }
        } else if c == 0x2E {
          afterPoint = true
        } else {
          break
        }
        k += 1
      }
      var exponent = 0
      if k < s.count, s[k] | 0x20 == 0x65 {
        k += 1
        var negativeExponent = false
        if k < s.count, s[k] == 0x2D || s[k] == 0x2B {
          negativeExponent = s[k] == 0x2D
          k += 1
        }
        while k < s.count, s[k] &- 0x30 < 10, exponent < 100_000 {
          exponent = exponent * 10 + Int(s[k] &- 0x30)
          k += 1
        }
        if negativeExponent { exponent = -exponent }
      }
      // The value is 0.d1d2d3... × 10^point.
      var point = integerDigits + exponent
      var first = 0
      while first < count, digits[first] == 0x30 {
        first += 1
        point -= 1
      }
      var last = count
      while last > first, digits[last - 1] == 0x30 { last -= 1 }
      guard first < last else {
        bytes.append(0x30)
        return
      }
      if negative { bytes.append(0x2D) }
      let significant = last - first
      if point <= 0 {
        appendStatic("0.")
        bytes.append(contentsOf: repeatElement(0x30, count: -point))
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[first..<last]))
      } else if point >= significant {
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[first..<last]))
        bytes.append(contentsOf: repeatElement(0x30, count: point - significant))
      } else {
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[first..<first + point]))
        bytes.append(0x2E)
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[first + point..<last]))
      }
    }
  }
}
