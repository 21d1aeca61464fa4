/// Agents grouped by shape: identical totals and free amounts (the first eight scalar
/// kinds), so that a placement scores a shape once instead of every agent (Borg's
/// equivalence classes).
///
/// Only agents that are alive, not draining and without reservations are classed (their
/// fit and score depend on the shape alone); the others are kept in `unclassed` and scanned
/// one by one. Members of a class are kept in agent order (by insertion ordinal), so the
/// first member that passes a task's other rules is the tie winner within the class.
struct ShapeClasses: Sendable {
  struct Key: Hashable, Sendable {
    var total: SIMD8<Int64>
    var available: SIMD8<Int64>
  }

  struct Member: Sendable {
    var ordinal: UInt64
    var agent: Int32
  }

  var byKey: [Key: Int32] = [:]
  var keys: [Key] = []
  var members: [[Member]] = []
  var freeClasses: [Int32] = []
  /// Live class ids.
  var live: [Int32] = []
  var livePos: [Int32] = []
  /// Per agent slot: its class, or -1.
  var classOf: [Int32] = []
  /// Alive, non-draining agents that are not classed, in agent order.
  var unclassed: [Member] = []

  static func insertSorted(_ list: inout [Member], _ m: Member) {
    var lo = 0
    var hi = list.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if list[mid].ordinal < m.ordinal { lo = mid + 1 } else { hi = mid }
    }
    list.insert(m, at: lo)
  }

  static func removeSorted(_ list: inout [Member], ordinal: UInt64) {
    var lo = 0
    var hi = list.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if list[mid].ordinal < ordinal { lo = mid + 1 } else { hi = mid }
    }
    if lo < list.count && list[lo].ordinal == ordinal { list.remove(at: lo) }
  }

  /// Takes the agent out of its class (or of the unclassed list).
  mutating func remove(agent a: Int, ordinal: UInt64) {
    while classOf.count <= a { classOf.append(-1) }
    let c = classOf[a]
    if c >= 0 {
      ShapeClasses.removeSorted(&members[Int(c)], ordinal: ordinal)
      if members[Int(c)].isEmpty {
        byKey[keys[Int(c)]] = nil
        let p = Int(livePos[Int(c)])
        let last = live.count - 1
        if p != last {
          live[p] = live[last]
          livePos[Int(live[p])] = Int32(p)
        }
        live.removeLast()
        freeClasses.append(c)
      }
      classOf[a] = -1
    } else {
      ShapeClasses.removeSorted(&unclassed, ordinal: ordinal)
    }
  }

  /// Files the agent under its current shape (`key == nil`: unclassed).
  mutating func place(agent a: Int, ordinal: UInt64, key: Key?) {
    while classOf.count <= a { classOf.append(-1) }
    let m = Member(ordinal: ordinal, agent: Int32(a))
    guard let key else {
      ShapeClasses.insertSorted(&unclassed, m)
      return
    }
    let c: Int32
    if let existing = byKey[key] {
      c = existing
    } else {
      if let f = freeClasses.popLast() {
        c = f
        keys[Int(c)] = key
      } else {
        c = Int32(keys.count)
        keys.append(key)
        members.append([])
        livePos.append(0)
      }
      byKey[key] = c
      livePos[Int(c)] = Int32(live.count)
      live.append(c)
    }
    ShapeClasses.insertSorted(&members[Int(c)], m)
    classOf[a] = c
  }

  /// Whether the agent is filed with this key already.
  func isFiled(agent a: Int, key: Key?) -> Bool {
    guard a < classOf.count else { return false }
    let c = classOf[a]
    if let key { return c >= 0 && keys[Int(c)] == key }
    return c < 0  // unclassed (the caller knows it is filed at all)
  }
}
