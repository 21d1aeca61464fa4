import Allot
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The clock of a durable server: it replays the journal at the recorded times, then runs
/// in real time from the last recorded time on, so `now` survives restarts.
public final class ResumableClock: EngineClock {
  private struct State {
    var replaying = true
    var base: Int64 = 0
    var resumedAt = ContinuousClock.now
  }
  private let state = Mutex(State())

  /// Creates a clock at 0, replaying.
  public init() {}

  /// The current time.
  public func now() -> Seconds {
    state.withLock { s in
      if s.replaying { return Seconds(milli: s.base) }
      let (sec, atto) = (ContinuousClock.now - s.resumedAt).components
      return Seconds(milli: s.base + sec * 1000 + atto / 1_000_000_000_000_000)
    }
  }

  /// During replay: the time of the next record.
  public func set(_ t: Seconds) { state.withLock { $0.base = max($0.base, t.milli) } }

  /// Ends replay: time runs on from the last recorded time.
  public func resume() {
    state.withLock {
      $0.replaying = false
      $0.resumedAt = ContinuousClock.now
    }
  }
}

/// The append-only journal of state-changing requests in `--data-dir`: one record a line,
/// `<now in thousandths> <request line>`, fsynced before the replies to those requests are
/// sent (one fsync for all requests read in one loop turn).
///
/// Start-up replays it through the dispatcher. A torn last record (no line ending) is cut
/// with a warning; anything else that does not read is corruption and stops start-up with
/// a message naming the file and the byte offset.
public final class Journal {
  let fd: Int32
  let path: String
  var pending: [UInt8] = []

  init(fd: Int32, path: String) {
    self.fd = fd
    self.path = path
  }

  /// Opens (creating) `DIR/journal`; returns it with the records to replay.
  public static func open(directory: String) throws(ServerError) -> (Journal, [(Int64, [UInt8])]) {
    mkdir(directory, 0o700)
    let path = directory + "/journal"
    let fd = Glibc.open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw ServerError("cannot open \(path): \(errnoText())") }
    // Read it all.
    var data: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    lseek(fd, 0, SEEK_SET)
    while true {
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n < 0 { throw ServerError("cannot read \(path): \(errnoText())") }
      if n == 0 { break }
      data.append(contentsOf: buffer[0..<n])
    }
    var records: [(Int64, [UInt8])] = []
    var start = 0
    var i = 0
    while i < data.count {
      if data[i] == 0x0A {
        let line = data[start..<i]
        guard let space = line.firstIndex(of: 0x20),
          let t = Int64(String(decoding: line[line.startIndex..<space], as: UTF8.self)), t >= 0,
          space + 1 < line.endIndex
        else {
          throw ServerError("\(path): corrupt record at byte offset \(start)")
        }
        records.append((t, Array(line[(space + 1)...])))
        start = i + 1
      }
      i += 1
    }
    if start < data.count {
      Server.log(
        "journal-torn-record-cut",
        [("file", path), ("offset", String(start)), ("bytes", String(data.count - start))])
      guard ftruncate(fd, off_t(start)) == 0 else {
        throw ServerError("cannot cut the torn record of \(path): \(errnoText())")
      }
      fsync(fd)
    }
    return (Journal(fd: fd, path: path), records)
  }

  /// Queues a record (written and fsynced by `commit()`).
  public func append(now: Int64, line: ArraySlice<UInt8>) {
    pending.append(contentsOf: String(now).utf8)
    pending.append(0x20)
    pending.append(contentsOf: line)
    pending.append(0x0A)
  }

  /// Whether records wait for `commit()`.
  public var hasPending: Bool { !pending.isEmpty }

  /// Writes and fsyncs the queued records (group commit).
  public func commit() throws(ServerError) {
    guard !pending.isEmpty else { return }
    var sent = 0
    while sent < pending.count {
      let n = pending.withUnsafeBytes { write(fd, $0.baseAddress! + sent, $0.count - sent) }
      if n < 0 {
        if errno == EINTR { continue }
        throw ServerError("cannot write \(path): \(errnoText())")
      }
      sent += n
    }
    guard fsync(fd) == 0 else { throw ServerError("cannot fsync \(path): \(errnoText())") }
    pending.removeAll(keepingCapacity: true)
  }

  deinit { close(fd) }
}
