/// The value of one resource in a request: a scalar amount or a set of integer ranges.
///
/// In what a task needs, a scalar value for a range resource (such as `ports`) is a count:
/// the lowest free values are taken.
///
///     let r: ResourceSpec = ["cpus": 2, "mem": 512.5, "ports": [31000...31009]]
public enum ResourceValue: Hashable, Sendable, CustomStringConvertible,
  ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByArrayLiteral
{
  /// A scalar amount (fixed point, 0.001 steps).
  case scalar(Quantity)
  /// Inclusive integer intervals, such as ports.
  case ranges([ClosedRange<UInt64>])

  /// A whole-unit scalar.
  public init(integerLiteral value: Int64) { self = .scalar(Quantity(integerLiteral: value)) }
  /// A fractional scalar, rounded half-up to 0.001.
  public init(floatLiteral value: Double) { self = .scalar(Quantity(floatLiteral: value)) }
  /// A set of ranges.
  public init(arrayLiteral elements: ClosedRange<UInt64>...) { self = .ranges(elements) }

  /// The scalar amount, if this is a scalar.
  public var quantity: Quantity? {
    if case .scalar(let q) = self { return q }
    return nil
  }

  /// The merged ranges, if this is a range value.
  public var rangeSet: RangeSet? {
    if case .ranges(let r) = self { return RangeSet(r) }
    return nil
  }

  /// `4`, `0.5`, or `[[31000,31009]]`.
  public var description: String {
    switch self {
    case .scalar(let q): return q.description
    case .ranges(let r): return RangeSet(r).description
    }
  }
}

/// An ordered map from resource name to value, as a request names resources.
///
/// The order of the entries is the order in which they are validated (and so which one an
/// error names first); the engine sorts names wherever it reports resources.
///
///     var spec: ResourceSpec = ["cpus": 4, "mem": 8192]
///     spec["gpus"] = 1
public struct ResourceSpec: Hashable, Sendable, ExpressibleByDictionaryLiteral,
  CustomStringConvertible
{
  /// One named value.
  public struct Entry: Hashable, Sendable {
    /// The resource name, such as `cpus`.
    public var name: String
    /// The amount.
    public var value: ResourceValue
    /// Creates an entry.
    public init(name: String, value: ResourceValue) {
      self.name = name
      self.value = value
    }
  }

  /// The entries in request order.
  public var entries: [Entry]

  /// Creates a spec from entries in order.
  public init(_ entries: [Entry] = []) { self.entries = entries }

  /// Creates a spec from a dictionary literal, keeping the literal's order.
  public init(dictionaryLiteral elements: (String, ResourceValue)...) {
    entries = elements.map { Entry(name: $0.0, value: $0.1) }
  }

  /// The value of a name, or `nil`; setting replaces or appends.
  public subscript(name: String) -> ResourceValue? {
    get { entries.first { $0.name == name }?.value }
    set {
      if let i = entries.firstIndex(where: { $0.name == name }) {
        if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
      } else if let newValue {
        entries.append(Entry(name: name, value: newValue))
      }
    }
  }

  /// Whether the spec names nothing.
  public var isEmpty: Bool { entries.isEmpty }

  /// `{cpus:4,mem:8192}` in entry order.
  public var description: String {
    "{" + entries.map { "\($0.name):\($0.value)" }.joined(separator: ",") + "}"
  }
}
