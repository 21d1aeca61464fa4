import Foundation
import Testing

@testable import AllotBenchKit

/// The baseline rule: a change counts when the sample ranges are apart and the medians differ
/// beyond the floor; direction from the unit.
@Suite struct BaselineTests {
  func r(_ unit: String, _ n: Int, _ lo: Double, _ med: Double, _ hi: Double) -> ResultSummary {
    ResultSummary(name: "x", unit: unit, samples: n, min: lo, median: med, max: hi)
  }

  /// (unit, baseline, current, expected verdict) with (samples, min, median, max).
  static let cases:
    [(String, (Int, Double, Double, Double), (Int, Double, Double, Double), Verdict)] = [
      // Times: slower beyond the range and the 3 % floor regressed.
      ("ms", (10, 1.9, 2.0, 2.1), (10, 2.3, 2.4, 2.6), .regressed),
      ("ms", (10, 1.9, 2.0, 2.1), (10, 1.5, 1.6, 1.8), .improved),
      // Overlapping ranges: noise, however far the medians.
      ("ms", (10, 1.0, 2.0, 3.0), (10, 2.9, 2.95, 4.0), .withinNoise),
      // Apart but by less than the floor (2 %).
      ("ms", (10, 99, 100, 100.5), (10, 101, 102, 103), .withinNoise),
      // Rates: larger is better.
      ("1/s", (10, 900, 1000, 1100), (10, 1200, 1300, 1400), .improved),
      ("1/s", (10, 900, 1000, 1100), (10, 500, 600, 700), .regressed),
      // Memory: the 10 % floor.
      ("bytes", (1, 100, 100, 100), (1, 108, 108, 108), .withinNoise),
      ("bytes", (1, 100, 100, 100), (1, 115, 115, 115), .regressed),
      ("bytes", (1, 100, 100, 100), (1, 85, 85, 85), .improved),
      // Timings with too few samples: the 25 % floor.
      ("ms", (1, 10, 10, 10), (1, 12, 12, 12), .withinNoise),
      ("ms", (1, 10, 10, 10), (1, 13, 13, 13), .regressed),
      ("ms", (10, 9, 10, 11), (2, 13, 13.5, 14), .regressed),
      ("ms", (10, 9, 10, 10.5), (2, 10.6, 10.8, 11), .withinNoise),
      ("ms", (10, 9, 10, 10.5), (10, 10.6, 10.8, 11), .regressed),
    ]

  @Test(arguments: 0..<cases.count) func classify(index: Int) {
    let (unit, b, c, want) = BaselineTests.cases[index]
    let got = NoiseRule().classify(
      current: r(unit, c.0, c.1, c.2, c.3), baseline: r(unit, b.0, b.1, b.2, b.3))
    #expect(got == want)
  }

  @Test func floorIsConfigurable() {
    let b = r("ms", 10, 99, 100, 100.5)
    let c = r("ms", 10, 101, 102, 103)
    #expect(NoiseRule(floor: 0.01).classify(current: c, baseline: b) == .regressed)
    #expect(NoiseRule(floor: 0.05).classify(current: c, baseline: b) == .withinNoise)
  }

  @Test func compareByNameAndUnit() throws {
    let base = [
      ResultSummary(name: "cycle", unit: "ms", samples: 5, min: 1, median: 1.1, max: 1.2),
      ResultSummary(name: "p99", unit: "us", samples: 1, min: 9, median: 9, max: 9),
    ]
    let now = [
      ResultSummary(name: "cycle", unit: "ms", samples: 5, min: 2, median: 2.2, max: 2.4),
      ResultSummary(name: "p99", unit: "ms", samples: 1, min: 9, median: 9, max: 9),
      ResultSummary(name: "fresh", unit: "ns", samples: 3, min: 1, median: 1, max: 1),
    ]
    let c = NoiseRule().compare(current: now, baseline: base)
    #expect(c.map(\.verdict) == [.regressed, .new, .new])
    #expect(c[0].baseline == base[0])
    #expect(abs(try #require(c[0].change) - 1.0) < 1e-9)
    #expect(c[1].baseline == nil && c[1].change == nil)
  }

  @Test func resultFileRoundTrip() throws {
    let series = [
      Series(name: "cycle", unit: "ms", samples: [2.6, 1.9, 2.1]),
      Series(name: "offersPerSecond", unit: "1/s", samples: [3.8e6, 5.2e6, 4.7e6, 4.9e6]),
    ]
    let file = ResultFile(
      scenario: "offers", params: [("agents", 10), ("frameworks", 2)], commit: "abc1234",
      results: series.map(\.summary))
    let text = file.render()
    let back = try ResultFile.parse(Data(text.utf8))
    #expect(back.scenario == "offers")
    #expect(back.commit == "abc1234")
    #expect(back.params.map(\.0) == ["agents", "frameworks"])
    #expect(back.params.map(\.1) == [10, 2])
    #expect(back.results.count == 2)
    #expect(
      back.results[0]
        == ResultSummary(
          name: "cycle", unit: "ms", samples: 3, min: 1.9, median: 2.1, max: 2.6))
    #expect(back.results[1].median == 4.8e6)
    // The spec's fixed members, as Python's json would read them.
    let obj = try #require(
      try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(
      Set(obj.keys) == ["tool", "version", "scenario", "params", "build", "machine", "results"])
  }

  static let badFiles: [(String, String)] = [
    ("[1]", "not a JSON object"),
    (#"{"tool":"other","version":1}"#, "tool: not an allot-bench result file"),
    (#"{"tool":"allot-bench","version":2}"#, "version: only version 1 is known"),
    (
      #"{"tool":"allot-bench","version":1,"scenario":"offers"}"#, "results: missing or not an array"
    ),
    (
      #"{"tool":"allot-bench","version":1,"scenario":"offers","results":[{"name":"c","unit":"ms","samples":1,"min":1,"max":2}]}"#,
      "results[0].median: missing or not a number"
    ),
    (
      #"{"tool":"allot-bench","version":1,"scenario":"offers","results":[{"name":"c","unit":"ms","samples":1,"min":1,"median":3,"max":2}]}"#,
      "results[0].median: not between min and max"
    ),
  ]

  @Test(arguments: badFiles) func parseErrors(text: String, message: String) {
    #expect(throws: BenchError(message)) { try ResultFile.parse(Data(text.utf8)) }
  }

  @Test func notJSON() {
    #expect(throws: BenchError.self) { try ResultFile.parse(Data("{".utf8)) }
  }

  @Test func summaryOfSeries() {
    #expect(Series(name: "a", unit: "ms", samples: [4, 1, 3, 2]).summary.median == 2.5)
    #expect(Series(name: "a", unit: "ms", samples: [5, 1, 3]).summary.median == 3)
    let empty = Series(name: "a", unit: "ms", samples: []).summary
    #expect(empty.samples == 0 && empty.median == 0)
  }
}
