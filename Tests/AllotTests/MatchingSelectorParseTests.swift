import Testing

@testable import Allot

/// Lexes a whole string with the selector lexer, as Go's tests drive `Lexer.Lex`.
func lexAll(_ s: String) -> [(SelectorParser.Token, String)] {
  var copy = s
  return copy.withUTF8 { b in
    var lexer = SelectorParser.Lexer(b: b)
    var out: [(SelectorParser.Token, String)] = []
    while true {
      let item = lexer.lex()
      if item.token == .endOfString { break }
      out.append(
        (
          item.token,
          String(
            decoding: UnsafeBufferPointer(rebasing: b[item.start..<item.end]), as: UTF8.self)
        ))
    }
    return out
  }
}

/// The message a parse failure carries, or `nil` when the text parses.
func parseError(_ s: String) -> String? {
  do {
    _ = try LabelSelector(parsing: s)
    return nil
  } catch {
    #expect(error.kind == .invalidSelector)
    #expect(error.field == "selector")
    return error.message
  }
}

/// A requirement built without checks, for expected values.
func req(_ key: String, _ op: LabelSelector.Operator, _ values: [String] = [])
  -> LabelSelector.Requirement
{
  LabelSelector.Requirement(unchecked: key, op, values)
}

let valueRegexMessage =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
let keyNameRegexMessage =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"

/// Tables from kubernetes/apimachinery `pkg/labels/selector_test.go` (v1.35).
@Suite struct MatchingSelectorParseTests {
  // TestLexer: single tokens and their literals.
  @Test(
    arguments: [
      (",", SelectorParser.Token.comma), ("notin", .notIn), ("in", .in), ("=", .equals),
      ("==", .doubleEquals), (">", .greaterThan), ("<", .lessThan), ("!", .doesNotExist),
      ("!=", .notEquals), ("(", .openPar), (")", .closedPar), ("~", .identifier),
      ("||", .identifier),
    ] as [(String, SelectorParser.Token)])
  func lexerSingleToken(text: String, token: SelectorParser.Token) {
    let tokens = lexAll(text)
    #expect(tokens.count == 1)
    #expect(tokens.first?.0 == token)
    #expect(tokens.first?.1 == text)
  }

  @Test func lexerEmptyIsEndOfString() {
    #expect(lexAll("").isEmpty)
  }

  // TestLexerSequence.
  @Test(
    arguments: [
      ("key in ( value )", [.identifier, .in, .openPar, .identifier, .closedPar]),
      ("key notin ( value )", [.identifier, .notIn, .openPar, .identifier, .closedPar]),
      (
        "key in ( value1, value2 )",
        [.identifier, .in, .openPar, .identifier, .comma, .identifier, .closedPar]
      ),
      ("key", [.identifier]),
      ("!key", [.doesNotExist, .identifier]),
      ("()", [.openPar, .closedPar]),
      ("x in (),y", [.identifier, .in, .openPar, .closedPar, .comma, .identifier]),
      (
        "== != (), = notin",
        [.doubleEquals, .notEquals, .openPar, .closedPar, .comma, .equals, .notIn]
      ),
      ("key>2", [.identifier, .greaterThan, .identifier]),
      ("key<1", [.identifier, .lessThan, .identifier]),
    ] as [(String, [SelectorParser.Token])])
  func lexerSequence(text: String, tokens: [SelectorParser.Token]) {
    #expect(lexAll(text).map(\.0) == tokens)
  }

  // TestSelectorParse, good strings: String() gives the input without spaces.
  @Test(
    arguments: [
      "x=a,y=b,z=c", "", "x!=a,y=b", "x=", "x= ", "x=,z= ", "x= ,z= ", "!x", "x>1", "x>1,z<5",
    ])
  func parseRestring(text: String) throws {
    let s = try LabelSelector(parsing: text)
    #expect(s.description == text.replacingOccurrences(of: " ", with: ""))
  }

  // TestSelectorParse, bad strings, with the messages Kubernetes writes.
  @Test(
    arguments: [
      (
        "x=a||y=b",
        "unable to parse requirement: values[0][x]: Invalid value: \"a||y\": " + valueRegexMessage
      ),
      ("x==a==b", "found '==', expected: ',' or 'end of string'"),
      ("!x=a", "found '=', expected: ',' or 'end of string'"),
      (
        "x<a",
        "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"
      ),
    ] as [(String, String)])
  func parseBad(text: String, message: String) {
    #expect(parseError(text) == message)
  }

  // TestDeterministicParse.
  @Test func deterministicParse() throws {
    let a = try LabelSelector(parsing: "x=a,a=x")
    let b = try LabelSelector(parsing: "a=x,x=a")
    #expect(a.description == b.description)
    #expect(a == b)
  }

  // TestSetSelectorParser, valid inputs with the requirements expected.
  @Test(
    arguments: [
      ("", []),
      ("\rx", [req("x", .exists)]),
      (
        "this-is-a-dns.domain.com/key-with-dash",
        [req("this-is-a-dns.domain.com/key-with-dash", .exists)]
      ),
      (
        "this-is-another-dns.domain.com/key-with-dash in (so,what)",
        [req("this-is-another-dns.domain.com/key-with-dash", .in, ["so", "what"])]
      ),
      (
        "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
        [req("0.1.2.domain/99", .notIn, ["10.10.100.1", "tick.tack.clock"])]
      ),
      ("foo  in\t (abc)", [req("foo", .in, ["abc"])]),
      ("x notin\n (abc)", [req("x", .notIn, ["abc"])]),
      ("x  notin\t\t\t(abc,def)", [req("x", .notIn, ["abc", "def"])]),
      ("x in (abc,def)", [req("x", .in, ["abc", "def"])]),
      ("x in (abc,)", [req("x", .in, ["", "abc"])]),
      ("x in (abc,abc)", [req("x", .in, ["abc"])]),
      ("x in ()", [req("x", .in, [""])]),
      ("x in (a,,)", [req("x", .in, ["", "a"])]),
      ("x in (a,,,)", [req("x", .in, ["", "a"])]),
      ("x in (a,,,,,,)", [req("x", .in, ["", "a"])]),
      ("x in (a,,a,,a,,a,,)", [req("x", .in, ["", "a"])]),
      (
        "x notin (abc,,def),bar,z in (),w",
        [
          req("bar", .exists), req("w", .exists), req("x", .notIn, ["", "abc", "def"]),
          req("z", .in, [""]),
        ]
      ),
      ("x,y in (a)", [req("x", .exists), req("y", .in, ["a"])]),
      ("x=a", [req("x", .equals, ["a"])]),
      ("x>1", [req("x", .greaterThan, ["1"])]),
      ("x<7", [req("x", .lessThan, ["7"])]),
      ("x=a,y!=b", [req("x", .equals, ["a"]), req("y", .notEquals, ["b"])]),
      (
        "x=a,y!=b,z in (h,i,j)",
        [req("x", .equals, ["a"]), req("y", .notEquals, ["b"]), req("z", .in, ["h", "i", "j"])]
      ),
      ("x notin ( )", [req("x", .notIn, [""])]),
      ("x notin (, a)", [req("x", .notIn, ["", "a"])]),
      ("a ", [req("a", .exists)]),
      ("a in (x,y,notin, z,in)", [req("a", .in, ["in", "notin", "x", "y", "z"])]),
    ] as [(String, [LabelSelector.Requirement])])
  func setSelectorParserValid(text: String, requirements: [LabelSelector.Requirement]) throws {
    let s = try LabelSelector(parsing: text)
    #expect(s.requirements == requirements)
  }

  // TestSetSelectorParser, invalid inputs (the messages follow parse() step by step).
  @Test(
    arguments: [
      (
        "x=a||y=b",
        "unable to parse requirement: values[0][x]: Invalid value: \"a||y\": " + valueRegexMessage
      ),
      ("x,,y", "found ',', expected: identifier after ','"),
      (",x,y", "found ',', expected: !, identifier, or 'end of string'"),
      (
        "x nott in (y)",
        "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt"
      ),
      ("a in (xyz),", "found '', expected: identifier after ','"),
      ("a in (xyz)b notin ()", "found 'b', expected: ',' or 'end of string'"),
      ("a in (xyz abc)", "unable to parse requirement: found 'abc', expected: ',' or ')'"),
      ("a notin(", "unable to parse requirement: found '', expected: ',', ')' or identifier"),
      ("a (", "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"),
      ("(", "found '(', expected: !, identifier, or 'end of string'"),
    ] as [(String, String)])
  func setSelectorParserInvalid(text: String, message: String) {
    #expect(parseError(text) == message)
  }

  // TestParseOperator, through a whole requirement: the token after the key is not an
  // operator.
  @Test(
    arguments: [
      ("x !", "!"), ("x exists", "exists"), ("x (", "("),
    ] as [(String, String)])
  func parseOperatorErrors(text: String, token: String) {
    #expect(
      parseError(text)
        == "unable to parse requirement: found '\(token)', expected: in, notin, =, ==, !=, gt, lt")
  }

  @Test(arguments: ["x in (a)", "x = a", "x == a", "x > 1", "x < 1", "x notin (a)", "x != a"])
  func parseOperatorAccepted(text: String) throws {
    _ = try LabelSelector(parsing: text)
  }

  // The wire contract's example, and further messages derived from parse()'s branches.
  @Test(
    arguments: [
      ("env in (prod", "unable to parse requirement: found '', expected: ',' or ')'"),
      ("x=a,", "found '', expected: identifier after ','"),
      ("!", "unable to parse requirement: found '', expected: identifier"),
      ("!,x", "unable to parse requirement: found ',', expected: identifier"),
      ("x in a", "unable to parse requirement: found 'a' expected: '('"),
      ("x in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'"),
      ("x in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"),
      ("x in (a,=)", "unable to parse requirement: found '=', expected: ',', or identifier"),
      ("x = =", "unable to parse requirement: found '=', expected: identifier"),
      ("x=(", "unable to parse requirement: found '(', expected: identifier"),
      ("x,)", "found ')', expected: identifier after ','"),
      ("x y", "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt"),
      (
        "x>a",
        "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"
      ),
      (
        "x>-1",
        "unable to parse requirement: values[0][x]: Invalid value: \"-1\": " + valueRegexMessage
      ),
      (
        "x>",
        "unable to parse requirement: values[0]: Invalid value: \"\": for 'Gt', 'Lt' operators, the value must be an integer"
      ),
      (
        "x in (-a,b_)",
        "unable to parse requirement: [values[0][x]: Invalid value: \"-a\": " + valueRegexMessage
          + ", values[1][x]: Invalid value: \"b_\": " + valueRegexMessage + "]"
      ),
      (
        "a/b/c",
        "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
      ),
      ("-x", "unable to parse requirement: <nil>: Invalid value: \"-x\": " + keyNameRegexMessage),
      (
        "Example.com/x=1",
        "unable to parse requirement: <nil>: Invalid value: \"Example.com/x\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
      ),
      (
        "/x",
        "unable to parse requirement: <nil>: Invalid value: \"/x\": prefix part must be non-empty"
      ),
      (
        "a/",
        "unable to parse requirement: <nil>: Invalid value: \"a/\": name part must be non-empty; "
          + keyNameRegexMessage
      ),
      (
        String(repeating: "k", count: 64),
        "unable to parse requirement: <nil>: Invalid value: \"\(String(repeating: "k", count: 64))\": name part must be no more than 63 bytes"
      ),
      (
        "x=" + String(repeating: "v", count: 64),
        "unable to parse requirement: values[0][x]: Invalid value: \"\(String(repeating: "v", count: 64))\": must be no more than 63 bytes"
      ),
      (
        "x\u{00E9}",
        "unable to parse requirement: <nil>: Invalid value: \"x\u{00E9}\": " + keyNameRegexMessage
      ),
      (
        "x\u{7}",
        "unable to parse requirement: <nil>: Invalid value: \"x\\a\": " + keyNameRegexMessage
      ),
    ] as [(String, String)])
  func parseMessages(text: String, message: String) {
    #expect(parseError(text) == message)
  }

  // A NUL byte where a token would start ends the input, as in Go's lexer; right after a
  // symbol or inside an identifier it is swallowed.
  @Test func nulEndsInput() throws {
    #expect(try LabelSelector(parsing: "x=a \u{0} garbage ((").description == "x=a")
    #expect(parseError("x=a, \u{0}y") == "found '', expected: identifier after ','")
    #expect(try LabelSelector(parsing: "x=a,\u{0}y").description == "x=a,y")
    #expect(
      parseError("x\u{0}y")
        == "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt")
  }

  // Keys and values up to the limits (kubernetes/apimachinery content TestIsLabelKey).
  @Test(
    arguments: [
      "simple", "now-with-dashes", "1-starts-with-num", "1234", "simple/simple",
      "now-with-dashes/simple", "now-with-dashes/now-with-dashes", "now.with.dots/simple",
      "now-with.dashes-and.dots/simple", "1-num.2-num/3-num", "1234/5678", "1.2.3.4/5678",
      "Uppercase_Is_OK_123", "example.com/Uppercase_Is_OK_123", "requests.storage-foo",
      String(repeating: "a", count: 63),
      String(repeating: "a", count: 253) + "/" + String(repeating: "b", count: 63),
    ])
  func validKeys(key: String) throws {
    #expect(LabelSyntax.keyErrors(key).isEmpty)
    #expect(try LabelSelector(parsing: key).requirements == [req(key, .exists)])
  }

  @Test(
    arguments: [
      "nospecialchars%^=@", "cantendwithadash-", "-cantstartwithadash-", "only/one/slash",
      "Example.com/abc", "example_com/abc", "example.com/", "/simple",
      String(repeating: "a", count: 64), String(repeating: "a", count: 254) + "/abc",
    ])
  func invalidKeys(key: String) {
    #expect(!LabelSyntax.keyErrors(key).isEmpty)
    #expect(!LabelSyntax.isValidKey(key))
  }

  // content TestIsLabelValue.
  @Test(
    arguments: [
      "simple", "now-with-dashes", "1-starts-with-num", "end-with-num-1", "1234",
      String(repeating: "a", count: 63), "",
    ])
  func validValues(value: String) {
    #expect(LabelSyntax.valueErrors(value).isEmpty)
  }

  @Test(
    arguments: [
      "nospecialchars%^=@", "Tama-nui-te-r\u{0101}.is.M\u{0101}ori.sun", "\\backslashes\\are\\bad",
      "-starts-with-dash", "ends-with-dash-", ".starts.with.dot", "ends.with.dot.",
      String(repeating: "a", count: 64),
    ])
  func invalidValues(value: String) {
    #expect(!LabelSyntax.valueErrors(value).isEmpty)
  }
}
