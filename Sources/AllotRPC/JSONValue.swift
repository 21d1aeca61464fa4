/// A JSON value as parsed by ``JSONParser``: null, a boolean, a number, a string, an array or
/// an object.
///
/// The tree is compact: arrays and objects hold their children in one array each, numbers
/// keep the exact text they were written with (see ``JSONNumber``), and objects keep their
/// members in document order (see ``JSONObject``).
///
/// Equality is structural and byte-exact, as the wire contract wants it: two strings are
/// equal when their UTF-8 bytes are equal (not under Unicode canonical equivalence, as Swift's
/// `String ==` is), two numbers when their texts are equal (`1` and `1.0` differ), two objects
/// when they have the same members in the same order.
///
///     let value = try JSONValue(parsing: #"{"id":7,"tags":["a","b"]}"#)
///     value["id"]?.int64Value         // 7
///     value["tags"]?[1]?.stringValue  // "b"
///
/// Values can also be written as literals (objects keep the literal's order):
///
///     let reply: JSONValue = ["version": "1", "ok": true, "n": 3, "share": 0.5, "x": nil]
@frozen
public enum JSONValue: Sendable, Equatable, Hashable {
  /// `null`.
  case null
  /// `true` or `false`.
  case bool(Bool)
  /// A number, kept as its text.
  case number(JSONNumber)
  /// A string.
  case string(String)
  /// An array.
  case array([JSONValue])
  /// An object, members in document order.
  case object(JSONObject)

  /// Whether the value is `null`.
  ///
  /// The contract treats a member whose value is `null` as omitted.
  @inlinable
  public var isNull: Bool {
    if case .null = self { return true }
    return false
  }

  /// The boolean, when the value is `true` or `false`.
  ///
  /// Any other kind of value gives `nil`.
  @inlinable
  public var boolValue: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }

  /// The number, when the value is a number.
  ///
  /// Any other kind of value gives `nil`.
  @inlinable
  public var numberValue: JSONNumber? {
    if case .number(let n) = self { return n }
    return nil
  }

  /// The string, when the value is a string.
  ///
  /// Any other kind of value gives `nil`.
  @inlinable
  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  /// The elements, when the value is an array.
  ///
  /// Any other kind of value gives `nil`.
  @inlinable
  public var arrayValue: [JSONValue]? {
    if case .array(let a) = self { return a }
    return nil
  }

  /// The object, when the value is an object.
  ///
  /// Any other kind of value gives `nil`.
  @inlinable
  public var objectValue: JSONObject? {
    if case .object(let o) = self { return o }
    return nil
  }

  /// The number as an exact `Int64`, when the value is an integer written without fraction or
  /// exponent.
  ///
  /// See ``JSONNumber/int64Value``: `2.0`, `2e0` and out-of-range integers give `nil`.
  @inlinable
  public var int64Value: Int64? {
    if case .number(let n) = self { return n.int64Value }
    return nil
  }

  /// The number as the nearest `Double`, when the value is a number.
  ///
  /// See ``JSONNumber/doubleValue``.
  @inlinable
  public var doubleValue: Double? {
    if case .number(let n) = self { return n.doubleValue }
    return nil
  }

  /// The value of member `key`, when the value is an object that has it.
  ///
  /// Keys are compared by their UTF-8 bytes.
  ///
  /// - Complexity: O(*n*) in the number of members.
  @inlinable
  public subscript(key: String) -> JSONValue? {
    if case .object(let o) = self { return o[key] }
    return nil
  }

  /// The element at `index`, when the value is an array and `index` is in range.
  ///
  /// Out-of-range indexes and other kinds of value give `nil` (never a trap).
  ///
  /// - Complexity: O(1).
  @inlinable
  public subscript(index: Int) -> JSONValue? {
    if case .array(let a) = self, index >= 0, index < a.count { return a[index] }
    return nil
  }

  /// A short name for the kind of value, for error messages: `null`, `boolean`, `number`,
  /// `string`, `array` or `object`.
  ///
  /// The names are JSON's own, so that a message such as "params must be an object, not an
  /// array" reads the same to clients in any language.
  public var kindName: String {
    switch self {
    case .null: return "null"
    case .bool: return "boolean"
    case .number: return "number"
    case .string: return "string"
    case .array: return "array"
    case .object: return "object"
    }
  }

  /// Compares two values structurally, strings and keys by their UTF-8 bytes and numbers by
  /// their text.
  ///
  /// - Complexity: O(*n*) in the size of the smaller tree.
  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.number(let a), .number(let b)): return a == b
    case (.string(let a), .string(let b)): return JSONValue.sameUTF8(a, b)
    case (.array(let a), .array(let b)): return a == b
    case (.object(let a), .object(let b)): return a == b
    default: return false
    }
  }

  /// Hashes the value consistently with ``==(_:_:)`` (strings by their UTF-8 bytes).
  ///
  /// - Complexity: O(*n*) in the size of the tree.
  public func hash(into hasher: inout Hasher) {
    switch self {
    case .null: hasher.combine(0 as UInt8)
    case .bool(let b):
      hasher.combine(1 as UInt8)
      hasher.combine(b)
    case .number(let n):
      hasher.combine(2 as UInt8)
      hasher.combine(n)
    case .string(let s):
      hasher.combine(3 as UInt8)
      JSONValue.hashUTF8(s, into: &hasher)
    case .array(let a):
      hasher.combine(4 as UInt8)
      hasher.combine(a)
    case .object(let o):
      hasher.combine(5 as UInt8)
      hasher.combine(o)
    }
  }

  /// Whether two strings have the same UTF-8 bytes.
  ///
  /// Swift's `String ==` compares under Unicode canonical equivalence ("é" precomposed equals
  /// "e" + U+0301); the wire contract compares bytes. Equal bytes imply `==`, so `==` rejects
  /// most unequal pairs cheaply and the byte comparison only runs when `==` holds.
  ///
  /// - Complexity: O(*n*) in the length of the strings.
  @inlinable
  public static func sameUTF8(_ a: String, _ b: String) -> Bool {
    a == b && a.utf8.count == b.utf8.count && a.utf8.elementsEqual(b.utf8)
  }

  @usableFromInline
  static func hashUTF8(_ s: String, into hasher: inout Hasher) {
    var s = s
    hasher.combine(s.utf8.count)
    s.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
  }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral,
  ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
  ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
  /// Creates `null` from `nil`.
  ///
  ///     let v: JSONValue = nil  // .null
  @inlinable
  public init(nilLiteral: ()) { self = .null }

  /// Creates a boolean from a literal.
  ///
  ///     let v: JSONValue = true  // .bool(true)
  @inlinable
  public init(booleanLiteral value: Bool) { self = .bool(value) }

  /// Creates an integer number from a literal.
  ///
  ///     let v: JSONValue = 42  // .number(JSONNumber(42))
  public init(integerLiteral value: Int64) { self = .number(JSONNumber(value)) }

  /// Creates a number from a float literal, written as its shortest round-trip decimal
  /// without exponent.
  ///
  ///     let v: JSONValue = 0.5  // .number, text "0.5"
  ///
  /// A literal that is not finite is a programmer error and traps.
  public init(floatLiteral value: Double) {
    guard let n = JSONNumber(value) else { preconditionFailure("JSON numbers must be finite") }
    self = .number(n)
  }

  /// Creates a string from a literal.
  ///
  ///     let v: JSONValue = "a1"  // .string("a1")
  @inlinable
  public init(stringLiteral value: String) { self = .string(value) }

  /// Creates an array from a literal.
  ///
  ///     let v: JSONValue = [1, "two", nil]
  @inlinable
  public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }

  /// Creates an object from a literal, keeping the literal's member order.
  ///
  ///     let v: JSONValue = ["jsonrpc": "2.0", "id": 1]
  public init(dictionaryLiteral elements: (String, JSONValue)...) {
    self = .object(JSONObject(elements.map { JSONObject.Member(key: $0.0, value: $0.1) }))
  }
}

extension JSONValue: CustomStringConvertible {
  /// The value as compact JSON text, as ``JSONWriter`` writes it.
  ///
  ///     (["a": [1, true]] as JSONValue).description  // {"a":[1,true]}
  ///
  /// - Complexity: O(*n*) in the size of the tree.
  public var description: String {
    var writer = JSONWriter()
    writer.write(self)
    return String(decoding: writer.bytes, as: UTF8.self)
  }
}

/// A JSON object: members in document order, looked up by key.
///
/// Members are a plain array of `(key, value)` pairs: objects on the wire are small (a
/// request has a handful of members, a resource map at most 64), so a linear lookup beats a
/// hash table, and order is kept for free. Keys are compared by their UTF-8 bytes, as the
/// wire contract compares strings. ``JSONParser`` never produces two members with the same
/// key (it rejects duplicates); an object built by hand may have them, and then lookup finds
/// the first.
///
///     let params: JSONObject = ["offer": "o1", "refuseSeconds": 30]
///     params["offer"]?.stringValue        // "o1"
///     params.members.map(\.key)           // ["offer", "refuseSeconds"]
@frozen
public struct JSONObject: Sendable, Equatable, Hashable, RandomAccessCollection,
  ExpressibleByDictionaryLiteral
{
  /// One member of an object: a key and its value.
  ///
  /// A struct rather than a tuple so that arrays of members are copied and destroyed by
  /// compiled code, not by the runtime's generic tuple witnesses (which cost the parser a
  /// tenth of its time). Equality and hashing compare the key by its UTF-8 bytes.
  ///
  ///     let m = JSONObject.Member(key: "id", value: 7)
  ///     m.key  // "id"
  @frozen
  public struct Member: Sendable, Hashable {
    /// The member's key.
    public var key: String
    /// The member's value.
    public var value: JSONValue

    /// Creates a member.
    ///
    /// - Complexity: O(1).
    @inlinable
    public init(key: String, value: JSONValue) {
      self.key = key
      self.value = value
    }

    /// Compares keys by their UTF-8 bytes, then values structurally.
    ///
    /// - Complexity: O(*n*) in the size of the smaller value.
    public static func == (lhs: Member, rhs: Member) -> Bool {
      JSONValue.sameUTF8(lhs.key, rhs.key) && lhs.value == rhs.value
    }

    /// Hashes the key's UTF-8 bytes and the value, consistently with ``==(_:_:)``.
    ///
    /// - Complexity: O(*n*) in the size of the value.
    public func hash(into hasher: inout Hasher) {
      JSONValue.hashUTF8(key, into: &hasher)
      hasher.combine(value)
    }
  }

  /// The members, in document order.
  public var members: [Member]

  /// Creates an object with the given members, in that order.
  ///
  /// - Complexity: O(1).
  @inlinable
  public init(_ members: [Member] = []) { self.members = members }

  /// Creates an object from a literal, keeping the literal's order.
  ///
  ///     let o: JSONObject = ["a": 1, "b": "x"]
  public init(dictionaryLiteral elements: (String, JSONValue)...) {
    self.members = elements.map { Member(key: $0.0, value: $0.1) }
  }

  /// The position of the first member.
  ///
  /// Always 0.
  @inlinable
  public var startIndex: Int { 0 }

  /// The position past the last member.
  ///
  /// Equal to the number of members.
  @inlinable
  public var endIndex: Int { members.count }

  /// The member at `position`.
  ///
  /// `position` must be a valid index (a programmer error otherwise).
  ///
  /// - Complexity: O(1).
  @inlinable
  public subscript(position: Int) -> Member { members[position] }

  /// The value of the first member named `key`, or `nil`.
  ///
  /// Keys are compared by their UTF-8 bytes.
  ///
  /// - Complexity: O(*n*) in the number of members.
  @inlinable
  public subscript(key: String) -> JSONValue? {
    for member in members where JSONValue.sameUTF8(member.key, key) {
      return member.value
    }
    return nil
  }

  /// Whether the object has a member named `key`.
  ///
  /// A member whose value is `null` counts as present here; the contract treats it as
  /// omitted, so callers check ``JSONValue/isNull`` where that matters.
  ///
  /// - Complexity: O(*n*) in the number of members.
  @inlinable
  public func contains(key: String) -> Bool { self[key] != nil }

  /// Appends a member, after any existing ones.
  ///
  /// The caller keeps keys unique; a duplicate is kept, and lookup finds the first.
  ///
  /// - Complexity: amortised O(1).
  @inlinable
  public mutating func append(_ key: String, _ value: JSONValue) {
    members.append(Member(key: key, value: value))
  }

  /// Compares members in order, keys by their UTF-8 bytes.
  ///
  /// - Complexity: O(*n*) in the size of the smaller tree.
  public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
    guard lhs.members.count == rhs.members.count else { return false }
    for (a, b) in zip(lhs.members, rhs.members) {
      guard JSONValue.sameUTF8(a.key, b.key), a.value == b.value else { return false }
    }
    return true
  }

  /// Hashes the members in order, consistently with ``==(_:_:)``.
  ///
  /// - Complexity: O(*n*) in the size of the tree.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(members.count)
    for member in members {
      JSONValue.hashUTF8(member.key, into: &hasher)
      hasher.combine(member.value)
    }
  }
}
