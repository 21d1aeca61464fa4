import Allot
import Testing

@testable import AllotRPC

/// Every method's error paths: the code, `data.kind` and `data.field` of the contract, and
/// the state unchanged after each failure.
@Suite struct DispatcherErrorTests {
  /// A cluster with one agent (a1, reserved for r), two frameworks (f in r, g in s), one
  /// outstanding offer and one running task.
  func setUp() throws -> Dispatcher {
    let clock = ManualClock()
    var d = Dispatcher(
      engine: try Engine(configuration: EngineConfiguration(clock: clock)),
      options: DispatcherOptions(manualClock: clock))
    var s = Session(authenticated: true)
    var out: [UInt8] = []
    for line in [
      #"{"jsonrpc":"2.0","id":1,"method":"agent.add","params":{"id":"a1","resources":{"cpus":4,"mem":100},"reservations":{"r":{"cpus":1}}}}"#,
      #"{"jsonrpc":"2.0","id":2,"method":"framework.add","params":{"id":"f","roles":["r"]}}"#,
      #"{"jsonrpc":"2.0","id":3,"method":"framework.add","params":{"id":"g","roles":["s"]}}"#,
      #"{"jsonrpc":"2.0","id":4,"method":"task.place","params":{"framework":"g","tasks":[{"id":"t1","resources":{"cpus":1}}]}}"#,
      #"{"jsonrpc":"2.0","id":5,"method":"allocate"}"#,
    ] {
      d.handle(line: Array(line.utf8), session: &s, into: &out)
    }
    return d
  }

  static let cases: [(String, String, Int, String?, String?)] = [
    ("agent.update", #"{"id":"zz"}"#, 1000, "notFound", "id"),
    ("agent.update", #"{"id":"a1","resources":{"cpus":0.5}}"#, -32602, nil, "resources"),
    (
      "agent.update", #"{"id":"a1","reservations":{"r":{"cpus":1},"s":{"cpus":3}}}"#, 1000,
      "insufficientResources", "reservations"
    ),
    ("agent.drain", #"{}"#, -32602, nil, "id"),
    ("agent.activate", #"{"id":"zz"}"#, 1000, "notFound", "id"),
    ("agent.remove", #"{"id":"zz"}"#, 1000, "notFound", "id"),
    ("framework.add", #"{"id":"f"}"#, 1000, "conflict", "id"),
    ("framework.add", #"{"id":"h","roles":[]}"#, -32602, nil, "roles"),
    ("framework.add", #"{"id":"h","roles":["a","a"]}"#, -32602, nil, "roles[1]"),
    ("framework.add", #"{"id":"h","roles":["a/../b"]}"#, -32602, nil, "roles[0]"),
    (
      "framework.add", #"{"id":"h","minAllocatable":{"ports":[[1,2]]}}"#, -32602, nil,
      "minAllocatable.ports"
    ),
    ("framework.update", #"{"id":"zz"}"#, 1000, "notFound", "id"),
    ("framework.remove", #"{"id":"zz"}"#, 1000, "notFound", "id"),
    ("framework.suppress", #"{"id":"f","roles":["s"]}"#, -32602, nil, "roles[0]"),
    ("framework.revive", #"{"id":"zz"}"#, 1000, "notFound", "id"),
    ("role.update", #"{"name":"*"}"#, -32602, nil, "name"),
    ("role.update", #"{"name":"r","weight":0}"#, -32602, nil, "weight"),
    (
      "role.update", #"{"name":"r","quota":{"guarantee":{"cpus":3},"limit":{"cpus":2}}}"#, -32602,
      nil, "quota.guarantee.cpus"
    ),
    (
      "role.update", #"{"name":"s","quota":{"limit":{"cpus":0.5}}}"#, 1000, "quotaExceeded",
      "quota.limit.cpus"
    ),
    ("offer.accept", #"{"offer":"o99","tasks":[]}"#, 1000, "notFound", "offer"),
    (
      "offer.accept", #"{"offer":"o1","tasks":[{"id":"x","resources":{"cpus":100}}]}"#, 1000,
      "insufficientResources", "tasks[0].resources.cpus"
    ),
    (
      "offer.accept",
      #"{"offer":"o1","tasks":[{"id":"x","resources":{"cpus":1}},{"id":"x","resources":{"cpus":1}}]}"#,
      1000, "conflict", "tasks[1].id"
    ),
    (
      "offer.accept", #"{"offer":"o1","tasks":[{"id":"","resources":{}}]}"#, -32602, nil,
      "tasks[0].id"
    ),
    ("offer.decline", #"{"offer":"o1","refuseSeconds":-2}"#, -32602, nil, "refuseSeconds"),
    ("offer.decline", #"{"offer":"bogus"}"#, 1000, "notFound", "offer"),
    ("offers", #"{"framework":"zz"}"#, 1000, "notFound", "framework"),
    (
      "task.submit", #"{"framework":"g","tasks":[{"id":"t1","resources":{}}]}"#, 1000, "conflict",
      "tasks[0].id"
    ),
    ("task.submit", #"{"framework":"g","role":"r","tasks":[]}"#, -32602, nil, "role"),
    ("task.submit", #"{"framework":"zz","tasks":[]}"#, 1000, "notFound", "framework"),
    (
      "task.submit", #"{"framework":"g","tasks":[{"id":"x","resources":{},"groupSize":0}]}"#,
      -32602, nil, "tasks[0].groupSize"
    ),
    ("schedule", #"{"strategy":"nope"}"#, -32602, nil, "strategy"),
    ("schedule", #"{"max":-1}"#, -32602, nil, "max"),
    (
      "task.place",
      #"{"framework":"g","tasks":[{"id":"x","resources":{},"spread":[{"topologyKey":"zone","maxSkew":0,"whenUnsatisfiable":"DoNotSchedule"}]}]}"#,
      -32602, nil, "tasks[0].spread[0].maxSkew"
    ),
    (
      "task.place",
      #"{"framework":"g","tasks":[{"id":"x","resources":{},"tolerations":[{"operator":"Maybe"}]}]}"#,
      -32602, nil, "tasks[0].tolerations[0].operator"
    ),
    (
      "task.place",
      #"{"framework":"g","tasks":[{"id":"x","resources":{},"affinity":{"preferred":[{"weight":101,"term":{}}]}}]}"#,
      -32602, nil, "tasks[0].affinity.preferred[0].weight"
    ),
    ("task.release", #"{"framework":"zz","tasks":[]}"#, 1000, "notFound", "framework"),
    ("task.release", #"{"framework":"g","tasks":[1]}"#, -32602, nil, "tasks[0]"),
    ("task.status", #"{"framework":"g","task":"nope"}"#, 1000, "notFound", "task"),
    ("match", #"{"resources":{"cpus":1},"framework":"zz"}"#, 1000, "notFound", "framework"),
    (
      "match",
      #"{"resources":{"cpus":1},"strategy":{"type":"ratio","shape":[{"utilization":101,"score":1}]}}"#,
      -32602, nil, "strategy.shape[0].utilization"
    ),
    ("auth", #"{}"#, -32602, nil, "token"),
  ]

  @Test(arguments: cases.indices)
  func errorPath(index: Int) throws {
    let (method, params, code, kind, field) = Self.cases[index]
    var d = try setUp()
    let before = d.engine.state()
    let offers = try d.engine.outstandingOffers()
    var s = Session(authenticated: true)
    var out: [UInt8] = []
    let line = #"{"jsonrpc":"2.0","id":9,"method":""# + method + #"","params":"# + params + "}"
    d.handle(line: Array(line.utf8), session: &s, into: &out)
    let r = String(decoding: out, as: UTF8.self)
    #expect(r.contains(#""error":{"code":\#(code),"#), "\(method) \(params): \(r)")
    var data = ""
    if let kind { data += #""kind":"\#(kind)""# }
    if let field { data += (data.isEmpty ? "" : ",") + #""field":"\#(field)""# }
    #expect(r.hasSuffix(#""data":{\#(data)}}}"#), "\(method) \(params): \(r)")
    #expect(d.engine.state() == before, "\(method) changed the state")
    #expect(try d.engine.outstandingOffers() == offers)
  }

  /// A second accept of the same offer is a conflict; an offer id never issued is notFound.
  @Test func offerIdsNoLongerOutstandingAreConflicts() throws {
    var d = try setUp()
    var s = Session(authenticated: true)
    var out: [UInt8] = []
    d.handle(
      line: Array(
        #"{"jsonrpc":"2.0","id":1,"method":"offer.decline","params":{"offer":"o1"}}"#.utf8),
      session: &s, into: &out)
    out = []
    d.handle(
      line: Array(
        #"{"jsonrpc":"2.0","id":2,"method":"offer.decline","params":{"offer":"o1"}}"#.utf8),
      session: &s, into: &out)
    #expect(String(decoding: out, as: UTF8.self).contains(#""kind":"conflict","field":"offer""#))
  }
}

/// With several invalid members, the first in the contract's order is reported.
@Suite struct DispatcherCheckOrderTests {
  @Test(
    arguments: [
      ("agent.add", #"{"id":"","resources":"x"}"#, "id"),
      ("agent.add", #"{"id":"a","hostname":"","resources":"x"}"#, "hostname"),
      ("task.place", #"{"framework":"","tasks":7}"#, "framework"),
      ("task.submit", #"{"framework":"f","role":"a//b","tasks":7}"#, "role"),
      ("offer.accept", #"{"offer":"","tasks":7}"#, "offer"),
      ("task.place", #"{"framework":"f","tasks":[{"id":"","resources":7}]}"#, "tasks[0].id"),
    ] as [(String, String, String)])
  func firstInvalidMemberIsReported(method: String, params: String, field: String) throws {
    var d = Dispatcher(engine: try Engine(configuration: EngineConfiguration(clock: ManualClock())))
    var s = Session(authenticated: true)
    var out: [UInt8] = []
    let line = #"{"jsonrpc":"2.0","id":1,"method":""# + method + #"","params":"# + params + "}"
    d.handle(line: Array(line.utf8), session: &s, into: &out)
    let r = String(decoding: out, as: UTF8.self)
    #expect(r.hasSuffix(#""data":{"field":"\#(field)"}}}"#), "\(r)")
  }
}
