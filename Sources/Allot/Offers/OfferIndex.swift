/// Outstanding offers by sequence number: an open-addressing hash table with linear probing
/// and backward-shift deletion.
///
/// A multiplicative (Fibonacci) hash scatters the consecutive sequence numbers over the
/// slots, so probe runs stay short at the table's load of at most one half: a lookup is a
/// multiply, a shift and a probe or two, with no allocation once the table has grown to the
/// number of outstanding offers. (Home slots taken straight from the low bits would put
/// consecutive numbers in one long run, and a removal would then shift through all of it.)
///
/// - Complexity: O(1) expected for insert, lookup and remove.
struct OfferIndex: Sendable {
  /// Sequence numbers by slot (0: empty; sequence numbers start at 1).
  private var keys: [UInt64] = Array(repeating: 0, count: 16)
  private var values: [OfferSlot] = Array(repeating: OfferSlot(0), count: 16)
  /// The number of entries.
  private(set) var count = 0

  private var mask: Int { keys.count - 1 }
  /// log2 of the table size.
  private var bits = 4

  /// The home slot of `seq`: the top `bits` bits of seq times 2^64 / phi.
  @inline(__always)
  private func home(_ seq: UInt64) -> Int {
    Int(truncatingIfNeeded: (seq &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - bits))
  }

  /// The slot of offer `seq`, or nil when it is not outstanding.
  func lookup(_ seq: UInt64) -> OfferSlot? {
    var i = home(seq)
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
    let start = home(seq)
    keys.withUnsafeMutableBufferPointer { keys in
      var i = start
      while keys[i] != 0 { i = (i + 1) & m }
      keys[i] = seq
      values[i] = slot
    }
    count += 1
  }

  /// Forgets offer `seq` if present.
  mutating func remove(_ seq: UInt64) {
    let m = mask
    var i = home(seq)
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
      let h = home(k)
      let inRun = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j)
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
    bits += 1
    count = 0
    for i in oldKeys.indices where oldKeys[i] != 0 { insert(oldKeys[i], oldValues[i]) }
  }
}
