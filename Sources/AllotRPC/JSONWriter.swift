import Allot

/// A compact JSON writer appending UTF-8 to a reusable byte buffer.
///
/// The writer puts the commas in: after ``beginObject()`` or ``beginArray()`` the next value
/// needs none, after any value the next one needs one, and a ``key(_:)`` resets that. It does
/// not check that calls nest correctly (a key inside an array, an unclosed object): that is
/// the caller's job, and the tests'.
///
/// Output is compact (no spaces) and follows the wire contract:
///
/// - Strings are raw UTF-8, escaped only where JSON requires, exactly as Python's
///   `json.dumps(s, ensure_ascii=False)` does: `\"`, `\\`, the short forms `\b \f \n \r \t`,
///   and `\u00XX` (lowercase hexadecimal) for the other control characters U+0000 to U+001F.
///   U+007F, U+0080 to U+009F, U+2028 and U+2029 are written raw, as is `/`.
/// - Integers in decimal (``write(_:)-(Int64)``).
/// - Fixed-point quantities as the shortest decimal with at most three fraction digits and no
///   exponent, by integer arithmetic (``writeMilli(_:)``: `4`, `0.5`, `0.125`).
/// - Doubles as the shortest decimal that reads back as the same IEEE double, without
///   exponent (``write(_:)-(Double)``: `1`, `0`, `0.0000001`, `10000000000000000`).
///
///     var w = JSONWriter()
///     w.object { w in
///       w.member("id", "o1")
///       w.key("resources")
///       w.object { w in
///         w.member("cpus", milli: 8000)
///         w.member("mem", milli: 16_384_000)
///       }
///     }
///     String(decoding: w.bytes, as: UTF8.self)
///     // {"id":"o1","resources":{"cpus":8,"mem":16384}}
///
/// Reuse one writer for many responses with ``reset()``, which keeps the buffer's capacity.
public struct JSONWriter: Sendable {
  /// The JSON written so far, as UTF-8.
  public var bytes: [UInt8]

  /// Whether the next value or key needs a comma before it.
  @usableFromInline
  var needsComma = false

  /// Creates a writer with an empty buffer.
  ///
  /// - Parameter capacity: Bytes to reserve up front.
  public init(capacity: Int = 0) {
    bytes = []
    bytes.reserveCapacity(capacity)
  }

  /// Creates a writer that appends to `buffer` after emptying it, keeping its capacity.
  ///
  /// Hand the buffer back and forth to avoid allocating one per response:
  ///
  ///     var w = JSONWriter(reusing: buffer)
  ///     w.write(reply)
  ///     buffer = w.bytes
  public init(reusing buffer: [UInt8]) {
    bytes = buffer
    bytes.removeAll(keepingCapacity: true)
  }

  /// Empties the buffer, keeping its capacity, to start a new text.
  ///
  /// - Complexity: O(1).
  public mutating func reset() {
    bytes.removeAll(keepingCapacity: true)
    needsComma = false
  }

  @inline(__always)
  mutating func separate() {
    if needsComma { bytes.append(0x2C) }
  }

  // MARK: Structure

  /// Writes `{`.
  ///
  /// Follow with ``key(_:)``-value pairs and ``endObject()``.
  ///
  /// - Complexity: amortised O(1).
  public mutating func beginObject() {
    separate()
    bytes.append(0x7B)
    needsComma = false
  }

  /// Writes `}`.
  ///
  /// - Complexity: amortised O(1).
  public mutating func endObject() {
    bytes.append(0x7D)
    needsComma = true
  }

  /// Writes `[`.
  ///
  /// Follow with values and ``endArray()``.
  ///
  /// - Complexity: amortised O(1).
  public mutating func beginArray() {
    separate()
    bytes.append(0x5B)
    needsComma = false
  }

  /// Writes `]`.
  ///
  /// - Complexity: amortised O(1).
  public mutating func endArray() {
    bytes.append(0x5D)
    needsComma = true
  }

  /// Writes a member's key and its `:`; the member's value comes next.
  ///
  ///     w.key("offers"); w.beginArray(); ...; w.endArray()
  ///
  /// - Complexity: O(*n*) in the length of the key.
  public mutating func key(_ name: String) {
    separate()
    appendString(name)
    bytes.append(0x3A)
    needsComma = false
  }

  /// Writes an object: `{`, whatever `body` writes (keys and values), `}`.
  ///
  ///     w.object { w in w.member("version", "1") }  // {"version":"1"}
  ///
  /// - Parameter body: Writes the members.
  @inlinable
  public mutating func object<E: Error>(_ body: (inout JSONWriter) throws(E) -> Void) throws(E) {
    beginObject()
    try body(&self)
    endObject()
  }

  /// Writes an array: `[`, whatever `body` writes (values), `]`.
  ///
  ///     w.array { w in w.write(1); w.write(2) }  // [1,2]
  ///
  /// - Parameter body: Writes the elements.
  @inlinable
  public mutating func array<E: Error>(_ body: (inout JSONWriter) throws(E) -> Void) throws(E) {
    beginArray()
    try body(&self)
    endArray()
  }

  // MARK: Scalars

  /// Writes `null`.
  ///
  /// - Complexity: amortised O(1).
  public mutating func writeNull() {
    separate()
    appendStatic("null")
    needsComma = true
  }

  /// Writes `true` or `false`.
  ///
  /// - Complexity: amortised O(1).
  public mutating func write(_ value: Bool) {
    separate()
    if value {
      appendStatic("true")
    } else {
      appendStatic("false")
    }
    needsComma = true
  }

  /// Writes an integer in decimal.
  ///
  ///     w.write(-42 as Int64)  // -42
  ///
  /// - Complexity: amortised O(1).
  public mutating func write(_ value: Int64) {
    separate()
    appendInteger(value)
    needsComma = true
  }

  /// Writes an integer in decimal.
  ///
  ///     w.write(7)  // 7
  ///
  /// - Complexity: amortised O(1).
  public mutating func write(_ value: Int) {
    write(Int64(value))
  }

  /// Writes thousandths as the shortest decimal with at most three fraction digits and no
  /// exponent, by integer arithmetic.
  ///
  ///     w.writeMilli(4000)  // 4
  ///     w.writeMilli(500)   // 0.5
  ///     w.writeMilli(125)   // 0.125
  ///     w.writeMilli(-1)    // -0.001
  ///
  /// - Complexity: amortised O(1).
  public mutating func writeMilli(_ milli: Int64) {
    separate()
    appendMilli(milli)
    needsComma = true
  }

  /// Writes a quantity as ``writeMilli(_:)`` writes its thousandths.
  ///
  ///     w.write(Quantity(milli: 2500))  // 2.5
  ///
  /// - Complexity: amortised O(1).
  public mutating func write(_ quantity: Quantity) {
    writeMilli(quantity.milli)
  }

  /// Writes a double as the shortest decimal that reads back as the same double, without
  /// exponent.
  ///
  ///     w.write(1.0)       // 1
  ///     w.write(0.0)       // 0
  ///     w.write(1e-7)      // 0.0000001
  ///     w.write(1e16)      // 10000000000000000
  ///     w.write(1.0 / 12)  // 0.08333333333333333
  ///
  /// `-0.0` is written `-0`, which reads back as `-0.0`. NaN and infinities, which JSON
  /// cannot express, are written `null`.
  ///
  /// - Complexity: amortised O(1) (at most 327 bytes).
  public mutating func write(_ value: Double) {
    separate()
    appendDouble(value)
    needsComma = true
  }

  /// Writes a string in double quotes, escaped only where JSON requires.
  ///
  ///     w.write("tab\there")  // "tab\there"
  ///
  /// - Complexity: O(*n*) in the length of the string.
  public mutating func write(_ string: String) {
    separate()
    appendString(string)
    needsComma = true
  }

  /// Writes a number's text as it is.
  ///
  ///     w.write(JSONNumber("1e3")!)  // 1e3
  ///
  /// - Complexity: O(*n*) in the length of the text.
  public mutating func write(_ number: JSONNumber) {
    separate()
    appendRaw(number.text)
    needsComma = true
  }

  /// Writes a value tree: objects in member order, numbers as their text.
  ///
  ///     w.write(["a": [1, nil]] as JSONValue)  // {"a":[1,null]}
  ///
  /// - Complexity: O(*n*) in the size of the tree.
  public mutating func write(_ value: JSONValue) {
    switch value {
    case .null: writeNull()
    case .bool(let b): write(b)
    case .number(let n): write(n)
    case .string(let s): write(s)
    case .array(let elements):
      beginArray()
      for element in elements { write(element) }
      endArray()
    case .object(let object):
      beginObject()
      for member in object.members {
        key(member.key)
        write(member.value)
      }
      endObject()
    }
  }

  // MARK: Members

  /// Writes a member whose value is a string.
  ///
  ///     w.member("id", "o1")  // "id":"o1"
  public mutating func member(_ key: String, _ value: String) {
    self.key(key)
    write(value)
  }

  /// Writes a member whose value is an integer.
  ///
  ///     w.member("pending", 3)  // "pending":3
  public mutating func member(_ key: String, _ value: Int) {
    self.key(key)
    write(value)
  }

  /// Writes a member whose value is an integer.
  ///
  ///     w.member("code", -32602 as Int64)  // "code":-32602
  public mutating func member(_ key: String, _ value: Int64) {
    self.key(key)
    write(value)
  }

  /// Writes a member whose value is a boolean.
  ///
  ///     w.member("draining", false)  // "draining":false
  public mutating func member(_ key: String, _ value: Bool) {
    self.key(key)
    write(value)
  }

  /// Writes a member whose value is a double (see ``write(_:)-(Double)``).
  ///
  ///     w.member("share", 0.5)  // "share":0.5
  public mutating func member(_ key: String, _ value: Double) {
    self.key(key)
    write(value)
  }

  /// Writes a member whose value is thousandths (see ``writeMilli(_:)``).
  ///
  ///     w.member("cpus", milli: 1500)  // "cpus":1.5
  public mutating func member(_ key: String, milli: Int64) {
    self.key(key)
    writeMilli(milli)
  }

  /// Writes a member whose value is a quantity (see ``writeMilli(_:)``).
  ///
  ///     w.member("mem", Quantity(milli: 512_000))  // "mem":512
  public mutating func member(_ key: String, _ value: Quantity) {
    self.key(key)
    writeMilli(value.milli)
  }

  /// Writes a member whose value is a value tree.
  ///
  ///     w.member("id", request["id"] ?? nil)  // "id":null
  public mutating func member(_ key: String, _ value: JSONValue) {
    self.key(key)
    write(value)
  }
}
