// libFuzzer target: the JSON-RPC dispatcher fed request sequences.
//
// The input is decoded as a program: the first byte configures the dispatcher (allocation
// interval or not), then each operation is one byte choosing a method and a few bytes
// choosing its parameters from a small vocabulary (4 agents, 3 frameworks, 6 tasks, a few
// roles, amounts, labels, selectors, constraints...), so that ids collide and the engine
// reaches deep states (offers outstanding and accepted, tasks placed and released, quotas,
// reservations, drains, filters, clock advances). One operation in a while is a raw line
// taken from the input. After every request:
// - the response is one JSON object with our id and exactly one of `result` and `error`;
// - the engine's own invariant check (`Engine.checkInvariants()`) finds nothing;
// - through `state`, on every agent and for every scalar,
//   `allocated + offered + available == total` and nothing is negative;
// - a state-changing request that failed left the state exactly as before (the `state`
//   snapshot and every framework's outstanding offers).
import Allot
import AllotRPC

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// `ALLOT_FUZZ_TRACE=1` prints every request and response (to read what an input does).
let trace = getenv("ALLOT_FUZZ_TRACE") != nil

/// Reads the fuzz input a byte at a time (zeros once it is used up).
struct Input {
  let bytes: UnsafeBufferPointer<UInt8>
  var position = 0

  var isEmpty: Bool { position >= bytes.count }

  /// The next byte, or 0 past the end.
  mutating func byte() -> UInt8 {
    guard position < bytes.count else { return 0 }
    defer { position += 1 }
    return bytes[position]
  }

  /// One element of a pool.
  mutating func pick<T>(_ pool: [T]) -> T { pool[Int(byte()) % pool.count] }

  /// Whether the next byte's low bit is set.
  mutating func flag() -> Bool { byte() & 1 == 1 }

  /// The next `n` bytes (fewer at the end).
  mutating func take(_ n: Int) -> UnsafeBufferPointer<UInt8> {
    let end = min(bytes.count, position + n)
    defer { position = end }
    return UnsafeBufferPointer(rebasing: bytes[position..<end])
  }
}

/// The vocabulary requests are made of (JSON fragments, already quoted where needed).
enum Vocabulary {
  static let agents = ["\"a0\"", "\"a1\"", "\"a2\"", "\"a3\""]
  static let frameworks = ["\"f0\"", "\"f1\"", "\"f2\""]
  static let tasks = ["\"t0\"", "\"t1\"", "\"t2\"", "\"t3\"", "\"t4\"", "\"t5\""]
  static let roles = ["\"default\"", "\"web\"", "\"ml\"", "\"eng\"", "\"eng/ads\"", "\"*\""]
  static let amounts = [
    "0", "0.5", "1", "2", "4", "8", "16", "0.001", "1.0005", "1e3", "64", "-1",
    "9007199254740.992", "2.5", "32", "0.1",
  ]
  static let scalarNames = ["\"cpus\"", "\"mem\"", "\"gpus\"", "\"disk\""]
  static let labels = [
    "{}", #"{"zone":"us-east-1a","disk":"ssd"}"#, #"{"zone":"us-east-1b"}"#,
    #"{"rack":"r1","topology.kubernetes.io/zone":"z1","os":"ubuntu"}"#,
    #"{"zone":"us-east-1a","rack":"r2"}"#,
  ]
  static let selectors = [
    #""""#, #""zone in (us-east-1a,us-east-1b)""#, #""disk=ssd""#, #""!gpu""#,
    #""zone!=us-east-1a""#, #""rack""#, #""env in (prod""#,
    #"{"matchLabels":{"zone":"us-east-1a"}}"#,
    #"{"matchExpressions":[{"key":"rack","operator":"Exists"}]}"#,
  ]
  static let constraints = [
    #"[["hostname","UNIQUE"]]"#, #""hostname:UNIQUE""#, #"[["zone","GROUP_BY","2"]]"#,
    #"[["rack","MAX_PER","1"]]"#, #"[["hostname","CLUSTER"]]"#, #"[["zone","LIKE","us-.*"]]"#,
    #"[["zone","IS","us-east-1a"]]"#, #""rack:BAD""#, #"[["os","UNLIKE","cent.*"]]"#,
    #""zone:GROUP_BY""#,
  ]
  static let taints = [
    #"[{"key":"k","effect":"NoSchedule"}]"#,
    #"[{"key":"p","value":"v","effect":"PreferNoSchedule"}]"#,
    #"[{"key":"x","effect":"Bogus"}]"#,
  ]
  static let tolerations = [
    #"[{"key":"k","operator":"Exists"}]"#, #"[{"operator":"Exists"}]"#,
    #"[{"key":"p","value":"v","effect":"PreferNoSchedule"}]"#,
  ]
  static let spread = [
    #"[{"topologyKey":"zone","maxSkew":1,"whenUnsatisfiable":"DoNotSchedule"}]"#,
    #"[{"topologyKey":"rack","maxSkew":2,"whenUnsatisfiable":"ScheduleAnyway"}]"#,
    #"[{"topologyKey":"zone","maxSkew":0,"whenUnsatisfiable":"DoNotSchedule"}]"#,
  ]
  static let affinity = [
    #"{"required":[{"matchExpressions":[{"key":"zone","operator":"In","values":["us-east-1a"]}]}]}"#,
    #"{"preferred":[{"weight":50,"term":{"matchExpressions":[{"key":"disk","operator":"Exists"}]}}]}"#,
    #"{"required":[]}"#,
    #"{"required":[{"matchExpressions":[{"key":"n","operator":"Gt","values":["3"]}]}]}"#,
  ]
  static let strategies = [
    #""binpack""#, #""spread""#, #""balanced""#, #""firstfit""#,
    #"{"type":"ratio","shape":[{"utilization":0,"score":0},{"utilization":100,"score":10}]}"#,
    #"{"type":"binpack","resources":{"cpus":3,"gpus":1}}"#, #""nope""#,
  ]
  static let seconds = ["0", "1", "5", "30", "0.5", "3600", "-1", "1000000"]
}

/// Builds one request line from the input.
struct RequestBuilder {
  var input: Input

  /// A resources object: some scalars, sometimes ports as ranges.
  mutating func resources(ports: Bool) -> String {
    let mask = input.byte()
    var members: [String] = []
    for (i, name) in Vocabulary.scalarNames.enumerated() where mask & (1 << i) != 0 {
      members.append("\(name):\(input.pick(Vocabulary.amounts))")
    }
    if ports && mask & 0x10 != 0 {
      let low = 31000 + Int(input.byte() % 8)
      members.append(#""ports":[[\#(low),\#(low + Int(input.byte() % 8))]]"#)
    }
    return "{" + members.joined(separator: ",") + "}"
  }

  /// What a task needs: scalars, and ports as a count.
  mutating func demand() -> String {
    var r = resources(ports: false)
    if input.byte() % 4 == 0 {
      r = String(r.dropLast()) + (r == "{}" ? "" : ",") + "\"ports\":\(input.byte() % 3)}"
    }
    return r
  }

  /// A task object; matching rules are chosen by a mask.
  mutating func task(withID: Bool) -> String {
    var members: [String] = []
    if withID { members.append("\"id\":\(input.pick(Vocabulary.tasks))") }
    let mask = input.byte()
    if mask & 1 != 0 { members.append(#""group":"g""#) }
    if mask & 2 != 0 { members.append("\"groupSize\":\(input.byte() % 5)") }
    members.append("\"resources\":\(demand())")
    if mask & 4 != 0 { members.append("\"selector\":\(input.pick(Vocabulary.selectors))") }
    if mask & 8 != 0 { members.append("\"constraints\":\(input.pick(Vocabulary.constraints))") }
    if mask & 16 != 0 { members.append("\"tolerations\":\(input.pick(Vocabulary.tolerations))") }
    if mask & 32 != 0 { members.append("\"spread\":\(input.pick(Vocabulary.spread))") }
    if mask & 64 != 0 { members.append("\"affinity\":\(input.pick(Vocabulary.affinity))") }
    if mask & 128 != 0 { members.append("\"priority\":\(Int(input.byte() % 3) - 1)") }
    return "{" + members.joined(separator: ",") + "}"
  }

  /// 1 to 3 tasks.
  mutating func tasks() -> String {
    let n = 1 + Int(input.byte() % 3)
    return "[" + (0..<n).map { _ in task(withID: true) }.joined(separator: ",") + "]"
  }

  /// An array of 1 or 2 roles.
  mutating func roles() -> String {
    var list = [input.pick(Vocabulary.roles)]
    if input.flag() { list.append(input.pick(Vocabulary.roles)) }
    return "[" + list.joined(separator: ",") + "]"
  }

  /// `"role":...,` half the time.
  mutating func optionalRole() -> String {
    input.flag() ? "\"role\":\(input.pick(Vocabulary.roles))," : ""
  }

  /// The method and params of the next operation, or `nil` for a raw line.
  mutating func next() -> (method: String, params: String)? {
    let op = input.byte() % 25
    let agent = input.pick(Vocabulary.agents)
    let framework = input.pick(Vocabulary.frameworks)
    switch op {
    case 0, 1:
      var p = "\"id\":\(agent)"
      let mask = input.byte()
      if mask & 1 != 0 { p += #","hostname":"h\#(input.byte() % 2)""# }
      p += ",\"resources\":\(resources(ports: true))"
      if mask & 2 != 0 { p += ",\"labels\":\(input.pick(Vocabulary.labels))" }
      if mask & 4 != 0 { p += ",\"taints\":\(input.pick(Vocabulary.taints))" }
      if mask & 8 != 0 {
        p += ",\"reservations\":{\(input.pick(Vocabulary.roles)):\(resources(ports: false))}"
      }
      return ("agent.add", "{\(p)}")
    case 2:
      var p = "\"id\":\(agent)"
      let mask = input.byte()
      if mask & 1 != 0 { p += ",\"resources\":\(resources(ports: true))" }
      if mask & 2 != 0 { p += ",\"labels\":\(input.pick(Vocabulary.labels))" }
      if mask & 4 != 0 { p += ",\"taints\":\(input.pick(Vocabulary.taints))" }
      if mask & 8 != 0 {
        p += ",\"reservations\":{\(input.pick(Vocabulary.roles)):\(resources(ports: false))}"
      }
      return ("agent.update", "{\(p)}")
    case 3: return ("agent.drain", "{\"id\":\(agent)}")
    case 4: return ("agent.activate", "{\"id\":\(agent)}")
    case 5: return ("agent.remove", "{\"id\":\(agent)}")
    case 6, 7:
      var p = "\"id\":\(framework)"
      let mask = input.byte()
      if mask & 1 != 0 { p += ",\"roles\":\(roles())" }
      if mask & 2 != 0 { p += #","capabilities":["gpu"]"# }
      if mask & 4 != 0 { p += ",\"offerSelector\":\(input.pick(Vocabulary.selectors))" }
      if mask & 8 != 0 { p += ",\"minAllocatable\":\(resources(ports: false))" }
      return (op == 6 ? "framework.add" : "framework.update", "{\(p)}")
    case 8: return ("framework.remove", "{\"id\":\(framework)}")
    case 9, 10:
      let roles = input.flag() ? ",\"roles\":\(roles())" : ""
      return (op == 9 ? "framework.suppress" : "framework.revive", "{\"id\":\(framework)\(roles)}")
    case 11:
      var p = "\"name\":\(input.pick(Vocabulary.roles))"
      let mask = input.byte()
      if mask & 1 != 0 { p += ",\"weight\":\(input.pick(Vocabulary.amounts))" }
      if mask & 2 != 0 {
        var q: [String] = []
        if mask & 4 != 0 { q.append("\"guarantee\":\(resources(ports: false))") }
        if mask & 8 != 0 { q.append("\"limit\":\(resources(ports: false))") }
        p += ",\"quota\":{" + q.joined(separator: ",") + "}"
      }
      if mask & 16 != 0 { p += ",\"force\":true" }
      return ("role.update", "{\(p)}")
    case 12: return ("clock.advance", "{\"seconds\":\(input.pick(Vocabulary.seconds))}")
    case 13, 14: return ("allocate", "{}")
    case 15, 16:
      let n = 1 + Int(input.byte() % 12)
      let tasks: String
      if input.byte() % 4 == 0 {
        tasks = "[]"
      } else {
        tasks = self.tasks()
      }
      return ("offer.accept", "{\"offer\":\"o\(n)\",\"tasks\":\(tasks)}")
    case 17:
      let n = 1 + Int(input.byte() % 12)
      let refuse = input.flag() ? ",\"refuseSeconds\":\(input.pick(Vocabulary.seconds))" : ""
      return ("offer.decline", "{\"offer\":\"o\(n)\"\(refuse)}")
    case 18: return ("offers", "{\"framework\":\(framework)}")
    case 19:
      return ("task.submit", "{\"framework\":\(framework),\(optionalRole())\"tasks\":\(tasks())}")
    case 20:
      var p = ""
      if input.flag() { p += "\"strategy\":\(input.pick(Vocabulary.strategies))" }
      if input.flag() { p += (p.isEmpty ? "" : ",") + "\"max\":\(input.byte() % 4)" }
      return ("schedule", "{\(p)}")
    case 21:
      var p = "\"framework\":\(framework),\(optionalRole())\"tasks\":\(tasks())"
      if input.flag() { p += ",\"strategy\":\(input.pick(Vocabulary.strategies))" }
      if input.flag() { p += ",\"gang\":true" }
      return ("task.place", "{\(p)}")
    case 22:
      let ids = [input.pick(Vocabulary.tasks), input.pick(Vocabulary.tasks)]
      return (
        "task.release", "{\"framework\":\(framework),\"tasks\":[\(ids.joined(separator: ","))]}"
      )
    case 23:
      if input.flag() {
        return (
          "task.status", "{\"framework\":\(framework),\"task\":\(input.pick(Vocabulary.tasks))}"
        )
      }
      var p = task(withID: false)
      p.removeLast()
      if input.flag() { p += ",\"framework\":\(framework)" }
      if input.flag() { p += ",\"strategy\":\(input.pick(Vocabulary.strategies))" }
      return ("match", p + "}")
    default:
      return nil
    }
  }
}

/// What must not change when a request fails: the `state` snapshot and the offers.
func snapshot(_ d: inout Dispatcher) -> (EngineState, [UInt8]) {
  var session = Session(authenticated: true)
  var out: [UInt8] = []
  for f in Vocabulary.frameworks {
    let line = #"{"jsonrpc":"2.0","id":0,"method":"offers","params":{"framework":\#(f)}}"#
    d.handle(line: Array(line.utf8), session: &session, into: &out)
    out.append(0x0A)
  }
  return (d.engine.state(), out)
}

/// The contract's invariant, read through `state`, plus the engine's own check.
func checkInvariants(_ engine: Engine, after line: String) {
  let errors = engine.checkInvariants()
  precondition(
    errors.isEmpty, "invariants broken after \(line):\n\(errors.joined(separator: "\n"))")
  for a in engine.state().agents {
    for e in a.total.entries {
      guard case .scalar(let total) = e.value else { continue }
      let parts = [
        a.allocated.scalar(e.name), a.offered.scalar(e.name), a.available.scalar(e.name),
      ]
      precondition(
        parts.allSatisfy { $0.milli >= 0 } && total.milli >= 0,
        "agent \(a.id): negative \(e.name) after \(line)")
      precondition(
        parts[0].milli + parts[1].milli + parts[2].milli == total.milli,
        "agent \(a.id): \(e.name) allocated + offered + available != total after \(line)")
    }
  }
}

/// The fuzzer's entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDispatcher(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  guard size > 0 else { return 0 }
  var builder = RequestBuilder(input: Input(bytes: UnsafeBufferPointer(start: data, count: size)))
  let mode = builder.input.byte()
  let clock = ManualClock()
  let engine: Engine
  do {
    engine = try Engine(configuration: EngineConfiguration(clock: clock))
  } catch {
    fatalError("engine: \(error)")
  }
  var d = Dispatcher(
    engine: engine,
    options: DispatcherOptions(
      manualClock: clock, allocationInterval: mode & 1 != 0 ? Seconds(milli: 5000) : nil))
  var session = Session()
  var parser = JSONParser()
  var id = 0
  var operations = 0
  while !builder.input.isEmpty && operations < 64 {
    operations += 1
    id += 1
    let line: [UInt8]
    let method: String?
    if let (m, params) = builder.next() {
      method = m
      line = Array(#"{"jsonrpc":"2.0","id":\#(id),"method":"\#(m)","params":\#(params)}"#.utf8)
    } else {
      method = nil
      line = Array(builder.input.take(Int(builder.input.byte() % 128)))
    }
    let text = String(decoding: line, as: UTF8.self)
    let before = method.map { Dispatcher.mutatingMethods.contains($0) } == true ? snapshot(&d) : nil
    var out: [UInt8] = []
    let answered = d.handle(line: line, session: &session, into: &out)
    if trace { print("> \(text)\n< \(String(decoding: out, as: UTF8.self))") }
    precondition(answered == !out.isEmpty, "handle's result disagrees with its output")
    if let method {
      precondition(answered, "no response to \(text)")
      let response: JSONValue
      do {
        response = try parser.parse(out)
      } catch {
        fatalError(
          "response to \(text) is not JSON (\(error)): \(String(decoding: out, as: UTF8.self))")
      }
      precondition(response["id"]?.int64Value == Int64(id), "wrong id in the response to \(text)")
      let failed = response["error"] != nil
      precondition(failed != (response["result"] != nil), "result xor error: \(text)")
      if failed, let before {
        let after = snapshot(&d)
        precondition(
          before.0 == after.0 && before.1 == after.1,
          "failed \(method) changed the state: \(text) -> \(String(decoding: out, as: UTF8.self))")
      }
    } else if answered {
      precondition(
        (try? parser.parse(out)) != nil,
        "response to a raw line is not JSON: \(String(decoding: out, as: UTF8.self))")
    }
    checkInvariants(d.engine, after: text)
  }
  return 0
}
