/// One measured series: the samples of one result, as `../shared/spec/bench-json.md`
/// describes a result.
///
/// A series is named by the result names of the spec (`cycle`, `offersPerSecond`, ...) and
/// carries every sample so that the summary (`min`, `median`, `max`) and the noise of the
/// run can be computed from it.
///
///     let s = Series(name: "cycle", unit: "ms", samples: [2.1, 1.9, 2.6])
///     s.median  // 2.1
public struct Series: Sendable, Equatable {
  /// The result name (`cycle`, `offersPerSecond`, ...).
  public var name: String
  /// The unit as the spec names it: `ms`, `us`, `ns`, `1/s`, `bytes`.
  public var unit: String
  /// The measured samples, in the order taken.
  public var samples: [Double]

  /// Creates a series.
  ///
  /// The samples may be empty; the summary of an empty series is all zeros.
  public init(name: String, unit: String, samples: [Double]) {
    self.name = name
    self.unit = unit
    self.samples = samples
  }

  /// The summary of the samples: count, min, median and max.
  ///
  /// The median of an even count is the mean of the two middle samples.
  ///
  /// - Complexity: O(n log n) in the number of samples.
  public var summary: ResultSummary {
    let s = samples.sorted()
    guard let first = s.first, let last = s.last else {
      return ResultSummary(name: name, unit: unit, samples: 0, min: 0, median: 0, max: 0)
    }
    let median = s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    return ResultSummary(
      name: name, unit: unit, samples: s.count, min: first, median: median, max: last)
  }
}

/// The summary of one result as the JSON result file stores it.
///
/// Written by ``ResultFile/render()`` and read back by ``ResultFile/parse(_:)`` for
/// `--baseline` comparisons.
public struct ResultSummary: Sendable, Equatable {
  /// The result name.
  public var name: String
  /// The unit (`ms`, `us`, `ns`, `1/s`, `bytes`).
  public var unit: String
  /// The number of samples measured.
  public var samples: Int
  /// The smallest sample.
  public var min: Double
  /// The median sample.
  public var median: Double
  /// The largest sample.
  public var max: Double

  /// Creates a summary.
  ///
  /// No check is made that `min <= median <= max`; ``ResultFile/parse(_:)`` checks that.
  public init(name: String, unit: String, samples: Int, min: Double, median: Double, max: Double) {
    self.name = name
    self.unit = unit
    self.samples = samples
    self.min = min
    self.median = median
    self.max = max
  }

  /// Whether a larger value is better: true for rates (`1/s`), false for times and bytes.
  public var higherIsBetter: Bool { unit == "1/s" }
}
