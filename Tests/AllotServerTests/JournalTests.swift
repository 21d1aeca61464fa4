import Allot
import AllotRPC
import Foundation
import Testing

@testable import AllotServer

/// A fresh empty directory under the temporary directory.
func temporaryDirectory() -> String {
  let path = NSTemporaryDirectory() + "allot-journal-\(UUID().uuidString)"
  try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}

func files(_ dir: String) -> [String] {
  ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
}

/// A crash at a snapshot step, as the fault hook reports it.
struct Crash: Error {}

/// What the server does with a data directory, without sockets: requests through the
/// dispatcher, mutations journaled, one commit per turn, snapshots when due.
struct Host {
  var dispatcher: Dispatcher
  var journal: Journal
  var session = Session(authenticated: true)
  let clock: ManualClock

  static func configuration(_ clock: ManualClock) -> EngineConfiguration {
    EngineConfiguration(shuffleSeed: 3, clock: clock)
  }

  /// Recovers `dir` as allotd does at start-up.
  init(directory dir: String, snapshotEvery: Int = 0) throws {
    clock = ManualClock()
    let (j, engine, _) = try DurableState.recover(
      directory: dir, configuration: Host.configuration(clock),
      options: DispatcherOptions(manualClock: clock))
    journal = j
    journal.growBy = 4096
    journal.snapshotEveryRecords = snapshotEvery
    journal.snapshotEveryBytes = 0
    dispatcher = Dispatcher(engine: engine, options: DispatcherOptions(manualClock: clock))
  }

  /// One loop turn: the lines, then one commit, then a snapshot when one is due.
  mutating func turn(_ lines: [String]) throws -> [[UInt8]] {
    var replies: [[UInt8]] = []
    for line in lines {
      var out: [UInt8] = []
      let t = dispatcher.engine.now.milli
      dispatcher.handle(line: Array(line.utf8), session: &session, into: &out)
      if dispatcher.lastLineMutated { journal.append(now: t, line: Array(line.utf8)[...]) }
      replies.append(out)
    }
    try journal.commit()
    if journal.snapshotDue {
      var fatal = false
      try journal.writeSnapshot(dispatcher.engine.snapshotImage(), fatal: &fatal)
    }
    return replies
  }

  /// `state` after rescinding every outstanding offer (what a restart shows).
  func stateWithoutOffers() -> [UInt8] {
    var e = dispatcher.engine
    for o in (try? e.outstandingOffers()) ?? [] {
      try? e.declineOffer(o.id, refuseSeconds: Seconds(milli: 0))
    }
    var d = Dispatcher(engine: e, options: DispatcherOptions(manualClock: clock))
    var s = Session(authenticated: true)
    var out: [UInt8] = []
    d.handle(
      line: Array(#"{"jsonrpc":"2.0","id":0,"method":"state"}"#.utf8), session: &s, into: &out)
    return out
  }
}

@Suite struct JournalTests {
  @Test func tornLastRecordIsCutAndTheRestReplays() throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var host = try Host(directory: dir)
    _ = try host.turn([
      #"{"jsonrpc":"2.0","id":1,"method":"agent.add","params":{"id":"a","resources":{"cpus":4}}}"#,
      #"{"jsonrpc":"2.0","id":2,"method":"framework.add","params":{"id":"f"}}"#,
    ])
    let want = host.stateWithoutOffers()
    let segment = try #require(files(dir).last { $0.hasPrefix("journal.") })
    let path = dir + "/" + segment
    // The records end at the first NUL (segments are preallocated with zeros).
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    let size = before.firstIndex(of: 0) ?? before.count
    #expect(size > 0 && size < before.count)
    // A torn write: part of a record where the zeros were, and stray bytes further on.
    let h = try #require(FileHandle(forWritingAtPath: path))
    h.seek(toFileOffset: UInt64(size))
    h.write(Data(#"5 {"jsonrpc":"2.0","method":"agent.add","par"#.utf8))
    h.seek(toFileOffset: UInt64(before.count - 10))
    h.write(Data("xyz".utf8))
    h.closeFile()
    host.journal.close()  // as the end of the process would
    do {
      let (reopened, recovery) = try Journal.open(directory: dir)
      defer { reopened.close() }
      #expect(recovery.records.count == 2)
      let cut = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
      #expect(cut == size)
    }
    let again = try Host(directory: dir)
    #expect(again.stateWithoutOffers() == want)
  }

  @Test func oneProcessPerDirectory() throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let host = try Host(directory: dir)
    do {
      _ = try Host(directory: dir)
      Issue.record("a second journal opened a directory in use")
    } catch let e as ServerError {
      #expect(e.description == "data directory \(dir) is in use by another process")
    }
    host.journal.close()
    _ = try Host(directory: dir)
  }

  @Test func corruptionNamesTheFileAndTheOffset() throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let good = #"0 {"jsonrpc":"2.0","method":"ping"}"# + "\n"
    try (good + "garbage\n" + good).write(
      toFile: dir + "/journal.0", atomically: false, encoding: .utf8)
    do {
      _ = try Host(directory: dir)
      Issue.record("a corrupt journal was accepted")
    } catch let e as ServerError {
      #expect(e.description == "\(dir)/journal.0: corrupt record at byte offset \(good.utf8.count)")
    }
    // A torn record anywhere but at the end of the last segment is corruption too.
    let dir2 = temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir2) }
    try (good + "0 {\"js").write(toFile: dir2 + "/journal.3", atomically: false, encoding: .utf8)
    try good.write(toFile: dir2 + "/journal.4", atomically: false, encoding: .utf8)
    do {
      _ = try Host(directory: dir2)
      Issue.record("a torn record before the last segment was accepted")
    } catch let e as ServerError {
      #expect(
        e.description == "\(dir2)/journal.3: corrupt record at byte offset \(good.utf8.count)")
    }
  }

  @Test func aRecordThatNoLongerReplaysIsCorruption() throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let add =
      #"0 {"jsonrpc":"2.0","method":"agent.add","params":{"id":"a","resources":{"cpus":1}}}"#
      + "\n"
    // The second add of the same agent fails on replay: it cannot have been acknowledged.
    try (add + add).write(toFile: dir + "/journal.0", atomically: false, encoding: .utf8)
    do {
      _ = try Host(directory: dir)
      Issue.record("a record that does not replay was accepted")
    } catch let e as ServerError {
      #expect(
        e.description.hasPrefix(
          "\(dir)/journal.0: corrupt record at byte offset \(add.utf8.count): it does not replay"))
    }
  }

  @Test func corruptSnapshotNamesTheFile() throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var host = try Host(directory: dir)
    _ = try host.turn([
      #"{"jsonrpc":"2.0","id":1,"method":"agent.add","params":{"id":"a","resources":{"cpus":4}}}"#
    ])
    var fatal = false
    try host.journal.writeSnapshot(host.dispatcher.engine.snapshotImage(), fatal: &fatal)
    var data = try Data(contentsOf: URL(fileURLWithPath: dir + "/snapshot"))
    data[data.count - 3] ^= 0x40
    try data.write(to: URL(fileURLWithPath: dir + "/snapshot"))
    host.journal.close()
    do {
      _ = try Host(directory: dir)
      Issue.record("a corrupt snapshot was accepted")
    } catch let e as ServerError {
      #expect(e.description.hasPrefix("\(dir)/snapshot: corrupt snapshot: checksum mismatch"))
    }
  }

  /// Random requests in random turns with small snapshot intervals; every so often the
  /// host "restarts" (recovers the directory as allotd does): the recovered state must be
  /// the acknowledged state without offers, and both go on answering alike.
  @Test(arguments: [11, 12, 13] as [UInt64])
  func snapshotsAndJournalRebuildTheAcknowledgedState(seed: UInt64) throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var gen = RequestGenerator(seed: seed)
    var host = try Host(directory: dir, snapshotEvery: 1 + Int(seed % 7))
    var restarts = 0
    for step in 0..<60 {
      let lines = (0..<(1 + gen.rng.below(6))).map { _ in gen.request() }
      for r in try host.turn(lines) { gen.observe(r) }
      if gen.rng.below(8) == 0 {
        let want = host.stateWithoutOffers()
        host.journal.close()
        host = try Host(directory: dir, snapshotEvery: host.journal.snapshotEveryRecords)
        gen.offers = []
        restarts += 1
        let got = host.stateWithoutOffers()
        #expect(got == want, "seed \(seed) step \(step)")
        #expect(files(dir).filter { $0.hasPrefix("journal.") }.count == 1)
      }
    }
    #expect(restarts > 0)
  }

  /// A crash at every step of a snapshot (the hook throws there and the host is dropped,
  /// as `kill -9` would leave the files) recovers exactly the acknowledged state.
  @Test(arguments: [
    "snapshot-written", "snapshot-synced", "snapshot-renamed", "directory-synced",
    "segment-created", "old-segment-deleted",
  ])
  func crashAtEverySnapshotStepRecovers(step: String) throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var gen = RequestGenerator(seed: 21)
    var host = try Host(directory: dir, snapshotEvery: 5)
    for _ in 0..<12 { for r in try host.turn([gen.request(), gen.request()]) { gen.observe(r) } }
    // The next due snapshot crashes at `step`.
    host.journal.faultHook = { s throws(ServerError) in
      if s == step { throw ServerError("crash at \(s)") }
    }
    var crashed = false
    for _ in 0..<20 where !crashed {
      do {
        for r in try host.turn([gen.request(), gen.request()]) { gen.observe(r) }
      } catch {
        crashed = true
      }
    }
    #expect(crashed)
    let want = host.stateWithoutOffers()
    host.journal.close()
    var again = try Host(directory: dir, snapshotEvery: 5)
    #expect(again.stateWithoutOffers() == want, "crash at \(step)")
    #expect(!files(dir).contains("snapshot.tmp"))
    // And it goes on: more turns, another restart, the same state.
    gen.offers = []
    for _ in 0..<10 { for r in try again.turn([gen.request()]) { gen.observe(r) } }
    let later = again.stateWithoutOffers()
    again.journal.close()
    #expect(try Host(directory: dir).stateWithoutOffers() == later)
  }
}
