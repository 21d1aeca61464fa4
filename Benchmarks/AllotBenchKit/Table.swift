import Foundation

/// An aligned text table: a header, a rule, then rows; text columns left-aligned, number
/// columns right-aligned, two spaces between columns, no trailing spaces.
///
///     var t = TextTable(header: ["result", "median"], rightAligned: [1])
///     t.rows.append(["cycle", "2.1"])
///     print(t.render(), terminator: "")
public struct TextTable: Sendable {
  /// The column titles.
  public var header: [String]
  /// The rows; a short row is padded with empty cells.
  public var rows: [[String]] = []
  /// Indices of the right-aligned (number) columns.
  public var rightAligned: Set<Int>

  /// Creates an empty table.
  ///
  /// Columns not in `rightAligned` are left-aligned.
  public init(header: [String], rightAligned: Set<Int>) {
    self.header = header
    self.rightAligned = rightAligned
  }

  /// The table as lines ending with newlines.
  ///
  /// Widths count characters (so `µs` is 2 wide).
  ///
  /// - Complexity: O(cells).
  public func render() -> String {
    let all = [header] + rows
    let columns = all.map(\.count).max() ?? 0
    var widths = Array(repeating: 0, count: columns)
    for row in all { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
    func line(_ row: [String]) -> String {
      var cells: [String] = []
      for i in 0..<columns {
        let c = i < row.count ? row[i] : ""
        let pad = String(repeating: " ", count: widths[i] - c.count)
        cells.append(rightAligned.contains(i) ? pad + c : c + pad)
      }
      var s = cells.joined(separator: "  ")
      while s.hasSuffix(" ") { s.removeLast() }
      return s
    }
    let width = widths.reduce(0, +) + 2 * max(0, columns - 1)
    var out = line(header) + "\n" + String(repeating: "-", count: width) + "\n"
    for r in rows { out += line(r) + "\n" }
    return out
  }
}

/// A measured value for a table cell: 3 significant digits for large values, else fixed
/// decimals (`4.7e+06`, `123.4`, `2.100`).
public func formatValue(_ v: Double) -> String {
  if v.isNaN { return "-" }
  if abs(v) >= 1e6 { return String(format: "%.3g", v) }
  if abs(v) >= 100 { return String(format: "%.1f", v) }
  return String(format: "%.3f", v)
}

/// The results table: one row per result with samples, min, median and max; with a
/// baseline, also the baseline's median, the change of the median and the verdict.
///
/// Regressions are marked `REGRESSED` in capitals so they stand out.
public func resultsTable(_ results: [ResultSummary], comparisons: [Comparison]?) -> TextTable {
  var header = ["result", "unit", "samples", "min", "median", "max"]
  if comparisons != nil { header += ["baseline", "change", "verdict"] }
  var t = TextTable(header: header, rightAligned: [2, 3, 4, 5, 6, 7])
  for (i, r) in results.enumerated() {
    var row = [
      r.name, r.unit, String(r.samples), formatValue(r.min), formatValue(r.median),
      formatValue(r.max),
    ]
    if let comparisons, i < comparisons.count {
      let c = comparisons[i]
      row.append(c.baseline.map { formatValue($0.median) } ?? "-")
      row.append(c.change.map { String(format: "%+.1f%%", $0 * 100) } ?? "-")
      row.append(c.verdict == .regressed ? "REGRESSED" : c.verdict.rawValue)
    }
    t.rows.append(row)
  }
  return t
}
