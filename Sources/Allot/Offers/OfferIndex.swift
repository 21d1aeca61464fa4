/// Outstanding offers by sequence number: an open-addressing hash table with linear probing
/// and backward-shift deletion.
///
/// Sequence numbers are issued consecutively, so the low bits alone spread them evenly over
/// the slots: a lookup is a mask and, almost always, one probe, with no hashing and no
/// allocation once the table has grown to the number of outstanding offers.
///
/// - Complexity: O(1) expected for insert, lookup and remove.
struct OfferIndex: Sendable {
  /// Sequence numbers by slot (0: empty; sequence numbers start at 1).
  private var keys: [UInt64] = Array(repeating: 0, count: 16)
  private var values: [OfferSlot] = Array(repeating: OfferSlot(0), count: 16)
  /// The number of entries.
  private(set) var count = 0

  private var mask: Int { keys.count - 1 }

  /// The slot of offer `seq`, or nil when it is not outstanding.
  func lookup(_ seq: UInt64) -> OfferSlot? {
    var i = Int(truncatingIfNeeded: seq) & mask
    while true {
      let k = keys[i]
      if k == seq { return values[i] }
      if k == 0 { return nil }
      i = (i + 1) & mask
    }
  }

  /// Records offer `seq` at `slot` (`seq` must not be present).
  mutating func insert(_ seq: UInt64, _ slot: OfferSlot) {
    precondition(seq != 0)
    if (count + 1) * 2 > keys.count { grow() }
    let m = mask
    keys.withUnsafeMutableBufferPointer { keys in
      var i = Int(truncatingIfNeeded: seq) & m
      while keys[i] != 0 { i = (i + 1) & m }
      keys[i] = seq
      values[i] = slot
    }
    count += 1
  }

  /// Forgets offer `seq` if present.
  mutating func remove(_ seq: UInt64) {
    let m = mask
    var i = Int(truncatingIfNeeded: seq) & m
    while true {
      let k = keys[i]
      if k == 0 { return }
      if k == seq { break }
      i = (i + 1) & m
    }
    // Backward shift: move later entries of the probe run into the hole when their home
    // slot does not lie cyclically in (hole, their position].
    var hole = i
    var j = i
    while true {
      j = (j + 1) & m
      let k = keys[j]
      if k == 0 { break }
      let home = Int(truncatingIfNeeded: k) & m
      let inRun = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j)
      if !inRun {
        keys[hole] = k
        values[hole] = values[j]
        hole = j
      }
    }
    keys[hole] = 0
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
