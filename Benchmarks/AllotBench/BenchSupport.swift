import AllotBenchKit
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

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

/// The kit's series, under the name the scenario files use.
typealias Series = AllotBenchKit.Series
/// The kit's usage error, under the name the scenario files use.
typealias BenchError = AllotBenchKit.BenchError

/// The progress line of this process on standard error (see ``ProgressLine``).
let progressLine = ProgressLine(
  terminal: isatty(2) != 0, now: { DispatchTime.now().uptimeNanoseconds },
  write: { FileHandle.standardError.write(Data($0.utf8)) })

/// Reports progress of a long run on the progress line.
func progress(_ s: String) {
  progressLine.update(s)
}

/// Nanoseconds per call of `body`, measured `rounds` times over `iterations` calls each:
/// one sample per round, after one unmeasured round of warm-up.
func nanosPerCall(rounds: Int, iterations: Int, _ body: () -> Void) -> [Double] {
  for _ in 0..<min(iterations, 1000) { body() }
  var out: [Double] = []
  for _ in 0..<rounds {
    let t0 = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<iterations { body() }
    out.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / Double(iterations))
  }
  return out
}

/// Writes a warning on standard error at once (not throttled like the progress line).
func warn(_ s: String) {
  progressLine.finish()
  FileHandle.standardError.write(Data("allot-bench: \(s)\n".utf8))
}

/// A scenario sized by its agent count, so that `--sizes` can run it at several.
protocol AgentSized {
  var agents: Int { get set }
}

extension AgentSized {
  /// A copy with `n` agents.
  func at(_ n: Int) -> Self {
    var c = self
    c.agents = n
    return c
  }
}

extension OffersScenario: AgentSized {}
extension PlaceScenario: AgentSized {}
extension MatchScenario: AgentSized {}
extension CAPIScenario: AgentSized {}
