/// Outstanding offers by sequence number: an open-addressing hash table with Robin Hood
/// linear probing and backward-shift deletion.
///
/// Sequence numbers are issued consecutively, so their low bits make home slots that are
/// used in order (memory is touched sequentially, as the offer cycle issues them) and almost
/// never collide at the table's load of at most one half. Robin Hood keeps every probe run
/// ordered by home slot, so a removal stops at the first entry that sits at its home (with
/// plain linear probing it would have to scan the whole run, and consecutive numbers make
/// one long run). No hashing, and no allocation once the table has grown to the number of
/// outstanding offers.
///
/// - Complexity: O(1) expected for insert, lookup and remove.
struct OfferIndex: Sendable {
  /// Sequence numbers by slot (0: empty; sequence numbers start at 1).
  private var keys: [UInt64] = Array(repeating: 0, count: 16)
  private var values: [OfferSlot] = Array(repeating: OfferSlot(0), count: 16)
  /// The number of entries.
  private(set) var count = 0

  private var mask: Int { keys.count - 1 }

  /// How far slot `i` is from the home slot of `key`.
  @inline(__always)
  private func distance(_ key: UInt64, _ i: Int) -> Int {
    (i &- Int(truncatingIfNeeded: key)) & mask
  }

  /// The slot of offer `seq`, or nil when it is not outstanding.
  func lookup(_ seq: UInt64) -> OfferSlot? {
    let m = mask
    var i = Int(truncatingIfNeeded: seq) & m
    var d = 0
    while true {
      let k = keys[i]
      if k == seq { return values[i] }
      // Robin Hood: a resident nearer its home than we are to ours ends the search.
      if k == 0 || distance(k, i) < d { return nil }
      i = (i + 1) & m
      d += 1
    }
  }

  /// Records offer `seq` at `slot` (`seq` must not be present).
  mutating func insert(_ seq: UInt64, _ slot: OfferSlot) {
    precondition(seq != 0)
    if (count + 1) * 2 > keys.count { grow() }
    let m = mask
    var key = seq
    var value = slot
    var i = Int(truncatingIfNeeded: key) & m
    var d = 0
    while true {
      let k = keys[i]
      if k == 0 {
        keys[i] = key
        values[i] = value
        break
      }
      let dk = distance(k, i)
      if dk < d {
        // Take the slot from the richer resident and carry it on.
        keys[i] = key
        let v = values[i]
        values[i] = value
        key = k
        value = v
        d = dk
      }
      i = (i + 1) & m
      d += 1
    }
    count += 1
  }

  /// Forgets offer `seq` if present.
  mutating func remove(_ seq: UInt64) {
    let m = mask
    var i = Int(truncatingIfNeeded: seq) & m
    var d = 0
    while true {
      let k = keys[i]
      if k == seq { break }
      if k == 0 || distance(k, i) < d { return }
      i = (i + 1) & m
      d += 1
    }
    // Backward shift: pull the following entries one slot back until one is at its home.
    while true {
      let j = (i + 1) & m
      let k = keys[j]
      if k == 0 || distance(k, j) == 0 { break }
      keys[i] = k
      values[i] = values[j]
      i = j
    }
    keys[i] = 0
    count -= 1
  }

  /// Every outstanding offer's slot, in no particular order.
  var slots: [OfferSlot] {
    var out: [OfferSlot] = []
    out.reserveCapacity(count)
    for i in keys.indices where keys[i] != 0 { out.append(values[i]) }
    return out
  }

  private mutating func grow() {
    let oldKeys = keys
    let oldValues = values
    keys = Array(repeating: 0, count: oldKeys.count * 2)
    values = Array(repeating: OfferSlot(0), count: oldKeys.count * 2)
    count = 0
    for i in oldKeys.indices where oldKeys[i] != 0 { insert(oldKeys[i], oldValues[i]) }
  }
}
