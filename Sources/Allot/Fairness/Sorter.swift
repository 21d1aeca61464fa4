/// What a sort entry stands for.
enum ClientKind: UInt8, Sendable {
  /// A (framework, role) pair, in its role's framework heap.
  case framework
  /// A role, in its parent's child heap.
  case roleEntry
  /// A role's own frameworks as an implicit child of weight 1, in the role's child heap.
  case selfEntry
}

/// A heap entry: a client with its sort key packed into one 128-bit integer, so that a
/// comparison is one branch-free wide compare on one contiguous array.
///
/// High 64 bits: the share's IEEE bits (shares are non-negative, and non-negative doubles
/// order like their bit patterns). Low 64 bits: the allocation count (40 bits, saturating
/// after 2^40 - 1 allocations) above the name rank (24 bits; ranks beyond 2^24 - 1, i.e.
/// more than 16 million frameworks or roles, tie).
struct SortEntry: Sendable {
  var key: UInt128
  var client: ClientIndex

  init(share: Double, count: UInt64, rank: UInt32, client: ClientIndex) {
    let c = Swift.min(count, (1 << 40) - 1)
    let r = UInt64(Swift.min(rank, (1 << 24) - 1))
    key = UInt128(share.bitPattern) << 64 | UInt128(c << 24 | r)
    self.client = client
  }

  /// Orders by (share, allocation count, name rank).
  @inline(__always)
  static func < (a: SortEntry, b: SortEntry) -> Bool { a.key < b.key }
}

/// Hierarchical DRF order, kept incrementally.
///
/// Every role has two binary min-heaps: its children (child roles that have subscribers in
/// their subtree, plus the implicit child standing for the role's own frameworks) and its
/// frameworks. Entries are ordered by (share, allocation count, name rank). When an offer or
/// placement changes what a client holds, only that client and its ancestors' entries are
/// repositioned: O(depth * log n), never a re-sort of everything (Mesos's sorter re-sorted
/// every client when dirty). Ordered iteration (`Engine.nextInWalk`) walks a heap without
/// disturbing it, with a small auxiliary heap of frontier positions: the first k entries cost
/// O(k log k).
struct Sorter: Sendable {
  var kind: [ClientKind] = []
  var role: [RoleIndex] = []
  var framework: [FrameworkIndex] = []
  var share: [Double] = []
  var count: [UInt64] = []
  var rank: [UInt32] = []
  /// Heap id the client is in (-1: none) and its position there.
  var heapOf: [Int32] = []
  var pos: [Int32] = []
  /// For framework clients: held (offered + allocated) and allocated for the role.
  var held: [ScalarVector] = []
  var allocated: [ScalarVector] = []
  var subscribed: [Bool] = []
  var suppressed: [Bool] = []
  /// Stamp of the last (pass, agent) visit that made this client an offer.
  var mark: [UInt64] = []
  var freeSlots: [ClientIndex] = []
  /// Heap `3r` holds role r's children, `3r+1` its active frameworks, `3r+2` its suppressed
  /// ones; every entry carries its client's key as of its last insertion or update.
  var heaps: [[SortEntry]] = [[], [], []]

  /// Role r's child heap (child roles and its own frameworks as one implicit child).
  static func childHeap(_ r: RoleIndex) -> Int { 3 * r.i }
  /// Role r's frameworks that take offers (subscribed, not suppressed): offer cycles walk
  /// only these, so suppressed frameworks cost a cycle nothing (Mesos deactivates them in
  /// its sorter the same way).
  static func frameworkHeap(_ r: RoleIndex) -> Int { 3 * r.i + 1 }
  /// Role r's suppressed frameworks: placement (which suppression does not concern) walks
  /// them merged with ``frameworkHeap(_:)``.
  static func suppressedHeap(_ r: RoleIndex) -> Int { 3 * r.i + 2 }

  mutating func ensureRole(_ r: RoleIndex) {
    while heaps.count < 3 * r.i + 3 { heaps.append([]) }
  }

  mutating func newClient(_ k: ClientKind, role r: RoleIndex, framework f: FrameworkIndex)
    -> ClientIndex
  {
    let c: ClientIndex
    if let s = freeSlots.popLast() {
      c = s
      kind[c.i] = k
      role[c.i] = r
      framework[c.i] = f
      share[c.i] = 0
      count[c.i] = 0
      rank[c.i] = 0
      heapOf[c.i] = -1
      pos[c.i] = -1
      held[c.i] = .zero
      allocated[c.i] = .zero
      subscribed[c.i] = false
      suppressed[c.i] = false
      mark[c.i] = 0
    } else {
      c = ClientIndex(kind.count)
      kind.append(k)
      role.append(r)
      framework.append(f)
      share.append(0)
      count.append(0)
      rank.append(0)
      heapOf.append(-1)
      pos.append(-1)
      held.append(.zero)
      allocated.append(.zero)
      subscribed.append(false)
      suppressed.append(false)
      mark.append(0)
    }
    return c
  }

  mutating func freeClient(_ c: ClientIndex) {
    if heapOf[c.i] >= 0 { remove(c) }
    freeSlots.append(c)
  }

  @inline(__always)
  func less(_ a: ClientIndex, _ b: ClientIndex) -> Bool {
    let sa = share[a.i]
    let sb = share[b.i]
    if sa != sb { return sa < sb }
    let ca = count[a.i]
    let cb = count[b.i]
    if ca != cb { return ca < cb }
    return rank[a.i] < rank[b.i]
  }

  /// The entry of client `c` with its current key.
  @inline(__always)
  func entry(_ c: ClientIndex) -> SortEntry {
    SortEntry(share: share[c.i], count: count[c.i], rank: rank[c.i], client: c)
  }

  mutating func insert(_ c: ClientIndex, heap h: Int) {
    precondition(heapOf[c.i] < 0)
    heapOf[c.i] = Int32(h)
    pos[c.i] = Int32(heaps[h].count)
    heaps[h].append(entry(c))
    siftUp(h, heaps[h].count - 1)
  }

  mutating func remove(_ c: ClientIndex) {
    let h = Int(heapOf[c.i])
    guard h >= 0 else { return }
    let p = Int(pos[c.i])
    let last = heaps[h].count - 1
    if p != last {
      let moved = heaps[h][last]
      heaps[h][p] = moved
      pos[moved.client.i] = Int32(p)
      heaps[h].removeLast()
      siftDown(h, p)
      siftUp(h, Int(pos[moved.client.i]))
    } else {
      heaps[h].removeLast()
    }
    heapOf[c.i] = -1
    pos[c.i] = -1
  }

  /// Whether the client is in a heap with at least one other entry.
  @inline(__always)
  func inCrowdedHeap(_ c: ClientIndex) -> Bool {
    let h = Int(heapOf[c.i])
    return h >= 0 && heaps[h].count > 1
  }

  /// Repositions a client whose key changed: up when it now orders before its parent,
  /// otherwise down.
  mutating func update(_ c: ClientIndex) {
    let h = Int(heapOf[c.i])
    guard h >= 0, heaps[h].count > 1 else { return }
    let p = Int(pos[c.i])
    let e = entry(c)
    pos.withUnsafeMutableBufferPointer { pos in
      heaps[h].withUnsafeMutableBufferPointer { heap in
        heap[p] = e
        if p > 0 && e < heap[(p - 1) / 2] {
          Sorter.siftUp(heap, pos, p)
        } else {
          Sorter.siftDownToLeaf(heap, pos, p)
        }
      }
    }
  }

  /// Copies client `c`'s current key into its heap entry without moving it (for a lone
  /// entry, which has nothing to be ordered against).
  mutating func refreshEntry(_ c: ClientIndex) {
    let h = Int(heapOf[c.i])
    guard h >= 0 else { return }
    heaps[h][Int(pos[c.i])] = entry(c)
  }

  /// Restores the heap property of heap `h` after refreshing every entry's key.
  mutating func heapify(_ h: Int) {
    let n = heaps[h].count
    for k in 0..<n { heaps[h][k] = entry(heaps[h][k].client) }
    if n < 2 { return }
    var i = n / 2 - 1
    while i >= 0 {
      siftDown(h, i)
      i -= 1
    }
  }

  private mutating func siftUp(_ h: Int, _ start: Int) {
    pos.withUnsafeMutableBufferPointer { pos in
      heaps[h].withUnsafeMutableBufferPointer { heap in Sorter.siftUp(heap, pos, start) }
    }
  }

  private mutating func siftDown(_ h: Int, _ start: Int) {
    pos.withUnsafeMutableBufferPointer { pos in
      heaps[h].withUnsafeMutableBufferPointer { heap in Sorter.siftDown(heap, pos, start) }
    }
  }

  @inline(__always)
  static func siftUp(
    _ heap: UnsafeMutableBufferPointer<SortEntry>, _ pos: UnsafeMutableBufferPointer<Int32>,
    _ start: Int
  ) {
    var i = start
    let c = heap[i]
    while i > 0 {
      let p = (i &- 1) >> 1
      let pc = heap[p]
      if !(c < pc) { break }
      heap[i] = pc
      pos[pc.client.i] = Int32(truncatingIfNeeded: i)
      i = p
    }
    heap[i] = c
    pos[c.client.i] = Int32(truncatingIfNeeded: i)
  }

  @inline(__always)
  static func siftDown(
    _ heap: UnsafeMutableBufferPointer<SortEntry>, _ pos: UnsafeMutableBufferPointer<Int32>,
    _ start: Int
  ) {
    let n = heap.count
    var i = start
    let c = heap[i]
    while true {
      let l = i &* 2 &+ 1
      if l >= n { break }
      var m = l
      let r = l &+ 1
      if r < n, heap[r] < heap[l] { m = r }
      let mc = heap[m]
      if !(mc < c) { break }
      heap[i] = mc
      pos[mc.client.i] = Int32(truncatingIfNeeded: i)
      i = m
    }
    heap[i] = c
    pos[c.client.i] = Int32(truncatingIfNeeded: i)
  }

  /// Sift-down in Floyd's bottom-up form.
  ///
  /// The hole descends along the smaller children to a leaf (one comparison per level),
  /// then the entry climbs back to its place. An entry whose
  /// key grew usually belongs near the bottom (an offer moves its taker behind everyone of
  /// equal share), so this saves about half the comparisons of the classic form.
  @inline(__always)
  static func siftDownToLeaf(
    _ heap: UnsafeMutableBufferPointer<SortEntry>, _ pos: UnsafeMutableBufferPointer<Int32>,
    _ start: Int
  ) {
    // Unchecked arithmetic: heaps hold fewer than 2^31 clients, so no index overflows.
    let n = heap.count
    var i = start
    let c = heap[i]
    while true {
      let l = i &* 2 &+ 1
      if l >= n { break }
      var m = l
      if l &+ 1 < n, heap[l &+ 1] < heap[l] { m = l &+ 1 }
      let mc = heap[m]
      heap[i] = mc
      pos[mc.client.i] = Int32(truncatingIfNeeded: i)
      i = m
    }
    // Climb back: the entry's key is at least its old parent's (callers use this form only
    // when it is), so the climb stops at or below `start`.
    heap[i] = c
    siftUp(heap, pos, i)
  }

  #if ALLOT_INTERNAL_CHECKS
    /// Heap property and position map hold for every heap.
    func checkHeaps() -> [String] {
      var errors: [String] = []
      for h in heaps.indices {
        let heap = heaps[h]
        for (i, e) in heap.enumerated() {
          let c = e.client
          if Int(heapOf[c.i]) != h || Int(pos[c.i]) != i {
            errors.append("sorter: client \(c.i) position map wrong in heap \(h)")
          }
          if heap.count > 1 {
            if entry(c).key != e.key {
              errors.append("sorter: client \(c.i) entry key stale in heap \(h)")
            }
          }
          if i > 0, e < heap[(i - 1) / 2] {
            errors.append("sorter: heap \(h) order broken at \(i)")
          }
        }
      }
      for c in kind.indices where kind[c] == .framework && subscribed[c] {
        let want =
          suppressed[c]
          ? Sorter.suppressedHeap(role[c]) : Sorter.frameworkHeap(role[c])
        if Int(heapOf[c]) != want {
          errors.append(
            "sorter: framework client \(c) not in its \(suppressed[c] ? "suppressed" : "active") heap"
          )
        }
      }
      return errors
    }
  #endif
}
