import Testing

@testable import Allot

/// Random selectors and label sets.
struct SelectorGenerator {
  var rng: SeededRandom
  static let keys = ["a", "b", "zone", "in", "notin", "x.io/k", "n"]
  static let values = ["", "1", "2", "10", "v", "w", "in", "notin", "-1", "007"]

  mutating func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }

  mutating func labels() -> [(String, String)] {
    var out: [(String, String)] = []
    for k in SelectorGenerator.keys where rng.next() % 2 == 0 {
      out.append((k, pick(SelectorGenerator.values)))
    }
    return out.sorted { ByteOrder.less($0.0, $1.0) }
  }

  /// A requirement as the parser would give it: values sorted and unique, label-valid.
  mutating func requirement() -> LabelSelector.Requirement {
    let key = pick(SelectorGenerator.keys)
    let valid = SelectorGenerator.values.filter(LabelSyntax.isValidValue)
    let op = pick(LabelSelector.Operator.allCases)
    var values: [String] = []
    switch op {
    case .in, .notIn:
      for _ in 0..<(1 + Int(rng.next() % 3)) { values.append(pick(valid)) }
      values = ByteOrder.sortedUnique(values)
    case .equals, .doubleEquals, .notEquals: values = [pick(valid)]
    case .exists, .doesNotExist: values = []
    case .greaterThan, .lessThan: values = [pick(["0", "1", "5", "10", "007"])]
    }
    return LabelSelector.Requirement(unchecked: key, op, values)
  }

  mutating func selector() -> LabelSelector {
    LabelSelector((0..<Int(rng.next() % 5)).map { _ in requirement() })
  }
}

/// Property tests: the index agrees with direct evaluation; canonical strings round-trip.
@Suite struct MatchingPropertyTests {
  @Test func indexAgreesWithDirectEvaluation() {
    var gen = SelectorGenerator(rng: SeededRandom(seed: 42))
    var index = LabelIndex()
    var labels: [Int: [(String, String)]] = [:]
    for agent in 0..<150 {
      let l = gen.labels()
      labels[agent] = l
      index.add(agent: agent, labels: l)
    }
    for round in 0..<400 {
      // Churn: update, remove or re-add a few agents.
      for _ in 0..<3 {
        let agent = Int(gen.rng.next() % 150)
        if labels[agent] == nil {
          let l = gen.labels()
          labels[agent] = l
          index.add(agent: agent, labels: l)
        } else if gen.rng.next() % 4 == 0 {
          labels[agent] = nil
          index.remove(agent: agent)
        } else {
          let l = gen.labels()
          labels[agent] = l
          index.update(agent: agent, labels: l)
        }
      }
      let selector = gen.selector()
      let compiled = index.compile(selector)
      var want = AgentBitset()
      for (agent, l) in labels where selector.matches(sortedLabels: l) { want.insert(agent) }
      let got = index.agents(matching: compiled)
      #expect(got == want, "round \(round): \(selector)")
      for (agent, _) in labels.prefix(10) {
        #expect(index.matches(agent: agent, compiled) == want.contains(agent))
      }
    }
  }

  @Test func requiredAffinityAgreesWithDirectEvaluation() throws {
    var gen = SelectorGenerator(rng: SeededRandom(seed: 9))
    var index = LabelIndex()
    var labels: [[(String, String)]] = []
    for agent in 0..<100 {
      labels.append(gen.labels())
      index.add(agent: agent, labels: labels[agent])
    }
    for _ in 0..<200 {
      let terms = (0..<Int(gen.rng.next() % 3)).map { _ in gen.selector() }
      let rules = NodeAffinitySelectors(required: terms, preferred: [])
      let got = index.agents(matchingRequired: index.compile(rules))
      for agent in 0..<100 {
        #expect(got.contains(agent) == rules.matchesRequired(sortedLabels: labels[agent]))
      }
    }
  }

  @Test func canonicalStringRoundTrips() throws {
    var gen = SelectorGenerator(rng: SeededRandom(seed: 1))
    for _ in 0..<2000 {
      let s = gen.selector()
      var interner = LabelInterner()
      let compiled = CompiledSelector(s, interner: &interner)
      let text = compiled.selector.description
      let parsed = try LabelSelector(parsing: text)
      #expect(parsed == s, "\(text)")
      #expect(parsed.description == text)
    }
  }

  // Unsorted, repeated values (the structured form keeps them) still give a fixed point.
  @Test func canonicalStringIsAFixedPoint() throws {
    var gen = SelectorGenerator(rng: SeededRandom(seed: 5))
    for _ in 0..<500 {
      let key = gen.pick(SelectorGenerator.keys)
      let values = (0..<3).map { _ in gen.pick(["b", "a", "c", ""]) }
      let s = LabelSelector([LabelSelector.Requirement(unchecked: key, .notIn, values)])
      let once = try LabelSelector(parsing: s.description)
      #expect(try LabelSelector(parsing: once.description) == once)
      for l in [[(key, "a")], [(key, "z")], []] as [[(String, String)]] {
        #expect(once.matches(sortedLabels: l) == s.matches(sortedLabels: l))
      }
    }
  }
}
