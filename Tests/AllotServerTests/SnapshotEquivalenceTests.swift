import Allot
import AllotRPC
import Testing

@testable import AllotServer

/// The tests' generator (Allot's SplitMix64), so that a failure replays from its seed.
typealias Mix = SplitMix64

extension SplitMix64 {
  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
  mutating func pick<T>(_ xs: [T]) -> T { xs[below(xs.count)] }
}

/// Random requests over a small world of ids, so that they often refer to live objects:
/// agents with labels, taints, reservations and ports; frameworks with several roles,
/// selectors and minimums; quotas; offers accepted and declined with filters; tasks queued,
/// placed with constraints and spread, scheduled and released; the clock moving.
struct RequestGenerator {
  var rng: Mix
  var offers: [String] = []
  var taskSerial = 0
  var id = 0

  init(seed: UInt64) { rng = Mix(seed: seed) }

  mutating func request() -> String {
    id += 1
    let (method, params) = body()
    return #"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":\#(params)}"#
  }

  mutating func agent() -> String { "a\(rng.below(8))" }
  mutating func framework() -> String { "f\(rng.below(4))" }
  mutating func role() -> String { rng.pick(["r0", "r1", "r0/x", "r1/y/z"]) }
  mutating func labels() -> String {
    #"{"zone":"z\#(rng.below(3))","rack":"k\#(rng.below(4))","disk":"\#(rng.pick(["ssd","hdd"]))"}"#
  }
  mutating func resources(big: Bool) -> String {
    let c = big ? 4 + rng.below(12) : 1 + rng.below(3)
    let m = big ? 4096 * (1 + rng.below(8)) : 256 * (1 + rng.below(6))
    var s = #"{"cpus":\#(c)\#(rng.below(3) == 0 ? ".5" : ""),"mem":\#(m)"#
    if big && rng.below(3) == 0 { s += #","gpus":\#(rng.below(3))"# }
    if big {
      s += #","ports":[[31000,31\#(rng.below(9))00]]"#
    } else if rng.below(4) == 0 {
      s += #","ports":1"#
    }
    return s + "}"
  }
  mutating func task() -> String {
    taskSerial += 1
    var s = #"{"id":"t\#(taskSerial)","resources":\#(resources(big: false))"#
    if rng.below(2) == 0 { s += #","group":"g\#(rng.below(3))""# }
    if rng.below(4) == 0 { s += #","priority":\#(rng.below(3))"# }
    if rng.below(4) == 0 { s += #","selector":"disk in (ssd),zone!=z2""# }
    if rng.below(5) == 0 {
      s +=
        #","constraints":[["\#(rng.pick(["hostname", "rack", "zone"]))","\#(rng.pick(["UNIQUE", "GROUP_BY", "MAX_PER"]))"\#(rng.below(2) == 0 ? #","2""# : "")]]"#
    }
    if rng.below(6) == 0 {
      s +=
        #","spread":[{"topologyKey":"zone","maxSkew":1,"whenUnsatisfiable":"\#(rng.pick(["DoNotSchedule", "ScheduleAnyway"]))"}]"#
    }
    if rng.below(6) == 0 {
      s +=
        #","affinity":{"preferred":[{"weight":\#(1 + rng.below(50)),"term":{"matchExpressions":[{"key":"rack","operator":"In","values":["k1","k2"]}]}}]}"#
    }
    if rng.below(6) == 0 { s += #","tolerations":[{"key":"dedicated","operator":"Exists"}]"# }
    return s + "}"
  }
  mutating func taskIDs() -> String {
    (0..<(1 + rng.below(3))).map { _ in #""t\#(1 + rng.below(max(1, taskSerial)))""# }.joined(
      separator: ",")
  }

  mutating func body() -> (String, String) {
    switch rng.below(24) {
    case 0, 1:
      var p =
        #"{"id":"\#(agent())","hostname":"h\#(rng.below(5))","resources":\#(resources(big: true)),"labels":\#(labels())"#
      if rng.below(4) == 0 { p += #","reservations":{"\#(role())":{"cpus":2}}"# }
      if rng.below(5) == 0 {
        p +=
          #","taints":[{"key":"dedicated","value":"x","effect":"\#(rng.pick(["NoSchedule", "PreferNoSchedule"]))"}]"#
      }
      return ("agent.add", p + "}")
    case 2:
      return rng.below(2) == 0
        ? ("agent.update", #"{"id":"\#(agent())","labels":\#(labels())}"#)
        : ("agent.update", #"{"id":"\#(agent())","resources":\#(resources(big: true))}"#)
    case 3: return (rng.pick(["agent.drain", "agent.activate"]), #"{"id":"\#(agent())"}"#)
    case 4: return ("agent.remove", #"{"id":"\#(agent())"}"#)
    case 5, 6:
      var p = #"{"id":"\#(framework())","roles":["\#(role())""#
      if rng.below(2) == 0 { p += #","r1/y/z""# }
      p += "]"
      if rng.below(4) == 0 { p += #","offerSelector":"zone in (z0,z1)""# }
      if rng.below(4) == 0 { p += #","minAllocatable":{"cpus":1}"# }
      if rng.below(4) == 0 { p += #","capabilities":["gpu"]"# }
      return ("framework.add", p + "}")
    case 7:
      return ("framework.update", #"{"id":"\#(framework())","roles":["\#(role())"]}"#)
    case 8: return ("framework.remove", #"{"id":"\#(framework())"}"#)
    case 9:
      return (rng.pick(["framework.suppress", "framework.revive"]), #"{"id":"\#(framework())"}"#)
    case 10:
      let q =
        rng.below(2) == 0
        ? #""quota":{"guarantee":{"cpus":\#(rng.below(8))},"limit":{"cpus":\#(8 + rng.below(40))}}"#
        : #""quota":{}"#
      return (
        "role.update", #"{"name":"\#(role())","weight":\#(1 + rng.below(3)),\#(q),"force":true}"#
      )
    case 11, 12, 13: return ("allocate", "{}")
    case 14, 15:
      guard !offers.isEmpty else { return ("allocate", "{}") }
      let o = offers.remove(at: rng.below(offers.count))
      return (
        "offer.accept", #"{"offer":"\#(o)","tasks":[\#(task())],"refuseSeconds":\#(rng.below(20))}"#
      )
    case 16:
      guard !offers.isEmpty else { return ("allocate", "{}") }
      let o = offers.remove(at: rng.below(offers.count))
      return ("offer.decline", #"{"offer":"\#(o)","refuseSeconds":\#(rng.below(30))}"#)
    case 17:
      return ("task.submit", #"{"framework":"\#(framework())","tasks":[\#(task()),\#(task())]}"#)
    case 18: return ("schedule", #"{"strategy":"\#(rng.pick(["binpack", "spread", "firstfit"]))"}"#)
    case 19:
      return (
        "task.place",
        #"{"framework":"\#(framework())","tasks":[\#(task())],"gang":\#(rng.below(2) == 0)}"#
      )
    case 20: return ("task.release", #"{"framework":"\#(framework())","tasks":[\#(taskIDs())]}"#)
    case 21: return ("clock.advance", #"{"seconds":\#(rng.below(12))}"#)
    case 22: return ("offers", "{}")
    default: return ("state", "{}")
    }
  }

  /// Remembers the offer ids of an `allocate` reply.
  mutating func observe(_ reply: [UInt8]) {
    guard let v = try? JSONValue(parsing: reply), let list = v["result"]?["offers"]?.arrayValue
    else { return }
    for o in list { if let id = o["id"]?.stringValue, !offers.contains(id) { offers.append(id) } }
  }
}

/// One engine behind a dispatcher with its own manual clock.
struct Side {
  var dispatcher: Dispatcher
  var session = Session(authenticated: true)
  let clock: ManualClock

  static func configuration(_ clock: ManualClock) -> EngineConfiguration {
    EngineConfiguration(shuffleSeed: 7, clock: clock)
  }

  init() throws {
    clock = ManualClock()
    dispatcher = Dispatcher(
      engine: try Engine(configuration: Side.configuration(clock)),
      options: DispatcherOptions(manualClock: clock))
  }

  /// An engine restored from another's snapshot image.
  init(restoring image: [UInt8]) throws {
    clock = ManualClock()
    clock.set(try Engine.snapshotTime(image))
    dispatcher = Dispatcher(
      engine: try Engine.restoring(snapshot: image, configuration: Side.configuration(clock)),
      options: DispatcherOptions(manualClock: clock))
  }

  mutating func send(_ line: String) -> [UInt8] {
    var out: [UInt8] = []
    dispatcher.handle(line: Array(line.utf8), session: &session, into: &out)
    return out
  }
}

@Suite struct SnapshotEquivalenceTests {
  /// Runs random requests; at random points snapshots the engine, restores a copy and runs
  /// the rest on both: every reply must be the same bytes (offers, filters, DRF order,
  /// counters and ids included), and so must `state` right after each restore.
  @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
  func restoredEngineAnswersLikeTheOriginal(seed: UInt64) throws {
    var gen = RequestGenerator(seed: seed)
    var original = try Side()
    var copies: [Side] = []
    var decisions = 0
    for step in 0..<400 {
      if gen.rng.below(40) == 0 {
        let image = original.dispatcher.engine.snapshotImage()
        var copy = try Side(restoring: image)
        let state = #"{"jsonrpc":"2.0","id":0,"method":"state"}"#
        let same = copy.send(state) == original.send(state)
        #expect(same, "seed \(seed) step \(step)")
        // A snapshot of the copy is the same image.
        let again = copy.dispatcher.engine.snapshotImage() == image
        #expect(again, "seed \(seed) step \(step)")
        copies.append(copy)
        if copies.count > 3 { copies.removeFirst() }
      }
      let line = gen.request()
      let want = original.send(line)
      gen.observe(want)
      if line.contains("\"allocate\"") || line.contains("\"schedule\"") { decisions += 1 }
      for i in copies.indices {
        let got = copies[i].send(line)
        if got != want {
          Issue.record(
            "seed \(seed) step \(step): \(line)\nwant \(String(decoding: want, as: UTF8.self))\n got \(String(decoding: got, as: UTF8.self))"
          )
          return
        }
      }
    }
    #expect(decisions > 0)
  }

  /// A configuration that interns a resource name the image lacks (a new
  /// `--min-allocatable` name) shifts the engine's indices: the image's amounts land on
  /// the right names all the same.
  @Test func resourceIndicesAreMappedByName() throws {
    var gen = RequestGenerator(seed: 31)
    var side = try Side()
    for _ in 0..<200 { gen.observe(side.send(gen.request())) }
    let image = side.dispatcher.engine.snapshotImage()
    let clock = ManualClock()
    clock.set(try Engine.snapshotTime(image))
    var configuration = Side.configuration(clock)
    configuration.minAllocatable = [["aaa": 1], ["cpus": 0.01], ["mem": 32]]
    let restored = try Engine.restoring(snapshot: image, configuration: configuration)
    var d = Dispatcher(engine: restored, options: DispatcherOptions(manualClock: clock))
    var session = Session(authenticated: true)
    var out: [UInt8] = []
    d.handle(
      line: Array(#"{"jsonrpc":"2.0","id":0,"method":"state"}"#.utf8), session: &session,
      into: &out)
    let want = try JSONValue(parsing: side.send(#"{"jsonrpc":"2.0","id":0,"method":"state"}"#))
    let got = try JSONValue(parsing: out)
    for key in ["agents", "frameworks", "roles"] {
      #expect(got["result"]?[key] == want["result"]?[key], "\(key)")
    }
    #expect(want["result"]?["agents"]?.arrayValue?.isEmpty == false)
  }

  /// A cut image is refused with a typed error, never a crash (the server checks a
  /// checksum before restoring, so flipped bytes do not reach the engine).
  @Test func damagedImagesAreRefused() throws {
    var gen = RequestGenerator(seed: 99)
    var side = try Side()
    for _ in 0..<150 { gen.observe(side.send(gen.request())) }
    let image = side.dispatcher.engine.snapshotImage()
    for n in [0, 5, 11, image.count / 2, image.count - 1] {
      let cut = Array(image[0..<n])
      #expect(throws: AllotError.self) {
        _ = try Engine.restoring(snapshot: cut, configuration: Side.configuration(ManualClock()))
      }
    }
  }
}
