/// UTF-8 validation and Python-style error positions, on bytes.
///
/// Validation follows the Unicode standard's table of well-formed byte sequences (Unicode 15,
/// table 3-7): no overlong forms, no encoded surrogates (U+D800 to U+DFFF), nothing above
/// U+10FFFF, no truncated sequences. Failure reasons and positions are those of Python's UTF-8
/// decoder: the position is the first byte of the bad sequence.
enum JSONUTF8 {
  /// The length of the well-formed multi-byte sequence starting at `i`, or 0 when it is not
  /// well formed.
  ///
  /// `p[i]` must be at least 0x80.
  @inline(__always)
  static func sequenceLength(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
    let n = p.count
    let b0 = p[i]
    if b0 < 0xC2 { return 0 }
    if b0 < 0xE0 {
      return i + 1 < n && p[i + 1] & 0xC0 == 0x80 ? 2 : 0
    }
    if b0 < 0xF0 {
      guard i + 2 < n else { return 0 }
      let b1 = p[i + 1]
      let lo: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80
      let hi: UInt8 = b0 == 0xED ? 0x9F : 0xBF
      guard b1 >= lo, b1 <= hi, p[i + 2] & 0xC0 == 0x80 else { return 0 }
      return 3
    }
    if b0 < 0xF5 {
      guard i + 3 < n else { return 0 }
      let b1 = p[i + 1]
      let lo: UInt8 = b0 == 0xF0 ? 0x90 : 0x80
      let hi: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF
      guard b1 >= lo, b1 <= hi, p[i + 2] & 0xC0 == 0x80, p[i + 3] & 0xC0 == 0x80 else {
        return 0
      }
      return 4
    }
    return 0
  }

  /// Why the sequence starting at `i` is not well formed, in the words of Python's decoder.
  static func failureReason(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> String {
    let b0 = p[i]
    let needed: Int
    var lo: UInt8 = 0x80
    var hi: UInt8 = 0xBF
    switch b0 {
    case 0xC2...0xDF: needed = 1
    case 0xE0...0xEF:
      needed = 2
      if b0 == 0xE0 { lo = 0xA0 }
      if b0 == 0xED { hi = 0x9F }
    case 0xF0...0xF4:
      needed = 3
      if b0 == 0xF0 { lo = 0x90 }
      if b0 == 0xF4 { hi = 0x8F }
    default: return "invalid start byte"
    }
    for k in 1...needed {
      guard i + k < p.count else { return "unexpected end of data" }
      let b = p[i + k]
      let ok = k == 1 ? (b >= lo && b <= hi) : (b & 0xC0 == 0x80)
      if !ok { return "invalid continuation byte" }
    }
    return "invalid continuation byte"
  }

  /// The offset of the first ill-formed sequence in `p`, or `nil` when all of `p` is UTF-8.
  ///
  /// - Complexity: O(*n*); ASCII runs are checked eight bytes at a time.
  static func firstInvalidOffset(_ p: UnsafeBufferPointer<UInt8>) -> Int? {
    let n = p.count
    guard let base = p.baseAddress else { return nil }
    let raw = UnsafeRawPointer(base)
    var i = 0
    while i < n {
      if i + 8 <= n,
        raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
      {
        i += 8
        continue
      }
      if p[i] < 0x80 {
        i += 1
        continue
      }
      let length = sequenceLength(p, i)
      if length == 0 { return i }
      i += length
    }
    return nil
  }

  /// The position of a byte offset as Python reports it.
  ///
  /// Line from 1, column in code points from 1, and code-point offset from 0. The bytes
  /// before `offset` must be valid UTF-8.
  ///
  /// - Complexity: O(*offset*).
  static func position(
    _ p: UnsafeBufferPointer<UInt8>, _ offset: Int
  ) -> (line: Int, column: Int, character: Int) {
    var line = 1
    var character = 0
    var lastNewline = -1  // code-point offset of the last "\n" before `offset`
    var i = 0
    while i < offset, i < p.count {
      let b = p[i]
      if b & 0xC0 != 0x80 {
        if b == 0x0A {
          line += 1
          lastNewline = character
        }
        character += 1
      }
      i += 1
    }
    return (line, character - lastNewline, character)
  }

  /// The two lowercase hexadecimal digits of `byte`, as Python writes bytes in messages.
  static func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef".utf8)
    return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 15)]], as: UTF8.self)
  }
}
