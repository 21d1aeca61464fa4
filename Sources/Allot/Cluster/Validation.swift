/// Input checks shared by every engine call: ids, roles, labels, resources.
package enum Validate {
  /// Whether the string has a control character (U+0000–U+001F, U+007F–U+009F).
  static func hasControl(_ s: String) -> Bool {
    // By UTF-8 bytes (valid UTF-8, as every String is): C0 controls and DEL are single
    // bytes below 0x20 or 0x7F; C1 controls (U+0080 to U+009F) are 0xC2 followed by 0x80 to
    // 0x9F, and no other sequence contains 0xC2 as a lead byte of those.
    var text = s
    return text.withUTF8 { bytes in
      var prevC2 = false
      for b in bytes {
        if b < 0x20 || b == 0x7F || (prevC2 && b <= 0x9F) { return true }
        prevC2 = b == 0xC2
      }
      return false
    }
  }

  /// An id: 1 to 255 bytes, no control characters.
  package static func id(_ s: String, field: String) throws(AllotError) {
    let n = s.utf8.count
    if n == 0 { throw .invalid(field, "\(field) must not be empty") }
    if n > 255 { throw .invalid(field, "\(field) must be at most 255 bytes (got \(n))") }
    if hasControl(s) { throw .invalid(field, "\(field) must not contain control characters") }
  }

  /// A role path: `/`-separated segments `[A-Za-z0-9_][A-Za-z0-9_.-]*`, not `.` or `..`,
  /// at most 1024 bytes.
  ///
  /// `*` is rejected (it means "unreserved").
  package static func role(_ s: String, field: String) throws(AllotError) {
    let u = Array(s.utf8)
    if s == "*" {
      throw .invalid(field, "\(field) must name a role: '*' means unreserved resources")
    }
    if u.isEmpty { throw .invalid(field, "\(field) must not be empty") }
    if u.count > 1024 { throw .invalid(field, "\(field) must be at most 1024 bytes") }
    for seg in u.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
      let ok: Bool
      if seg.isEmpty || seg.elementsEqual([46]) || seg.elementsEqual([46, 46]) {
        ok = false
      } else {
        let first = seg.first!
        let isFirstOK =
          (first >= 65 && first <= 90) || (first >= 97 && first <= 122)
          || (first >= 48 && first <= 57) || first == 95
        ok =
          isFirstOK
          && seg.allSatisfy { c in
            (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 95
              || c == 46 || c == 45
          }
      }
      if !ok {
        throw .invalid(
          field,
          "\(field) '\(s)' is not a valid role: segments match [A-Za-z0-9_][A-Za-z0-9_.-]* "
            + "separated by '/'")
      }
    }
  }

  /// Labels: keys 1 to 317 bytes, values at most 1024 bytes, no control characters, no
  /// duplicate keys.
  ///
  /// Returns them sorted by key bytes.
  static func labels(_ pairs: [(String, String)], field: String) throws(AllotError)
    -> [(String, String)]
  {
    for (k, v) in pairs {
      let kn = k.utf8.count
      if kn == 0 || kn > 317 {
        throw .invalid("\(field).\(k)", "label keys must be 1 to 317 bytes")
      }
      if hasControl(k) {
        throw .invalid("\(field).\(k)", "label keys must not contain control characters")
      }
      if v.utf8.count > 1024 {
        throw .invalid("\(field).\(k)", "label values must be at most 1024 bytes")
      }
      if hasControl(v) {
        throw .invalid("\(field).\(k)", "label values must not contain control characters")
      }
    }
    let sorted = pairs.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
    for i in sorted.indices.dropFirst() where sorted[i].0.utf8.elementsEqual(sorted[i - 1].0.utf8) {
      throw .invalid("\(field).\(sorted[i].0)", "label '\(sorted[i].0)' is given twice")
    }
    return sorted
  }

  /// Taints: key 1 to 317 bytes and value at most 1024, no control characters.
  static func taints(_ taints: [Taint], field: String) throws(AllotError) {
    for (i, t) in taints.enumerated() {
      let f = "\(field)[\(i)]"
      let kn = t.key.utf8.count
      if kn == 0 || kn > 317 || hasControl(t.key) {
        throw .invalid("\(f).key", "taint keys must be 1 to 317 bytes without control characters")
      }
      if t.value.utf8.count > 1024 || hasControl(t.value) {
        throw .invalid(
          "\(f).value", "taint values must be at most 1024 bytes without control characters")
      }
    }
  }

  /// A scalar amount in range.
  static func quantity(_ q: Quantity, field: String) throws(AllotError) -> Int64 {
    if q.milli < 0 { throw .invalid(field, "\(field) must not be negative") }
    if q.milli > Quantity.maxMilli { throw .invalid(field, "\(field) must be at most 2^53/1000") }
    return q.milli
  }

  /// Range bounds within 0...2^53.
  static func ranges(_ rs: [ClosedRange<UInt64>], field: @autoclosure () -> String)
    throws(AllotError) -> RangeSet
  {
    for r in rs where r.upperBound > UInt64(Quantity.maxMilli) {
      let f = field()
      throw .invalid(f, "\(f) range bounds must be at most 2^53")
    }
    return RangeSet(rs)
  }
}

extension ResourceRegistry {
  /// Resolves an agent's resources, interning new names (scalar or ranges by value type).
  ///
  /// Returns the resources and the masks of names the agent has (zeros included).
  mutating func resolveAgentResources(_ spec: ResourceSpec, field: String) throws(AllotError)
    -> (Resources, UInt64, UInt64)
  {
    var res = Resources()
    var sm: UInt64 = 0
    var rm: UInt64 = 0
    let entries = spec.entries
    for (n, e) in entries.enumerated() {
      try ResourceRegistry.checkDuplicate(entries, n, field: field)
      switch e.value {
      case .scalar(let q):
        if q.milli < 0 || q.milli > Quantity.maxMilli {
          _ = try Validate.quantity(q, field: "\(field).\(e.name)")
        }
        let k: ResourceKind
        if let known = kind(of: e.name) {
          guard case .scalar = known else {
            throw .invalid(
              "\(field).\(e.name)",
              "\(field).\(e.name) must be ranges: '\(e.name)' is a range resource")
          }
          k = known
        } else {
          k = try intern(e.name, scalar: true, field: "\(field).\(e.name)")
        }
        guard case .scalar(let i) = k else { continue }
        res.scalars[i] = q.milli
        sm |= 1 << UInt64(i)
      case .ranges(let rs):
        let set = try Validate.ranges(rs, field: "\(field).\(e.name)")
        let k: ResourceKind
        if let known = kind(of: e.name) {
          guard case .ranges = known else {
            throw .invalid(
              "\(field).\(e.name)",
              "\(field).\(e.name) must be a number: '\(e.name)' is a scalar resource")
          }
          k = known
        } else {
          k = try intern(e.name, scalar: false, field: "\(field).\(e.name)")
        }
        guard case .ranges(let i) = k else { continue }
        res.setRange(i, set)
        rm |= 1 << UInt64(i)
      }
    }
    return (res, sm, rm)
  }

  /// Throws when entry `n` repeats the name of an earlier entry (specs are small: a linear
  /// scan beats hashing).
  static func checkDuplicate(_ entries: [ResourceSpec.Entry], _ n: Int, field: String)
    throws(AllotError)
  {
    let name = entries[n].name
    for m in 0..<n where entries[m].name == name {
      throw .invalid("\(field).\(name)", "resource '\(name)' is given twice")
    }
  }

  /// Resolves scalars-only resources (quota, reservations, minimums), interning new names as
  /// scalars.
  ///
  /// Returns amounts and the mask of listed names.
  mutating func resolveScalars(_ spec: ResourceSpec, field: String) throws(AllotError)
    -> (ScalarVector, UInt64)
  {
    var v = ScalarVector()
    var mask: UInt64 = 0
    let entries = spec.entries
    for (n, e) in entries.enumerated() {
      try ResourceRegistry.checkDuplicate(entries, n, field: field)
      let f = "\(field).\(e.name)"
      try ResourceRegistry.validateName(e.name, field: f)
      guard case .scalar(let q) = e.value else {
        throw .invalid(f, "\(f) must be a number: only scalar resources are allowed here")
      }
      let m = try Validate.quantity(q, field: f)
      guard case .scalar(let i) = try intern(e.name, scalar: true, field: f) else { continue }
      v[i] = m
      mask |= 1 << UInt64(i)
    }
    return (v, mask)
  }

  /// What a task needs, without interning: scalars, concrete ranges, and range counts.
  ///
  /// Unknown names with a non-zero amount are reported in `missing`.
  func resolveNeed(_ spec: ResourceSpec, field: String) throws(AllotError) -> TaskNeed {
    var need = TaskNeed()
    let entries = spec.entries
    for (n, e) in entries.enumerated() {
      try ResourceRegistry.checkDuplicate(entries, n, field: field)
      let f = "\(field).\(e.name)"
      try ResourceRegistry.validateName(e.name, field: f)
      switch (e.value, kind(of: e.name)) {
      case (.scalar(let q), .scalar(let i)?):
        need.scalars[i] = try Validate.quantity(q, field: f)
      case (.scalar(let q), .ranges(let i)?):
        let m = try Validate.quantity(q, field: f)
        if m % 1000 != 0 { throw .invalid(f, "\(f) must be a whole number of values") }
        if m > 0 { need.counts.append((i, UInt64(m / 1000))) }
      case (.ranges(let rs), .ranges(let i)?):
        let set = try Validate.ranges(rs, field: f)
        need.ranges.setRange(i, set)
      case (.ranges, .scalar?):
        throw .invalid(f, "\(f) must be a number: '\(e.name)' is a scalar resource")
      case (.scalar(let q), nil):
        if try Validate.quantity(q, field: f) > 0 { need.missing.append(e.name) }
      case (.ranges(let rs), nil):
        if !(try Validate.ranges(rs, field: f)).isEmpty { need.missing.append(e.name) }
      }
    }
    return need
  }
}

/// What a task asks for, resolved against the registry.
struct TaskNeed: Sendable {
  var scalars = ScalarVector()
  /// Concrete range values.
  var ranges = Resources()
  /// (range index, count): the lowest free values are taken.
  var counts: [(Int, UInt64)] = []
  /// Names no agent has, asked for in a non-zero amount.
  var missing: [String] = []
}
