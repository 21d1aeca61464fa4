/// Go's text conventions that Kubernetes's error messages and integer rules depend on.
///
/// Kubernetes writes a bad value with `%q` (`strconv.Quote`) when it is a plain `string`, and
/// through `encoding/json` when it is a named string type or a slice; it parses integers with
/// `strconv.ParseInt(s, 10, 64)`. These helpers reproduce those byte for byte.
@usableFromInline
enum GoText {
  /// `strconv.Quote`: Go string-literal syntax with printable Unicode kept as is.
  static func quote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar.value {
      case 0x07: out += "\\a"
      case 0x08: out += "\\b"
      case 0x0C: out += "\\f"
      case 0x0A: out += "\\n"
      case 0x0D: out += "\\r"
      case 0x09: out += "\\t"
      case 0x0B: out += "\\v"
      case 0x5C: out += "\\\\"
      case 0x22: out += "\\\""
      case 0x20...0x7E: out.unicodeScalars.append(scalar)
      case 0..<0x20, 0x7F: out += "\\x" + hex(scalar.value, width: 2)
      default:
        if isGoPrintable(scalar) {
          out.unicodeScalars.append(scalar)
        } else if scalar.value < 0x10000 {
          out += "\\u" + hex(scalar.value, width: 4)
        } else {
          out += "\\U" + hex(scalar.value, width: 8)
        }
      }
    }
    return out + "\""
  }

  /// `encoding/json` string encoding with its default HTML escaping.
  static func json(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar.value {
      case 0x22: out += "\\\""
      case 0x5C: out += "\\\\"
      case 0x0A: out += "\\n"
      case 0x0D: out += "\\r"
      case 0x09: out += "\\t"
      case 0x08: out += "\\b"
      case 0x0C: out += "\\f"
      case 0x3C, 0x3E, 0x26, 0x2028, 0x2029, 0..<0x20:
        out += "\\u" + hex(scalar.value, width: 4)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  /// `encoding/json` of a `[]string`; `nil` is `null`.
  static func json(_ values: [String]?) -> String {
    guard let values else { return "null" }
    return "[" + values.map(json).joined(separator: ",") + "]"
  }

  /// `strconv.Quote` of each value, joined by `", "`.
  static func quotedList(_ values: [String]) -> String {
    values.map(quote).joined(separator: ", ")
  }

  /// `strconv.ParseInt(s, 10, 64)`: an optional sign, one or more ASCII digits, in range.
  @inlinable
  static func parseInt64(_ s: String) -> Int64? {
    var s = s
    return s.withUTF8 { parseInt64(bytes: $0) }
  }

  /// `strconv.ParseInt(s, 10, 64)` over UTF-8 bytes.
  @inlinable
  static func parseInt64(bytes b: UnsafeBufferPointer<UInt8>) -> Int64? {
    var i = 0
    var negative = false
    guard !b.isEmpty else { return nil }
    if b[0] == UInt8(ascii: "+") || b[0] == UInt8(ascii: "-") {
      negative = b[0] == UInt8(ascii: "-")
      i = 1
    }
    guard i < b.count else { return nil }
    var magnitude: UInt64 = 0
    while i < b.count {
      let d = b[i] &- 48
      guard d < 10 else { return nil }
      let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
      let (a, o2) = m.addingReportingOverflow(UInt64(d))
      if o1 || o2 { return nil }
      magnitude = a
      i += 1
    }
    if negative {
      if magnitude > UInt64(Int64.max) + 1 { return nil }
      return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
    }
    return magnitude > UInt64(Int64.max) ? nil : Int64(magnitude)
  }

  /// Go's `unicode.IsPrint` for scalars beyond ASCII: letters, marks, numbers, punctuation
  /// and symbols.
  static func isGoPrintable(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
      .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber,
      .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
      .initialPunctuation, .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol,
      .modifierSymbol, .otherSymbol:
      return true
    default:
      return false
    }
  }

  static func hex(_ v: UInt32, width: Int) -> String {
    let digits = String(v, radix: 16)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }
}

/// Byte-wise comparisons of strings, as Go (and Java, for valid text) compare them.
///
/// Swift's `==` on `String` is canonical equivalence (`"K"` equals the Kelvin sign U+212A);
/// label matching must compare bytes.
@usableFromInline
enum ByteOrder {
  /// Whether the UTF-8 bytes of `a` and `b` are identical.
  @inlinable
  static func equal(_ a: String, _ b: String) -> Bool {
    // Identical bytes are equal to Swift too, so a `false` from `==` is final.
    guard a.utf8.count == b.utf8.count, a == b else { return false }
    return compare(a, b) == 0
  }

  /// Three-way comparison of the UTF-8 bytes: negative, zero or positive.
  @inlinable
  static func compare(_ a: String, _ b: String) -> Int {
    if let r = a.utf8.withContiguousStorageIfAvailable({ pa in
      b.utf8.withContiguousStorageIfAvailable({ pb in compare(pa, pb) })
    }), let r {
      return r
    }
    return slowCompare(a, b)
  }

  /// Three-way comparison of two byte buffers.
  @inlinable
  static func compare(_ pa: UnsafeBufferPointer<UInt8>, _ pb: UnsafeBufferPointer<UInt8>) -> Int {
    let n = min(pa.count, pb.count)
    if n > 0, let ba = pa.baseAddress, let bb = pb.baseAddress {
      var i = 0
      while i < n {
        let x = ba[i]
        let y = bb[i]
        if x != y { return Int(x) - Int(y) }
        i += 1
      }
    }
    return pa.count - pb.count
  }

  @usableFromInline
  static func slowCompare(_ a: String, _ b: String) -> Int {
    var ia = a.utf8.makeIterator()
    var ib = b.utf8.makeIterator()
    while true {
      switch (ia.next(), ib.next()) {
      case (nil, nil): return 0
      case (nil, _): return -1
      case (_, nil): return 1
      case (let x?, let y?): if x != y { return Int(x) - Int(y) }
      }
    }
  }

  /// Whether `a` sorts before `b` by bytes.
  @inlinable
  static func less(_ a: String, _ b: String) -> Bool { compare(a, b) < 0 }

  /// A stable insertion sort by bytes, as Go's `sort.Strings` orders (stability is moot for
  /// strings).
  static func sorted(_ values: [String]) -> [String] {
    var out = values
    if out.count < 2 { return out }
    for i in 1..<out.count {
      let x = out[i]
      var j = i - 1
      while j >= 0 && less(x, out[j]) {
        out[j + 1] = out[j]
        j -= 1
      }
      out[j + 1] = x
    }
    return out
  }

  /// Sorted by bytes with duplicates removed (Go's `sets.String.List()`).
  static func sortedUnique(_ values: [String]) -> [String] {
    let s = sorted(values)
    var out: [String] = []
    out.reserveCapacity(s.count)
    for v in s where out.isEmpty || !equal(out[out.count - 1], v) { out.append(v) }
    return out
  }
}

/// A string hashed and compared by its UTF-8 bytes, for dictionaries that must not merge
/// canonically equivalent strings.
@usableFromInline
struct ByteString: Hashable, Sendable {
  @usableFromInline let string: String

  @inlinable init(_ string: String) { self.string = string }

  @inlinable static func == (a: ByteString, b: ByteString) -> Bool {
    ByteOrder.equal(a.string, b.string)
  }

  @inlinable func hash(into hasher: inout Hasher) {
    hasher.combine(ByteString.mix(string, seed: 0))
  }

  /// The hash a `Dictionary` uses, without a `Hasher`.
  ///
  /// SipHash costs a few hundred instructions for a short id, and the engine hashes ids on
  /// every call that names an agent, a framework or a label. This is a multiply-xorshift
  /// hash over 8-byte words, keyed by the dictionary's per-instance seed (which the
  /// standard library derives from a per-process random seed), so collisions cannot be
  /// planned from outside the process.
  @inlinable func _rawHashValue(seed: Int) -> Int {
    Int(truncatingIfNeeded: ByteString.mix(string, seed: UInt64(truncatingIfNeeded: seed)))
  }

  @inlinable static func mix(_ s: String, seed: UInt64) -> UInt64 {
    var s = s
    return s.withUTF8 { buf in
      var h = seed ^ 0x9E37_79B9_7F4A_7C15 ^ (UInt64(buf.count) &* 0xFF51_AFD7_ED55_8CCD)
      var i = 0
      let n = buf.count
      let raw = UnsafeRawBufferPointer(buf)
      while i + 8 <= n {
        let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        h = (h ^ w) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        i += 8
      }
      if i < n {
        var w: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
          w |= UInt64(raw[i]) << shift
          shift += 8
          i += 1
        }
        h = (h ^ w) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
      }
      // MurmurHash3's 64-bit finalizer.
      h ^= h >> 33
      h = h &* 0xFF51_AFD7_ED55_8CCD
      h ^= h >> 33
      h = h &* 0xC4CE_B9FE_1A85_EC53
      h ^= h >> 33
      return h
    }
  }
}

/// One Kubernetes `field.Error`, kept as its path and the text after it.
struct FieldError: Sendable {
  /// The path (`values[0][x]`, `selector.matchExpressions[1].key`), `<nil>` for none.
  var field: String
  /// `Invalid value: "x": detail` and the like.
  var body: String

  /// `field: body`, as `field.Error.Error()` writes it.
  var text: String { "\(field): \(body)" }

  /// `field.Invalid` with a plain Go `string` bad value (`%q`).
  static func invalid(_ field: String, _ value: String, _ detail: String) -> FieldError {
    FieldError(field: field, body: "Invalid value: \(GoText.quote(value)): \(detail)")
  }

  /// `field.Invalid` with a bad value written as JSON (a named string type or a slice).
  static func invalid(_ field: String, json: String, _ detail: String) -> FieldError {
    FieldError(field: field, body: "Invalid value: \(json): \(detail)")
  }

  /// `field.Required`.
  static func required(_ field: String, _ detail: String) -> FieldError {
    FieldError(field: field, body: "Required value: \(detail)")
  }

  /// `field.Forbidden`.
  static func forbidden(_ field: String, _ detail: String) -> FieldError {
    FieldError(field: field, body: "Forbidden: \(detail)")
  }

  /// `field.NotSupported` of a named string type (written as JSON) with its valid values.
  static func notSupported(_ field: String, json: String, supported: [String]) -> FieldError {
    FieldError(
      field: field,
      body: "Unsupported value: \(json): supported values: \(GoText.quotedList(supported))")
  }

  /// An aggregate's text: one error as itself, several as `[a, b]` without repeats.
  static func aggregate(_ errors: [FieldError]) -> String {
    if errors.count == 1 { return errors[0].text }
    var seen: [String] = []
    for e in errors where !seen.contains(e.text) { seen.append(e.text) }
    if seen.count == 1 { return seen[0] }
    return "[" + seen.joined(separator: ", ") + "]"
  }
}

/// Kubernetes field paths: `root.child`, `root[3]`, `root[key]`.
enum FieldPath {
  /// `path.Child(name)`; an empty parent is a root.
  static func child(_ parent: String?, _ name: String) -> String {
    guard let parent, !parent.isEmpty else { return name }
    return parent + "." + name
  }

  /// `path.Index(i)` or `path.Key(k)`.
  static func index(_ parent: String?, _ index: String) -> String {
    (parent ?? "") + "[" + index + "]"
  }
}
