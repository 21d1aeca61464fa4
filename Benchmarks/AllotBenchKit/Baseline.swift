/// How a result compares with the same result of a baseline run.
public enum Verdict: String, Sendable, Equatable {
  /// Worse than the baseline beyond the noise both runs measured.
  case regressed
  /// Better than the baseline beyond the noise both runs measured.
  case improved
  /// The difference is within the noise.
  case withinNoise = "within noise"
  /// The result is not in the baseline.
  case new
}

/// One result of the current run set against the baseline's result of the same name.
public struct Comparison: Sendable, Equatable {
  /// The current result.
  public var current: ResultSummary
  /// The baseline's result of the same name, if it has one.
  public var baseline: ResultSummary?
  /// `current.median / baseline.median - 1` (so +0.10 is 10 % larger), when defined.
  public var change: Double?
  /// The verdict.
  public var verdict: Verdict
}

/// The rule that separates a real change from noise, given the spread each run measured.
///
/// A result regressed (or improved) when both hold:
/// - the ranges `[min, max]` of its samples in the two runs do not overlap, so no sample
///   of one run is as good (or as bad) as any sample of the other: the difference is beyond
///   the noise both runs measured;
/// - the medians differ by more than a relative floor: `bytesFloor` for memory (`bytes`,
///   one deterministic-ish sample per run); `floor` when both runs have at least
///   `minSamples` samples; `singleSampleFloor` otherwise (a single timing measures no noise,
///   and one-off timings on a shared machine vary by a fifth between runs).
///
/// Direction comes from the unit: larger is better for rates (`1/s`), smaller for times and
/// bytes.
///
///     let c = NoiseRule().compare(current: now, baseline: before)
///     c.filter { $0.verdict == .regressed }
public struct NoiseRule: Sendable {
  /// The relative floor with enough samples on both sides (default 3 %).
  public var floor: Double
  /// The relative floor of timings and rates when either side has fewer than `minSamples`
  /// (default 25 %).
  public var singleSampleFloor: Double
  /// The relative floor of memory results, unit `bytes` (default 10 %).
  public var bytesFloor: Double
  /// The sample count from which `floor` applies (default 3).
  public var minSamples: Int

  /// Creates the rule.
  ///
  /// The defaults suit these shared 2-core machines, where wall clock varies by a few
  /// percent from run to run.
  public init(
    floor: Double = 0.03, singleSampleFloor: Double = 0.25, bytesFloor: Double = 0.10,
    minSamples: Int = 3
  ) {
    self.floor = floor
    self.singleSampleFloor = singleSampleFloor
    self.bytesFloor = bytesFloor
    self.minSamples = minSamples
  }

  /// The verdict for one result against its baseline.
  ///
  /// A baseline median of 0 gives `withinNoise` unless the ranges are apart (no relative
  /// change is defined then, so the floor is not applied).
  public func classify(current c: ResultSummary, baseline b: ResultSummary) -> Verdict {
    let apart = c.min > b.max || c.max < b.min
    guard apart else { return .withinNoise }
    let enough = c.samples >= minSamples && b.samples >= minSamples
    let threshold = c.unit == "bytes" ? bytesFloor : enough ? floor : singleSampleFloor
    if b.median != 0 {
      let rel = (c.median - b.median) / abs(b.median)
      guard abs(rel) > threshold else { return .withinNoise }
    }
    let larger = c.median > b.median
    return larger == c.higherIsBetter ? .improved : .regressed
  }

  /// Compares every current result with the baseline's result of the same name and unit,
  /// in the current run's order.
  ///
  /// A result absent from the baseline (or with another unit) is ``Verdict/new``.
  public func compare(current: [ResultSummary], baseline: [ResultSummary]) -> [Comparison] {
    var byName: [String: ResultSummary] = [:]
    for b in baseline { byName[b.name] = b }
    return current.map { c in
      guard let b = byName[c.name], b.unit == c.unit else {
        return Comparison(current: c, baseline: nil, change: nil, verdict: .new)
      }
      let change = b.median != 0 ? c.median / b.median - 1 : nil
      return Comparison(
        current: c, baseline: b, change: change, verdict: classify(current: c, baseline: b))
    }
  }
}
