import Allot
import CAllot

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// The first pass over a result: resource amounts flattened into C arrays, and the bytes its
/// strings need.
///
/// A result the caller owns is one `malloc` block (header, item arrays, scalars, ranges,
/// strings), so one `free` releases it whole and nothing in it can leak on its own.
struct ResultBuilder {
  /// Where one item's amounts sit in ``scalars`` and ``ranges``.
  struct Span {
    var scalarStart = 0
    var scalarCount = 0
    var rangeStart = 0
    var rangeCount = 0
  }

  var scalars: [allot_scalar] = []
  var ranges: [allot_range] = []
  var textBytes = 0

  /// Counts a string's bytes and its NUL.
  mutating func count(_ s: String) { textBytes += s.utf8.count + 1 }

  /// Flattens amounts, interning names the table has not seen (resources first named
  /// through `allot_call_json`).
  mutating func add(_ amounts: ResourceAmounts, table: inout ResourceTable) throws(Failure)
    -> Span
  {
    var span = Span(scalarStart: scalars.count, rangeStart: ranges.count)
    for e in amounts.entries {
      switch e.value {
      case .scalar(let q):
        let id = try table.intern(e.name, ranges: false, field: "resources")
        scalars.append(allot_scalar(resource: id, milli: q.milli))
        span.scalarCount += 1
      case .ranges(let list):
        let id = try table.intern(e.name, ranges: true, field: "resources")
        for r in list {
          ranges.append(allot_range(resource: id, first: r.lowerBound, last: r.upperBound))
          span.rangeCount += 1
        }
      }
    }
    return span
  }
}

/// Offsets within a result block, laid out in order with each type's alignment.
struct BlockPlan {
  private(set) var size = 0

  /// Reserves `count` elements of `T` and returns their offset.
  mutating func place<T>(_: T.Type, count: Int) -> Int {
    let a = MemoryLayout<T>.alignment
    size = (size + a - 1) & ~(a - 1)
    let at = size
    size += MemoryLayout<T>.stride * count
    return at
  }
}

/// The second pass: writes into the allocated block.
struct BlockWriter {
  let base: UnsafeMutableRawPointer
  private let scalars: UnsafeMutablePointer<allot_scalar>
  private let ranges: UnsafeMutablePointer<allot_range>
  private var text: UnsafeMutablePointer<CChar>

  /// Places the builder's scalars, ranges and text after what `plan` holds, allocates the
  /// block and copies the builder's arrays in.
  init(finishing plan: BlockPlan, builder: ResultBuilder) throws(Failure) {
    var plan = plan
    let scalarsAt = plan.place(allot_scalar.self, count: builder.scalars.count)
    let rangesAt = plan.place(allot_range.self, count: builder.ranges.count)
    let textAt = plan.place(CChar.self, count: builder.textBytes)
    guard let base = malloc(max(plan.size, 1)) else { throw .noMemory("a result") }
    self.base = base
    scalars = (base + scalarsAt).bindMemory(to: allot_scalar.self, capacity: builder.scalars.count)
    ranges = (base + rangesAt).bindMemory(to: allot_range.self, capacity: builder.ranges.count)
    text = (base + textAt).bindMemory(to: CChar.self, capacity: builder.textBytes)
    builder.scalars.withUnsafeBufferPointer {
      if let s = $0.baseAddress { scalars.initialize(from: s, count: $0.count) }
    }
    builder.ranges.withUnsafeBufferPointer {
      if let r = $0.baseAddress { ranges.initialize(from: r, count: $0.count) }
    }
  }

  /// The typed view of an array placed at `offset`.
  func array<T>(_: T.Type, at offset: Int, count: Int) -> UnsafeMutablePointer<T> {
    (base + offset).bindMemory(to: T.self, capacity: count)
  }

  /// Copies a string and its NUL into the block.
  mutating func string(_ s: String) -> UnsafePointer<CChar> {
    let start = text
    var s = s
    s.withUTF8 { u in
      if let p = u.baseAddress {
        UnsafeMutableRawPointer(text).copyMemory(from: p, byteCount: u.count)
      }
      text[u.count] = 0
      text += u.count + 1
    }
    return UnsafePointer(start)
  }

  /// The C view of one item's amounts.
  func amounts(_ span: ResultBuilder.Span) -> allot_amounts {
    allot_amounts(
      scalars: span.scalarCount > 0 ? UnsafePointer(scalars + span.scalarStart) : nil,
      scalar_count: span.scalarCount,
      ranges: span.rangeCount > 0 ? UnsafePointer(ranges + span.rangeStart) : nil,
      range_count: span.rangeCount)
  }
}
