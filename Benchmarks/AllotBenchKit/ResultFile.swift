import Foundation

/// The allot-bench result file of `../shared/spec/bench-json.md` (version 1): one JSON
/// object per run, written by `--json FILE` and read back by `--baseline FILE`.
///
///     let f = ResultFile(scenario: "offers", params: [("agents", 10)], results: [s])
///     try f.render().write(toFile: "r.json", atomically: true, encoding: .utf8)
public struct ResultFile: Sendable {
  /// The subcommand that ran (`offers`, `place`, `match`, `capi`, `server`).
  public var scenario: String
  /// The sizes of the run, in order.
  public var params: [(String, Int)]
  /// `release` or `debug`.
  public var configuration: String
  /// `git rev-parse --short HEAD`, or `unknown`.
  public var commit: String
  /// Active processor count of the machine.
  public var cores: Int
  /// Physical memory of the machine in bytes.
  public var memoryBytes: UInt64
  /// The results, as summaries.
  public var results: [ResultSummary]

  /// Creates a result file; the machine fields default to this machine.
  ///
  /// The configuration is that of this build of allot-bench.
  public init(
    scenario: String, params: [(String, Int)], commit: String = "unknown",
    results: [ResultSummary]
  ) {
    self.scenario = scenario
    self.params = params
    #if DEBUG
      configuration = "debug"
    #else
      configuration = "release"
    #endif
    self.commit = commit
    cores = ProcessInfo.processInfo.activeProcessorCount
    memoryBytes = ProcessInfo.processInfo.physicalMemory
    self.results = results
  }

  /// The JSON text of the file, one result per line, ending with a newline.
  ///
  /// Numbers are written as integers when whole, else with 6 significant digits.
  public func render() -> String {
    var s = "{\n  \"tool\": \"allot-bench\", \"version\": 1,\n"
    s += "  \"scenario\": \(jsonString(scenario)),\n"
    s += "  \"params\": { "
    s += params.map { "\(jsonString($0.0)): \($0.1)" }.joined(separator: ", ")
    s += " },\n"
    s +=
      "  \"build\": { \"configuration\": \(jsonString(configuration)), "
      + "\"commit\": \(jsonString(commit)) },\n"
    s += "  \"machine\": { \"cores\": \(cores), \"memoryBytes\": \(memoryBytes) },\n"
    s += "  \"results\": [\n"
    s += results.map { r in
      "    { \"name\": \(jsonString(r.name)), \"unit\": \(jsonString(r.unit)), "
        + "\"samples\": \(r.samples), \"min\": \(jsonNumber(r.min)), "
        + "\"median\": \(jsonNumber(r.median)), \"max\": \(jsonNumber(r.max)) }"
    }.joined(separator: ",\n")
    s += "\n  ]\n}\n"
    return s
  }

  /// Reads a result file written by `--json`.
  ///
  /// - Throws: ``BenchError`` naming the field at fault (`results[2].median`) when the text
  ///   is not JSON, not an allot-bench file of version 1, or a result lacks a field or has
  ///   `min <= median <= max` violated.
  public static func parse(_ data: Data) throws -> ResultFile {
    let any: Any
    do {
      any = try JSONSerialization.jsonObject(with: data)
    } catch {
      throw BenchError("not JSON: \(error.localizedDescription)")
    }
    guard let root = any as? [String: Any] else { throw BenchError("not a JSON object") }
    guard root["tool"] as? String == "allot-bench" else {
      throw BenchError("tool: not an allot-bench result file")
    }
    guard (root["version"] as? NSNumber)?.intValue == 1 else {
      throw BenchError("version: only version 1 is known")
    }
    guard let scenario = root["scenario"] as? String else {
      throw BenchError("scenario: missing or not a string")
    }
    var params: [(String, Int)] = []
    if let p = root["params"] as? [String: Any] {
      for k in p.keys.sorted() {
        guard let n = p[k] as? NSNumber else { throw BenchError("params.\(k): not a number") }
        params.append((k, n.intValue))
      }
    }
    guard let list = root["results"] as? [Any] else {
      throw BenchError("results: missing or not an array")
    }
    var results: [ResultSummary] = []
    for (i, item) in list.enumerated() {
      guard let r = item as? [String: Any] else { throw BenchError("results[\(i)]: not an object") }
      func text(_ k: String) throws -> String {
        guard let v = r[k] as? String else {
          throw BenchError("results[\(i)].\(k): missing or not a string")
        }
        return v
      }
      func number(_ k: String) throws -> Double {
        guard let v = r[k] as? NSNumber, v.doubleValue.isFinite else {
          throw BenchError("results[\(i)].\(k): missing or not a number")
        }
        return v.doubleValue
      }
      let s = ResultSummary(
        name: try text("name"), unit: try text("unit"), samples: Int(try number("samples")),
        min: try number("min"), median: try number("median"), max: try number("max"))
      guard s.min <= s.median, s.median <= s.max else {
        throw BenchError("results[\(i)].median: not between min and max")
      }
      results.append(s)
    }
    var f = ResultFile(scenario: scenario, params: params, results: results)
    if let b = root["build"] as? [String: Any] {
      f.configuration = b["configuration"] as? String ?? "unknown"
      f.commit = b["commit"] as? String ?? "unknown"
    }
    if let m = root["machine"] as? [String: Any] {
      f.cores = (m["cores"] as? NSNumber)?.intValue ?? 0
      f.memoryBytes = (m["memoryBytes"] as? NSNumber)?.uint64Value ?? 0
    }
    return f
  }
}

/// A number as JSON: an integer when whole (and below 1e15), else 6 significant digits;
/// NaN and infinities as 0 (JSON has no such numbers).
func jsonNumber(_ v: Double) -> String {
  if v.isNaN || v.isInfinite { return "0" }
  if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
  return String(format: "%.6g", v)
}

/// A string as JSON, with quotes, backslashes and control characters escaped.
func jsonString(_ s: String) -> String {
  var out = "\""
  for u in s.unicodeScalars {
    switch u {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    default:
      if u.value < 0x20 {
        out += String(format: "\\u%04x", u.value)
      } else {
        out.unicodeScalars.append(u)
      }
    }
  }
  return out + "\""
}
