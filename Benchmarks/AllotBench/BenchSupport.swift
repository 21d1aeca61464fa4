import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One measured series, as `../shared/spec/bench-json.md` describes a result.
struct Series {
  var name: String
  var unit: String
  var samples: [Double]

  var sorted: [Double] { samples.sorted() }
  var min: Double { sorted.first ?? 0 }
  var max: Double { sorted.last ?? 0 }
  var median: Double {
    let s = sorted
    if s.isEmpty { return 0 }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
  }
}

/// Wall-clock milliseconds of a block.
func measureMillis(_ body: () -> Void) -> Double {
  let start = DispatchTime.now().uptimeNanoseconds
  body()
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

/// Peak resident memory of this process, in bytes.
func peakMemoryBytes() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Double(usage.ru_maxrss) * 1024
}

/// `git rev-parse --short HEAD`, or "unknown".
func gitCommit() -> String {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  p.arguments = ["git", "rev-parse", "--short", "HEAD"]
  let pipe = Pipe()
  p.standardOutput = pipe
  p.standardError = FileHandle.nullDevice
  do {
    try p.run()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { return "unknown" }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    let s = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return s.isEmpty ? "unknown" : s
  } catch {
    return "unknown"
  }
}

/// Formats a number for JSON without exponent surprises for typical values.
func jsonNumber(_ v: Double) -> String {
  if v.isNaN || v.isInfinite { return "0" }
  if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
  return String(format: "%.6g", v)
}

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

/// Writes the result file of `../shared/spec/bench-json.md`.
func writeJSON(
  path: String, scenario: String, params: [(String, Int)], results: [Series]
) throws {
  #if DEBUG
    let configuration = "debug"
  #else
    let configuration = "release"
  #endif
  var s = "{\n  \"tool\": \"allot-bench\", \"version\": 1,\n"
  s += "  \"scenario\": \(jsonString(scenario)),\n"
  s += "  \"params\": { "
  s += params.map { "\(jsonString($0.0)): \($0.1)" }.joined(separator: ", ")
  s += " },\n"
  s +=
    "  \"build\": { \"configuration\": \"\(configuration)\", \"commit\": \(jsonString(gitCommit())) },\n"
  s +=
    "  \"machine\": { \"cores\": \(ProcessInfo.processInfo.activeProcessorCount), "
    + "\"memoryBytes\": \(ProcessInfo.processInfo.physicalMemory) },\n"
  s += "  \"results\": [\n"
  s += results.map { r in
    "    { \"name\": \(jsonString(r.name)), \"unit\": \(jsonString(r.unit)), "
      + "\"samples\": \(r.samples.count), \"min\": \(jsonNumber(r.min)), "
      + "\"median\": \(jsonNumber(r.median)), \"max\": \(jsonNumber(r.max)) }"
  }.joined(separator: ",\n")
  s += "\n  ]\n}\n"
  try s.write(toFile: path, atomically: true, encoding: .utf8)
}

/// Prints results as an aligned table.
func printTable(_ results: [Series]) {
  let header = ["result", "unit", "samples", "min", "median", "max"]
  var rows = [header]
  func fmt(_ v: Double) -> String {
    if v >= 1e6 { return String(format: "%.3g", v) }
    if v >= 100 { return String(format: "%.1f", v) }
    return String(format: "%.3f", v)
  }
  for r in results {
    rows.append([r.name, r.unit, String(r.samples.count), fmt(r.min), fmt(r.median), fmt(r.max)])
  }
  var widths = Array(repeating: 0, count: header.count)
  for row in rows { for (i, c) in row.enumerated() { widths[i] = Swift.max(widths[i], c.count) } }
  for (k, row) in rows.enumerated() {
    let line = row.enumerated().map { i, c in
      i == 0 || i == 1
        ? c.padding(toLength: widths[i], withPad: " ", startingAt: 0)
        : String(repeating: " ", count: widths[i] - c.count) + c
    }.joined(separator: "  ")
    print(line)
    if k == 0 { print(String(repeating: "-", count: line.count)) }
  }
}

/// Minimal option parsing: `--name value` pairs and flags.
struct Options {
  var values: [String: String] = [:]
  var flags: Set<String> = []
  var positional: [String] = []

  init(_ args: [String], flagNames: Set<String>) throws {
    var i = 0
    while i < args.count {
      let a = args[i]
      if a.hasPrefix("--") {
        let name = String(a.dropFirst(2))
        if flagNames.contains(name) {
          flags.insert(name)
        } else {
          guard i + 1 < args.count else { throw BenchError.usage("option \(a) needs a value") }
          values[name] = args[i + 1]
          i += 1
        }
      } else {
        positional.append(a)
      }
      i += 1
    }
  }

  func int(_ name: String, _ def: Int) throws -> Int {
    guard let v = values[name] else { return def }
    guard let n = Int(v), n > 0 else {
      throw BenchError.usage("--\(name) takes a positive integer")
    }
    return n
  }
}

enum BenchError: Error, CustomStringConvertible {
  case usage(String)
  var description: String {
    switch self {
    case .usage(let s): return s
    }
  }
}

func progress(_ s: String) {
  FileHandle.standardError.write(Data((s + "\n").utf8))
}
