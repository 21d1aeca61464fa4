import Allot
import AllotRPC

#if canImport(Glibc)
  import Glibc
#endif

/// Start-up of a durable server: what `--data-dir` holds, rebuilt into an engine.
public enum DurableState {
  /// Opens the data directory and rebuilds the engine.
  ///
  /// The snapshot (if any) is loaded, then every journal record after it runs through the
  /// dispatcher at its recorded time. Outstanding offers are then rescinded, and a fresh snapshot is written so that the journal starts from the
  /// state the server will serve (the rescinds are part of it).
  ///
  /// - Returns: the journal to append to, the engine, and how many records were replayed.
  /// - Throws: a `ServerError` naming the file (and the byte offset) that does not read.
  public static func recover(
    directory: String, configuration: EngineConfiguration, options: DispatcherOptions,
    lockWait: Double = 10
  ) throws(ServerError) -> (journal: Journal, engine: Engine, replayed: Int) {
    // A restart may start while the previous process still shuts down (its last snapshot):
    // wait up to `lockWait` seconds for it to release the directory.
    let (journal, recovery) = try Journal.open(directory: directory, lockWait: lockWait)
    let clock = configuration.clock
    func setClock(_ t: Int64) {
      if let m = clock as? ManualClock { m.set(Seconds(milli: t)) }
      if let r = clock as? ResumableClock { r.set(Seconds(milli: t)) }
    }
    var engine: Engine
    do throws(AllotError) {
      if let image = recovery.snapshot {
        setClock(try Engine.snapshotTime(image).milli)
        engine = try Engine.restoring(snapshot: image, configuration: configuration)
      } else {
        engine = try Engine(configuration: configuration)
      }
    } catch {
      throw ServerError("\(directory)/snapshot: cannot be restored: \(error.message)")
    }
    var replay = Dispatcher(engine: engine, options: options)
    var session = Session(authenticated: true)
    var sink: [UInt8] = []
    for (k, (t, line)) in recovery.records.enumerated() {
      setClock(t)
      sink.removeAll(keepingCapacity: true)
      replay.handle(line: line, session: &session, into: &sink)
      // Only requests that changed the state were journaled, and replay is deterministic:
      // a record that changes nothing now is damage.
      if !replay.lastLineMutated {
        let (file, offset) = recovery.origins[k]
        throw ServerError(
          "\(file): corrupt record at byte offset \(offset): it does not replay ("
            + String(decoding: sink.prefix(200), as: UTF8.self) + ")")
      }
    }
    engine = replay.engine
    // Outstanding offers are not restored: they are rescinded.
    for o in (try? engine.outstandingOffers()) ?? [] {
      try? engine.declineOffer(o.id, refuseSeconds: Seconds(milli: 0))
    }
    (clock as? ResumableClock)?.resume()
    var fatal = false
    try journal.writeSnapshot(engine.snapshotImage(), fatal: &fatal)
    return (journal, engine, recovery.records.count)
  }
}

extension Server {
  /// Whether the loop stopped because the journal could not be written (the state of the
  /// data directory is still what was acknowledged; replies not yet sent were dropped).
  public var durabilityFailed: Bool { journalFailed }

  /// Writes a snapshot of the served state (called between loop turns, with nothing
  /// pending); returns false when the journal can no longer be used.
  func snapshotNow(reason: String) -> Bool {
    guard let journal, !journal.hasPending, journal.recordsSinceSnapshot > 0 else { return true }
    let records = journal.recordsSinceSnapshot
    var fatal = false
    do {
      try journal.writeSnapshot(dispatcher.engine.snapshotImage(), fatal: &fatal)
      Server.log("snapshot-written", [("reason", reason), ("records", String(records))])
      return true
    } catch {
      Server.log("snapshot-failed", [("error", error.description), ("fatal", String(fatal))])
      return !fatal
    }
  }
}
