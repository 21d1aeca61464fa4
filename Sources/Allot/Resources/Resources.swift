/// Scalars and ranges together, by dense index: the engine's internal resource value.
@usableFromInline
struct Resources: Sendable, Equatable {
  @usableFromInline var scalars: ScalarVector
  /// Range sets by range index; may be shorter than the registry (missing ones are empty).
  @usableFromInline var ranges: [RangeSet]

  @inlinable init(scalars: ScalarVector = .zero, ranges: [RangeSet] = []) {
    self.scalars = scalars
    self.ranges = ranges
  }

  static let empty = Resources()

  func range(_ i: Int) -> RangeSet { i < ranges.count ? ranges[i] : RangeSet() }

  mutating func setRange(_ i: Int, _ r: RangeSet) {
    if i >= ranges.count {
      if r.isEmpty { return }
      ranges.append(contentsOf: repeatElement(RangeSet(), count: i - ranges.count + 1))
    }
    ranges[i] = r
  }

  var rangesEmpty: Bool {
    for r in ranges where !r.isEmpty { return false }
    return true
  }

  /// Nothing at all: every scalar zero and every range set empty.
  var isEmpty: Bool { scalars.isZero && rangesEmpty }

  mutating func add(_ o: Resources) {
    scalars += o.scalars
    if o.ranges.isEmpty { return }
    if ranges.isEmpty {
      ranges = o.ranges
      return
    }
    for i in 0..<o.ranges.count where !o.ranges[i].isEmpty {
      var r = range(i)
      r.formUnion(o.ranges[i])
      setRange(i, r)
    }
  }

  mutating func subtract(_ o: Resources) {
    scalars -= o.scalars
    if o.ranges.isEmpty { return }
    if ranges == o.ranges {
      ranges = []
      return
    }
    for i in 0..<o.ranges.count where !o.ranges[i].isEmpty {
      var r = range(i)
      r.subtract(o.ranges[i])
      setRange(i, r)
    }
  }

  /// Whether `self` holds all of `o`.
  func contains(_ o: Resources) -> Bool {
    guard scalars.covers(o.scalars) else { return false }
    for i in 0..<o.ranges.count where !o.ranges[i].isEmpty {
      if !range(i).contains(o.ranges[i]) { return false }
    }
    return true
  }

  @usableFromInline static func == (a: Resources, b: Resources) -> Bool {
    guard a.scalars == b.scalars else { return false }
    let n = Swift.max(a.ranges.count, b.ranges.count)
    for i in 0..<n where a.range(i) != b.range(i) { return false }
    return true
  }
}

/// Resource amounts the engine reports: scalars and ranges with their names.
///
/// Reading is by name; ``entries`` lists every resource in the byte order of the names.
///
///     let offer = engine.allocate()[0]
///     offer.resources["cpus"]        // .scalar(8)
///     offer.resources.entries.map(\.name)   // ["cpus", "mem", "ports"]
public struct ResourceAmounts: Sendable, Equatable, CustomStringConvertible {
  let value: Resources
  let names: ResourceNames
  /// Whether zero scalars and empty range sets are listed.
  let keepZeros: Bool
  /// For `keepZeros`: the scalar and range indices to list (nil: all non-zero).
  let scalarMask: UInt64
  let rangeMask: UInt64

  init(_ value: Resources, names: ResourceNames, keepZerosScalars: UInt64 = 0, ranges: UInt64 = 0) {
    self.value = value
    self.names = names
    self.keepZeros = keepZerosScalars != 0 || ranges != 0
    self.scalarMask = keepZerosScalars
    self.rangeMask = ranges
  }

  /// The value of one resource, or `nil` when it is not listed.
  public subscript(name: String) -> ResourceValue? {
    entries.first { $0.name == name }?.value
  }

  /// The amount of a scalar resource (zero when absent).
  public func scalar(_ name: String) -> Quantity {
    guard let i = names.scalarNames.firstIndex(of: name) else { return .zero }
    return Quantity(milli: value.scalars[i])
  }

  /// The ranges of a range resource (empty when absent).
  public func ranges(_ name: String) -> RangeSet {
    guard let i = names.rangeNames.firstIndex(of: name) else { return RangeSet() }
    return value.range(i)
  }

  /// Every listed resource, sorted by the bytes of its name.
  ///
  /// Non-zero scalars and non-empty ranges are listed; in agent views of ``EngineState``
  /// every resource the agent has is listed, zeros included.
  public var entries: [ResourceSpec.Entry] {
    var out: [ResourceSpec.Entry] = []
    var si = 0
    var ri = 0
    let so = names.scalarOrder
    let ro = names.rangeOrder
    while si < so.count || ri < ro.count {
      let takeScalar: Bool
      if si == so.count {
        takeScalar = false
      } else if ri == ro.count {
        takeScalar = true
      } else {
        takeScalar = names.scalarNames[so[si]].utf8.lexicographicallyPrecedes(
          names.rangeNames[ro[ri]].utf8)
      }
      if takeScalar {
        let i = so[si]
        si += 1
        let m = value.scalars[i]
        if m != 0 || (i < 64 && scalarMask & (1 << UInt64(i)) != 0) {
          out.append(.init(name: names.scalarNames[i], value: .scalar(Quantity(milli: m))))
        }
      } else {
        let i = ro[ri]
        ri += 1
        let r = value.range(i)
        if !r.isEmpty || (i < 64 && rangeMask & (1 << UInt64(i)) != 0) {
          out.append(.init(name: names.rangeNames[i], value: .ranges(r.intervals)))
        }
      }
    }
    return out
  }

  /// The amounts as a spec (sorted by name).
  public var spec: ResourceSpec { ResourceSpec(entries) }

  /// Whether nothing is listed.
  public var isEmpty: Bool { entries.isEmpty }

  /// `{cpus:4,mem:8192,ports:[[31000,31009]]}`.
  public var description: String { spec.description }

  /// Equal when they list the same entries.
  public static func == (a: ResourceAmounts, b: ResourceAmounts) -> Bool {
    a.entries == b.entries
  }
}
