import Allot
import AllotBenchKit
import Foundation

/// allot-bench: allocation throughput of the Allot engine.
@main
struct AllotBench {
  static let usage = """
    usage: allot-bench [SUBCOMMAND] [--scenario NAME] [options]
           allot-bench SUBCOMMAND --help

    Subcommands and their scenarios (names as Mesos's and Kubernetes's benchmarks):
      offers    (default) the offer cycle, Mesos's hierarchical allocator benchmarks:
                DeclineOffers (default), SuppressOffers, QuotaLargeAndSmall
      place     request-driven placement, kube-scheduler's scheduler_perf:
                SchedulingBasic (default, 5000 nodes: pods/s), SelectorUnique
      match     label selectors: match and parse ns/op, index filtering
      capi      the C API of allot.h as a C caller sees it: typed calls (ns/call) and
                allot_call_json (µs/call)
      server    the allotd loop in-process over a Unix socket: requests/s, p50/p99

    Options of every subcommand:
      --json FILE           write the results as JSON (../shared/spec/bench-json.md, v1);
                            its "scenario" is the subcommand, followed by /NAME for a
                            scenario other than the default (offers/SuppressOffers)
      --baseline FILE       compare with an earlier --json file: the baseline median, the
                            change, and a verdict per result: REGRESSED, improved or within
                            noise. A change counts when the [min, max] ranges of the two
                            runs' samples do not overlap and the medians differ by more
                            than the noise floor. Exit status stays 0 unless
                            --fail-on-regression is given.
      --fail-on-regression  with --baseline: exit with status 1 when a result regressed
      --noise-floor PCT     least change of a median that counts, in percent, when both
                            runs have 3 or more samples (default 3; with fewer samples
                            25, and 10 for memory)
      --sizes N,N,...       run at several agent counts, one after the other (offers,
                            place, match, capi); the results of the last size keep their
                            names, the others get the suffix @agents=N (peakMemory
                            is the process's peak so far: run sizes in rising order)
      --svg FILE            draw throughput against agent count (offers, place) as an SVG
                            chart; with --sizes for several points
      --help                this text, and the subcommand's own

    Progress goes to stderr (one line rewritten in place on a terminal, a line every 2 s
    otherwise); results go to stdout as a table.

    """

  /// A subcommand prepared to run at any agent count.
  struct Plan {
    var scenario: String
    var defaultSize: Int
    var headline: (Int) -> String
    var params: (Int) -> [(String, Int)]
    /// The throughput result charted by --svg, the chart title, its y axis title and the
    /// legend of the line.
    var chart: (metric: String, title: String, yLabel: String, legend: String)?
    var sized = true
    /// The agent count a requested size runs with (QuotaLargeAndSmall: a multiple of 6).
    var effective: (Int) -> Int = { $0 }
    var run: (Int) throws -> [Series]
  }

  static let common: Set<String> = ["json", "baseline", "svg", "sizes", "noise-floor"]

  static func main() {
    var args = Array(CommandLine.arguments.dropFirst())
    var scenario = "offers"
    if let first = args.first, !first.hasPrefix("-") {
      scenario = first
      args.removeFirst()
    }
    do {
      if args == ["-h"] || (scenario == "help" && args.isEmpty) {
        print(usage, terminator: "")
        return
      }
      let status = try run(scenario, args)
      exit(status)
    } catch let error as BenchError {
      progressLine.finish()
      FileHandle.standardError.write(
        Data("allot-bench: \(error)\n(allot-bench --help lists the options)\n".utf8))
      exit(2)
    } catch {
      progressLine.finish()
      FileHandle.standardError.write(Data("allot-bench: \(error)\n".utf8))
      exit(1)
    }
  }

  /// Parses the options of `scenario`, runs it and reports; returns the exit status.
  static func run(_ scenario: String, _ args: [String]) throws -> Int32 {
    var plan: Plan
    let opts: Options
    let help: String
    switch scenario {
    case "offers":
      help = OffersScenario.help
      opts = try Options(
        args, valueNames: common.union(["scenario", "agents", "frameworks", "rounds"]),
        flagNames: ["help", "fail-on-regression"])
      var s = OffersScenario()
      if let name = opts.values["scenario"] {
        guard let shape = OffersScenario.Shape(rawValue: name) else {
          throw BenchError(
            "--scenario: unknown offers scenario '\(name)' (known: "
              + OffersScenario.Shape.allCases.map(\.rawValue).joined(separator: ", ") + ")")
        }
        s.shape = shape
      }
      if s.shape == .quotaLargeAndSmall {
        s.agents = 3_000
        s.rounds = 5
        if opts.values["frameworks"] != nil {
          throw BenchError("--frameworks: QuotaLargeAndSmall has one framework per role")
        }
      }
      s.agents = try opts.int("agents", s.agents)
      s.frameworks = try opts.int("frameworks", s.frameworks)
      s.rounds = try opts.int("rounds", s.rounds)
      let base = s
      plan = Plan(
        scenario: s.shape == .declineOffers ? "offers" : "offers/\(s.shape.rawValue)",
        defaultSize: s.agents,
        headline: { base.at($0).headline },
        params: { base.at($0).params },
        chart: (
          "offersPerSecond", "allot-bench offers \(s.shape.rawValue): offers per second",
          "offers per second (1/s)", "\(s.shape.rawValue): median of rounds"
        ),
        run: { try base.at($0).run() })
      if s.shape == .quotaLargeAndSmall { plan.effective = { max(6, $0 / 6 * 6) } }
    case "place":
      help = PlaceScenario.help
      opts = try Options(
        args,
        valueNames: common.union([
          "scenario", "agents", "tasks", "batch", "strategy", "pods", "init-pods",
        ]),
        flagNames: ["help", "fail-on-regression", "naive", "plain"])
      var s = PlaceScenario()
      if let name = opts.values["scenario"] {
        guard let shape = PlaceScenario.Shape(rawValue: name) else {
          throw BenchError(
            "--scenario: unknown place scenario '\(name)' (known: "
              + PlaceScenario.Shape.allCases.map(\.rawValue).joined(separator: ", ") + ")")
        }
        s.shape = shape
      }
      let only: [String: PlaceScenario.Shape] = [
        "tasks": .selectorUnique, "batch": .selectorUnique, "naive": .selectorUnique,
        "plain": .selectorUnique, "pods": .schedulingBasic, "init-pods": .schedulingBasic,
      ]
      for (name, shape) in only.sorted(by: { $0.key < $1.key })
      where shape != s.shape && (opts.values[name] != nil || opts.flags.contains(name)) {
        throw BenchError("--\(name) applies to the \(shape.rawValue) scenario only")
      }
      s.agents = try opts.int("agents", s.agents)
      s.tasks = try opts.int("tasks", s.tasks)
      s.batch = try opts.int("batch", s.batch)
      s.pods = try opts.int("pods", s.pods)
      if let v = opts.values["init-pods"] {
        guard let n = Int(v), n >= 0 else {
          throw BenchError("--init-pods takes an integer >= 0, not '\(v)'")
        }
        s.initPods = n
      }
      s.naive = opts.flags.contains("naive")
      s.plain = opts.flags.contains("plain")
      if let name = opts.values["strategy"] {
        guard let k = PlacementStrategy.Kind(rawValue: name), k != .ratio else {
          throw BenchError(
            "--strategy: unknown strategy '\(name)' (binpack, spread, balanced, firstfit)")
        }
        s.strategy = PlacementStrategy(k)
      }
      let base = s
      plan = Plan(
        scenario: s.shape == .schedulingBasic ? "place" : "place/\(s.shape.rawValue)",
        defaultSize: s.agents,
        headline: { base.at($0).headline },
        params: { base.at($0).params },
        chart: (
          "placementsPerSecond",
          "allot-bench place \(s.shape.rawValue): placements per second",
          s.shape == .schedulingBasic
            ? "pods placed per second (1/s)" : "placements per second (1/s)",
          s.shape == .schedulingBasic
            ? "SchedulingBasic: median of 100-pod windows" : "SelectorUnique: median of batches"
        ),
        run: { try base.at($0).run() })
    case "match":
      help = MatchScenario.help
      opts = try Options(
        args, valueNames: common.union(["agents"]), flagNames: ["help", "fail-on-regression"])
      var s = MatchScenario()
      s.agents = try opts.int("agents", s.agents)
      plan = Plan(
        scenario: "match", defaultSize: s.agents,
        headline: { "match: selectors against 10-label sets, filtering \($0) agents" },
        params: { [("agents", $0)] }, chart: nil,
        run: { try s.at($0).run() })
    case "capi":
      help = CAPIScenario.help
      opts = try Options(
        args, valueNames: common.union(["agents", "frameworks", "rounds"]),
        flagNames: ["help", "fail-on-regression"])
      var s = CAPIScenario()
      s.agents = try opts.int("agents", s.agents)
      s.frameworks = try opts.int("frameworks", s.frameworks)
      s.rounds = try opts.int("rounds", s.rounds)
      let base = s
      plan = Plan(
        scenario: "capi", defaultSize: s.agents,
        headline: { base.at($0).headline },
        params: { base.at($0).params }, chart: nil,
        run: { try base.at($0).run() })
    case "server":
      help = ServerScenario.help
      opts = try Options(
        args, valueNames: common.union(["connections", "requests", "pipeline", "data-dir"]),
        flagNames: ["help", "fail-on-regression"])
      var s = ServerScenario()
      s.connections = try opts.int("connections", s.connections)
      s.requests = try opts.int("requests", s.requests)
      s.pipeline = try opts.int("pipeline", s.pipeline)
      s.dataDir = opts.values["data-dir"]
      let base = s
      plan = Plan(
        scenario: "server", defaultSize: 0,
        headline: { _ in
          "server: \(base.connections) connections, \(base.pipeline) in flight, "
            + "\(base.requests) requests each"
            + (base.dataDir.map { ", durable (\($0)): acknowledged mutations" } ?? "")
        },
        params: { _ in
          [
            ("connections", base.connections), ("requests", base.requests),
            ("pipeline", base.pipeline),
          ]
        },
        chart: nil, sized: false,
        run: { _ in try base.run() })
    default:
      throw BenchError(
        "unknown subcommand '\(scenario)' (offers, place, match, capi, server)")
    }
    if opts.flags.contains("help") {
      print(usage + "\n" + help)
      return 0
    }
    return try report(plan, opts)
  }

  /// Runs the plan at every size, prints the table, writes the JSON and SVG files.
  static func report(_ plan: Plan, _ opts: Options) throws -> Int32 {
    let sizes = try opts.intList("sizes")
    if sizes != nil {
      guard plan.sized else { throw BenchError("--sizes: \(plan.scenario) has no agent count") }
      if opts.values["agents"] != nil { throw BenchError("--sizes: give --agents or --sizes") }
    }
    if opts.values["svg"] != nil, plan.chart == nil {
      throw BenchError("--svg: \(plan.scenario) has no throughput to chart (offers, place)")
    }
    let floor = try opts.double("noise-floor", 3)
    // Read the baseline first: a bad file fails before the run, not after.
    var baseline: ResultFile?
    if let path = opts.values["baseline"] {
      guard let data = FileManager.default.contents(atPath: path) else {
        throw BenchError("--baseline: cannot read \(path)")
      }
      do {
        baseline = try ResultFile.parse(data)
      } catch let e as BenchError {
        throw BenchError("--baseline \(path): \(e)")
      }
    }
    let list = (sizes ?? [plan.defaultSize]).map(plan.effective)
    var runs: [(Int, [Series])] = []
    for n in list {
      runs.append((n, try plan.run(n)))
      progressLine.finish()
    }
    // The last size keeps the result names; the others are suffixed with their size.
    var results: [ResultSummary] = []
    for (k, (n, series)) in runs.enumerated() {
      for s in series {
        var r = s.summary
        if k != runs.count - 1 { r.name += "@agents=\(n)" }
        results.append(r)
      }
    }
    let last = runs.last!.0
    for (n, _) in runs { print(plan.headline(n)) }
    var comparisons: [Comparison]?
    if let baseline {
      if baseline.scenario != plan.scenario {
        warn("--baseline is a '\(baseline.scenario)' run, this is '\(plan.scenario)'")
      }
      let now = plan.params(last)
      let before = Dictionary(baseline.params, uniquingKeysWith: { a, _ in a })
      let differ = now.filter { before[$0.0] != $0.1 }
      if !differ.isEmpty {
        warn(
          "--baseline ran with other parameters: "
            + differ.map { "\($0.0) \(before[$0.0].map(String.init) ?? "unset") then, \($0.1) now" }
            .joined(
              separator: ", "))
      }
      let rule = NoiseRule(floor: floor / 100)
      comparisons = rule.compare(current: results, baseline: baseline.results)
      print(
        "baseline: \(baseline.scenario) at commit \(baseline.commit) (\(baseline.configuration))")
    }
    print(resultsTable(results, comparisons: comparisons).render(), terminator: "")
    let commit = gitCommit()
    if let comparisons {
      let count = { (v: Verdict) in comparisons.filter { $0.verdict == v }.count }
      print(
        "\(count(.regressed)) regressed, \(count(.improved)) improved, "
          + "\(count(.withinNoise)) within noise, \(count(.new)) new")
    }
    if let path = opts.values["json"] {
      let file = ResultFile(
        scenario: plan.scenario, params: plan.params(last), commit: commit, results: results)
      try writeFile(path, file.render(), "--json")
    }
    if let path = opts.values["svg"], let chart = plan.chart {
      let points = runs.compactMap { (n, series) -> ChartPoint? in
        guard let s = series.first(where: { $0.name == chart.metric })?.summary else {
          return nil
        }
        return ChartPoint(x: Double(n), y: s.median, low: s.min, high: s.max)
      }
      let f = ResultFile(scenario: plan.scenario, params: [], commit: commit, results: [])
      let svg = SVGChart(
        title: chart.title,
        subtitle:
          "commit \(commit), \(f.configuration) build, \(f.cores) cores; "
          + "whiskers: min to max of the samples",
        xLabel: "agents", yLabel: chart.yLabel,
        series: [ChartSeries(name: chart.legend, points: points)])
      try writeFile(path, svg.render(), "--svg")
    }
    if opts.flags.contains("fail-on-regression"),
      comparisons?.contains(where: { $0.verdict == .regressed }) == true
    {
      return 1
    }
    return 0
  }

  static func writeFile(_ path: String, _ text: String, _ option: String) throws {
    do {
      try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
      throw BenchError("\(option): cannot write \(path): \(error.localizedDescription)")
    }
  }
}
