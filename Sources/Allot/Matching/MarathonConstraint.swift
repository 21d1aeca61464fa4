import Foundation

/// A Marathon placement constraint: a field, an operator and an optional value
/// (mesosphere/marathon `Constraints.scala` and its scheduling validation, 1.10).
///
/// Constraints come as arrays of 2 or 3 strings (`["hostname","UNIQUE"]`,
/// `["rack","MAX_PER","2"]`) or as text split on `,` and then on the first two `:`
/// (`"hostname:UNIQUE,rack:MAX_PER:2"`); ``parseList(_:field:)-(String,_)`` and
/// ``parseList(_:field:)-([[String]],_)`` read both and apply Marathon's validation.
///
/// Fields: `hostname` and `@hostname` read the agent's hostname, `@zone` and `@region` the
/// labels `topology.kubernetes.io/zone` and `topology.kubernetes.io/region`, anything else
/// the label of that name. See ``isSatisfied(by:counts:framework:group:groupSize:)``.
///
///     let cs = try MarathonConstraint.parseList("hostname:UNIQUE, rack:MAX_PER:2")
///     cs[1].description  // "rack:MAX_PER:2"
public struct MarathonConstraint: Hashable, Sendable, CustomStringConvertible {
  /// The seven operators.
  public enum Operator: String, Hashable, Sendable, CaseIterable {
    /// No two tasks of the group on the same field value.
    case unique = "UNIQUE"
    /// Every task on the given value, or on the first placed task's value when none is given.
    case cluster = "CLUSTER"
    /// Tasks spread evenly over the field's values.
    case groupBy = "GROUP_BY"
    /// The value matches a regular expression.
    case like = "LIKE"
    /// The value does not match a regular expression (or the field is absent).
    case unlike = "UNLIKE"
    /// At most n tasks of the group per field value.
    case maxPer = "MAX_PER"
    /// The value equals the given text.
    case `is` = "IS"
  }

  /// The field: `hostname`, `@hostname`, `@zone`, `@region` or a label key.
  public let field: String
  /// The operator.
  public let `operator`: Operator
  /// The value, when one was given.
  public let value: String?
  /// The full-match regular expression of `LIKE`/`UNLIKE`, compiled once.
  let regex: ConstraintRegex?

  /// Marathon's validation reasons.
  enum Reason {
    static let fieldCount = "Each constraint must have either 2 or 3 fields"
    static let illegal = "illegal constraint specification"
    static let operatorInvalid =
      "operator must be one of the following UNIQUE, CLUSTER, GROUP_BY, LIKE, MAX_PER, UNLIKE or IS"
    static let uniqueValue = "UNIQUE does not accept a value"
    static let groupBy = "GROUP BY must define an integer value or else no value at all"
    static let maxPer = "MAX_PER requires an integer value"
    static let likeValue = "LIKE and UNLIKE require a non-empty, regular expression value"
    static let invalidRegex = "is not a valid regular expression"
    static let isText =
      "IS only supports Mesos text and float values (see http://mesos.apache.org/documentation/latest/attributes-resources/)"
  }

  /// Reads and validates one constraint given as its 2 or 3 strings.
  ///
  /// Checks, in Marathon's order: 2 or 3 fields; a non-empty field; an operator (Marathon's
  /// validator accepts any letter case, but only the upper-case spelling converts, so other
  /// spellings fail with `illegal constraint specification field,op[,value]` once the rules
  /// pass); then the operator's rule (`UNIQUE` takes no value, `MAX_PER` an integer, `GROUP_BY`
  /// an integer or none, `LIKE`/`UNLIKE` a valid regular expression, `IS` only
  /// `[a-zA-Z0-9_/.-]*`). Integers are read as Java's `Integer.parseInt` reads them.
  ///
  /// - Parameters:
  ///   - parts: The strings.
  ///   - field: The constraint's path, such as `constraints[1]`.
  /// - Throws: ``AllotError/Kind/invalidConstraint`` with Marathon's reason.
  public init(parts: [String], field: String = "constraints[0]") throws(AllotError) {
    func fail(_ reason: String) -> AllotError {
      AllotError(.invalidConstraint, field: field, reason)
    }
    guard (2...3).contains(parts.count) else { throw fail(Reason.fieldCount) }
    guard !parts[0].isEmpty else { throw fail(Reason.illegal) }
    guard let op = Operator(rawValue: parts[1].uppercased()) else {
      throw fail(Reason.operatorInvalid)
    }
    let value = parts.count == 3 ? parts[2] : nil
    var regex: ConstraintRegex?
    switch op {
    case .unique:
      if value != nil { throw fail(Reason.uniqueValue) }
    case .cluster:
      break
    case .groupBy:
      if let value, JavaInt.parse(value) == nil { throw fail(Reason.groupBy) }
    case .maxPer:
      guard let value, JavaInt.parse(value) != nil else { throw fail(Reason.maxPer) }
    case .like, .unlike:
      guard let value else { throw fail(Reason.likeValue) }
      guard let r = ConstraintRegex.compile(value) else { throw fail(Reason.invalidRegex) }
      regex = r
    case .is:
      let v = value ?? ""
      let ok = v.unicodeScalars.allSatisfy { c in
        switch c {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "/", ".", "-": return true
        default: return false
        }
      }
      if !ok { throw fail(Reason.isText) }
    }
    if parts[1] != op.rawValue {
      throw fail(Reason.illegal + " " + parts.joined(separator: ","))
    }
    self.field = parts[0]
    self.operator = op
    self.value = value
    self.regex = regex
  }

  /// A constraint without validation, as Marathon's own tests build them.
  init(unchecked field: String, _ op: Operator, _ value: String?) {
    self.field = field
    self.operator = op
    self.value = value
    regex = op == .like || op == .unlike ? value.flatMap(ConstraintRegex.compile) : nil
  }

  /// Reads constraints given as arrays of strings, the first invalid one throwing.
  ///
  ///     try MarathonConstraint.parseList([["zone", "GROUP_BY", "3"], ["os", "LIKE", "ubuntu.*"]])
  ///
  /// - Parameters:
  ///   - arrays: The constraints.
  ///   - field: The list's path; each error names `field[i]`.
  /// - Throws: ``AllotError/Kind/invalidConstraint`` with Marathon's reason.
  public static func parseList(_ arrays: [[String]], field: String = "constraints")
    throws(AllotError) -> [MarathonConstraint]
  {
    var out: [MarathonConstraint] = []
    out.reserveCapacity(arrays.count)
    for (i, parts) in arrays.enumerated() {
      out.append(try MarathonConstraint(parts: parts, field: FieldPath.index(field, String(i))))
    }
    return out
  }

  /// Reads the text form: items separated by `,`, each trimmed of spaces and split on its
  /// first two `:` (so a `LIKE` expression may hold `:` but not `,`).
  ///
  /// Text that is empty or
  /// only spaces is no constraints.
  ///
  ///     try MarathonConstraint.parseList("hostname:UNIQUE,rack:MAX_PER:2")
  ///
  /// - Parameters:
  ///   - text: The constraints.
  ///   - field: The list's path; each error names `field[i]`.
  /// - Throws: ``AllotError/Kind/invalidConstraint`` with Marathon's reason.
  public static func parseList(_ text: String, field: String = "constraints")
    throws(AllotError) -> [MarathonConstraint]
  {
    // Split on Unicode scalars, as Marathon splits Java strings on code units: split on
    // Characters, a `:` or `,` followed by a combining mark would be one grapheme cluster
    // and not a separator (the fuzzer found `os:LIKE:\u{2DF7}...` read as two parts).
    let scalars = text.unicodeScalars
    if scalars.allSatisfy({ $0 == " " }) { return [] }
    var arrays: [[String]] = []
    for item in scalars.split(separator: ",", omittingEmptySubsequences: false) {
      var s = item
      while s.first == " " { s = s.dropFirst() }
      while s.last == " " { s = s.dropLast() }
      arrays.append(
        s.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map {
          String(String.UnicodeScalarView($0))
        })
    }
    return try parseList(arrays, field: field)
  }

  /// The text form, `field:OPERATOR[:value]`.
  public var description: String {
    field + ":" + self.operator.rawValue + (value.map { ":" + $0 } ?? "")
  }

  /// The JSON-array form.
  public var parts: [String] { [field, self.operator.rawValue] + (value.map { [$0] } ?? []) }

  /// Equal when field, operator and value are equal.
  public static func == (a: MarathonConstraint, b: MarathonConstraint) -> Bool {
    a.field == b.field && a.operator == b.operator && a.value == b.value
  }

  /// Hashes field, operator and value.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(field)
    hasher.combine(self.operator)
    hasher.combine(value)
  }
}

/// Java's `Integer.parseInt`, which Scala's `toInt` calls: an optional sign and decimal
/// digits (any Unicode decimal digit in the Basic Multilingual Plane, as `Character.digit`
/// accepts), within 32 bits.
enum JavaInt {
  static func parse(_ s: String) -> Int32? {
    var scalars = Array(s.unicodeScalars)
    guard !scalars.isEmpty else { return nil }
    var negative = false
    if scalars[0] == "-" || scalars[0] == "+" {
      negative = scalars[0] == "-"
      scalars.removeFirst()
      guard !scalars.isEmpty else { return nil }
    }
    var v: Int64 = 0
    for c in scalars {
      guard c.value < 0x10000, c.properties.numericType == .decimal,
        let d = c.properties.numericValue
      else { return nil }
      v = v * 10 + Int64(d)
      if v > Int64(Int32.max) + 1 { return nil }
    }
    if negative { return Int32(exactly: -v) }
    return Int32(exactly: v)
  }
}

/// A `LIKE`/`UNLIKE` expression compiled once for full matches with `NSRegularExpression`
/// (ICU's dialect), shared through a process-wide cache.
///
/// Marathon calls Java's `String.matches`, which requires the whole value to match, trying
/// every alternative (`a|ab` matches `ab`). The pattern is therefore wrapped as
/// `\A(?:pattern)\z`; when the pattern ends inside an unterminated `\Q` quote or an `(?x)`
/// comment, `\E` or a newline closes it first.
///
/// Differences from Java's dialect that can change a result: in ICU `\w`, `\d`, `\s`, `\b`
/// and POSIX classes such as `\p{Alpha}` are Unicode-aware, while Java's are ASCII-only
/// unless `(?U)` is given; ICU rejects Java-only syntax such as `\p{javaLowerCase}` and the
/// `(?U)` flag (the constraint is then invalid); ICU's case-insensitive matching folds
/// Unicode by default where Java's `(?i)` folds ASCII unless `(?u)` is also given.
final class ConstraintRegex: @unchecked Sendable {
  /// The wrapped expression.
  ///
  /// `NSRegularExpression` is immutable and safe to share.
  let expression: NSRegularExpression

  init(_ expression: NSRegularExpression) { self.expression = expression }

  private static let cache = CacheBox()

  /// The cache: pattern text to compiled expression, emptied when it reaches 1,024 entries.
  private final class CacheBox: @unchecked Sendable {
    let lock = NSLock()
    var entries: [ByteString: ConstraintRegex] = [:]
  }

  /// Compiles a pattern (or returns the cached one); `nil` when the pattern is invalid.
  static func compile(_ pattern: String) -> ConstraintRegex? {
    let key = ByteString(pattern)
    cache.lock.lock()
    if let r = cache.entries[key] {
      cache.lock.unlock()
      return r
    }
    cache.lock.unlock()
    // Java accepts the empty pattern; ICU does not, but the wrapped form compiles.
    guard pattern.isEmpty || (try? NSRegularExpression(pattern: pattern)) != nil else {
      return nil
    }
    let candidates = [
      "\\A(?:" + pattern + ")\\z", "\\A(?:" + pattern + "\\E)\\z", "\\A(?:" + pattern + "\n)\\z",
    ]
    var compiled: NSRegularExpression?
    for c in candidates {
      if let r = try? NSRegularExpression(pattern: c) {
        compiled = r
        break
      }
    }
    guard let compiled else { return nil }
    let r = ConstraintRegex(compiled)
    cache.lock.lock()
    if cache.entries.count >= 1024 { cache.entries.removeAll() }
    cache.entries[key] = r
    cache.lock.unlock()
    return r
  }

  /// Whether the whole value matches.
  func fullMatch(_ value: String) -> Bool {
    let range = NSRange(location: 0, length: value.utf16.count)
    return expression.firstMatch(in: value, options: [], range: range) != nil
  }
}
