import Allot
import Testing

@testable import AllotRPC

/// The contract's example session (`../shared/spec/examples.md`), line by line, byte for
/// byte: every request line and the response line it must produce.
@Suite struct DispatcherExampleTests {
  /// Every request line of the example session, in order, with its response line.
  static let session: [(String, String?)] = [
    (
      #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#,
      #"{"jsonrpc":"2.0","id":1,"result":{"version":"1"}}"#
    ),
    (
      #"{"jsonrpc":"2.0","id":2,"method":"agent.add","params":{"id":"a1","hostname":"node-1","resources":{"cpus":8,"mem":16384,"ports":[[31000,31009]]},"labels":{"zone":"us-east-1a","disk":"ssd"}}}"#,
      #"{"jsonrpc":"2.0","id":2,"result":{}}"#
    ),
    (
      #"{"jsonrpc":"2.0","id":3,"method":"agent.add","params":{"id":"a2","hostname":"node-2","resources":{"cpus":4,"mem":8192,"gpus":1},"labels":{"zone":"us-east-1b"},"reservations":{"ml":{"cpus":2,"mem":4096}}}}"#,
      #"{"jsonrpc":"2.0","id":3,"result":{}}"#
    ),
    (
      #"{"jsonrpc":"2.0","id":4,"method":"framework.add","params":{"id":"marathon","roles":["web"]}}"#,
      #"{"jsonrpc":"2.0","id":4,"result":{}}"#
    ),
    (
      #"{"jsonrpc":"2.0","id":5,"method":"framework.add","params":{"id":"spark","roles":["ml"],"capabilities":["gpu"]}}"#,
      #"{"jsonrpc":"2.0","id":5,"result":{}}"#
    ),
    (
      #"{"jsonrpc":"2.0","id":6,"method":"role.update","params":{"name":"web","weight":2}}"#,
      #"{"jsonrpc":"2.0","id":6,"result":{}}"#
    ),
    (
      #"{"jsonrpc":"2.0","id":7,"method":"allocate"}"#,
      #"{"jsonrpc":"2.0","id":7,"result":{"offers":[{"id":"o1","framework":"spark","role":"ml","agent":"a1","hostname":"node-1","resources":{"cpus":8,"mem":16384,"ports":[[31000,31009]]}},{"id":"o2","framework":"spark","role":"ml","agent":"a2","hostname":"node-2","resources":{"cpus":4,"gpus":1,"mem":8192}}]}}"#
    ),
    (
      #"{"jsonrpc":"2.0","id":8,"method":"offer.decline","params":{"offer":"o1","refuseSeconds":30}}"#,
      #"{"jsonrpc":"2.0","id":8,"result":{}}"#
    ),
    (
      #"{"jsonrpc":"2.0","id":9,"method":"offer.accept","params":{"offer":"o2","tasks":[{"id":"etl-1","resources":{"cpus":2,"mem":2048,"gpus":1}}]}}"#,
      #"{"jsonrpc":"2.0","id":9,"result":{"tasks":[{"id":"etl-1","resources":{"cpus":2,"gpus":1,"mem":2048}}]}}"#
    ),
    (
      #"{"jsonrpc":"2.0","id":10,"method":"offer.accept","params":{"offer":"o2","tasks":[]}}"#,
      #"{"jsonrpc":"2.0","id":10,"error":{"code":1000,"message":"offer 'o2' was already accepted, declined or rescinded","data":{"kind":"conflict","field":"offer"}}}"#
    ),
    (
      #"{"jsonrpc":"2.0","id":11,"method":"task.place","params":{"framework":"marathon","tasks":[{"id":"web-1","group":"web","resources":{"cpus":1,"mem":512,"ports":1},"selector":"zone in (us-east-1a,us-east-1b),disk=ssd","constraints":[["hostname","UNIQUE"]]},{"id":"web-2","group":"web","resources":{"cpus":1,"mem":512},"selector":"disk=ssd","constraints":"hostname:UNIQUE"}]}}"#,
      #"{"jsonrpc":"2.0","id":11,"result":{"placements":[{"task":"web-1","framework":"marathon","role":"web","agent":"a1","hostname":"node-1","resources":{"cpus":1,"mem":512,"ports":[[31000,31000]]}}],"unplaced":[{"task":"web-2","reason":"selector","message":"0/2 agents fit: 1 do not match the selector, 1 violate constraint hostname:UNIQUE"}]}}"#
    ),
    (
      #"{"jsonrpc":"2.0","id":12,"method":"match","params":{"resources":{"cpus":1,"mem":1024},"strategy":"spread"}}"#,
      #"{"jsonrpc":"2.0","id":12,"result":{"agents":[{"agent":"a1","score":182,"parts":{"resources":82,"affinity":0,"taints":100,"spread":0}},{"agent":"a2","score":143,"parts":{"resources":43,"affinity":0,"taints":100,"spread":0}}]}}"#
    ),
    (
      #"{"jsonrpc":"2.0","id":13,"method":"task.status","params":{"framework":"marathon","task":"web-1"}}"#,
      #"{"jsonrpc":"2.0","id":13,"result":{"state":"running","agent":"a1"}}"#
    ),
    (
      #"{"jsonrpc":"2.0","id":14,"method":"agent.add","params":{"id":"a1","resources":{"cpus":1}}}"#,
      #"{"jsonrpc":"2.0","id":14,"error":{"code":1000,"message":"agent 'a1' already exists","data":{"kind":"conflict","field":"id"}}}"#
    ),
    (
      #"{"jsonrpc":"2.0","id":15,"method":"agent.add","params":{"id":"a3","resources":{"cpus":-1}}}"#,
      #"{"jsonrpc":"2.0","id":15,"error":{"code":-32602,"message":"resources.cpus must not be negative","data":{"field":"resources.cpus"}}}"#
    ),
    (
      #"{"jsonrpc":"2.0","id":16,"method":"match","params":{"resources":{"cpus":1},"selector":"env in (prod"}}"#,
      #"{"jsonrpc":"2.0","id":16,"error":{"code":1000,"message":"unable to parse requirement: found '', expected: ',' or ')'","data":{"kind":"invalidSelector","field":"selector"}}}"#
    ),
    (
      #"{"jsonrpc":"2.0","id":17,"method":"nope"}"#,
      #"{"jsonrpc":"2.0","id":17,"error":{"code":-32601,"message":"method not found: nope"}}"#
    ),
    (
      #"{"jsonrpc":"2.0","id":18,"method":"ping""#,
      #"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error: Expecting ',' delimiter: line 1 column 41 (char 40)"}}"#
    ),
    (
      #"[{"jsonrpc":"2.0","id":19,"method":"ping"},{"jsonrpc":"2.0","method":"ping"},{"jsonrpc":"2.0","id":20,"method":"offers","params":{"framework":"spark"}}]"#,
      #"[{"jsonrpc":"2.0","id":19,"result":{"version":"1"}},{"jsonrpc":"2.0","id":20,"result":{"offers":[]}}]"#
    ),
    (
      #"{"jsonrpc":"2.0","id":21,"method":"state"}"#,
      #"{"jsonrpc":"2.0","id":21,"result":{"now":0,"total":{"cpus":12,"gpus":1,"mem":24576},"agents":[{"id":"a1","hostname":"node-1","total":{"cpus":8,"mem":16384,"ports":[[31000,31009]]},"reserved":{},"allocated":{"cpus":1,"mem":512,"ports":[[31000,31000]]},"offered":{"cpus":0,"mem":0,"ports":[]},"available":{"cpus":7,"mem":15872,"ports":[[31001,31009]]},"labels":{"disk":"ssd","zone":"us-east-1a"},"draining":false},{"id":"a2","hostname":"node-2","total":{"cpus":4,"gpus":1,"mem":8192},"reserved":{"ml":{"cpus":2,"mem":4096}},"allocated":{"cpus":2,"gpus":1,"mem":2048},"offered":{"cpus":0,"gpus":0,"mem":0},"available":{"cpus":2,"gpus":0,"mem":6144},"labels":{"zone":"us-east-1b"},"draining":false}],"frameworks":[{"id":"marathon","roles":["web"],"allocated":{"cpus":1,"mem":512},"share":0.08333333333333333,"suppressed":[],"pending":0,"running":1},{"id":"spark","roles":["ml"],"allocated":{"cpus":2,"gpus":1,"mem":2048},"share":1,"suppressed":[],"pending":0,"running":1}],"roles":[{"name":"ml","weight":1,"quota":{"guarantee":{},"limit":{}},"allocated":{"cpus":2,"gpus":1,"mem":2048},"share":1},{"name":"web","weight":2,"quota":{"guarantee":{},"limit":{}},"allocated":{"cpus":1,"mem":512},"share":0.041666666666666664}]}}"#
    ),
  ]

  /// The whole session, byte for byte, placement and state included.
  @Test func wholeExampleSession() throws {
    var d = Dispatcher(engine: try Engine(configuration: EngineConfiguration(clock: ManualClock())))
    run(&d, Self.session)
    #expect(d.engine.checkInvariants().isEmpty)
  }

  func run(_ d: inout Dispatcher, _ lines: [(String, String?)]) {
    var session = Session(authenticated: true)
    for (request, response) in lines {
      var out: [UInt8] = []
      let wrote = d.handle(line: Array(request.utf8), session: &session, into: &out)
      #expect(wrote == (response != nil))
      #expect(String(decoding: out, as: UTF8.self) == (response ?? ""), "request \(request)")
    }
  }

}
