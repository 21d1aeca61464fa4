/// A dictionary keyed by strings compared by their UTF-8 bytes, as the contract compares
/// ids: Swift's `String` equality merges canonically equivalent strings (precomposed and
/// decomposed é), which must stay different agents, frameworks, roles and tasks.
struct ByteDictionary<Value: Sendable>: Sendable, Sequence, ExpressibleByDictionaryLiteral {
  var storage: [ByteString: Value] = [:]

  init() {}

  /// An empty dictionary with room for `minimumCapacity` keys.
  init(minimumCapacity: Int) { storage = Dictionary(minimumCapacity: minimumCapacity) }

  /// Sets the value for a key and returns the one it replaced.
  @discardableResult
  mutating func updateValue(_ value: Value, forKey key: String) -> Value? {
    storage.updateValue(value, forKey: ByteString(key))
  }

  /// Makes room for `minimumCapacity` keys in all.
  mutating func reserveCapacity(_ minimumCapacity: Int) {
    storage.reserveCapacity(minimumCapacity)
  }

  init(dictionaryLiteral elements: (String, Value)...) {
    for (k, v) in elements { storage[ByteString(k)] = v }
  }

  /// The value for a key, by bytes.
  @inline(__always)
  subscript(key: String) -> Value? {
    get { storage[ByteString(key)] }
    set { storage[ByteString(key)] = newValue }
    // In place: one hash, and no copy of the value (appending to an array value through
    // get + set would copy the array every time).
    _modify { yield &storage[ByteString(key)] }
  }

  subscript(key: String, default defaultValue: @autoclosure () -> Value) -> Value {
    get { storage[ByteString(key)] ?? defaultValue() }
    set { storage[ByteString(key)] = newValue }
    _modify { yield &storage[ByteString(key), default: defaultValue()] }
  }

  var count: Int { storage.count }
  var isEmpty: Bool { storage.isEmpty }
  var keys: [String] { storage.keys.map(\.string) }
  var values: Dictionary<ByteString, Value>.Values { storage.values }

  func makeIterator() -> AnyIterator<(key: String, value: Value)> {
    var it = storage.makeIterator()
    return AnyIterator {
      guard let (k, v) = it.next() else { return nil }
      return (key: k.string, value: v)
    }
  }
}
