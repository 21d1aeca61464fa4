import Testing

@testable import Allot

func expr(_ key: String, _ op: NodeSelectorRequirement.Operator, _ values: [String] = [])
  -> NodeSelectorRequirement
{
  NodeSelectorRequirement(key: key, operator: op, values: values)
}

func term(_ expressions: NodeSelectorRequirement...) -> NodeSelectorTerm {
  NodeSelectorTerm(matchExpressions: expressions)
}

/// Required-affinity matching through strings, interned ids and the index.
func affinityAdmits(_ affinity: NodeAffinity, _ labels: [String: String]) throws -> Bool {
  let rules = try affinity.selectors()
  let pairs = sortedLabels(labels)
  let direct = rules.matchesRequired(sortedLabels: pairs)
  var interner = LabelInterner()
  let compiled = rules.compiled(interner: &interner)
  #expect(compiled.matchesRequired(interner.intern(labels: pairs), in: interner) == direct)
  var index = LabelIndex()
  index.add(agent: 3, labels: pairs)
  let viaIndex = index.compile(rules)
  #expect(index.agents(matchingRequired: viaIndex).contains(3) == direct)
  return direct
}

/// Tables from kubernetes/component-helpers `scheduling/corev1/nodeaffinity/nodeaffinity_test.go`
/// (v1.35) and the NodeAffinity scoring of kube-scheduler.
@Suite struct MatchingAffinityTests {
  // TestPodMatchesNodeSelectorAndAffinityTerms (the matchExpressions cases).
  @Test(
    arguments: [
      ("In matches", [term(expr("foo", .in, ["bar", "value2"]))], ["foo": "bar"], true),
      (
        "Gt matches", [term(expr("kernel-version", .gt, ["0204"]))], ["kernel-version": "0206"],
        true
      ),
      (
        "NotIn matches", [term(expr("mem-type", .notIn, ["DDR", "DDR2"]))], ["mem-type": "DDR3"],
        true
      ),
      ("Exists matches", [term(expr("GPU", .exists))], ["GPU": "NVIDIA-GRID-K1"], true),
      ("In does not match", [term(expr("foo", .in, ["value1", "value2"]))], ["foo": "bar"], false),
      ("empty term list", [], ["foo": "bar"], false),
      ("empty term", [term()], ["foo": "bar"], false),
      (
        "ANDed, matches", [term(expr("GPU", .exists), expr("GPU", .notIn, ["AMD", "INTER"]))],
        ["GPU": "NVIDIA-GRID-K1"], true
      ),
      (
        "ANDed, does not match", [term(expr("GPU", .exists), expr("GPU", .in, ["AMD", "INTER"]))],
        ["GPU": "NVIDIA-GRID-K1"], false
      ),
      (
        "ORed terms",
        [
          term(expr("foo", .in, ["bar", "value2"])),
          term(expr("diffkey", .in, ["wrong", "value2"])),
        ],
        ["foo": "bar"], true
      ),
      ("Lt", [term(expr("n", .lt, ["5"]))], ["n": "4"], true),
      ("Lt equal", [term(expr("n", .lt, ["5"]))], ["n": "5"], false),
      ("Gt on a non-integer label", [term(expr("n", .gt, ["1"]))], ["n": "v2"], false),
      ("Gt without the label", [term(expr("n", .gt, ["1"]))], [:], false),
      ("NotIn without the label", [term(expr("n", .notIn, ["1"]))], [:], true),
      ("DoesNotExist", [term(expr("n", .doesNotExist))], ["m": "1"], true),
      ("empty term beside a matching one", [term(), term(expr("a", .exists))], ["a": ""], true),
    ] as [(String, [NodeSelectorTerm], [String: String], Bool)])
  func requiredTerms(name: String, terms: [NodeSelectorTerm], labels: [String: String], match: Bool)
    throws
  {
    #expect(try affinityAdmits(NodeAffinity(required: terms), labels) == match, "\(name)")
  }

  @Test func noRequiredMeansNoRestriction() throws {
    #expect(try affinityAdmits(NodeAffinity(), ["foo": "bar"]))
    #expect(try affinityAdmits(NodeAffinity(preferred: []), [:]))
  }

  // A pod selector (matchLabels) and node affinity both apply.
  @Test(
    arguments: [
      (["foo": "bar"], true), (["foo": "barrrrrr"], false),
    ] as [([String: String], Bool)])
  func selectorAndAffinity(labels: [String: String], match: Bool) throws {
    let selector = try LabelSelectorSpec(matchLabels: [("foo", "bar")]).selector()
    let affinity = NodeAffinity(required: [term(expr("foo", .exists))])
    let admitted = try affinityAdmits(affinity, labels)
    let both = selector.matches(sortedLabels: sortedLabels(labels)) && admitted
    #expect(both == match)
  }

  // TestNodeSelectorMatch "invalid ... label selector": the bad key of the third term.
  @Test func invalidKeyInRequiredTerm() {
    let affinity = NodeAffinity(required: [
      term(expr("label_1", .in, ["label_1_val"])), term(expr("ok", .exists)),
      term(expr("invalid key", .in, ["label_value"])),
    ])
    do {
      _ = try affinity.selectors()
      Issue.record("expected an error")
    } catch {
      #expect(error.kind == .invalidSelector)
      #expect(error.field == "affinity.required[2].matchExpressions[0].key")
      #expect(
        error.message
          == "affinity.required[2].matchExpressions[0].key: Invalid value: \"invalid key\": "
          + keyNameRegexMessage)
    }
  }

  // TestNodeSelectorRequirementsAsSelector and NewRequirement's rules for affinity.
  @Test(
    arguments: [
      (
        expr("foo", .exists, ["bar", "baz"]), "affinity.required[0].matchExpressions[0].values",
        "affinity.required[0].matchExpressions[0].values: Invalid value: [\"bar\",\"baz\"]: values set must be empty for exists and does not exist"
      ),
      (
        expr("foo", .in), "affinity.required[0].matchExpressions[0].values",
        "affinity.required[0].matchExpressions[0].values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"
      ),
      (
        expr("foo", .gt, ["1", "2"]), "affinity.required[0].matchExpressions[0].values",
        "affinity.required[0].matchExpressions[0].values: Invalid value: [\"1\",\"2\"]: for 'Gt', 'Lt' operators, exactly one value is required"
      ),
      (
        expr("foo", .lt, ["x"]), "affinity.required[0].matchExpressions[0].values[0]",
        "affinity.required[0].matchExpressions[0].values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer"
      ),
      (
        expr("foo", .notIn, ["invalid value: ___@#$%^"]),
        "affinity.required[0].matchExpressions[0].values[0][foo]",
        "affinity.required[0].matchExpressions[0].values[0][foo]: Invalid value: \"invalid value: ___@#$%^\": "
          + valueRegexMessage
      ),
      (
        expr("foo", .gt, ["-1"]), "affinity.required[0].matchExpressions[0].values[0][foo]",
        "affinity.required[0].matchExpressions[0].values[0][foo]: Invalid value: \"-1\": "
          + valueRegexMessage
      ),
    ] as [(NodeSelectorRequirement, String, String)])
  func requirementErrors(expression: NodeSelectorRequirement, field: String, message: String) {
    do {
      _ = try NodeAffinity(required: [term(expression)]).selectors()
      Issue.record("expected an error")
    } catch {
      #expect(error.kind == .invalidSelector)
      #expect(error.field == field)
      #expect(error.message == message)
    }
  }

  @Test func requirementsAsSelector() throws {
    let rules = try NodeAffinity(required: [
      term(expr("foo", .in, ["bar", "baz"])), term(expr("foo", .gt, ["1"])),
      term(expr("bar", .lt, ["7"])),
    ]).selectors()
    #expect(rules.required?.map(\.description) == ["foo in (bar,baz)", "foo>1", "bar<7"])
    #expect(
      rules.required?[0] == (try LabelSelector(parsing: "foo in (baz,bar)")))
  }

  @Test func unknownOperator() {
    do {
      _ = try NodeSelectorRequirement.Operator.parse(
        "invalid", field: "affinity.required[0].matchExpressions[0]")
      Issue.record("expected an error")
    } catch {
      #expect(error.field == "affinity.required[0].matchExpressions[0].operator")
      #expect(
        error.message
          == "affinity.required[0].matchExpressions[0].operator: Unsupported value: \"invalid\": supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\", \"Gt\", \"Lt\""
      )
    }
  }

  // Several bad terms: Kubernetes aggregates every error.
  @Test func aggregatesTermErrors() {
    do {
      _ = try NodeAffinity(required: [term(expr("a", .in)), term(expr("b", .exists, ["x"]))])
        .selectors()
      Issue.record("expected an error")
    } catch {
      #expect(error.field == "affinity.required[0].matchExpressions[0].values")
      #expect(
        error.message
          == "[affinity.required[0].matchExpressions[0].values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty, affinity.required[1].matchExpressions[0].values: Invalid value: [\"x\"]: values set must be empty for exists and does not exist]"
      )
    }
  }

  // TestPreferredSchedulingTermsScore "first and third term match": 5 (hostname field, left
  // out here) + 11 = 16 there; the label terms give 11 of it, the miss gives 0.
  @Test func preferredScore() throws {
    let affinity = NodeAffinity(preferred: [
      PreferredSchedulingTerm(
        weight: 7, term: term(expr("unknown_label", .in, ["unknown_label_val"]))),
      PreferredSchedulingTerm(weight: 11, term: term(expr("label_1", .in, ["label_1_val"]))),
      PreferredSchedulingTerm(weight: 5, term: term(expr("label_1", .exists))),
      PreferredSchedulingTerm(weight: 9, term: term()),
    ])
    let rules = try affinity.selectors()
    #expect(rules.preferredScore(sortedLabels: [("label_1", "label_1_val")]) == 16)
    #expect(rules.preferredScore(sortedLabels: []) == 0)
    var interner = LabelInterner()
    let compiled = rules.compiled(interner: &interner)
    #expect(
      compiled.preferredScore(interner.intern(labels: [("label_1", "label_1_val")]), in: interner)
        == 16)
  }

  @Test(arguments: [0, 101, -1])
  func preferredWeightRange(weight: Int) {
    do {
      _ = try NodeAffinity(preferred: [
        PreferredSchedulingTerm(weight: weight, term: term(expr("a", .exists)))
      ])
      .selectors()
      Issue.record("expected an error")
    } catch {
      #expect(error.kind == .invalidParams)
      #expect(error.field == "affinity.preferred[0].weight")
      #expect(
        error.message
          == "affinity.preferred[0].weight: Invalid value: \(weight): must be in the range 1-100")
    }
  }

  @Test func preferredTermErrorsNameTheTerm() {
    do {
      _ = try NodeAffinity(preferred: [
        PreferredSchedulingTerm(weight: 1, term: term(expr("a", .exists))),
        PreferredSchedulingTerm(weight: 1, term: term(expr("bad key", .exists))),
      ]).selectors()
      Issue.record("expected an error")
    } catch {
      #expect(error.field == "affinity.preferred[1].term.matchExpressions[0].key")
    }
  }

  // kube-scheduler NodeAffinity NormalizeScore (DefaultNormalizeScore, not reversed).
  @Test(
    arguments: [
      ([0, 0, 0], [0, 0, 0]), ([2, 4, 8], [25, 50, 100]), ([1, 3], [33, 100]),
      ([0, 5, 10], [0, 50, 100]),
    ] as [([Int64], [Int64])])
  func normalizeAffinityScores(raw: [Int64], normalized: [Int64]) {
    var s = raw
    ScoreNormalization.normalize(&s, reverse: false)
    #expect(s == normalized)
  }
}
