import Allot
import Testing

@testable import AllotRPC

/// Framing, errors and methods of the dispatcher, one behaviour per test.
@Suite struct DispatcherTests {
  func dispatcher(token: String? = nil, interval: Seconds? = nil, maxLine: Int = 1 << 20)
    throws -> (Dispatcher, ManualClock)
  {
    let clock = ManualClock()
    let d = Dispatcher(
      engine: try Engine(configuration: EngineConfiguration(clock: clock)),
      options: DispatcherOptions(
        token: token, manualClock: clock, allocationInterval: interval, maxLine: maxLine))
    return (d, clock)
  }

  /// Sends one line; returns the response line, or nil when none was written.
  func send(_ d: inout Dispatcher, _ line: String, session: inout Session) -> String? {
    var out: [UInt8] = []
    let wrote = d.handle(line: Array(line.utf8), session: &session, into: &out)
    return wrote ? String(decoding: out, as: UTF8.self) : nil
  }

  func send(_ d: inout Dispatcher, _ line: String) -> String? {
    var s = Session(authenticated: true)
    return send(&d, line, session: &s)
  }

  @Test func emptyLinesAreIgnoredButBlankOnesAnswered() throws {
    var (d, _) = try dispatcher()
    #expect(send(&d, "") == nil)
    #expect(send(&d, "\r") == nil)
    #expect(send(&d, "  ")?.contains("\"code\":-32700") == true)
    #expect(
      send(&d, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\r")
        == #"{"jsonrpc":"2.0","id":1,"result":{"version":"1"}}"#)
  }

  @Test func batches() throws {
    var (d, _) = try dispatcher()
    #expect(
      send(&d, "[]")
        == #"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"invalid request: an empty batch"}}"#
    )
    #expect(
      send(&d, #"[{"jsonrpc":"2.0","method":"ping"},{"jsonrpc":"2.0","method":"ping"}]"#) == nil)
    #expect(
      send(&d, #"[1,{"jsonrpc":"2.0","id":"x","method":"ping"}]"#)
        == #"[{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"invalid request: a request is an object with \"jsonrpc\": \"2.0\" and a string \"method\""}},{"jsonrpc":"2.0","id":"x","result":{"version":"1"}}]"#
    )
  }

  @Test func invalidRequestsAnswerWithNullId() throws {
    var (d, _) = try dispatcher()
    for line in [
      #"{"jsonrpc":"1.0","id":1,"method":"ping"}"#, #"{"id":1,"method":"ping"}"#,
      #"{"jsonrpc":"2.0","id":1,"method":7}"#, #"{"jsonrpc":"2.0","id":[1],"method":"ping"}"#,
      #""ping""#,
    ] {
      let r = try #require(send(&d, line))
      #expect(r.hasPrefix(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32600"#), "\(line) -> \(r)")
    }
    // Duplicate keys are an invalid request, not a parse error.
    #expect(
      send(&d, #"{"jsonrpc":"2.0","id":1,"id":2,"method":"ping"}"#)?.contains("-32600") == true)
  }

  @Test func idsAreEchoedAsSent() throws {
    var (d, _) = try dispatcher()
    #expect(
      send(&d, #"{"jsonrpc":"2.0","id":1.50,"method":"ping"}"#)?.hasPrefix(
        #"{"jsonrpc":"2.0","id":1.50,"#) == true)
    #expect(
      send(&d, #"{"jsonrpc":"2.0","id":null,"method":"ping"}"#)?.hasPrefix(
        #"{"jsonrpc":"2.0","id":null,"result""#) == true)
    #expect(
      send(&d, #"{"jsonrpc":"2.0","id":"é","method":"ping"}"#)?.hasPrefix(
        #"{"jsonrpc":"2.0","id":"é","#) == true)
  }

  @Test func unknownMethodsAndNotifications() throws {
    var (d, _) = try dispatcher()
    #expect(send(&d, #"{"jsonrpc":"2.0","method":"nope"}"#) == nil)
    #expect(
      send(
        &d, #"{"jsonrpc":"2.0","method":"agent.add","params":{"id":"a","resources":{"cpus":1}}}"#)
        == nil)
    // The notification ran.
    #expect(
      send(
        &d,
        #"{"jsonrpc":"2.0","id":1,"method":"agent.add","params":{"id":"a","resources":{"cpus":1}}}"#
      )?.contains("\"conflict\"") == true)
  }

  @Test func paramsMustBeAnObject() throws {
    var (d, _) = try dispatcher()
    #expect(
      send(&d, #"{"jsonrpc":"2.0","id":1,"method":"ping","params":[1]}"#)
        == #"{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"params must be an object","data":{"field":"params"}}}"#
    )
    #expect(
      send(&d, #"{"jsonrpc":"2.0","id":1,"method":"ping","params":null}"#)?.contains("result")
        == true)
  }

  @Test(
    arguments: [
      (#"{"id":"a","resources":{"cpus":"1"}}"#, "resources.cpus"),
      (#"{"id":7,"resources":{}}"#, "id"),
      (#"{"id":"a","resources":{"ports":[[5,2]]}}"#, "resources.ports[0]"),
      (#"{"id":"a","resources":{"ports":[[1.0,2]]}}"#, "resources.ports[0][0]"),
      (#"{"id":"a","resources":{"cpus":1},"labels":{"k":1}}"#, "labels.k"),
      (
        #"{"id":"a","resources":{"cpus":1},"taints":[{"key":"k","effect":"Sometimes"}]}"#,
        "taints[0].effect"
      ),
      (#"{"id":"a","resources":{"cpus":1},"reservations":{"*":{"cpus":1}}}"#, "reservations.*"),
      (#"{"id":"a","resources":{"cpus":1},"reservations":{"r":{"cpus":2}}}"#, "reservations"),
      (#"{"id":"a","resources":{"cpus":1e16}}"#, "resources.cpus"),
    ] as [(String, String)])
  func agentAddInvalidParams(params: String, field: String) throws {
    var (d, _) = try dispatcher()
    let before = d.engine.state()
    let r = try #require(
      send(&d, #"{"jsonrpc":"2.0","id":1,"method":"agent.add","params":"# + params + "}"))
    #expect(r.contains(#""code":-32602"#), "\(r)")
    #expect(r.hasSuffix(#""data":{"field":"\#(field)"}}}"#), "\(r)")
    #expect(d.engine.state() == before)
  }

  @Test func integersMustNotHaveFractions() throws {
    var (d, _) = try dispatcher()
    _ = send(&d, #"{"jsonrpc":"2.0","id":1,"method":"framework.add","params":{"id":"f"}}"#)
    let r = send(
      &d,
      #"{"jsonrpc":"2.0","id":2,"method":"task.submit","params":{"framework":"f","tasks":[{"id":"t","resources":{},"priority":2.0}]}}"#
    )
    #expect(r?.contains(#""field":"tasks[0].priority""#) == true)
  }

  @Test func selectorErrorsAreInvalidSelector() throws {
    var (d, _) = try dispatcher()
    let r = send(
      &d,
      #"{"jsonrpc":"2.0","id":1,"method":"match","params":{"resources":{"cpus":1},"selector":{"matchExpressions":[{"key":"k","operator":"Near"}]}}}"#
    )
    #expect(r?.contains(#""kind":"invalidSelector""#) == true)
    let c = send(
      &d,
      #"{"jsonrpc":"2.0","id":2,"method":"match","params":{"resources":{"cpus":1},"constraints":[["hostname","NEAR"]]}}"#
    )
    #expect(c?.contains(#""kind":"invalidConstraint""#) == true)
    let t = send(
      &d,
      #"{"jsonrpc":"2.0","id":3,"method":"match","params":{"resources":{"cpus":1},"constraints":[["hostname",1]]}}"#
    )
    #expect(t?.contains(#""code":-32602"#) == true)
    let s = send(
      &d,
      #"{"jsonrpc":"2.0","id":4,"method":"match","params":{"resources":{"cpus":1},"selector":7}}"#)
    #expect(s?.contains(#""code":-32602"#) == true)
  }

  @Test func auth() throws {
    var (d, _) = try dispatcher(token: "s3cret")
    var s = Session()
    #expect(
      send(&d, #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, session: &s)?.contains("result")
        == true)
    #expect(
      send(&d, #"{"jsonrpc":"2.0","id":2,"method":"state"}"#, session: &s)?.contains("unauthorized")
        == true)
    #expect(
      send(&d, #"{"jsonrpc":"2.0","id":3,"method":"nope"}"#, session: &s)?.contains("-32601")
        == true)
    #expect(
      send(&d, #"{"jsonrpc":"2.0","id":4,"method":"auth","params":{"token":"x"}}"#, session: &s)?
        .contains("unauthorized") == true)
    #expect(!s.authenticated)
    #expect(
      send(
        &d, #"{"jsonrpc":"2.0","id":5,"method":"auth","params":{"token":"s3cret"}}"#, session: &s)
        == #"{"jsonrpc":"2.0","id":5,"result":{}}"#)
    #expect(
      send(&d, #"{"jsonrpc":"2.0","id":6,"method":"state"}"#, session: &s)?.contains("result")
        == true)
  }

  @Test func tooLongLines() throws {
    var (d, _) = try dispatcher(maxLine: 40)
    let r = send(&d, #"{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"xxxxxxxx"}}"#)
    #expect(
      r
        == #"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"invalid request: the line is longer than 40 bytes","data":{"kind":"tooLarge"}}}"#
    )
  }

  @Test func clockAdvanceRunsDueCycles() throws {
    var (d, _) = try dispatcher(interval: 10)
    _ = send(
      &d,
      #"{"jsonrpc":"2.0","id":1,"method":"agent.add","params":{"id":"a","resources":{"cpus":1}}}"#)
    _ = send(&d, #"{"jsonrpc":"2.0","id":2,"method":"framework.add","params":{"id":"f"}}"#)
    #expect(
      send(&d, #"{"jsonrpc":"2.0","id":3,"method":"clock.advance","params":{"seconds":9.5}}"#)
        == #"{"jsonrpc":"2.0","id":3,"result":{"now":9.5}}"#)
    #expect(
      send(&d, #"{"jsonrpc":"2.0","id":4,"method":"offers"}"#)
        == #"{"jsonrpc":"2.0","id":4,"result":{"offers":[]}}"#)
    _ = send(&d, #"{"jsonrpc":"2.0","id":5,"method":"clock.advance","params":{"seconds":0.5}}"#)
    #expect(
      send(&d, #"{"jsonrpc":"2.0","id":6,"method":"offers"}"#)?.contains(#""id":"o1""#) == true)
    let far = send(
      &d, #"{"jsonrpc":"2.0","id":7,"method":"clock.advance","params":{"seconds":10000000}}"#)
    #expect(far?.contains(#""field":"seconds""#) == true)
    #expect(
      send(&d, #"{"jsonrpc":"2.0","id":8,"method":"clock.advance","params":{"seconds":-1}}"#)?
        .contains("-32602") == true)
  }

  @Test func clockAdvanceNeedsAManualClock() throws {
    var d = Dispatcher(engine: try Engine())
    #expect(
      send(&d, #"{"jsonrpc":"2.0","id":1,"method":"clock.advance","params":{"seconds":1}}"#)?
        .contains(#""kind":"unavailable""#) == true)
  }

  @Test func statsCountRequestsErrorsOffersAndPlacements() throws {
    var (d, _) = try dispatcher()
    _ = send(
      &d,
      #"{"jsonrpc":"2.0","id":1,"method":"agent.add","params":{"id":"a","resources":{"cpus":4}}}"#)
    _ = send(
      &d,
      #"{"jsonrpc":"2.0","id":2,"method":"agent.add","params":{"id":"a","resources":{"cpus":4}}}"#)
    _ = send(&d, #"{"jsonrpc":"2.0","id":3,"method":"framework.add","params":{"id":"f"}}"#)
    _ = send(
      &d,
      #"{"jsonrpc":"2.0","id":4,"method":"task.place","params":{"framework":"f","tasks":[{"id":"t","resources":{"cpus":1}}]}}"#
    )
    _ = send(&d, #"{"jsonrpc":"2.0","id":5,"method":"allocate"}"#)
    _ = send(&d, #"{"jsonrpc":"2.0","id":6,"method":"x"}"#)
    let r = try #require(send(&d, #"{"jsonrpc":"2.0","id":7,"method":"stats"}"#))
    #expect(
      r.hasPrefix(
        #"{"jsonrpc":"2.0","id":7,"result":{"requests":{"agent.add":2,"allocate":1,"framework.add":1,"stats":1,"task.place":1},"offers":1,"placements":1,"errors":{"-32601":1,"conflict":1},"latencyMicros":{"allocate":{"p50":"#
      ), "\(r)")
  }
}

/// `metrics`: the stats figures in Prometheus's text format.
@Suite struct MetricsTests {
  @Test func metricsMirrorStats() throws {
    var d = Dispatcher(engine: try Engine(configuration: EngineConfiguration(clock: ManualClock())))
    var s = Session(authenticated: true)
    var out: [UInt8] = []
    for line in [
      #"{"jsonrpc":"2.0","id":1,"method":"agent.add","params":{"id":"a","resources":{"cpus":4}}}"#,
      #"{"jsonrpc":"2.0","id":2,"method":"agent.add","params":{"id":"a","resources":{"cpus":4}}}"#,
      #"{"jsonrpc":"2.0","id":3,"method":"framework.add","params":{"id":"f"}}"#,
      #"{"jsonrpc":"2.0","id":4,"method":"allocate"}"#,
    ] {
      d.handle(line: Array(line.utf8), session: &s, into: &out)
    }
    let text = d.metricsText()
    #expect(text.contains("allot_requests_total{method=\"agent.add\"} 2\n"))
    #expect(text.contains("allot_offers_total 1\n"))
    #expect(text.contains("allot_placements_total 0\n"))
    #expect(text.contains("allot_errors_total{kind=\"conflict\"} 1\n"))
    #expect(text.contains("# TYPE allot_latency_microseconds summary\n"))
    #expect(text.contains("allot_latency_microseconds{method=\"schedule\",quantile=\"0.99\"} 0\n"))
    out = []
    d.handle(
      line: Array(#"{"jsonrpc":"2.0","id":5,"method":"metrics"}"#.utf8), session: &s, into: &out)
    #expect(
      String(decoding: out, as: UTF8.self).hasPrefix(
        ##"{"jsonrpc":"2.0","id":5,"result":{"format":"prometheus","text":"# HELP allot_requests_total"##
      ))
  }
}
