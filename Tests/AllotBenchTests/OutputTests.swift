import Foundation
import Testing

@testable import AllotBenchKit

/// A minimal XML well-formedness check: one root, balanced and properly nested tags, quoted
/// attributes, only the five predefined entities, no stray `<` or `&` in text.
func xmlProblems(_ text: String) -> String? {
  var s = Substring(text)
  if s.hasPrefix("<?xml") {
    guard let end = s.range(of: "?>") else { return "unterminated declaration" }
    s = s[end.upperBound...]
  }
  var stack: [String] = []
  var roots = 0
  let entities = ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
  func badAmp(_ t: Substring) -> Bool {
    var i = t.startIndex
    while let a = t[i...].firstIndex(of: "&") {
      if !entities.contains(where: { t[a...].hasPrefix($0) }) { return true }
      i = t.index(after: a)
    }
    return false
  }
  while !s.isEmpty {
    guard let lt = s.firstIndex(of: "<") else {
      if !s.allSatisfy(\.isWhitespace) && stack.isEmpty { return "text outside the root" }
      if badAmp(s) { return "bad entity" }
      break
    }
    let textPart = s[..<lt]
    if badAmp(textPart) { return "bad entity in text" }
    if stack.isEmpty && !textPart.allSatisfy(\.isWhitespace) { return "text outside the root" }
    guard let gt = s[lt...].firstIndex(of: ">") else { return "unterminated tag" }
    let tag = s[s.index(after: lt)..<gt]
    s = s[s.index(after: gt)...]
    if tag.hasPrefix("/") {
      guard stack.popLast() == String(tag.dropFirst()) else { return "mismatched </\(tag)>" }
      continue
    }
    let selfClosing = tag.hasSuffix("/")
    let body = selfClosing ? tag.dropLast() : tag
    let name = String(body.prefix { !$0.isWhitespace })
    guard let c = name.first, c.isLetter else { return "bad tag name '\(name)'" }
    // Attributes: name="value" pairs, values without '<' and with valid entities.
    var rest = body.dropFirst(name.count)
    while true {
      rest = rest.drop { $0.isWhitespace }
      if rest.isEmpty { break }
      guard let eq = rest.firstIndex(of: "=") else { return "attribute without value in \(name)" }
      let after = rest[rest.index(after: eq)...]
      guard after.first == "\"", let close = after.dropFirst().firstIndex(of: "\"") else {
        return "unquoted attribute in \(name)"
      }
      let value = after[after.index(after: after.startIndex)..<close]
      if value.contains("<") || badAmp(value) { return "bad attribute value in \(name)" }
      rest = after[after.index(after: close)...]
    }
    if stack.isEmpty { roots += 1 }
    if !selfClosing { stack.append(name) }
  }
  if !stack.isEmpty { return "unclosed <\(stack.last!)>" }
  return roots == 1 ? nil : "\(roots) root elements"
}

/// Occurrences of `needle` in `text`.
func count(_ needle: String, in text: String) -> Int {
  text.components(separatedBy: needle).count - 1
}

/// The text table, the SVG chart and the progress line.
@Suite struct OutputTests {
  @Test func checkerRejectsBrokenXML() {
    #expect(xmlProblems("<a><b/></a>") == nil)
    #expect(xmlProblems("<a><b></a>") != nil)
    #expect(xmlProblems("<a x=1/>") != nil)
    #expect(xmlProblems("<a>1 & 2</a>") != nil)
    #expect(xmlProblems("<a/><b/>") != nil)
  }

  @Test func tableColumnsAlign() {
    var t = TextTable(header: ["result", "unit", "median"], rightAligned: [2])
    t.rows = [
      ["cycle", "ms", "2.100"], ["offersPerSecond", "1/s", "4.7e+06"], ["p99", "µs", "12"],
    ]
    let lines = t.render().split(separator: "\n").map(String.init)
    #expect(lines.count == 5)
    #expect(lines[1].allSatisfy { $0 == "-" })
    // Left-aligned columns start at the same offset; right-aligned ones end at the same one.
    let unitStart = lines[0].distance(
      from: lines[0].startIndex, to: lines[0].range(of: "unit")!.lowerBound)
    for (line, unit) in zip(lines[2...], ["ms", "1/s", "µs"]) {
      let at = line.distance(from: line.startIndex, to: line.range(of: " \(unit) ")!.lowerBound)
      #expect(at + 1 == unitStart)
      #expect(line.count == lines[1].count)
      #expect(!line.hasSuffix(" "))
    }
    #expect(lines[0].count == lines[1].count)
  }

  @Test func resultsTableMarksVerdicts() {
    let b = ResultSummary(name: "cycle", unit: "ms", samples: 5, min: 1, median: 1, max: 1.1)
    let c = ResultSummary(name: "cycle", unit: "ms", samples: 5, min: 2, median: 2, max: 2.1)
    let comparisons = NoiseRule().compare(current: [c], baseline: [b])
    let text = resultsTable([c], comparisons: comparisons).render()
    #expect(text.contains("REGRESSED"))
    #expect(text.contains("+100.0%"))
    #expect(!resultsTable([c], comparisons: nil).render().contains("verdict"))
  }

  func chart(_ xs: [Double], series: Int = 1, title: String = "offers") -> SVGChart {
    SVGChart(
      title: title, subtitle: "commit abc", xLabel: "agents", yLabel: "offers per second (1/s)",
      series: (0..<series).map { k in
        ChartSeries(
          name: "s\(k)",
          points: xs.map {
            ChartPoint(x: $0, y: 1000 * $0 + Double(k), low: 900 * $0, high: 1100 * $0)
          })
      })
  }

  @Test(arguments: [[1000.0, 5000, 10000, 50000], [1000, 2000], [42]])
  func svgIsWellFormedWithEveryPoint(xs: [Double]) throws {
    let svg = chart(xs, series: 2).render()
    #expect(xmlProblems(svg) == nil)
    #expect(count("<circle", in: svg) == 2 * xs.count)
    #expect(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    #expect(count("class=\"legend\"", in: svg) == 1)
    // A value label per point: the median's short form.
    #expect(svg.contains(">\(SVGChart.si(1000 * xs[0]))</text>"))
  }

  @Test func logScaleWhenSizesSpanADecade() {
    #expect(chart([1000, 5000, 10000, 50000]).logX)
    #expect(!chart([1000, 5000]).logX)
    let svg = chart([1000, 50000]).render()
    #expect(svg.contains("agents, log scale"))
    // Decade ticks labelled.
    #expect(svg.contains(">1k</text>") && svg.contains(">10k</text>"))
  }

  @Test func svgEscapesText() {
    let svg = chart([1, 2], title: "a < b & \"c\"").render()
    #expect(xmlProblems(svg) == nil)
    #expect(svg.contains("a &lt; b &amp; &quot;c&quot;"))
  }

  @Test func shortNumbers() {
    #expect(SVGChart.si(4_700_000) == "4.7M")
    #expect(SVGChart.si(250_000) == "250k")
    #expect(SVGChart.si(12) == "12")
    #expect(SVGChart.si(0.5) == "0.5")
  }

  final class Sink: @unchecked Sendable {
    let lock = NSLock()
    var out: [String] = []
    var now: UInt64 = 0
    func write(_ s: String) { lock.withLock { out.append(s) } }
    func time() -> UInt64 { lock.withLock { now } }
  }

  @Test func progressWithoutTerminalIsThrottled() {
    let sink = Sink()
    let p = ProgressLine(
      terminal: false, interval: 1000, now: { sink.time() }, write: { sink.write($0) })
    p.update("a")
    sink.now = 500
    p.update("b")
    sink.now = 1000
    p.update("c")
    p.finish()
    p.update("d")
    sink.now = 1100
    p.update("e")
    p.update("f")
    p.finish()
    p.finish()
    #expect(sink.out == ["a\n", "c\n", "d\n", "f\n"])
  }

  @Test func progressOnTerminalRewritesTheLine() {
    let sink = Sink()
    let p = ProgressLine(terminal: true, now: { sink.time() }, write: { sink.write($0) })
    p.update("round 1")
    sink.now = 100_000_000
    p.update("round 2")
    p.finish()
    p.finish()
    #expect(sink.out == ["\r\u{1B}[Kround 1", "\r\u{1B}[Kround 2", "\r\u{1B}[K"])
  }
}
