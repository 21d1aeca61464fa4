import Allot
import Foundation

/// allot-bench: allocation throughput of the Allot engine.
@main
struct AllotBench {
  static let usage = """
    usage: allot-bench [offers] [options]

    Scenarios:
      offers    (default) Mesos's DeclineOffers shape: one allocation cycle over many
                agents and frameworks, rounds of declines and cycles.
      place     kube-scheduler's SchedulingBasic shape: placements per second.
      match     label selectors: match and parse ns/op, index filtering.
      server    the allotd loop in-process over a Unix socket: requests/s, p50/p99.

    Options of every scenario:
      --json FILE   write results in the allot-bench JSON format (version 1)
      --help        this text, and the scenario's own

    """

  static func main() {
    var args = Array(CommandLine.arguments.dropFirst())
    var scenario = "offers"
    if let first = args.first, !first.hasPrefix("-") {
      scenario = first
      args.removeFirst()
    }
    do {
      let opts = try Options(args, flagNames: ["help", "naive", "plain"])
      switch scenario {
      case "offers":
        if opts.flags.contains("help") {
          print(usage + OffersScenario.help)
          return
        }
        var s = OffersScenario()
        s.agents = try opts.int("agents", s.agents)
        s.frameworks = try opts.int("frameworks", s.frameworks)
        s.rounds = try opts.int("rounds", s.rounds)
        let results = try s.run()
        print(
          "offers: \(s.agents) agents, \(s.frameworks) frameworks, \(s.rounds) rounds")
        printTable(results)
        if let path = opts.values["json"] {
          try writeJSON(
            path: path, scenario: "offers",
            params: [("agents", s.agents), ("frameworks", s.frameworks), ("rounds", s.rounds)],
            results: results)
        }
      case "place":
        if opts.flags.contains("help") {
          print(usage + PlaceScenario.help)
          return
        }
        var s = PlaceScenario()
        s.agents = try opts.int("agents", s.agents)
        s.tasks = try opts.int("tasks", s.tasks)
        s.batch = try opts.int("batch", s.batch)
        s.naive = opts.flags.contains("naive")
        s.plain = opts.flags.contains("plain")
        if let name = opts.values["strategy"] {
          guard let k = PlacementStrategy.Kind(rawValue: name) else {
            throw BenchError.usage("unknown strategy '\(name)'")
          }
          s.strategy = PlacementStrategy(k)
        }
        let results = try s.run()
        print("place: \(s.agents) agents, \(s.tasks) tasks, strategy \(s.strategy)")
        printTable(results)
        if let path = opts.values["json"] {
          try writeJSON(
            path: path, scenario: "place",
            params: [("agents", s.agents), ("tasks", s.tasks), ("batch", s.batch)],
            results: results)
        }
      case "match":
        if opts.flags.contains("help") {
          print(usage + MatchScenario.help)
          return
        }
        var s = MatchScenario()
        s.agents = try opts.int("agents", s.agents)
        let results = try s.run()
        print("match: selectors against 10-label sets, filtering \(s.agents) agents")
        printTable(results)
        if let path = opts.values["json"] {
          try writeJSON(
            path: path, scenario: "match", params: [("agents", s.agents)], results: results)
        }
      case "server":
        if opts.flags.contains("help") {
          print(usage + ServerScenario.help)
          return
        }
        var s = ServerScenario()
        s.connections = try opts.int("connections", s.connections)
        s.requests = try opts.int("requests", s.requests)
        s.pipeline = try opts.int("pipeline", s.pipeline)
        s.dataDir = opts.values["data-dir"]
        let results = try s.run()
        print(
          "server: \(s.connections) connections, \(s.pipeline) in flight, \(s.requests) requests each"
            + (s.dataDir.map { ", durable (\($0)): acknowledged mutations" } ?? "")
        )
        printTable(results)
        if let path = opts.values["json"] {
          try writeJSON(
            path: path, scenario: "server",
            params: [
              ("connections", s.connections), ("requests", s.requests), ("pipeline", s.pipeline),
            ],
            results: results)
        }
      default:
        throw BenchError.usage("unknown scenario '\(scenario)'")
      }
    } catch {
      FileHandle.standardError.write(Data("allot-bench: \(error)\n\n\(usage)".utf8))
      exit(2)
    }
  }
}
