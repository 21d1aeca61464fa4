/// An inverted index of agent labels: for each key and each `(key, value)`, the bitset of
/// agents carrying it, kept current as agents are added, updated and removed.
///
/// A compiled selector evaluates to a bitset by word-wide operations: `in` intersects with
/// the union of its value sets, `notin`/`!=` subtracts them (agents without the key stay, as
/// Kubernetes wants), `exists` intersects with the key's set and `!key` subtracts it. Agent
/// ids are the engine's dense indices; a removed id may be reused.
///
///     var index = LabelIndex()
///     index.add(agent: 0, labels: [("zone", "a"), ("disk", "ssd")])
///     index.add(agent: 1, labels: [("zone", "b")])
///     let s = index.compile(try LabelSelector(parsing: "zone in (a,b),disk!=hdd"))
///     Array(index.agents(matching: s))  // [0, 1]
public struct LabelIndex: Sendable {
  /// One key's or one pair's agents, with their number.
  @usableFromInline
  struct Posting: Sendable {
    @usableFromInline var agents = AgentBitset()
    @usableFromInline var count = 0
  }

  /// The interner shared by the index and the selectors compiled against it.
  public private(set) var interner = LabelInterner()
  /// Every agent in the index.
  public private(set) var all = AgentBitset()
  @usableFromInline var _keys: [UInt32: Posting] = [:]
  @usableFromInline var _pairs: [UInt64: Posting] = [:]
  /// For each key, the value ids some agent carries (for `gt`/`lt`).
  @usableFromInline var _valuesOfKey: [UInt32: [UInt32]] = [:]
  /// Each agent's interned labels, by agent id.
  @usableFromInline var _labels: [InternedLabels?] = []

  /// Creates an empty index.
  public init() {}

  /// The number of agents in the index.
  public var agentCount: Int { all.count }

  /// Adds an agent with its labels (unique keys, any order).
  ///
  /// - Precondition: the agent is not in the index.
  /// - Complexity: O(l) dictionary updates.
  public mutating func add(agent: Int, labels: [(String, String)]) {
    precondition(agent >= 0, "agent ids are not negative")
    precondition(!all.contains(agent), "agent \(agent) is already indexed")
    let interned = interner.intern(labels: labels)
    if agent >= _labels.count {
      _labels.append(contentsOf: repeatElement(nil, count: agent + 1 - _labels.count))
    }
    _labels[agent] = interned
    all.insert(agent)
    for p in interned._storage {
      let key = UInt32(p >> 32)
      _keys[key, default: Posting()].agents.insert(agent)
      _keys[key, default: Posting()].count += 1
      _pairs[p, default: Posting()].agents.insert(agent)
      _pairs[p, default: Posting()].count += 1
      if _pairs[p]!.count == 1 {
        _valuesOfKey[key, default: []].append(UInt32(truncatingIfNeeded: p))
      }
    }
  }

  /// Removes an agent; an agent not in the index is ignored.
  ///
  /// - Complexity: O(l) dictionary updates.
  public mutating func remove(agent: Int) {
    guard agent >= 0, agent < _labels.count, let interned = _labels[agent] else { return }
    _labels[agent] = nil
    all.remove(agent)
    for p in interned._storage {
      let key = UInt32(p >> 32)
      let value = UInt32(truncatingIfNeeded: p)
      _keys[key]!.agents.remove(agent)
      _keys[key]!.count -= 1
      if _keys[key]!.count == 0 { _keys[key] = nil }
      _pairs[p]!.agents.remove(agent)
      _pairs[p]!.count -= 1
      if _pairs[p]!.count == 0 {
        _pairs[p] = nil
        _valuesOfKey[key]!.removeAll { $0 == value }
        if _valuesOfKey[key]!.isEmpty { _valuesOfKey[key] = nil }
      }
    }
  }

  /// Replaces an agent's labels (adds the agent if it is not in the index).
  ///
  /// - Complexity: O(l) dictionary updates in the old and new labels.
  public mutating func update(agent: Int, labels: [(String, String)]) {
    remove(agent: agent)
    add(agent: agent, labels: labels)
  }

  /// An agent's interned labels, if it is in the index.
  public func labels(of agent: Int) -> InternedLabels? {
    agent >= 0 && agent < _labels.count ? _labels[agent] : nil
  }

  /// Compiles a selector against the index's interner.
  public mutating func compile(_ selector: LabelSelector) -> CompiledSelector {
    CompiledSelector(selector, interner: &interner)
  }

  /// Compiles a validated node affinity against the index's interner.
  public mutating func compile(_ affinity: NodeAffinitySelectors) -> CompiledNodeAffinity {
    affinity.compiled(interner: &interner)
  }

  /// The agents carrying a key.
  public func agents(withKey key: String) -> AgentBitset {
    guard let k = interner.id(of: key) else { return AgentBitset() }
    return _keys[k.rawValue]?.agents ?? AgentBitset()
  }

  /// The agents carrying a `(key, value)` label.
  public func agents(withKey key: String, value: String) -> AgentBitset {
    guard let k = interner.id(of: key), let v = interner.id(of: value) else {
      return AgentBitset()
    }
    return _pairs[UInt64(k.rawValue) << 32 | UInt64(v.rawValue)]?.agents ?? AgentBitset()
  }

  /// The values some agent carries for a key, with the agents carrying each.
  ///
  /// - Complexity: O(d) in the key's distinct values.
  public func domains(ofKey key: String) -> [(value: String, agents: AgentBitset)] {
    guard let k = interner.id(of: key), let values = _valuesOfKey[k.rawValue] else { return [] }
    return values.map { v in
      (
        interner.string(LabelID(rawValue: v)),
        _pairs[UInt64(k.rawValue) << 32 | UInt64(v)]!.agents
      )
    }
  }

  /// Whether one agent matches a compiled selector, from its stored labels.
  ///
  /// - Complexity: O(r + l); never allocates.
  @inlinable
  public func matches(agent: Int, _ selector: CompiledSelector) -> Bool {
    guard agent >= 0, agent < _labels.count, let labels = _labels[agent] else { return false }
    return selector.matches(labels, in: interner)
  }

  /// The agents matching a compiled selector.
  ///
  /// - Complexity: O(r · w) word operations (w = agents / 64), plus one pass per value of a
  ///   multi-valued `in` or a `gt`/`lt`.
  public func agents(matching selector: CompiledSelector) -> AgentBitset {
    var result = AgentBitset()
    evaluate(selector, into: &result)
    return result
  }

  /// Writes the agents matching a compiled selector into `result`, reusing its storage.
  ///
  /// - Complexity: as ``agents(matching:)``.
  public func evaluate(_ selector: CompiledSelector, into result: inout AgentBitset) {
    if selector._nothing {
      result.removeAll()
      return
    }
    result.assign(all)
    var union = AgentBitset()
    for c in selector._clauses {
      switch c.op {
      case .exists:
        if let p = _keys[c.key] { result.formIntersection(p.agents) } else { result.removeAll() }
      case .doesNotExist:
        if let p = _keys[c.key] { result.subtract(p.agents) }
      case .in:
        if c.count == 1 {
          let pair = UInt64(c.key) << 32 | UInt64(selector._values[Int(c.start)])
          if let p = _pairs[pair] { result.formIntersection(p.agents) } else { result.removeAll() }
        } else {
          union.removeAll()
          for i in Int(c.start)..<Int(c.start + c.count) {
            if let p = _pairs[UInt64(c.key) << 32 | UInt64(selector._values[i])] {
              union.formUnion(p.agents)
            }
          }
          result.formIntersection(union)
        }
      case .notIn:
        for i in Int(c.start)..<Int(c.start + c.count) {
          if let p = _pairs[UInt64(c.key) << 32 | UInt64(selector._values[i])] {
            result.subtract(p.agents)
          }
        }
      case .greaterThan, .lessThan:
        union.removeAll()
        for v in _valuesOfKey[c.key] ?? [] {
          guard let x = interner.integer(LabelID(rawValue: v)) else { continue }
          if c.op == .greaterThan ? x > c.bound : x < c.bound {
            union.formUnion(_pairs[UInt64(c.key) << 32 | UInt64(v)]!.agents)
          }
        }
        result.formIntersection(union)
      }
    }
  }
}
