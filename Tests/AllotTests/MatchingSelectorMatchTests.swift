import Testing

@testable import Allot

/// Labels as sorted pairs, from a dictionary literal.
func sortedLabels(_ d: [String: String]) -> [(String, String)] {
  d.map { ($0.key, $0.value) }.sorted { ByteOrder.less($0.0, $1.0) }
}

/// Matches through every path: string pairs, dictionary, compiled and interned, the index.
func matchesEveryWay(_ selector: LabelSelector, _ labels: [String: String]) -> Bool {
  let pairs = sortedLabels(labels)
  let direct = selector.matches(sortedLabels: pairs)
  #expect(selector.matches(labels) == direct)
  var interner = LabelInterner()
  let compiled = CompiledSelector(selector, interner: &interner)
  let interned = interner.intern(labels: pairs)
  #expect(compiled.matches(interned, in: interner) == direct)
  var index = LabelIndex()
  index.add(agent: 0, labels: pairs)
  let c2 = index.compile(selector)
  #expect(index.agents(matching: c2).contains(0) == direct)
  #expect(index.matches(agent: 0, c2) == direct)
  return direct
}

/// Tables from kubernetes/apimachinery `pkg/labels/selector_test.go` and
/// `pkg/apis/meta/v1/helpers_test.go` (v1.35).
@Suite struct MatchingSelectorMatchTests {
  // TestSelectorMatches: expectMatch / expectNoMatch.
  @Test(
    arguments: [
      ("", ["x": "y"], true),
      ("x=y", ["x": "y"], true),
      ("x=y,z=w", ["x": "y", "z": "w"], true),
      ("x!=y,z!=w", ["x": "z", "z": "a"], true),
      ("notin=in", ["notin": "in"], true),
      ("x", ["x": "z"], true),
      ("!x", ["y": "z"], true),
      ("x>1", ["x": "2"], true),
      ("x<1", ["x": "0"], true),
      ("x=z", [:], false),
      ("x=y", ["x": "z"], false),
      ("x=y,z=w", ["x": "w", "z": "w"], false),
      ("x!=y,z!=w", ["x": "z", "z": "w"], false),
      ("x", ["y": "z"], false),
      ("!x", ["x": "z"], false),
      ("x>1", ["x": "0"], false),
      ("x<1", ["x": "2"], false),
      ("foo=bar", ["foo": "bar", "baz": "blah"], true),
      ("baz=blah", ["foo": "bar", "baz": "blah"], true),
      ("foo=bar,baz=blah", ["foo": "bar", "baz": "blah"], true),
      ("foo=blah", ["foo": "bar", "baz": "blah"], false),
      ("baz=bar", ["foo": "bar", "baz": "blah"], false),
      ("foo=bar,foobar=bar,baz=blah", ["foo": "bar", "baz": "blah"], false),
    ] as [(String, [String: String], Bool)])
  func selectorMatches(text: String, labels: [String: String], match: Bool) throws {
    #expect(matchesEveryWay(try LabelSelector(parsing: text), labels) == match)
  }

  // TestRequirementSelectorMatching.
  @Test(
    arguments: [
      (["x": "foo", "y": "baz"], [req("x", .in, ["foo"]), req("y", .notIn, ["alpha"])], true),
      (["x": "foo", "y": "baz"], [req("x", .in, ["foo"]), req("y", .in, ["alpha"])], false),
      (["y": ""], [req("x", .notIn, [""]), req("y", .exists)], true),
      (["y": ""], [req("x", .doesNotExist), req("y", .exists)], true),
      (["y": ""], [req("x", .notIn, [""]), req("y", .doesNotExist)], false),
      (["y": "baz"], [req("x", .in, [""])], false),
      (["z": "2"], [req("z", .greaterThan, ["1"])], true),
      (["z": "v2"], [req("z", .greaterThan, ["1"])], false),
    ] as [([String: String], [LabelSelector.Requirement], Bool)])
  func requirementSelectorMatching(
    labels: [String: String], requirements: [LabelSelector.Requirement], match: Bool
  ) {
    #expect(matchesEveryWay(LabelSelector(requirements), labels) == match)
  }

  // TestToString.
  @Test(
    arguments: [
      (
        [req("x", .in, ["abc", "def"]), req("y", .notIn, ["jkl"]), req("z", .exists)],
        "x in (abc,def),y notin (jkl),z"
      ),
      (
        [
          req("x", .notIn, ["abc", "def"]), req("y", .notEquals, ["jkl"]), req("z", .doesNotExist),
        ],
        "x notin (abc,def),y!=jkl,!z"
      ),
      (
        [req("x", .notIn, ["abc"]), req("y", .in, ["jkl", "mno"]), req("z", .notIn, [""])],
        "x notin (abc),y in (jkl,mno),z notin ()"
      ),
      (
        [
          req("x", .equals, ["abc"]), req("y", .doubleEquals, ["jkl"]), req("z", .notEquals, ["a"]),
          req("z", .exists),
        ],
        "x=abc,y==jkl,z!=a,z"
      ),
      (
        [req("x", .greaterThan, ["2"]), req("y", .lessThan, ["8"]), req("z", .exists)],
        "x>2,y<8,z"
      ),
      // Values are sorted on output without changing the requirement.
      ([req("x", .in, ["def", "abc", "abc"])], "x in (abc,abc,def)"),
    ] as [([LabelSelector.Requirement], String)])
  func toString(requirements: [LabelSelector.Requirement], text: String) {
    #expect(LabelSelector(requirements).description == text)
  }

  // TestRequirementConstructor: the field of the first error, and the message.
  @Test(
    arguments: [
      (
        "x1", LabelSelector.Operator.in, [] as [String], "values",
        "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"
      ),
      (
        "x2", .notIn, [], "values",
        "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"
      ),
      (
        "x5", .equals, ["bar", "foo"], "values",
        "values: Invalid value: [\"bar\",\"foo\"]: exact-match compatibility requires one single value"
      ),
      (
        "x8", .exists, ["foo"], "values",
        "values: Invalid value: [\"foo\"]: values set must be empty for exists and does not exist"
      ),
      (
        "x13", .greaterThan, [], "values",
        "values: Invalid value: []: for 'Gt', 'Lt' operators, exactly one value is required"
      ),
      (
        "x14", .greaterThan, ["bar"], "values[0]",
        "values[0]: Invalid value: \"bar\": for 'Gt', 'Lt' operators, the value must be an integer"
      ),
      (
        "x15", .lessThan, ["bar"], "values[0]",
        "values[0]: Invalid value: \"bar\": for 'Gt', 'Lt' operators, the value must be an integer"
      ),
      (
        String(repeating: "a", count: 254), .exists, [], "key",
        "key: Invalid value: \"\(String(repeating: "a", count: 254))\": name part must be no more than 63 bytes"
      ),
      (
        "x16", .equals, [String(repeating: "a", count: 254)], "values[0][x16]",
        "values[0][x16]: Invalid value: \"\(String(repeating: "a", count: 254))\": must be no more than 63 bytes"
      ),
      (
        "x17", .equals, ["a b"], "values[0][x17]",
        "values[0][x17]: Invalid value: \"a b\": " + valueRegexMessage
      ),
    ] as [(String, LabelSelector.Operator, [String], String, String)])
  func requirementConstructorErrors(
    key: String, op: LabelSelector.Operator, values: [String], field: String, message: String
  ) {
    do {
      _ = try LabelSelector.Requirement(key: key, operator: op, values: values)
      Issue.record("expected an error")
    } catch {
      #expect(error.kind == .invalidSelector)
      #expect(error.field == field)
      #expect(error.message == message)
    }
  }

  @Test(
    arguments: [
      ("x3", LabelSelector.Operator.in, ["foo"]), ("x4", .notIn, ["foo"]), ("x6", .exists, []),
      ("x7", .doesNotExist, []), ("x9", .in, ["bar"]), ("x11", .greaterThan, ["1"]),
      ("x12", .lessThan, ["6"]),
    ] as [(String, LabelSelector.Operator, [String])])
  func requirementConstructorAccepts(key: String, op: LabelSelector.Operator, values: [String])
    throws
  {
    let r = try LabelSelector.Requirement(key: key, operator: op, values: values)
    #expect(r.values == values)
  }

  // TestEverything, TestSetIsEmpty, TestMatchesNothing.
  @Test func everythingAndNothing() throws {
    #expect(LabelSelector.everything.matches(sortedLabels: [("x", "y")]))
    #expect(LabelSelector.everything.isEmpty)
    #expect(try LabelSelector(parsing: "").isEmpty)
    #expect(!LabelSelector.nothing.matches(sortedLabels: [("x", "y")]))
    #expect(!LabelSelector.nothing.matches(sortedLabels: []))
    #expect(!LabelSelector.nothing.isEmpty)
    for text in ["", "a", "!a", "a=b", "a!=b", "a in (b)", "a notin (b)", "a,!a", "a=b,a!=b"] {
      #expect(try !LabelSelector(parsing: text).matchesNothing)
    }
  }

  // TestSetMatches: a selector from a set (matchLabels) matches its superset.
  @Test(
    arguments: [
      [:], ["foo": "bar"], ["baz": "blah"], ["foo": "bar", "baz": "blah"],
    ] as [[String: String]])
  func setMatches(set: [String: String]) throws {
    let spec = LabelSelectorSpec(matchLabels: sortedLabels(set))
    #expect(matchesEveryWay(try spec.selector(), ["foo": "bar", "baz": "blah"]))
  }

  // meta/v1 TestLabelSelectorAsSelector.
  @Test func labelSelectorAsSelector() throws {
    let labels = [("foo", "bar")]
    let expressions = [
      LabelSelectorSpec.Expression(key: "baz", operator: .in, values: ["qux", "norf"])
    ]
    #expect(try LabelSelectorSpec.selector(nil) == .nothing)
    #expect(try LabelSelectorSpec().selector() == .everything)
    #expect(try LabelSelectorSpec(matchLabels: labels).selector().description == "foo=bar")
    #expect(
      try LabelSelectorSpec(matchExpressions: expressions).selector().description
        == "baz in (norf,qux)")
    #expect(
      try LabelSelectorSpec(matchLabels: labels, matchExpressions: expressions).selector()
        .description == "baz in (norf,qux),foo=bar")
    #expect(throws: AllotError.self) {
      try LabelSelectorSpec(matchExpressions: [
        .init(key: "baz", operator: .exists, values: ["qux", "norf"])
      ]).selector()
    }
  }

  // meta/v1 validation (ValidateLabelSelector): the first error's path and text.
  @Test(
    arguments: [
      (
        LabelSelectorSpec(matchExpressions: [.init(key: "baz", operator: .exists, values: ["q"])]),
        "selector.matchExpressions[0].values",
        "selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
      ),
      (
        LabelSelectorSpec(matchExpressions: [.init(key: "baz", operator: .notIn)]),
        "selector.matchExpressions[0].values",
        "selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"
      ),
      (
        LabelSelectorSpec(matchLabels: [("a b", "c")]), "selector.matchLabels",
        "selector.matchLabels: Invalid value: \"a b\": " + keyNameRegexMessage
      ),
      (
        LabelSelectorSpec(matchLabels: [("a", "c d")]), "selector.matchLabels",
        "selector.matchLabels: Invalid value: \"c d\": " + valueRegexMessage
      ),
      (
        LabelSelectorSpec(matchExpressions: [
          .init(key: "ok", operator: .in, values: ["x"]),
          .init(key: "k", operator: .in, values: ["x", "-y"]),
        ]),
        "selector.matchExpressions[1].values[1]",
        "selector.matchExpressions[1].values[1]: Invalid value: \"-y\": " + valueRegexMessage
      ),
    ] as [(LabelSelectorSpec, String, String)])
  func specValidation(spec: LabelSelectorSpec, field: String, message: String) {
    do {
      _ = try spec.selector()
      Issue.record("expected an error")
    } catch {
      #expect(error.kind == .invalidSelector)
      #expect(error.field == field)
      #expect(error.message == message)
    }
  }

  @Test func specUnknownOperator() {
    do {
      _ = try LabelSelectorSpec.Operator.parse("Foo", field: "selector.matchExpressions[2]")
      Issue.record("expected an error")
    } catch {
      #expect(error.field == "selector.matchExpressions[2].operator")
      #expect(
        error.message
          == "selector.matchExpressions[2].operator: Invalid value: \"Foo\": not a valid selector operator"
      )
    }
  }

  // The wire contract's selector examples (protocol.md, Matching; examples.md).
  @Test func contractExamples() throws {
    let s = try LabelSelector(parsing: "env in (prod,qa),tier!=frontend,!canary,gpu")
    #expect(s.description == "!canary,env in (prod,qa),gpu,tier!=frontend")
    #expect(matchesEveryWay(s, ["env": "qa", "gpu": ""]))
    #expect(!matchesEveryWay(s, ["env": "qa", "gpu": "", "canary": "1"]))
    #expect(!matchesEveryWay(s, ["env": "qa", "gpu": "", "tier": "frontend"]))
    #expect(!matchesEveryWay(s, ["env": "dev", "gpu": ""]))
    let z = try LabelSelector(parsing: "zone in (us-east-1a,us-east-1b),disk=ssd")
    #expect(matchesEveryWay(z, ["disk": "ssd", "zone": "us-east-1a"]))
    #expect(!matchesEveryWay(z, ["zone": "us-east-1b"]))
  }

  // Byte comparison: the Kelvin sign is not "K", though Swift's == says they are equal.
  @Test func comparesBytes() throws {
    let s = try LabelSelector(parsing: "k=K")
    #expect(!matchesEveryWay(s, ["k": "\u{212A}"]))
    #expect(matchesEveryWay(s, ["k": "K"]))
    let ne = try LabelSelector(parsing: "k!=K")
    #expect(matchesEveryWay(ne, ["k": "\u{212A}"]))
  }

  // Gt/Lt read the label as Go's ParseInt does: sign allowed, no spaces, 64 bits.
  @Test(
    arguments: [
      ("x>5", "6", true), ("x>5", "+6", true), ("x>5", "06", true), ("x<5", "-9", true),
      ("x>5", " 6", false), ("x>5", "6.0", false), ("x>5", "9223372036854775807", true),
      ("x>5", "9223372036854775808", false), ("x<0", "-9223372036854775808", true),
      ("x>5", "", false), ("x>5", "0x10", false), ("x<5", "5", false),
      // kubernetes-version style labels from nodeaffinity tests.
      ("kernel-version>0204", "0206", true),
    ] as [(String, String, Bool)])
  func integerComparisons(text: String, value: String, match: Bool) throws {
    let s = try LabelSelector(parsing: text)
    #expect(matchesEveryWay(s, [s.requirements[0].key: value]) == match)
  }
}
