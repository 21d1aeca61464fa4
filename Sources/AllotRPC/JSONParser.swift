/// The bounds ``JSONParser`` enforces, so that no input can make it use unbounded time,
/// memory or stack.
///
/// Every limit is checked as the parser meets it and reported as a ``JSONError`` at the
/// offending value (kinds ``JSONError/Kind/tooDeep``, ``JSONError/Kind/stringTooLong``,
/// ``JSONError/Kind/numberTooLong``, ``JSONError/Kind/tooManyValues``). The defaults suit the
/// wire contract, whose lines are at most 1 MiB:
///
/// - ``maxDepth`` 64: requests nest four or five levels (a task's affinity terms are the
///   deepest); 64 leaves room and keeps every later walk over the tree shallow.
/// - ``maxStringBytes`` 1 MiB: a string may fill a whole line, never more.
/// - ``maxNumberBytes`` 512: the longest number ``JSONWriter`` writes is a `Double` without
///   exponent, at most 327 bytes (`-2.2250738585072014e-308` as a plain decimal), so every
///   number this module writes reads back; anything longer is noise.
/// - ``maxValues`` 2^20: about one value per byte of a maximal line, so that at the default
///   line limit the line limit binds first; lower it to bound the memory of one request
///   further (a value costs about 32 bytes of tree).
///
///     var limits = JSONLimits()
///     limits.maxDepth = 16
///     var parser = JSONParser(limits: limits)
@frozen
public struct JSONLimits: Sendable, Hashable {
  /// The deepest nesting of arrays and objects: `[[1]]` has depth 2, a scalar depth 0.
  public var maxDepth: Int

  /// The longest string, in UTF-8 bytes after unescaping (keys included).
  public var maxStringBytes: Int

  /// The longest number, in bytes of its text.
  public var maxNumberBytes: Int

  /// The most values in one text: every scalar, array and object counts one (keys do not).
  public var maxValues: Int

  /// Creates limits; every argument defaults to the value described on ``JSONLimits``.
  ///
  /// - Parameters:
  ///   - maxDepth: The deepest nesting of arrays and objects (default 64).
  ///   - maxStringBytes: The longest string in UTF-8 bytes (default 1 MiB).
  ///   - maxNumberBytes: The longest number text in bytes (default 512).
  ///   - maxValues: The most values in one text (default 2^20).
  public init(
    maxDepth: Int = 64, maxStringBytes: Int = 1 << 20, maxNumberBytes: Int = 512,
    maxValues: Int = 1 << 20
  ) {
    self.maxDepth = maxDepth
    self.maxStringBytes = maxStringBytes
    self.maxNumberBytes = maxNumberBytes
    self.maxValues = maxValues
  }
}

/// A strict RFC 8259 JSON parser on bytes, producing a ``JSONValue`` tree.
///
/// Strictness: exactly RFC 8259's grammar (no comments, no trailing commas, no single
/// quotes, no `NaN` or `Infinity`, no leading zeros, no leading `+`); whitespace is space,
/// tab, LF and CR only; the whole input must be UTF-8 (no overlong forms, no encoded
/// surrogates, nothing above U+10FFFF, no truncated sequences) without a byte order mark;
/// raw control characters U+0000 to U+001F must be escaped inside strings; a `\u` escape of
/// a surrogate must be a high-low pair; one value, with only whitespace around it.
///
/// Duplicate keys: an object with two members of the same key (compared by UTF-8 bytes) is
/// refused with ``JSONError/Kind/duplicateKey``. RFC 8259 leaves their meaning open and
/// parsers disagree (first wins, last wins, error), so a request that relies on one reading
/// is ambiguous; the wire contract answers it with `-32600` (invalid request) rather than
/// guess. ``JSONError/isSyntaxError`` is `false` for it.
///
/// Limits: see ``JSONLimits``. The parser is iterative (an explicit stack bounded by
/// ``JSONLimits/maxDepth``), so no input can overflow the call stack, and every step consumes
/// input, so no input can make it loop.
///
/// Errors carry Python's messages and positions (see ``JSONError``). A parser keeps its
/// working buffers between calls; reuse one per thread for speed.
///
///     var parser = JSONParser()
///     let request = try parser.parse(Array(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#.utf8))
///     request["method"]?.stringValue  // "ping"
public struct JSONParser: Sendable {
  /// The bounds this parser enforces.
  public var limits: JSONLimits

  var stack: [JSONObject.Member] = []
  var frames: [JSONParseFrame] = []
  var scratch: [UInt8] = []

  /// Creates a parser with the given limits.
  ///
  /// - Parameter limits: The bounds to enforce (default: ``JSONLimits/init(maxDepth:maxStringBytes:maxNumberBytes:maxValues:)``'s defaults).
  public init(limits: JSONLimits = JSONLimits()) {
    self.limits = limits
  }

  /// Parses one JSON text from bytes.
  ///
  /// - Parameter bytes: The UTF-8 text, without a byte order mark; it is only read during
  ///   the call.
  /// - Returns: The value.
  /// - Throws: ``JSONError`` with the first problem found (see ``JSONError`` for which).
  /// - Complexity: O(*n*) in the length of the input (duplicate keys are found by a linear
  ///   scan in objects of up to 32 members and with a hash set in larger ones).
  public mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONError) -> JSONValue {
    var core = JSONParseCore(bytes, limits: limits)
    swap(&core.stack, &stack)
    swap(&core.frames, &frames)
    swap(&core.scratch, &scratch)
    defer {
      core.stack.removeAll(keepingCapacity: true)
      core.frames.removeAll(keepingCapacity: true)
      swap(&core.stack, &stack)
      swap(&core.frames, &frames)
      swap(&core.scratch, &scratch)
    }
    return try core.run()
  }

  /// Parses one JSON text from raw bytes.
  ///
  /// - Parameter bytes: The UTF-8 text; it is only read during the call.
  /// - Returns: The value.
  /// - Throws: ``JSONError`` with the first problem found.
  /// - Complexity: O(*n*) in the length of the input.
  public mutating func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONError) -> JSONValue {
    let typed = UnsafeBufferPointer(
      start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count)
    return try parse(typed)
  }

  /// Parses one JSON text from a byte array.
  ///
  ///     var parser = JSONParser()
  ///     try parser.parse(Array("[1,2]".utf8))  // [1, 2]
  ///
  /// - Parameter bytes: The UTF-8 text.
  /// - Returns: The value.
  /// - Throws: ``JSONError`` with the first problem found.
  /// - Complexity: O(*n*) in the length of the input.
  public mutating func parse(_ bytes: [UInt8]) throws(JSONError) -> JSONValue {
    var result: Result<JSONValue, JSONError> = .success(.null)
    bytes.withUnsafeBufferPointer { buffer in
      do throws(JSONError) {
        result = .success(try parse(buffer))
      } catch {
        result = .failure(error)
      }
    }
    return try result.get()
  }

  /// Parses one JSON text from a string's UTF-8 bytes.
  ///
  ///     var parser = JSONParser()
  ///     try parser.parse(#"{"a":null}"#)  // ["a": nil]
  ///
  /// - Parameter text: The text.
  /// - Returns: The value.
  /// - Throws: ``JSONError`` with the first problem found.
  /// - Complexity: O(*n*) in the length of the input.
  public mutating func parse(_ text: String) throws(JSONError) -> JSONValue {
    var text = text
    var result: Result<JSONValue, JSONError> = .success(.null)
    text.withUTF8 { buffer in
      do throws(JSONError) {
        result = .success(try parse(buffer))
      } catch {
        result = .failure(error)
      }
    }
    return try result.get()
  }
}

extension JSONValue {
  /// Parses one JSON text from bytes with a fresh ``JSONParser``.
  ///
  ///     let v = try JSONValue(parsing: Array("[true]".utf8))
  ///
  /// - Parameters:
  ///   - bytes: The UTF-8 text.
  ///   - limits: The bounds to enforce.
  /// - Throws: ``JSONError`` with the first problem found.
  /// - Complexity: O(*n*) in the length of the input.
  public init(parsing bytes: [UInt8], limits: JSONLimits = JSONLimits()) throws(JSONError) {
    var parser = JSONParser(limits: limits)
    self = try parser.parse(bytes)
  }

  /// Parses one JSON text from a string with a fresh ``JSONParser``.
  ///
  ///     let v = try JSONValue(parsing: #"{"id":7}"#)
  ///
  /// - Parameters:
  ///   - text: The text.
  ///   - limits: The bounds to enforce.
  /// - Throws: ``JSONError`` with the first problem found.
  /// - Complexity: O(*n*) in the length of the input.
  public init(parsing text: String, limits: JSONLimits = JSONLimits()) throws(JSONError) {
    var parser = JSONParser(limits: limits)
    self = try parser.parse(text)
  }
}

/// An open array or object during parsing.
struct JSONParseFrame: Sendable {
  /// Whether the container is an object.
  var isObject: Bool
  /// Where its members start on the parser's stack.
  var start: Int
  /// The keys seen so far, once the object is large enough for hashing to pay.
  var keys: Set<JSONUTF8Key>?
}

/// A string compared and hashed by its UTF-8 bytes.
struct JSONUTF8Key: Hashable, Sendable {
  var string: String

  static func == (a: JSONUTF8Key, b: JSONUTF8Key) -> Bool { JSONValue.sameUTF8(a.string, b.string) }

  func hash(into hasher: inout Hasher) { JSONValue.hashUTF8(string, into: &hasher) }
}

/// The parser proper: a cursor over the input and the working stacks.
struct JSONParseCore {
  let p: UnsafeBufferPointer<UInt8>
  let n: Int
  let limits: JSONLimits
  var i = 0
  var values = 0
  var stack: [JSONObject.Member] = []
  var frames: [JSONParseFrame] = []
  var scratch: [UInt8] = []

  /// Objects with more members than this look duplicates up in a hash set.
  static let linearKeyLimit = 32

  init(_ p: UnsafeBufferPointer<UInt8>, limits: JSONLimits) {
    self.p = p
    self.n = p.count
    self.limits = limits
  }

  // MARK: Errors

  /// The error to report for `kind` at byte `offset`: invalid UTF-8 anywhere in the input
  /// takes precedence, as in Python, which decodes before it parses.
  func fail(_ kind: JSONError.Kind, _ offset: Int, key: String? = nil) -> JSONError {
    if let bad = JSONUTF8.firstInvalidOffset(p) {
      let reason =
        "Invalid UTF-8: can't decode byte 0x\(JSONUTF8.hex(p[bad])) "
        + "(\(JSONUTF8.failureReason(p, bad)))"
      return error(.invalidUTF8, reason, bad)
    }
    let reason: String
    switch kind {
    case .expectingValue: reason = "Expecting value"
    case .expectingCommaDelimiter: reason = "Expecting ',' delimiter"
    case .expectingColonDelimiter: reason = "Expecting ':' delimiter"
    case .expectingPropertyName: reason = "Expecting property name enclosed in double quotes"
    case .unterminatedString: reason = "Unterminated string starting at"
    case .invalidControlCharacter: reason = "Invalid control character at"
    case .invalidEscape: reason = "Invalid \\escape"
    case .invalidUnicodeEscape: reason = "Invalid \\uXXXX escape"
    case .unpairedSurrogate: reason = "Unpaired surrogate in \\uXXXX escape"
    case .extraData: reason = "Extra data"
    case .invalidUTF8: reason = "Invalid UTF-8"  // not reached: handled above
    case .byteOrderMark: reason = "Unexpected UTF-8 BOM"
    case .duplicateKey: reason = "Duplicate property name \(JSONParseCore.quoted(key ?? ""))"
    case .tooDeep: reason = "Nesting deeper than \(limits.maxDepth) levels"
    case .stringTooLong: reason = "String longer than \(limits.maxStringBytes) bytes starting at"
    case .numberTooLong: reason = "Number longer than \(limits.maxNumberBytes) bytes starting at"
    case .tooManyValues: reason = "More than \(limits.maxValues) values"
    }
    return error(kind, reason, offset)
  }

  func error(_ kind: JSONError.Kind, _ reason: String, _ offset: Int) -> JSONError {
    let position = JSONUTF8.position(p, offset)
    return JSONError(
      kind: kind, reason: reason, offset: offset, line: position.line, column: position.column,
      characterOffset: position.character)
  }

  /// A key as JSON text for a message, cut after 64 bytes.
  static func quoted(_ key: String) -> String {
    var cut = Substring(key)
    var truncated = false
    while cut.utf8.count > 64 {
      cut = cut.dropLast()
      truncated = true
    }
    var w = JSONWriter()
    w.write(String(cut))
    return String(decoding: w.bytes, as: UTF8.self) + (truncated ? "..." : "")
  }

  // MARK: Scanning

  @inline(__always)
  mutating func skipWhitespace() {
    while i < n {
      let c = p[i]
      guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
      i += 1
    }
  }

  /// Parses the whole input.
  mutating func run() throws(JSONError) -> JSONValue {
    if n >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { throw fail(.byteOrderMark, 0) }
    skipWhitespace()
    var value: JSONValue
    parsing: while true {
      // A value starts at `i`.
      guard i < n else { throw fail(.expectingValue, i) }
      values += 1
      if values > limits.maxValues { throw fail(.tooManyValues, i) }
      switch p[i] {
      case 0x7B:  // {
        guard frames.count < limits.maxDepth else { throw fail(.tooDeep, i) }
        i += 1
        skipWhitespace()
        if i < n, p[i] == 0x7D {
          i += 1
          value = .object(JSONObject())
        } else {
          frames.append(JSONParseFrame(isObject: true, start: stack.count, keys: nil))
          try parseKey()
          continue parsing
        }
      case 0x5B:  // [
        guard frames.count < limits.maxDepth else { throw fail(.tooDeep, i) }
        i += 1
        skipWhitespace()
        if i < n, p[i] == 0x5D {
          i += 1
          value = .array([])
        } else {
          frames.append(JSONParseFrame(isObject: false, start: stack.count, keys: nil))
          continue parsing
        }
      case 0x22:  // "
        value = .string(try parseString())
      case 0x74:  // t
        guard matches(0x74, 0x72, 0x75, 0x65) else { throw fail(.expectingValue, i) }
        i += 4
        value = .bool(true)
      case 0x66:  // f
        guard i + 4 < n, matches(0x66, 0x61, 0x6C, 0x73), p[i + 4] == 0x65 else {
          throw fail(.expectingValue, i)
        }
        i += 5
        value = .bool(false)
      case 0x6E:  // n
        guard matches(0x6E, 0x75, 0x6C, 0x6C) else { throw fail(.expectingValue, i) }
        i += 4
        value = .null
      default:
        value = .number(try parseNumber())
      }
      // A value ended: attach it to the open container, closing those that end here.
      while !frames.isEmpty {
        let top = frames.count - 1
        let isObject = frames[top].isObject
        if isObject {
          stack[stack.count - 1].value = value
        } else {
          stack.append(JSONObject.Member(key: "", value: value))
        }
        skipWhitespace()
        if i < n {
          let c = p[i]
          if c == 0x2C {  // ,
            i += 1
            skipWhitespace()
            if isObject { try parseKey() }
            continue parsing
          }
          if c == (isObject ? 0x7D : 0x5D) {
            i += 1
            let start = frames[top].start
            if isObject {
              value = .object(JSONObject(Array(stack[start...])))
            } else {
              value = .array(stack[start...].map(\.value))
            }
            stack.removeLast(stack.count - start)
            frames.removeLast()
            continue
          }
        }
        throw fail(.expectingCommaDelimiter, i)
      }
      break
    }
    skipWhitespace()
    if i != n { throw fail(.extraData, i) }
    return value
  }

  /// Whether the four bytes at `i` are `a b c d`.
  @inline(__always)
  func matches(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> Bool {
    i + 3 < n && p[i] == a && p[i + 1] == b && p[i + 2] == c && p[i + 3] == d
  }

  /// Parses `"key"` and `:` and the whitespace after it, and pushes the member.
  mutating func parseKey() throws(JSONError) {
    guard i < n, p[i] == 0x22 else { throw fail(.expectingPropertyName, i) }
    let keyOffset = i
    let key = try parseString()
    try checkDuplicate(key, at: keyOffset)
    stack.append(JSONObject.Member(key: key, value: .null))
    skipWhitespace()
    guard i < n, p[i] == 0x3A else { throw fail(.expectingColonDelimiter, i) }
    i += 1
    skipWhitespace()
  }

  /// Throws when the innermost open object already has `key`.
  mutating func checkDuplicate(_ key: String, at offset: Int) throws(JSONError) {
    let top = frames.count - 1
    let start = frames[top].start
    let count = stack.count - start
    if count <= JSONParseCore.linearKeyLimit {
      let length = key.utf8.count
      for k in start..<stack.count {
        let other = stack[k].key
        if other.utf8.count == length, JSONValue.sameUTF8(other, key) {
          throw fail(.duplicateKey, offset, key: key)
        }
      }
      return
    }
    if frames[top].keys == nil {
      var keys = Set<JSONUTF8Key>(minimumCapacity: count * 2)
      for k in start..<stack.count { keys.insert(JSONUTF8Key(string: stack[k].key)) }
      frames[top].keys = keys
    }
    if !frames[top].keys!.insert(JSONUTF8Key(string: key)).inserted {
      throw fail(.duplicateKey, offset, key: key)
    }
  }

  /// Parses a number at `i` (Python's scanner: `1.` is `1` followed by `.`).
  mutating func parseNumber() throws(JSONError) -> JSONNumber {
    let start = i
    let length = JSONNumber.syntaxLength(p, start)
    guard length > 0 else { throw fail(.expectingValue, start) }
    guard length <= limits.maxNumberBytes else { throw fail(.numberTooLong, start) }
    i = start + length
    return JSONNumber(uncheckedText: JSONParseCore.string(p, start, start + length))
  }

  /// A string of the valid UTF-8 bytes `p[start..<end]`.
  ///
  /// `String(unsafeUninitializedCapacity:)` builds strings of up to 15 ASCII bytes (most keys,
  /// ids and numbers) in place without validating them again, which `String(decoding:)`
  /// always does; longer strings are validated either way.
  @inline(__always)
  static func string(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
    let count = end - start
    guard count > 0, let base = p.baseAddress else { return "" }
    return String(unsafeUninitializedCapacity: count) { buffer in
      UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(
        from: base + start, byteCount: count)
      return count
    }
  }

  /// The first offset at or after `j` whose byte needs a look inside a string (`"`, `\\`, a
  /// control character or a non-ASCII byte), or a later offset less than 8 bytes before the
  /// end of the input.
  ///
  /// Reads eight bytes at a time (SWAR): for each byte the mask's high bit says whether it is
  /// special, and the lowest set bit is exact (the borrows that can set higher bits spuriously
  /// only run upwards from a byte that is itself special).
  @inline(__always)
  static func skipPlainASCII(_ p: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
    guard let base = p.baseAddress else { return start }
    let n = p.count
    var j = start
    let ones: UInt64 = 0x0101_0101_0101_0101
    let high: UInt64 = 0x8080_8080_8080_8080
    while j &+ 8 <= n {
      let x = UInt64(littleEndian: UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self))
      let quote = x ^ (ones &* 0x22)
      let backslash = x ^ (ones &* 0x5C)
      var mask = (quote &- ones) & ~quote
      mask |= (backslash &- ones) & ~backslash
      mask |= (x &- ones &* 0x20) & ~x
      mask = (mask | x) & high
      if mask != 0 { return j &+ mask.trailingZeroBitCount &>> 3 }
      j &+= 8
    }
    return j
  }

  /// Parses a string whose opening quote is at `i`.
  mutating func parseString() throws(JSONError) -> String {
    let quote = i
    var j = i + 1
    // Fast path: no escapes, the string is a slice of the input.
    while true {
      j = JSONParseCore.skipPlainASCII(p, j)
      guard j < n else { break }
      let c = p[j]
      if c == 0x22 {
        guard j - quote - 1 <= limits.maxStringBytes else { throw fail(.stringTooLong, quote) }
        i = j + 1
        return JSONParseCore.string(p, quote + 1, j)
      }
      if c == 0x5C { break }
      if c < 0x20 { throw fail(.invalidControlCharacter, j) }
      if c < 0x80 {
        j += 1
      } else {
        let length = JSONUTF8.sequenceLength(p, j)
        guard length > 0 else { throw fail(.invalidUTF8, j) }
        j += length
      }
    }
    guard j < n else { throw fail(.unterminatedString, quote) }
    // Slow path: unescape into the scratch buffer.
    scratch.removeAll(keepingCapacity: true)
    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: p[quote + 1..<j]))
    while true {
      guard j < n else { throw fail(.unterminatedString, quote) }
      let c = p[j]
      if c == 0x22 { break }
      if c == 0x5C {
        guard j + 1 < n else { throw fail(.unterminatedString, quote) }
        let escaped = p[j + 1]
        switch escaped {
        case 0x22, 0x5C, 0x2F: scratch.append(escaped)
        case 0x62: scratch.append(0x08)  // b
        case 0x66: scratch.append(0x0C)  // f
        case 0x6E: scratch.append(0x0A)  // n
        case 0x72: scratch.append(0x0D)  // r
        case 0x74: scratch.append(0x09)  // t
        case 0x75:  // u
          let u = j + 1
          var scalar = try hex4(u)
          j = u + 5
          if scalar >= 0xD800, scalar <= 0xDBFF {
            guard j + 1 < n, p[j] == 0x5C, p[j + 1] == 0x75 else {
              throw fail(.unpairedSurrogate, u)
            }
            let low = try hex4(j + 1)
            guard low >= 0xDC00, low <= 0xDFFF else { throw fail(.unpairedSurrogate, u) }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            j += 6
          } else if scalar >= 0xDC00, scalar <= 0xDFFF {
            throw fail(.unpairedSurrogate, u)
          }
          appendUTF8(scalar)
          continue
        default:
          throw fail(.invalidEscape, j)
        }
        j += 2
        continue
      }
      if c < 0x20 { throw fail(.invalidControlCharacter, j) }
      if c < 0x80 {
        scratch.append(c)
        j += 1
      } else {
        let length = JSONUTF8.sequenceLength(p, j)
        guard length > 0 else { throw fail(.invalidUTF8, j) }
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: p[j..<j + length]))
        j += length
      }
    }
    guard scratch.count <= limits.maxStringBytes else { throw fail(.stringTooLong, quote) }
    i = j + 1
    return String(decoding: scratch, as: UTF8.self)
  }

  /// The value of the four hexadecimal digits after the `u` at `u`, with Python's rule that
  /// a character must follow them (else the string is unterminated anyway).
  func hex4(_ u: Int) throws(JSONError) -> UInt32 {
    guard u + 5 < n else { throw fail(.invalidUnicodeEscape, u) }
    var value: UInt32 = 0
    for k in u + 1...u + 4 {
      let c = p[k]
      let digit: UInt8
      switch c {
      case 0x30...0x39: digit = c - 0x30
      case 0x41...0x46: digit = c - 0x41 + 10
      case 0x61...0x66: digit = c - 0x61 + 10
      default: throw fail(.invalidUnicodeEscape, u)
      }
      value = value << 4 | UInt32(digit)
    }
    return value
  }

  /// Appends the UTF-8 encoding of a Unicode scalar value to the scratch buffer.
  mutating func appendUTF8(_ scalar: UInt32) {
    switch scalar {
    case 0..<0x80:
      scratch.append(UInt8(scalar))
    case 0x80..<0x800:
      scratch.append(UInt8(0xC0 | scalar >> 6))
      scratch.append(UInt8(0x80 | scalar & 0x3F))
    case 0x800..<0x10000:
      scratch.append(UInt8(0xE0 | scalar >> 12))
      scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
      scratch.append(UInt8(0x80 | scalar & 0x3F))
    default:
      scratch.append(UInt8(0xF0 | scalar >> 18))
      scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
      scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
      scratch.append(UInt8(0x80 | scalar & 0x3F))
    }
  }
}
