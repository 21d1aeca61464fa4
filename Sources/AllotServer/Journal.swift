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

/// The durable state of `--data-dir`: a snapshot of the engine and the journal segments
/// written after it.
///
/// Files in the directory:
/// - `snapshot`: a header line `ALLOTSNAP <segment> <length> <fnv1a64 hex>` and the engine's
///   snapshot image; the state before every record of journal segment `<segment>`.
/// - `journal.<n>`: journal segments, one record a line, `<now in thousandths> <request line>`.
///   Records are fsynced before the replies to those requests are sent (one write and one
///   fsync for all requests read in one loop turn: group commit). Segments grow by 8 MiB of
///   zeros at a time and records overwrite them, so the data ends at the first NUL byte.
///
/// Start-up loads the snapshot (if any), deletes segments older than it, and returns the
/// records of the others in order. A torn last record of the last segment (no line ending)
/// is cut with a warning; anything else that does not read is corruption and stops start-up
/// with a message naming the file and the byte offset.
///
/// A snapshot is written to `snapshot.tmp`, fsynced, renamed over `snapshot`, and the
/// directory fsynced; only then is the next segment created and the old one deleted. A crash
/// between any two steps leaves either the old snapshot with every old segment, or the new
/// snapshot (older segments are then ignored and deleted at the next start).
public final class Journal {
  let directory: String
  var fd: Int32
  var segment: UInt64
  var pending: [UInt8] = []
  /// Where the next record goes in the current segment, and how far the segment is filled
  /// with zeros: records overwrite preallocated blocks, so `fdatasync` need not update the
  /// file's size (four times cheaper than appending here).
  var end = 0
  var allocated = 0
  /// The descriptor holding the directory's lock.
  var lock: Int32 = -1
  /// Segments grow by this many bytes of zeros at a time.
  public var growBy = 8 << 20
  static let zeros = [UInt8](repeating: 0, count: 1 << 20)
  /// Records and bytes appended since the last snapshot.
  public private(set) var recordsSinceSnapshot = 0
  /// Bytes appended since the last snapshot.
  public private(set) var bytesSinceSnapshot = 0
  /// A snapshot is due after this many records (0: never by count).
  public var snapshotEveryRecords = 100_000
  /// A snapshot is due after this many journal bytes (0: never by size).
  public var snapshotEveryBytes = 64 << 20
  /// Test hook: called at each step of a snapshot with the step's name; a throw stops the
  /// snapshot there, as a crash would (files are left as they are).
  public var faultHook: ((String) throws(ServerError) -> Void)?

  init(directory: String, fd: Int32, segment: UInt64) {
    self.directory = directory
    self.fd = fd
    self.segment = segment
  }

  /// What start-up recovers: the snapshot image (if any) and the records after it.
  public struct Recovery {
    /// The engine snapshot image, or nil when the directory has none.
    public var snapshot: [UInt8]?
    /// Journal records written after the snapshot: (time in thousandths, request line).
    public var records: [(Int64, [UInt8])]
    /// Where each record starts: (file, byte offset), for messages.
    public var origins: [(file: String, offset: Int)] = []
  }

  static func segmentPath(_ dir: String, _ n: UInt64) -> String { "\(dir)/journal.\(n)" }

  /// Opens (creating) the data directory; returns the journal, positioned at the end of the
  /// newest segment, with what to restore.
  ///
  /// - Parameter lockWait: How long to wait for another process to release the directory
  ///   (a restart may begin while the old process still writes its last snapshot).
  public static func open(directory: String, lockWait: Double = 0) throws(ServerError)
    -> (Journal, Recovery)
  {
    mkdir(directory, 0o700)
    var st = stat()
    guard stat(directory, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
      throw ServerError("cannot use data directory \(directory): \(errnoText())")
    }
    // One process per directory: an exclusive lock on DIR/lock, released when the process
    // ends however it ends.
    let lock = Glibc.open(directory + "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard lock >= 0 else { throw ServerError("cannot open \(directory)/lock: \(errnoText())") }
    var waited = 0.0
    while flock(lock, LOCK_EX | LOCK_NB) != 0 && waited < lockWait {
      usleep(50_000)
      waited += 0.05
    }
    guard flock(lock, LOCK_EX | LOCK_NB) == 0 else {
      Glibc.close(lock)
      throw ServerError("data directory \(directory) is in use by another process")
    }
    var locked = true
    defer { if locked { Glibc.close(lock) } }
    unlink(directory + "/snapshot.tmp")
    // A journal from before segments is segment 0.
    if access(directory + "/journal", F_OK) == 0 {
      rename(directory + "/journal", segmentPath(directory, 0))
    }
    var image: [UInt8]?
    var base: UInt64 = 0
    let snapPath = directory + "/snapshot"
    if access(snapPath, F_OK) == 0 {
      let data = try readAll(snapPath)
      (base, image) = try parseSnapshot(data, path: snapPath)
    }
    var segments: [UInt64] = []
    if let d = opendir(directory) {
      while let e = readdir(d) {
        let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
          String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        if name.hasPrefix("journal."), let n = UInt64(name.dropFirst(8)) { segments.append(n) }
      }
      closedir(d)
    }
    segments.sort()
    for n in segments where n < base {
      unlink(segmentPath(directory, n))
      Server.log("journal-segment-deleted", [("file", segmentPath(directory, n))])
    }
    let live = segments.filter { $0 >= base }
    var records: [(Int64, [UInt8])] = []
    var origins: [(file: String, offset: Int)] = []
    var offsets: [Int] = []
    var currentEnd = 0
    for (k, n) in live.enumerated() {
      let path = segmentPath(directory, n)
      let data = try readAll(path)
      // Segments are preallocated with zeros: the data ends at the first NUL (records never
      // hold one), and whatever follows it can only be an unacknowledged write.
      let logical = data.firstIndex(of: 0) ?? data.count
      let first = records.count
      let end = try parseRecords(data[0..<logical], path: path, into: &records, offsets: &offsets)
      // `offsets` runs parallel to `records`.
      for i in first..<records.count { origins.append((path, offsets[i])) }
      let garbage = data[logical...].contains { $0 != 0 }
      if end < logical || garbage {
        guard k == live.count - 1 else {
          throw ServerError("\(path): corrupt record at byte offset \(end)")
        }
        Server.log(
          "journal-torn-record-cut",
          [("file", path), ("offset", String(end)), ("bytes", String(data.count - end))])
      }
      if data.count > end {
        guard truncate(path, off_t(end)) == 0 else {
          throw ServerError("cannot cut the torn record of \(path): \(errnoText())")
        }
      }
      currentEnd = end
    }
    let current = live.last ?? base
    if live.isEmpty { currentEnd = 0 }
    let path = segmentPath(directory, current)
    let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw ServerError("cannot open \(path): \(errnoText())") }
    fsync(fd)
    try fsyncDirectory(directory)
    let j = Journal(directory: directory, fd: fd, segment: current)
    j.lock = lock
    locked = false
    j.end = currentEnd
    j.allocated = currentEnd
    return (j, Recovery(snapshot: image, records: records, origins: origins))
  }

  static func readAll(_ path: String) throws(ServerError) -> [UInt8] {
    let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw ServerError("cannot open \(path): \(errnoText())") }
    defer { Glibc.close(fd) }
    var data: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n < 0 { throw ServerError("cannot read \(path): \(errnoText())") }
      if n == 0 { break }
      data.append(contentsOf: buffer[0..<n])
    }
    return data
  }

  /// Parses whole records; returns the offset after the last one (a torn tail follows it).
  static func parseRecords(
    _ data: ArraySlice<UInt8>, path: String, into records: inout [(Int64, [UInt8])],
    offsets: inout [Int]
  ) throws(ServerError) -> Int {
    var start = data.startIndex
    var i = data.startIndex
    while i < data.endIndex {
      if data[i] == 0x0A {
        let line = data[start..<i]
        guard let space = line.firstIndex(of: 0x20),
          let t = Int64(String(decoding: line[line.startIndex..<space], as: UTF8.self)), t >= 0,
          space + 1 < line.endIndex
        else {
          throw ServerError("\(path): corrupt record at byte offset \(start)")
        }
        records.append((t, Array(line[(space + 1)...])))
        offsets.append(start)
        start = i + 1
      }
      i += 1
    }
    return start
  }

  static func fnv1a(_ bytes: ArraySlice<UInt8>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
      h ^= UInt64(b)
      h &*= 0x0000_0100_0000_01B3
    }
    return h
  }

  static func parseSnapshot(_ data: [UInt8], path: String) throws(ServerError) -> (UInt64, [UInt8])
  {
    guard let nl = data.firstIndex(of: 0x0A) else {
      throw ServerError("\(path): corrupt snapshot header at byte offset 0")
    }
    let fields = String(decoding: data[0..<nl], as: UTF8.self).split(separator: " ")
    guard fields.count == 4, fields[0] == "ALLOTSNAP", let seg = UInt64(fields[1]),
      let len = Int(fields[2]), let sum = UInt64(fields[3], radix: 16)
    else { throw ServerError("\(path): corrupt snapshot header at byte offset 0") }
    let body = data[(nl + 1)...]
    guard body.count == len else {
      throw ServerError(
        "\(path): corrupt snapshot: \(body.count) bytes after the header at byte offset "
          + "\(nl + 1), the header says \(len)")
    }
    guard fnv1a(body) == sum else {
      throw ServerError("\(path): corrupt snapshot: checksum mismatch in bytes \(nl + 1)...")
    }
    return (seg, Array(body))
  }

  static func fsyncDirectory(_ dir: String) throws(ServerError) {
    let d = Glibc.open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard d >= 0 else { throw ServerError("cannot open \(dir): \(errnoText())") }
    defer { Glibc.close(d) }
    guard fsync(d) == 0 else { throw ServerError("cannot fsync \(dir): \(errnoText())") }
  }

  /// Queues a record (written and fsynced by `commit()`).
  public func append(now: Int64, line: ArraySlice<UInt8>) {
    let before = pending.count
    var t = now
    // The time in decimal without building a String.
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
      (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var n = 0
    if t <= 0 {
      pending.append(0x30)
    } else if t < 10_000_000_000 {
      withUnsafeMutableBytes(of: &digits) { d in
        while t > 0 {
          d[n] = UInt8(truncatingIfNeeded: t % 10) + 0x30
          t /= 10
          n += 1
        }
        while n > 0 {
          n -= 1
          pending.append(d[n])
        }
      }
    } else {
      pending.append(contentsOf: String(now).utf8)
    }
    pending.append(0x20)
    pending.append(contentsOf: line)
    pending.append(0x0A)
    recordsSinceSnapshot += 1
    bytesSinceSnapshot += pending.count - before
  }

  /// Whether records wait for `commit()`.
  public var hasPending: Bool { !pending.isEmpty }

  /// Writes and fsyncs the queued records (group commit): one `pwrite` and one
  /// `fdatasync` for everything queued.
  public func commit() throws(ServerError) {
    guard !pending.isEmpty else { return }
    let path = Journal.segmentPath(directory, segment)
    if end + pending.count > allocated {
      // Grow the segment with zeros (and its size made durable) before writing into it.
      var at = allocated
      let target = (end + pending.count + growBy - 1) / growBy * growBy
      while at < target {
        let n = min(Journal.zeros.count, target - at)
        try writeAll(fd, Journal.zeros[0..<n], at: at, path: path)
        at += n
      }
      guard fsync(fd) == 0 else { throw ServerError("cannot fsync \(path): \(errnoText())") }
      allocated = target
    }
    try writeAll(fd, pending[...], at: end, path: path)
    guard fdatasync(fd) == 0 else {
      throw ServerError("cannot fsync \(path): \(errnoText())")
    }
    end += pending.count
    pending.removeAll(keepingCapacity: true)
  }

  func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>, at offset: Int? = nil, path: String)
    throws(ServerError)
  {
    var sent = 0
    while sent < bytes.count {
      let n = bytes.withUnsafeBytes { raw in
        if let offset {
          return pwrite(fd, raw.baseAddress! + sent, raw.count - sent, off_t(offset + sent))
        }
        return write(fd, raw.baseAddress! + sent, raw.count - sent)
      }
      if n < 0 {
        if errno == EINTR { continue }
        throw ServerError("cannot write \(path): \(errnoText())")
      }
      sent += n
    }
  }

  /// Whether a snapshot is due (by record count or journal size).
  public var snapshotDue: Bool {
    (snapshotEveryRecords > 0 && recordsSinceSnapshot >= snapshotEveryRecords)
      || (snapshotEveryBytes > 0 && bytesSinceSnapshot >= snapshotEveryBytes)
  }

  /// Writes a snapshot, starts a new segment and deletes the old ones.
  ///
  /// `image` is the state after every committed record; call with nothing pending (after
  /// `commit()`).
  ///
  /// - Throws: a `ServerError`; `fatal` is set when the new snapshot was already in place
  ///   (the old segment must not be appended to any more), else the journal goes on as before.
  public func writeSnapshot(_ image: [UInt8], fatal: inout Bool) throws(ServerError) {
    precondition(pending.isEmpty, "snapshot with uncommitted records")
    fatal = false
    let next = segment + 1
    let tmp = directory + "/snapshot.tmp"
    var file = Array(
      "ALLOTSNAP \(next) \(image.count) \(String(Journal.fnv1a(image[...]), radix: 16))\n".utf8)
    file.append(contentsOf: image)
    let t = Glibc.open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard t >= 0 else { throw ServerError("cannot create \(tmp): \(errnoText())") }
    do throws(ServerError) {
      try writeAll(t, file[...], path: tmp)
      try faultHook?("snapshot-written")
      guard fsync(t) == 0 else { throw ServerError("cannot fsync \(tmp): \(errnoText())") }
    } catch {
      Glibc.close(t)
      throw error
    }
    Glibc.close(t)
    try faultHook?("snapshot-synced")
    guard rename(tmp, directory + "/snapshot") == 0 else {
      throw ServerError("cannot rename \(tmp): \(errnoText())")
    }
    fatal = true
    try faultHook?("snapshot-renamed")
    try Journal.fsyncDirectory(directory)
    try faultHook?("directory-synced")
    let path = Journal.segmentPath(directory, next)
    let nfd = Glibc.open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard nfd >= 0 else { throw ServerError("cannot create \(path): \(errnoText())") }
    Glibc.close(fd)
    fd = nfd
    end = 0
    allocated = 0
    let old = segment
    segment = next
    try faultHook?("segment-created")
    unlink(Journal.segmentPath(directory, old))
    try faultHook?("old-segment-deleted")
    try Journal.fsyncDirectory(directory)
    recordsSinceSnapshot = 0
    bytesSinceSnapshot = 0
    fatal = false
  }

  /// Closes the segment and releases the directory (as the end of the process would).
  public func close() {
    if fd >= 0 { Glibc.close(fd) }
    if lock >= 0 { Glibc.close(lock) }
    fd = -1
    lock = -1
  }

  deinit { close() }
}
