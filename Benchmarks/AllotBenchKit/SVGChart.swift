import Foundation

/// One point of a chart: x (cluster size), y (throughput), and optionally the range of the
/// samples behind y, drawn as a whisker.
public struct ChartPoint: Sendable, Equatable {
  /// The x value (a cluster size; > 0 on a log axis).
  public var x: Double
  /// The y value (the median).
  public var y: Double
  /// The smallest sample, if known.
  public var low: Double?
  /// The largest sample, if known.
  public var high: Double?

  /// Creates a point.
  ///
  /// `low` and `high`, when given, draw a min–max whisker through the point.
  public init(x: Double, y: Double, low: Double? = nil, high: Double? = nil) {
    self.x = x
    self.y = y
    self.low = low
    self.high = high
  }
}

/// A named line of points on a chart.
public struct ChartSeries: Sendable, Equatable {
  /// The legend text.
  public var name: String
  /// The points, drawn in x order.
  public var points: [ChartPoint]

  /// Creates a series.
  ///
  /// Points are sorted by x when drawn.
  public init(name: String, points: [ChartPoint]) {
    self.name = name
    self.points = points
  }
}

/// A line chart of throughput against cluster size, written directly as SVG 1.1.
///
/// The chart has a title and subtitle, axes with ticks, tick labels and axis titles with
/// units, grid lines, a legend, and every data point drawn as a circle labelled with its
/// value (min–max whiskers when known). The x axis is logarithmic when the sizes span a
/// factor of 10 or more, else linear; the y axis is linear from 0.
///
///     let chart = SVGChart(title: "DeclineOffers", xLabel: "agents",
///                          yLabel: "offers per second (1/s)",
///                          series: [ChartSeries(name: "offersPerSecond", points: pts)])
///     try chart.render().write(toFile: "offers.svg", atomically: true, encoding: .utf8)
public struct SVGChart: Sendable {
  /// The title, at the top.
  public var title: String
  /// A second, smaller line under the title (machine, commit), or empty.
  public var subtitle: String
  /// The x axis title with its unit.
  public var xLabel: String
  /// The y axis title with its unit.
  public var yLabel: String
  /// The lines drawn.
  public var series: [ChartSeries]
  /// Width in pixels.
  public var width = 800.0
  /// Height in pixels.
  public var height = 480.0

  /// Creates a chart.
  ///
  /// The size defaults to 800 by 480.
  public init(
    title: String, subtitle: String = "", xLabel: String, yLabel: String,
    series: [ChartSeries]
  ) {
    self.title = title
    self.subtitle = subtitle
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.series = series
  }

  static let palette = ["#1f6fb4", "#d9480f", "#2b8a3e", "#862e9c", "#c92a2a", "#5c7cfa"]

  /// Whether the x axis is logarithmic: every x > 0 and max/min >= 10.
  public var logX: Bool {
    let xs = series.flatMap { $0.points.map(\.x) }
    guard let lo = xs.min(), let hi = xs.max(), lo > 0 else { return false }
    return hi / lo >= 10
  }

  /// The SVG document, with an XML declaration, as one string.
  ///
  /// - Complexity: O(points).
  public func render() -> String {
    let left = 90.0
    let right = 30.0
    let top = subtitle.isEmpty ? 60.0 : 76.0
    let bottom = 70.0
    let plotW = width - left - right
    let plotH = height - top - bottom
    let points = series.flatMap(\.points)
    let xs = points.map(\.x)
    let ys = points.flatMap { [$0.y, $0.high ?? $0.y] }
    let log = logX

    // X domain and ticks.
    var xTicks: [Double]
    let xLo: Double
    let xHi: Double
    if log {
      let a = Foundation.log10(xs.min()!)
      let b = Foundation.log10(xs.max()!)
      let pad = (b - a) * 0.08
      xLo = a - pad
      xHi = b + pad
      xTicks = []
      var decade = Foundation.pow(10, Foundation.floor(xLo))
      while Foundation.log10(decade) <= xHi {
        for m in [1.0, 2, 5] {
          let t = decade * m
          let lt = Foundation.log10(t)
          if lt >= xLo && lt <= xHi { xTicks.append(t) }
        }
        decade *= 10
      }
    } else {
      let lo = xs.min() ?? 0
      let hi = xs.max() ?? 1
      let span = hi > lo ? hi - lo : Swift.max(1, abs(hi))
      let step = SVGChart.niceStep(span / 5)
      xLo = Foundation.floor((lo - span * 0.08) / step) * step
      xHi = Foundation.ceil((hi + span * 0.08) / step) * step
      xTicks = stride(from: xLo, through: xHi + step / 2, by: step).map { $0 }
    }
    func px(_ x: Double) -> Double {
      let v = log ? Foundation.log10(x) : x
      return left + (v - xLo) / (xHi - xLo) * plotW
    }
    // Y domain from 0 and ticks.
    let yMaxData = Swift.max(ys.max() ?? 1, 0)
    let yStep = SVGChart.niceStep((yMaxData > 0 ? yMaxData * 1.15 : 1) / 5)
    let yHi = Foundation.ceil((yMaxData > 0 ? yMaxData * 1.15 : 1) / yStep) * yStep
    let yTicks = stride(from: 0.0, through: yHi + yStep / 2, by: yStep).map { $0 }
    func py(_ y: Double) -> Double { top + plotH - y / yHi * plotH }

    var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    s +=
      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(f(width))\" "
      + "height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\" "
      + "font-family=\"Helvetica, Arial, 'DejaVu Sans', sans-serif\">\n"
    s += "<title>\(esc(title))</title>\n"
    s += "<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#ffffff\"/>\n"
    s +=
      "<text x=\"\(f(width / 2))\" y=\"30\" font-size=\"18\" font-weight=\"bold\" "
      + "text-anchor=\"middle\" fill=\"#212529\">\(esc(title))</text>\n"
    if !subtitle.isEmpty {
      s +=
        "<text x=\"\(f(width / 2))\" y=\"50\" font-size=\"12\" text-anchor=\"middle\" "
        + "fill=\"#495057\">\(esc(subtitle))</text>\n"
    }
    // Grid, ticks and tick labels.
    s += "<g class=\"grid\" stroke=\"#e9ecef\" stroke-width=\"1\">\n"
    for t in yTicks {
      s +=
        "<line x1=\"\(f(left))\" y1=\"\(f(py(t)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(py(t)))\"/>\n"
    }
    for t in xTicks {
      s +=
        "<line x1=\"\(f(px(t)))\" y1=\"\(f(top))\" x2=\"\(f(px(t)))\" y2=\"\(f(top + plotH))\"/>\n"
    }
    s += "</g>\n"
    s += "<g class=\"axes\" stroke=\"#343a40\" stroke-width=\"1.2\">\n"
    s +=
      "<line x1=\"\(f(left))\" y1=\"\(f(top + plotH))\" x2=\"\(f(left + plotW))\" "
      + "y2=\"\(f(top + plotH))\"/>\n"
    s += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + plotH))\"/>\n"
    for t in yTicks {
      s += "<line x1=\"\(f(left - 5))\" y1=\"\(f(py(t)))\" x2=\"\(f(left))\" y2=\"\(f(py(t)))\"/>\n"
    }
    for t in xTicks {
      s +=
        "<line x1=\"\(f(px(t)))\" y1=\"\(f(top + plotH))\" x2=\"\(f(px(t)))\" "
        + "y2=\"\(f(top + plotH + 5))\"/>\n"
    }
    s += "</g>\n"
    s += "<g class=\"tick-labels\" font-size=\"11\" fill=\"#495057\">\n"
    for t in yTicks {
      s +=
        "<text x=\"\(f(left - 8))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">"
        + "\(esc(SVGChart.si(t)))</text>\n"
    }
    for t in xTicks {
      s +=
        "<text x=\"\(f(px(t)))\" y=\"\(f(top + plotH + 19))\" text-anchor=\"middle\">"
        + "\(esc(SVGChart.si(t)))</text>\n"
    }
    s += "</g>\n"
    // Axis titles.
    let xTitle = log ? "\(xLabel), log scale" : xLabel
    s +=
      "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 22))\" font-size=\"13\" "
      + "text-anchor=\"middle\" fill=\"#212529\">\(esc(xTitle))</text>\n"
    s +=
      "<text transform=\"translate(22,\(f(top + plotH / 2))) rotate(-90)\" font-size=\"13\" "
      + "text-anchor=\"middle\" fill=\"#212529\">\(esc(yLabel))</text>\n"
    // Series: whiskers, line, points, value labels.
    for (k, line) in series.enumerated() {
      let color = SVGChart.palette[k % SVGChart.palette.count]
      let pts = line.points.sorted { $0.x < $1.x }
      s += "<g class=\"series\" data-name=\"\(esc(line.name))\">\n"
      for p in pts {
        if let lo = p.low, let hi = p.high, hi > lo {
          let x = px(p.x)
          s +=
            "<line x1=\"\(f(x))\" y1=\"\(f(py(lo)))\" x2=\"\(f(x))\" y2=\"\(f(py(hi)))\" "
            + "stroke=\"\(color)\" stroke-width=\"1\" opacity=\"0.6\"/>\n"
        }
      }
      if pts.count > 1 {
        let coords = pts.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
        s +=
          "<polyline points=\"\(coords)\" fill=\"none\" stroke=\"\(color)\" "
          + "stroke-width=\"2\"/>\n"
      }
      for p in pts {
        s +=
          "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"4\" fill=\"\(color)\">"
          + "<title>\(esc(SVGChart.si(p.x))): \(esc(SVGChart.si(p.y)))</title></circle>\n"
        s +=
          "<text x=\"\(f(px(p.x) + 7))\" y=\"\(f(py(p.y) - 7))\" font-size=\"11\" "
          + "font-weight=\"bold\" fill=\"\(color)\" stroke=\"#ffffff\" stroke-width=\"3\" "
          + "paint-order=\"stroke\">\(esc(SVGChart.si(p.y)))</text>\n"
      }
      s += "</g>\n"
    }
    // Legend, top right inside the plot.
    let legendW = 24 + 7 * Double(series.map(\.name.count).max() ?? 4) + 12
    let lx = left + plotW - legendW - 8
    s += "<g class=\"legend\" font-size=\"12\" fill=\"#212529\">\n"
    s +=
      "<rect x=\"\(f(lx))\" y=\"\(f(top + 8))\" width=\"\(f(legendW))\" "
      + "height=\"\(f(Double(series.count) * 18 + 8))\" fill=\"#ffffff\" "
      + "stroke=\"#ced4da\" opacity=\"0.9\"/>\n"
    for (k, line) in series.enumerated() {
      let color = SVGChart.palette[k % SVGChart.palette.count]
      let y = top + 8 + 16 + Double(k) * 18
      s +=
        "<rect x=\"\(f(lx + 8))\" y=\"\(f(y - 9))\" width=\"14\" height=\"10\" "
        + "fill=\"\(color)\"/>\n"
      s += "<text x=\"\(f(lx + 28))\" y=\"\(f(y))\">\(esc(line.name))</text>\n"
    }
    s += "</g>\n</svg>\n"
    return s
  }

  /// A step of 1, 2 or 5 times a power of ten, at least `raw`.
  static func niceStep(_ raw: Double) -> Double {
    guard raw > 0, raw.isFinite else { return 1 }
    let p = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
    for m in [1.0, 2, 5, 10] where p * m >= raw * 0.999 { return p * m }
    return p * 10
  }

  /// A short label: 3 significant digits with k, M or G.
  public static func si(_ v: Double) -> String {
    let a = abs(v)
    func g(_ x: Double) -> String {
      var t = String(format: "%.3g", x)
      if t.contains("e") { t = String(format: "%.0f", x) }
      return t
    }
    if a >= 1e9 { return g(v / 1e9) + "G" }
    if a >= 1e6 { return g(v / 1e6) + "M" }
    if a >= 1e3 { return g(v / 1e3) + "k" }
    return g(v)
  }
}

/// A coordinate with at most one decimal.
private func f(_ v: Double) -> String {
  let r = (v * 10).rounded() / 10
  return r == r.rounded() ? String(Int(r)) : String(format: "%.1f", r)
}

/// Text escaped for XML character data and attribute values.
func esc(_ s: String) -> String {
  var o = ""
  for c in s {
    switch c {
    case "&": o += "&amp;"
    case "<": o += "&lt;"
    case ">": o += "&gt;"
    case "\"": o += "&quot;"
    default: o.append(c)
    }
  }
  return o
}
