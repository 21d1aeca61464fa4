import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The real `allotd` binary over a temporary Unix socket, as an outside scheduler uses it.
@Suite struct AllotdTests {
  @Test func offerCycle() throws {
    let server = try AllotdProcess()
    let c = try server.connect()
    _ = try c.call("agent.add", ["id": "a1", "resources": ["cpus": 8, "mem": 1024]])
    _ = try c.call("framework.add", ["id": "spark", "roles": ["ml"]])
    let offers = try #require(try c.call("allocate")["offers"] as? [[String: Any]])
    #expect(offers.map { $0["agent"] as? String } == ["a1"])
    #expect(offers.first?["framework"] as? String == "spark")
    let offer = try #require(offers.first?["id"] as? String)
    let accepted = try c.call(
      "offer.accept",
      ["offer": offer, "tasks": [["id": "t1", "resources": ["cpus": 2, "mem": 100]]]])
    let tasks = try #require(accepted["tasks"] as? [[String: Any]])
    #expect(tasks.first?["id"] as? String == "t1")
    #expect(tasks.first?["resources"] as? [String: Int] == ["cpus": 2, "mem": 100])
    // The same offer cannot be accepted twice.
    let again = try c.request("offer.accept", ["offer": offer, "tasks": []])
    #expect(errorOf(again)?.code == 1000)
    #expect(errorOf(again)?.kind == "conflict")
    #expect(server.stop() == 0)
  }

  @Test func placement() throws {
    let server = try AllotdProcess()
    let c = try server.connect()
    _ = try c.call(
      "agent.add", ["id": "a1", "resources": ["cpus": 4], "labels": ["zone": "z1"]])
    _ = try c.call(
      "agent.add", ["id": "a2", "resources": ["cpus": 4], "labels": ["zone": "z2"]])
    _ = try c.call("framework.add", ["id": "web"])
    let task: (String) -> [String: Any] = { id in
      [
        "id": id, "resources": ["cpus": 1], "selector": "zone=z1",
        "constraints": "hostname:UNIQUE", "group": "g",
      ]
    }
    let r = try c.call("task.place", ["framework": "web", "tasks": [task("w1"), task("w2")]])
    let placed = try #require(r["placements"] as? [[String: Any]])
    let unplaced = try #require(r["unplaced"] as? [[String: Any]])
    #expect(placed.map { $0["agent"] as? String } == ["a1"])
    #expect(unplaced.map { $0["task"] as? String } == ["w2"])
    let status = try c.call("task.status", ["framework": "web", "task": "w1"])
    #expect(status["state"] as? String == "running")
    #expect(status["agent"] as? String == "a1")
    #expect(server.stop() == 0)
  }

  @Test func errorsCarryTheirCodesAndKeepTheConnection() throws {
    let server = try AllotdProcess()
    let c = try server.connect()
    let negative = try c.request("agent.add", ["id": "a", "resources": ["cpus": -1]])
    #expect(errorOf(negative)?.code == -32602)
    #expect(errorOf(negative)?.field == "resources.cpus")
    let unknown = try c.request("no.such.method")
    #expect(errorOf(unknown)?.code == -32601)
    let parse = try c.line(#"{"jsonrpc":"2.0","id":1,"method":"ping""#)
    #expect(errorOf(parse)?.code == -32700)
    #expect(parse["id"] is NSNull)
    let invalid = try c.line(#"{"jsonrpc":"1.0","id":2,"method":"ping"}"#)
    #expect(errorOf(invalid)?.code == -32600)
    _ = try c.call("agent.add", ["id": "a", "resources": ["cpus": 1]])
    let duplicate = try c.request("agent.add", ["id": "a", "resources": ["cpus": 1]])
    #expect(errorOf(duplicate)?.code == 1000)
    #expect(errorOf(duplicate)?.kind == "conflict")
    // Still served after every error.
    #expect(try c.call("ping")["version"] as? String == "1")
    #expect(server.stop() == 0)
  }

  @Test func authWithATokenFile() throws {
    let dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("allotd-token-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let tokenFile = dir.appendingPathComponent("token").path
    try "s3cret\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
    let server = try AllotdProcess(["--manual-clock", "--token-file", tokenFile])
    let c = try server.connect()
    // ping is allowed before auth; state is not.
    #expect(try c.call("ping")["version"] as? String == "1")
    let before = try c.request("state")
    #expect(errorOf(before)?.code == 1000)
    #expect(errorOf(before)?.kind == "unauthorized")
    let wrong = try c.request("auth", ["token": "guess"])
    #expect(errorOf(wrong)?.kind == "unauthorized")
    #expect(try c.call("auth", ["token": "s3cret"]).isEmpty)
    #expect(try c.call("state")["agents"] is [Any])
    // Authentication belongs to the connection.
    let other = try server.connect()
    #expect(errorOf(try other.request("state"))?.kind == "unauthorized")
    #expect(server.stop() == 0)
  }

  @Test func sigtermAnswersWhatWasSentThenExitsZero() throws {
    let server = try AllotdProcess()
    let c = try server.connect()
    // Three requests in one write, none answered yet, then SIGTERM.
    try c.send(
      (1...3).map { #"{"jsonrpc":"2.0","id":\#($0),"method":"ping"}"# + "\n" }.joined())
    kill(server.process.processIdentifier, SIGTERM)
    var ids: [Int] = []
    while let reply = try c.readLine() {
      ids.append(try #require(reply["id"] as? Int))
    }
    #expect(ids == [1, 2, 3])
    #expect(server.stop() == 0)
    #expect(!FileManager.default.fileExists(atPath: server.socketPath))
  }

  @Test func manualClockAdvanceExpiresADeclineFilter() throws {
    let server = try AllotdProcess()
    let c = try server.connect()
    _ = try c.call("agent.add", ["id": "a1", "resources": ["cpus": 2]])
    _ = try c.call("framework.add", ["id": "f"])
    let first = try #require(try c.call("allocate")["offers"] as? [[String: Any]])
    let offer = try #require(first.first?["id"] as? String)
    _ = try c.call("offer.decline", ["offer": offer, "refuseSeconds": 30])
    // Filtered until the clock passes 30 s.
    #expect((try c.call("allocate")["offers"] as? [Any])?.isEmpty == true)
    #expect(try c.call("clock.advance", ["seconds": 20])["now"] as? Double == 20)
    #expect((try c.call("allocate")["offers"] as? [Any])?.isEmpty == true)
    #expect(try c.call("clock.advance", ["seconds": 11])["now"] as? Double == 31)
    let later = try #require(try c.call("allocate")["offers"] as? [[String: Any]])
    #expect(later.map { $0["agent"] as? String } == ["a1"])
    #expect(server.stop() == 0)
  }

  @Test func clockAdvanceIsUnavailableWithTheSystemClock() throws {
    let server = try AllotdProcess([])
    let c = try server.connect()
    let r = try c.request("clock.advance", ["seconds": 1])
    #expect(errorOf(r)?.code == 1000)
    #expect(errorOf(r)?.kind == "unavailable")
    #expect(server.stop() == 0)
  }
}
