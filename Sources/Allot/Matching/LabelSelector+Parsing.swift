extension LabelSelector {
  /// Parses Kubernetes's selector grammar exactly as `labels.Parse` does (v1.35).
  ///
  ///     <selector>    ::= <requirement> | <requirement> "," <selector>
  ///     <requirement> ::= [!] KEY [ <set-based> | <exact-match> ]
  ///     <set-based>   ::= "" | ("in" | "notin") "(" VALUE {"," VALUE} ")"
  ///     <exact-match> ::= ("=" | "==" | "!=" | ">" | "<") VALUE
  ///
  /// Whitespace is space, tab, CR and LF; `=`, `!`, `(`, `)`, `,`, `>` and `<` are symbols
  /// (the longest of `!=`, `==` wins); everything else runs into identifiers, so `in` and
  /// `notin` work as keys and values. Values may be empty (`x=`, `x in (a,,b)`, `x in ()`);
  /// repeated values are dropped and the rest sorted. A NUL byte ends the input where a
  /// token would start, as it does for Go's lexer. The empty string is the selector that
  /// matches everything.
  ///
  ///     try LabelSelector(parsing: "x in (foo,,baz),y,z notin ()")
  ///     try LabelSelector(parsing: "env in (prod")
  ///     // invalidSelector: unable to parse requirement: found '', expected: ',' or ')'
  ///
  /// - Parameters:
  ///   - text: The selector text.
  ///   - field: The field named by a thrown error (the message is Kubernetes's own, which
  ///     names the offending token).
  /// - Throws: ``AllotError/Kind/invalidSelector`` with Kubernetes's message.
  /// - Complexity: O(n) in the text's length, plus sorting each requirement's values.
  public init(parsing text: String, field: String = "selector") throws(AllotError) {
    var copy = text
    let result = copy.withUTF8 { SelectorParser.parse($0) }
    switch result {
    case .success(let requirements):
      self.init(requirements: requirements, nothing: false)
    case .failure(let message):
      throw AllotError(.invalidSelector, field: field, message.text)
    }
  }
}

/// A parse failure's message.
struct SelectorParseMessage: Error {
  var text: String
}

/// Kubernetes's label-selector lexer and recursive-descent parser, over UTF-8 bytes.
enum SelectorParser {
  enum Token: UInt8 {
    case endOfString, closedPar, comma, doesNotExist, doubleEquals, equals, greaterThan
    case identifier, `in`, lessThan, notEquals, notIn, openPar
  }

  struct Item {
    var token: Token
    /// The literal's byte range in the input.
    var start: Int
    var end: Int
  }

  /// Space, tab, CR and LF, as bits of a mask over the bytes below 64.
  static let whitespaceMask: UInt64 = 1 << 0x20 | 1 << 0x09 | 1 << 0x0D | 1 << 0x0A
  /// `=`, `!`, `(`, `)`, `,`, `>` and `<`.
  static let specialMask: UInt64 =
    1 << 0x3D | 1 << 0x21 | 1 << 0x28 | 1 << 0x29 | 1 << 0x2C | 1 << 0x3E | 1 << 0x3C

  @inline(__always)
  static func isWhitespace(_ c: UInt8) -> Bool {
    c < 64 && (whitespaceMask >> UInt64(c)) & 1 != 0
  }

  @inline(__always)
  static func isSpecial(_ c: UInt8) -> Bool {
    c < 64 && (specialMask >> UInt64(c)) & 1 != 0
  }

  /// Whitespace or a symbol: where an identifier ends.
  @inline(__always)
  static func isDelimiter(_ c: UInt8) -> Bool {
    c < 64 && ((whitespaceMask | specialMask) >> UInt64(c)) & 1 != 0
  }

  /// The lexer: Go's `Lexer`, including its treatment of a NUL byte as the end.
  struct Lexer {
    let b: UnsafeBufferPointer<UInt8>
    var pos = 0

    @inline(__always)
    mutating func read() -> UInt8 {
      if pos < b.count {
        let c = b[pos]
        pos += 1
        return c
      }
      return 0
    }

    mutating func unread() { pos -= 1 }

    @inline(__always)
    mutating func lex() -> Item {
      var c = read()
      while isWhitespace(c) { c = read() }
      if c == 0 { return Item(token: .endOfString, start: pos, end: pos) }
      unread()
      return isSpecial(c) ? scanSpecial() : scanIdentifier()
    }

    @inline(__always)
    mutating func scanIdentifier() -> Item {
      let start = pos
      var end = pos
      while pos < b.count {
        let c = b[pos]
        pos += 1
        // A NUL byte ends the identifier and is consumed, as Go's read() of 0 does.
        if c == 0 { break }
        if isDelimiter(c) {
          pos -= 1
          break
        }
        end = pos
      }
      let n = end - start
      var token = Token.identifier
      if n == 2, b[start] == UInt8(ascii: "i"), b[start + 1] == UInt8(ascii: "n") {
        token = .in
      } else if n == 5, b[start] == UInt8(ascii: "n"), b[start + 1] == UInt8(ascii: "o"),
        b[start + 2] == UInt8(ascii: "t"), b[start + 3] == UInt8(ascii: "i"),
        b[start + 4] == UInt8(ascii: "n")
      {
        token = .notIn
      }
      return Item(token: token, start: start, end: end)
    }

    /// The token of one symbol byte.
    @inline(__always)
    static func symbol(_ c: UInt8) -> Token {
      switch c {
      case UInt8(ascii: ")"): return .closedPar
      case UInt8(ascii: ","): return .comma
      case UInt8(ascii: "!"): return .doesNotExist
      case UInt8(ascii: "="): return .equals
      case UInt8(ascii: ">"): return .greaterThan
      case UInt8(ascii: "<"): return .lessThan
      default: return .openPar
      }
    }

    /// The longest symbol token, as Go's `scanSpecialSymbol` finds it: symbols are added
    /// while they extend a token (only `!=` and `==` have two characters); the symbol that
    /// does not is given back, and a NUL byte is swallowed.
    @inline(__always)
    mutating func scanSpecial() -> Item {
      let start = pos
      let first = b[pos]
      pos += 1
      var token = Lexer.symbol(first)
      var end = pos
      guard pos < b.count else { return Item(token: token, start: start, end: end) }
      let second = b[pos]
      pos += 1
      if second == 0 { return Item(token: token, start: start, end: end) }
      if second == UInt8(ascii: "=") && (first == UInt8(ascii: "=") || first == UInt8(ascii: "!")) {
        token = first == UInt8(ascii: "=") ? .doubleEquals : .notEquals
        end = pos
        // A third character never extends the token: a NUL is swallowed, anything else
        // given back.
        if pos < b.count {
          let third = b[pos]
          pos += 1
          if third != 0 { pos -= 1 }
        }
      } else {
        pos -= 1
      }
      return Item(token: token, start: start, end: end)
    }
  }

  enum Context { case keyAndOperator, values }

  /// A byte range of the input (an empty range is the empty value).
  struct Span {
    var start: Int
    var end: Int
  }

  /// A requirement parsed but not yet built: strings are made once the whole text is read,
  /// so that every requirement's values share one buffer.
  struct Pending {
    var key: Span
    var op: LabelSelector.Operator
    /// Its values: first a range of the span scratch, then of the shared string buffer.
    var valueStart: Int
    var valueEnd: Int
    var bound: Int64
  }

  struct Parser {
    let b: UnsafeBufferPointer<UInt8>
    var lexer: Lexer
    /// The next token, not yet consumed (Go scans every token first; lexing is context
    /// free, so scanning on demand gives the same tokens).
    var current: Item
    /// The requirements read so far (scratch space).
    let pending: UnsafeMutableBufferPointer<Pending>
    var pendingCount = 0
    /// Every requirement's values; the current one's are `valueBase..<valueCount`, sorted by
    /// bytes without repeats (scratch space).
    let values: UnsafeMutableBufferPointer<Span>
    var valueBase = 0
    var valueCount = 0

    init(
      _ b: UnsafeBufferPointer<UInt8>, pending: UnsafeMutableBufferPointer<Pending>,
      values: UnsafeMutableBufferPointer<Span>
    ) {
      self.b = b
      self.pending = pending
      self.values = values
      lexer = Lexer(b: b)
      current = lexer.lex()
    }

    func string(_ s: Span) -> String {
      String(decoding: UnsafeBufferPointer(rebasing: b[s.start..<s.end]), as: UTF8.self)
    }

    func literal(_ item: Item) -> String { string(Span(start: item.start, end: item.end)) }

    func bytes(_ s: Span) -> UnsafeBufferPointer<UInt8> {
      UnsafeBufferPointer(rebasing: b[s.start..<s.end])
    }

    /// Three-way comparison of two spans' bytes.
    func compare(_ x: Span, _ y: Span) -> Int { ByteOrder.compare(bytes(x), bytes(y)) }

    func adjust(_ t: Token, _ context: Context) -> Token {
      if context == .values && (t == .in || t == .notIn) { return .identifier }
      return t
    }

    func lookahead(_ context: Context) -> (Token, Item) {
      (adjust(current.token, context), current)
    }

    mutating func consume(_ context: Context) -> (Token, Item) {
      let item = current
      if item.token != .endOfString { current = lexer.lex() }
      return (adjust(item.token, context), item)
    }

    func fail(_ text: String) -> SelectorParseMessage { SelectorParseMessage(text: text) }

    /// The requirements, sorted stably by key bytes.
    mutating func parse() throws(SelectorParseMessage) -> [LabelSelector.Requirement] {
      while true {
        let (t, item) = lookahead(.values)
        switch t {
        case .identifier, .doesNotExist:
          do {
            try parseRequirement()
          } catch {
            throw fail("unable to parse requirement: " + error.text)
          }
          let (t2, item2) = consume(.values)
          switch t2 {
          case .endOfString:
            return build()
          case .comma:
            let (t3, item3) = lookahead(.values)
            if t3 != .identifier && t3 != .doesNotExist {
              throw fail("found '\(literal(item3))', expected: identifier after ','")
            }
          default:
            throw fail("found '\(literal(item2))', expected: ',' or 'end of string'")
          }
        case .endOfString:
          return build()
        default:
          throw fail("found '\(literal(item))', expected: !, identifier, or 'end of string'")
        }
      }
    }

    /// Sorts the pending requirements stably by key bytes (an insertion sort by swaps) and
    /// makes their strings, the values in one shared buffer.
    func build() -> [LabelSelector.Requirement] {
      let n = pendingCount
      for i in 1..<max(n, 1) {
        var j = i
        while j > 0 && compare(pending[j].key, pending[j - 1].key) < 0 {
          pending.swapAt(j, j - 1)
          j -= 1
        }
      }
      var strings: [String] = []
      strings.reserveCapacity(valueCount)
      for i in 0..<n {
        let start = strings.count
        for v in pending[i].valueStart..<pending[i].valueEnd { strings.append(string(values[v])) }
        pending[i].valueStart = start
        pending[i].valueEnd = strings.count
      }
      var requirements: [LabelSelector.Requirement] = []
      requirements.reserveCapacity(n)
      for i in 0..<n {
        let p = pending[i]
        requirements.append(
          LabelSelector.Requirement(
            unchecked: string(p.key), p.op, strings[p.valueStart..<p.valueEnd], bound: p.bound,
            keyCount: p.key.end - p.key.start, keyFirst: b[p.key.start]))
      }
      return requirements
    }

    mutating func parseRequirement() throws(SelectorParseMessage) {
      valueBase = valueCount
      let (key, inferred) = try parseKeyAndInferOperator()
      if let op = inferred {
        try newRequirement(key, op)
        return
      }
      let op = try parseOperator()
      switch op {
      case .in, .notIn: try parseValues()
      default: try parseExactValue()
      }
      try newRequirement(key, op)
    }

    /// Records a requirement after `NewRequirement`'s checks (without a path).
    ///
    /// The checks run on the bytes; the messages come from the full check when something
    /// is wrong. Values arrive sorted and unique.
    mutating func newRequirement(_ key: Span, _ op: LabelSelector.Operator)
      throws(SelectorParseMessage)
    {
      var ok = true
      var bound: Int64 = 0
      for i in valueBase..<valueCount {
        let vb = bytes(values[i])
        if !(vb.isEmpty || (vb.count <= 63 && LabelSyntax.isName(vb[...]))) { ok = false }
      }
      if op == .greaterThan || op == .lessThan {
        if let n = GoText.parseInt64(bytes: bytes(values[valueBase])) {
          bound = n
        } else {
          ok = false
        }
      }
      if !ok {
        let errors = LabelSelector.Requirement.check(
          key: string(key), op: op, values: (valueBase..<valueCount).map { string(values[$0]) },
          path: nil)
        throw fail(FieldError.aggregate(errors))
      }
      pending[pendingCount] = Pending(
        key: key, op: op, valueStart: valueBase, valueEnd: valueCount, bound: bound)
      pendingCount += 1
    }

    mutating func parseKeyAndInferOperator() throws(SelectorParseMessage) -> (
      Span, LabelSelector.Operator?
    ) {
      var op: LabelSelector.Operator?
      var (t, item) = consume(.values)
      if t == .doesNotExist {
        op = .doesNotExist
        (t, item) = consume(.values)
      }
      guard t == .identifier else { throw fail("found '\(literal(item))', expected: identifier") }
      let key = Span(start: item.start, end: item.end)
      if !LabelSyntax.isValidKey(bytes: bytes(key)) {
        // validateLabelKey with the parser's path, which is nil: Go prints it as <nil>.
        let k = string(key)
        throw fail(
          FieldError.invalid("<nil>", k, LabelSyntax.keyErrors(k).joined(separator: "; ")).text)
      }
      let (next, _) = lookahead(.values)
      if next == .endOfString || next == .comma {
        if op != .doesNotExist { op = .exists }
      }
      return (key, op)
    }

    mutating func parseOperator() throws(SelectorParseMessage) -> LabelSelector.Operator {
      let (t, item) = consume(.keyAndOperator)
      switch t {
      case .in: return .in
      case .equals: return .equals
      case .doubleEquals: return .doubleEquals
      case .greaterThan: return .greaterThan
      case .lessThan: return .lessThan
      case .notIn: return .notIn
      case .notEquals: return .notEquals
      default:
        throw fail("found '\(literal(item))', expected: in, notin, =, ==, !=, gt, lt")
      }
    }

    static let empty = Span(start: 0, end: 0)

    mutating func parseValues() throws(SelectorParseMessage) {
      let (t, item) = consume(.values)
      guard t == .openPar else { throw fail("found '\(literal(item))' expected: '('") }
      let (t2, item2) = lookahead(.values)
      switch t2 {
      case .identifier, .comma:
        try parseIdentifiersList()
        let (t3, _) = consume(.values)
        if t3 != .closedPar { throw fail("found '\(literal(item2))', expected: ')'") }
      case .closedPar:
        _ = consume(.values)
        append(Parser.empty)
      default:
        throw fail("found '\(literal(item2))', expected: ',', ')' or identifier")
      }
    }

    /// Adds a value as Go's `sets.String` holds them: sorted by bytes, without repeats.
    mutating func insert(_ v: Span) {
      var i = valueCount
      // From the end: values usually come in order.
      while i > valueBase {
        let c = compare(v, values[i - 1])
        if c == 0 { return }
        if c > 0 { break }
        i -= 1
      }
      var j = valueCount
      while j > i {
        values[j] = values[j - 1]
        j -= 1
      }
      values[i] = v
      valueCount += 1
    }

    mutating func append(_ v: Span) {
      values[valueCount] = v
      valueCount += 1
    }

    mutating func parseIdentifiersList() throws(SelectorParseMessage) {
      while true {
        let (t, item) = consume(.values)
        switch t {
        case .identifier:
          insert(Span(start: item.start, end: item.end))
          let (t2, item2) = lookahead(.values)
          switch t2 {
          case .comma: continue
          case .closedPar: return
          default: throw fail("found '\(literal(item2))', expected: ',' or ')'")
          }
        case .comma:
          if valueCount == valueBase { insert(Parser.empty) }
          let (t2, _) = lookahead(.values)
          if t2 == .closedPar {
            insert(Parser.empty)
            return
          }
          if t2 == .comma { insert(Parser.empty) }
        default:
          throw fail("found '\(literal(item))', expected: ',', or identifier")
        }
      }
    }

    mutating func parseExactValue() throws(SelectorParseMessage) {
      let (t, _) = lookahead(.values)
      if t == .endOfString || t == .comma {
        append(Parser.empty)
        return
      }
      let (t2, item) = consume(.values)
      if t2 == .identifier {
        append(Span(start: item.start, end: item.end))
        return
      }
      throw fail("found '\(literal(item))', expected: identifier")
    }
  }

  static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Result<
    [LabelSelector.Requirement], SelectorParseMessage
  > {
    // Every requirement but the last ends at a comma; a requirement's values number at most
    // its commas plus two.
    var commas = 0
    for c in b where c == UInt8(ascii: ",") { commas += 1 }
    return withUnsafeTemporaryAllocation(of: Pending.self, capacity: commas + 1) { pending in
      withUnsafeTemporaryAllocation(of: Span.self, capacity: 3 * commas + 4) { values in
        var p = Parser(b, pending: pending, values: values)
        return run(&p)
      }
    }
  }

  static func run(_ p: inout Parser) -> Result<[LabelSelector.Requirement], SelectorParseMessage> {
    do {
      return .success(try p.parse())
    } catch {
      return .failure(error)
    }
  }
}
