import Allot
import Foundation

@inline(never) func blackHole<T>(_ x: T) { withExtendedLifetime(x) {} }

/// Selector matching, parsing and index filtering (the issue's and Kubernetes's shapes).
struct MatchScenario {
  static let help = """
    allot-bench match [--agents N]

    Label selectors against 10-label sets: `a=b`; `env in (prod,qa),tier!=frontend`; `x,!y`;
    and a selector of 10 requirements. Reports ns per match (interned ids, as the engine
    matches, and string pairs), ns per parse, and µs to filter N agents (default 10000) by a
    2-requirement selector through the label index. Each figure is the median of 7 runs.
    """

  var agents = 10_000

  /// Median ns/op over 7 runs.
  func measure(_ iterations: Int, _ body: () -> Int) -> Double {
    var runs: [Double] = []
    var sink = 0
    for _ in 0..<7 {
      let t0 = DispatchTime.now().uptimeNanoseconds
      for _ in 0..<iterations { sink &+= body() }
      runs.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / Double(iterations))
    }
    blackHole(sink)
    return runs.sorted()[3]
  }

  func sorted(_ l: [(String, String)]) -> [(String, String)] {
    l.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
  }

  func run() throws -> [Series] {
    let ten = sorted((0..<10).map { ("k\($0)", $0 == 8 ? "8" : "v\($0)") })
    let tenAB = sorted([("a", "b")] + (1..<10).map { ("k\($0)", "v\($0)") })
    let tenEnv = sorted(
      [("env", "prod"), ("tier", "backend"), ("x", "1")] + (3..<10).map { ("k\($0)", "v\($0)") })
    let cases: [(String, String, [(String, String)])] = [
      ("a=b", "a=b", tenAB),
      ("env", "env in (prod,qa),tier!=frontend", tenEnv),
      ("x", "x,!y", tenEnv),
      ("ten", "k0=v0,k1 in (v1,x),k2!=z,k3,!k10,k4 notin (a,b),k5==v5,k6,k7 in (v7,v8),k8>3", ten),
    ]
    var results: [Series] = []
    var interner = LabelInterner()
    for (shape, text, labels) in cases {
      let selector = try LabelSelector(parsing: text)
      let compiled = CompiledSelector(selector, interner: &interner)
      let interned = interner.intern(labels: labels)
      guard compiled.matches(interned, in: interner), selector.matches(sortedLabels: labels) else {
        throw BenchError.usage("selector \(text) does not match its label set")
      }
      let frozen = interner
      let m = measure(2_000_000) { compiled.matches(interned, in: frozen) ? 1 : 0 }
      let s = measure(500_000) { selector.matches(sortedLabels: labels) ? 1 : 0 }
      let p = measure(200_000) { (try? LabelSelector(parsing: text))?.requirements.count ?? 0 }
      results.append(Series(name: "match.\(shape)", unit: "ns", samples: [m]))
      results.append(Series(name: "matchStrings.\(shape)", unit: "ns", samples: [s]))
      results.append(Series(name: "parse.\(shape)", unit: "ns", samples: [p]))
      progress(
        "\(text): match \(String(format: "%.1f", m)) ns, parse \(String(format: "%.0f", p)) ns")
    }
    var index = LabelIndex()
    var rng = SplitMix(seed: 1)
    let zones = ["z1", "z2", "z3", "z4"]
    let tiers = ["frontend", "backend", "batch"]
    for a in 0..<agents {
      var l: [(String, String)] = [
        ("zone", zones[Int(rng.next() % 4)]), ("tier", tiers[Int(rng.next() % 3)]),
      ]
      if a % 7 == 0 { l.append(("gpu", "1")) }
      for j in 0..<6 { l.append(("k\(j)", "v\(rng.next() % 20)")) }
      index.add(agent: a, labels: sorted(l))
    }
    let selector = index.compile(try LabelSelector(parsing: "zone in (z1,z2),tier!=frontend"))
    var result = AgentBitset(capacity: agents)
    let frozen = index
    let f = measure(20_000) {
      frozen.evaluate(selector, into: &result)
      return result.isEmpty ? 0 : 1
    }
    results.append(Series(name: "filter", unit: "us", samples: [f / 1000]))
    results.append(Series(name: "peakMemory", unit: "bytes", samples: [peakMemoryBytes()]))
    return results
  }
}

/// A small deterministic generator for benchmark data.
typealias SplitMix = SplitMix64
