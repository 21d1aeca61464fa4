import CAllot
import Foundation

/// The C API as a C caller sees it: the `allot_*` functions of allot.h, called through their
/// C entry points (the `@c @implementation` functions of AllotC, linked in), with C structs
/// and C strings built by the caller, results freed with the library's free functions.
struct CAPIScenario {
  static let help = """
    allot-bench capi [--agents N] [--frameworks N] [--rounds N] [--sizes N,N,...]
                     [common options]

    Calls the C API of allot.h (liballot.so's functions, linked into allot-bench and
    called through their C declarations, with C structs and strings, results freed with
    allot_offers_free, allot_launched_tasks_free and allot_free) on an engine with a manual
    clock. Typed calls, ns per call, R samples each: allot_agent_add of N agents (cpus:24,
    mem:4096, disk:4096, ports:[31000-32000]; call.agentAdd), allot_framework_add of M
    frameworks (call.frameworkAdd), allot_offer_accept of one task (cpus:1, mem:128) on
    each offer of the first cycle (call.accept), and allot_offer_decline with no filter
    of every offer of R later cycles (call: the typed hot path of a Mesos-style framework).
    The offer cycle itself: allot_allocate with its result built and freed (cycle, ms;
    offersPerSecond). Then allot_call_json on a small engine (10 agents, one framework, one
    task), µs per call with the response freed: ping (jsonCall: the floor of the JSON path,
    parse, dispatch and write), task.status (jsonCall.taskStatus: a state read) and
    framework.suppress/revive in turn (jsonCall.suppressRevive: a small mutation).
    Defaults: 10000 agents, 1000 frameworks, 10 rounds.
    """

  var agents = 10_000
  var frameworks = 1_000
  var rounds = 10

  /// The parameters of the result file.
  var params: [(String, Int)] {
    [("agents", agents), ("frameworks", frameworks), ("rounds", rounds)]
  }

  /// The one-line description printed above the results.
  var headline: String {
    "capi: \(agents) agents, \(frameworks) frameworks, \(rounds) rounds, "
      + "liballot \(String(cString: allot_version()))"
  }

  /// Fails with the engine's message unless `status` is ALLOT_OK.
  func check(_ status: allot_status, _ engine: OpaquePointer?, _ what: String) throws {
    guard status == .ALLOT_OK else {
      throw BenchError("\(what): \(String(cString: allot_errmsg(engine)))")
    }
  }

  /// C strings that live as long as this value (freed by `free`).
  final class CStrings {
    var pointers: [UnsafeMutablePointer<CChar>] = []
    func make(_ s: String) -> UnsafePointer<CChar> {
      let p = strdup(s)!
      pointers.append(p)
      return UnsafePointer(p)
    }
    deinit { for p in pointers { free(p) } }
  }

  /// Splits `0..<count` into `parts` nearly equal consecutive chunks (none empty).
  func chunks(_ count: Int, _ parts: Int) -> [Range<Int>] {
    let k = max(1, min(parts, count))
    return (0..<k).map { i in (count * i / k)..<(count * (i + 1) / k) }.filter { !$0.isEmpty }
  }

  func run() throws -> [Series] {
    var config = allot_config()
    try check(allot_config_init(&config, MemoryLayout<allot_config>.size), nil, "config")
    config.manual_clock = 1
    var engine: OpaquePointer?
    try check(allot_engine_create(&config, &engine), nil, "allot_engine_create")
    defer { allot_engine_destroy(engine) }
    var cpus: allot_resource = 0
    var mem: allot_resource = 0
    var disk: allot_resource = 0
    var ports: allot_resource = 0
    try check(allot_resource_id(engine, "cpus", Int32(ALLOT_SCALAR), &cpus), engine, "cpus")
    try check(allot_resource_id(engine, "mem", Int32(ALLOT_SCALAR), &mem), engine, "mem")
    try check(allot_resource_id(engine, "disk", Int32(ALLOT_SCALAR), &disk), engine, "disk")
    try check(allot_resource_id(engine, "ports", Int32(ALLOT_RANGES), &ports), engine, "ports")

    // Ids made before timing, as a C program would have them at hand.
    let strings = CStrings()
    let agentIDs = (0..<agents).map { strings.make("agent-\($0)") }
    let frameworkIDs = (0..<frameworks).map { strings.make("framework-\($0)") }
    let role = strings.make("default")
    let scalars = [
      allot_scalar(resource: cpus, milli: 24_000), allot_scalar(resource: mem, milli: 4_096_000),
      allot_scalar(resource: disk, milli: 4_096_000),
    ]
    let range = [allot_range(resource: ports, first: 31000, last: 32000)]

    var frameworkAdd: [Double] = []
    var status = allot_status.ALLOT_OK
    for chunk in chunks(frameworks, rounds) {
      let t0 = DispatchTime.now().uptimeNanoseconds
      var roles: [UnsafePointer<CChar>?] = [role]
      for i in chunk {
        let s = allot_framework_add(engine, frameworkIDs[i], &roles, 1, 0)
        if s != .ALLOT_OK { status = s }
      }
      frameworkAdd.append(
        Double(DispatchTime.now().uptimeNanoseconds - t0) / Double(chunk.count))
    }
    try check(status, engine, "allot_framework_add")
    var agentAdd: [Double] = []
    for chunk in chunks(agents, rounds) {
      let t0 = DispatchTime.now().uptimeNanoseconds
      for i in chunk {
        let s = allot_agent_add(engine, agentIDs[i], nil, scalars, 3, range, 1, nil, 0)
        if s != .ALLOT_OK { status = s }
      }
      agentAdd.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / Double(chunk.count))
    }
    try check(status, engine, "allot_agent_add")
    progress("capi: \(agents) agents and \(frameworks) frameworks added")

    // The first cycle: accept every offer with one small task, refuse 0.
    var offers: UnsafeMutablePointer<allot_offers>?
    try check(allot_allocate(engine, &offers), engine, "allot_allocate")
    let first = offers.map { p in (0..<p.pointee.count).map { p.pointee.offers[$0].id } } ?? []
    allot_offers_free(offers)
    let taskIDs = (0..<first.count).map { strings.make("t\($0)") }
    let need = [
      allot_scalar(resource: cpus, milli: 1_000), allot_scalar(resource: mem, milli: 128_000),
    ]
    var accept: [Double] = []
    try need.withUnsafeBufferPointer { needs in
      for chunk in chunks(first.count, rounds) {
        let t0 = DispatchTime.now().uptimeNanoseconds
        for i in chunk {
          var task = allot_task(
            id: taskIDs[i], group: nil, resources: needs.baseAddress, resource_count: 2,
            group_size: 0, priority: 0)
          var launched: UnsafeMutablePointer<allot_launched_tasks>?
          let s = allot_offer_accept(engine, first[i], &task, 1, 0, &launched)
          allot_launched_tasks_free(launched)
          if s != .ALLOT_OK { status = s }
        }
        accept.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / Double(chunk.count))
      }
      try check(status, engine, "allot_offer_accept")
    }

    // R cycles, every offer declined with no filter.
    var advance = Array(
      #"{"jsonrpc":"2.0","id":1,"method":"clock.advance","params":{"seconds":1}}"#.utf8CString)
    var cycle: [Double] = []
    var rate: [Double] = []
    var decline: [Double] = []
    for round in 0..<rounds {
      var response: UnsafeMutablePointer<CChar>?
      try check(
        allot_call_json(engine, &advance, advance.count - 1, &response, nil), engine,
        "clock.advance")
      allot_free(response)
      var out: UnsafeMutablePointer<allot_offers>?
      let t0 = DispatchTime.now().uptimeNanoseconds
      let s = allot_allocate(engine, &out)
      let ids = out.map { p in (0..<p.pointee.count).map { p.pointee.offers[$0].id } } ?? []
      allot_offers_free(out)
      let ns = Double(DispatchTime.now().uptimeNanoseconds - t0)
      try check(s, engine, "allot_allocate")
      cycle.append(ns / 1e6)
      rate.append(Double(ids.count) / (ns / 1e9))
      let t1 = DispatchTime.now().uptimeNanoseconds
      for id in ids {
        let d = allot_offer_decline(engine, id, 0)
        if d != .ALLOT_OK { status = d }
      }
      if !ids.isEmpty {
        decline.append(Double(DispatchTime.now().uptimeNanoseconds - t1) / Double(ids.count))
      }
      try check(status, engine, "allot_offer_decline")
      progress(
        "capi: cycle \(round + 1)/\(rounds): \(ids.count) offers in "
          + "\(String(format: "%.3f", ns / 1e6)) ms")
    }

    let json = try jsonCalls()
    return [
      Series(name: "call", unit: "ns", samples: decline),
      Series(name: "jsonCall", unit: "us", samples: json.ping),
      Series(name: "call.agentAdd", unit: "ns", samples: agentAdd),
      Series(name: "call.frameworkAdd", unit: "ns", samples: frameworkAdd),
      Series(name: "call.accept", unit: "ns", samples: accept),
      Series(name: "cycle", unit: "ms", samples: cycle),
      Series(name: "offersPerSecond", unit: "1/s", samples: rate),
      Series(name: "jsonCall.taskStatus", unit: "us", samples: json.status),
      Series(name: "jsonCall.suppressRevive", unit: "us", samples: json.mutation),
      Series(name: "peakMemory", unit: "bytes", samples: [peakMemoryBytes()]),
    ]
  }

  /// µs per allot_call_json call (response freed) of ping, task.status and
  /// framework.suppress/revive, on a small engine.
  func jsonCalls() throws -> (ping: [Double], status: [Double], mutation: [Double]) {
    var engine: OpaquePointer?
    try check(allot_engine_create(nil, &engine), nil, "allot_engine_create")
    defer { allot_engine_destroy(engine) }
    var failures = 0
    /// One call; with `checked`, a response carrying an error counts as a failure.
    func call(_ line: [CChar], checked: Bool = false) {
      var response: UnsafeMutablePointer<CChar>?
      let s = line.withUnsafeBufferPointer {
        allot_call_json(engine, $0.baseAddress, $0.count - 1, &response, nil)
      }
      if s != .ALLOT_OK { failures += 1 }
      if checked, let response, strstr(response, "\"error\"") != nil {
        failures += 1
        warn("capi: \(String(cString: response))")
      }
      allot_free(response)
    }
    func req(_ method: String, _ params: String) -> [CChar] {
      Array(#"{"jsonrpc":"2.0","id":7,"method":"\#(method)","params":\#(params)}"#.utf8CString)
    }
    for i in 0..<10 {
      call(
        req(
          "agent.add", #"{"id":"a\#(i)","resources":{"cpus":8,"mem":16384,"disk":100000}}"#),
        checked: true)
    }
    call(req("framework.add", #"{"id":"f","roles":["web"]}"#), checked: true)
    call(
      req(
        "task.place", #"{"framework":"f","tasks":[{"id":"t1","resources":{"cpus":1,"mem":64}}]}"#),
      checked: true)
    guard failures == 0 else { throw BenchError("capi: JSON set-up failed") }
    let ping = req("ping", "{}")
    let status = req("task.status", #"{"framework":"f","task":"t1"}"#)
    let suppress = req("framework.suppress", #"{"id":"f"}"#)
    let revive = req("framework.revive", #"{"id":"f"}"#)
    for line in [ping, status, suppress, revive] { call(line, checked: true) }
    let iterations = 20_000
    let p = nanosPerCall(rounds: rounds, iterations: iterations) { call(ping) }
    progress("capi: ping \(String(format: "%.2f", (p.sorted()[p.count / 2]) / 1000)) µs")
    let s = nanosPerCall(rounds: rounds, iterations: iterations) { call(status) }
    var flip = false
    let m = nanosPerCall(rounds: rounds, iterations: iterations) {
      flip.toggle()
      call(flip ? suppress : revive)
    }
    guard failures == 0 else { throw BenchError("capi: \(failures) JSON calls failed") }
    return (p.map { $0 / 1000 }, s.map { $0 / 1000 }, m.map { $0 / 1000 })
  }
}
