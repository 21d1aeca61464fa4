import Allot
import AllotRPC
import CAllotSys
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Where the server listens.
public enum ListenAddress: Sendable, Equatable, CustomStringConvertible {
  /// A Unix domain socket at a path (mode 0600).
  case unix(String)
  /// A TCP address (host as dotted IPv4).
  case tcp(host: String, port: UInt16)

  /// Parses `unix:PATH` or `tcp:HOST:PORT`.
  public init?(_ text: String) {
    if text.hasPrefix("unix:") {
      let path = String(text.dropFirst(5))
      guard !path.isEmpty else { return nil }
      self = .unix(path)
    } else if text.hasPrefix("tcp:") {
      let rest = text.dropFirst(4)
      guard let colon = rest.lastIndex(of: ":"),
        let port = UInt16(rest[rest.index(after: colon)...])
      else { return nil }
      self = .tcp(host: String(rest[..<colon]), port: port)
    } else {
      return nil
    }
  }

  /// `unix:PATH` or `tcp:HOST:PORT`.
  public var description: String {
    switch self {
    case .unix(let p): return "unix:\(p)"
    case .tcp(let h, let p): return "tcp:\(h):\(p)"
    }
  }
}

/// Server settings; see `allotd --help`.
public struct ServerOptions: Sendable {
  /// The addresses to listen on.
  public var listen: [ListenAddress] = []
  /// The longest request line in bytes, line ending excluded.
  public var maxLine = 1 << 20
  /// The most connections at once; more are accepted and closed at once.
  public var maxConnections = 4096
  /// Connections idle this long are closed (seconds; 0: never).
  public var idleTimeout: Int64 = 0
  /// A connection whose replies make no progress this long is closed (seconds).
  public var writeStallTimeout: Int64 = 30
  /// Output buffered for one connection before the server stops reading from it.
  public var maxPendingOutput = 16 << 20
  /// Periodic allocation cycles with the real clock (with a manual clock, cycles run in
  /// `clock.advance`).
  public var allocationInterval: Seconds?
  /// Creates default options.
  public init() {}
}

/// Set by SIGTERM/SIGINT; the loop stops accepting, answers what was read, and returns.
let stopRequested = Atomic<Bool>(false)

/// One client.
///
/// A class, so that the loop updates it in place through the descriptor table (a struct in
/// a dictionary was copied out and back, and its buffers with it). Only the loop thread
/// touches it and no access overlaps another to the same property (a line being answered
/// is never read from `input` in place), so the dynamic exclusivity checks are off: they
/// were half of the server's own instructions per request.
final class Connection {
  let fd: Int32
  /// The bytes of an unfinished line (complete lines are answered as they arrive).
  @exclusivity(unchecked) var input: [UInt8] = []
  /// How much of `input` was already searched for a line end.
  @exclusivity(unchecked) var searched = 0
  /// Replies not yet written: `output[outputStart...]`.
  @exclusivity(unchecked) var output: [UInt8] = []
  @exclusivity(unchecked) var outputStart = 0
  @exclusivity(unchecked) var session: Session
  @exclusivity(unchecked) var lastActivity: Int64
  @exclusivity(unchecked) var lastWriteProgress: Int64
  /// After a too-long line or a failed write: reply if possible, then close.
  @exclusivity(unchecked) var closing = false
  /// The epoll events registered for the connection.
  @exclusivity(unchecked) var interest: UInt32
  /// Whether the connection is in the current loop turn's list of served connections.
  @exclusivity(unchecked) var touched = false

  init(fd: Int32, session: Session, now: Int64, interest: UInt32) {
    self.fd = fd
    self.session = session
    self.lastActivity = now
    self.lastWriteProgress = now
    self.interest = interest
  }

  /// Reply bytes not yet written.
  var pendingOutput: Int { output.count - outputStart }
}

let epollIn = UInt32(ALLOT_SYS_EPOLLIN)
let epollOut = UInt32(ALLOT_SYS_EPOLLOUT)
let epollErr = UInt32(ALLOT_SYS_EPOLLERR)
let epollHup = UInt32(ALLOT_SYS_EPOLLHUP)
let epollRdHup = UInt32(ALLOT_SYS_EPOLLRDHUP)

/// The socket server: one thread, non-blocking sockets, `epoll(7)` (level-triggered);
/// reading, parsing, dispatching and writing happen on that thread, so the engine has one
/// owner.
///
/// A request costs three system calls when it arrives alone: `epoll_wait`, one `read` and
/// one `send` (the registered events change only when replies back up). When accept fails
/// for want of file descriptors, a descriptor held in reserve is closed to accept and close
/// the pending connection, so a listener that stays readable never spins the loop.
public final class Server {
  // Loop-thread state without dynamic exclusivity checks, as in `Connection`.
  @exclusivity(unchecked) var dispatcher: Dispatcher
  let options: ServerOptions
  @exclusivity(unchecked) var listeners: [Int32] = []
  /// Connections by file descriptor.
  @exclusivity(unchecked) var table: [Connection?] = []
  @exclusivity(unchecked) var connectionCount = 0
  let requireAuth: Bool
  @exclusivity(unchecked) var nextCycle: Int64 = .max
  let startedAt = ContinuousClock.now
  /// The journal of a durable server (`--data-dir`).
  @exclusivity(unchecked) public var journal: Journal?
  @exclusivity(unchecked) var journalFailed = false
  @exclusivity(unchecked) var ep: Int32 = -1
  @exclusivity(unchecked) var lastReap: Int64 = 0
  /// The current loop turn's time (milliseconds since start; read once a turn).
  @exclusivity(unchecked) var turnTime: Int64 = 0
  /// A descriptor (`/dev/null`) held in reserve for when descriptors run out.
  @exclusivity(unchecked) var spareFD: Int32 = -1
  /// When the listeners were taken out of epoll (descriptors ran out and no spare was
  /// left): the time to put them back.
  @exclusivity(unchecked) var listenersPausedUntil: Int64?
  /// Accept failures for want of descriptors since the last log line about them.
  @exclusivity(unchecked) var refusedSinceLog = 0
  @exclusivity(unchecked) var lastRefusalLog: Int64 = -1_000_000

  /// Creates a server around a dispatcher.
  public init(dispatcher: Dispatcher, options: ServerOptions) {
    self.dispatcher = dispatcher
    self.options = options
    self.requireAuth = dispatcher.options.token != nil
  }

  func millis() -> Int64 {
    let (s, atto) = (ContinuousClock.now - startedAt).components
    return s * 1000 + atto / 1_000_000_000_000_000
  }

  static func log(_ event: String, _ fields: [(String, String)] = []) {
    var line = "allotd event=\(event)"
    for (k, v) in fields { line += " \(k)=\(v)" }
    line += "\n"
    let bytes = Array(line.utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
  }

  /// Opens every listener; throws a message naming the address on failure.
  public func bind() throws(ServerError) {
    for address in options.listen {
      let fd: Int32
      switch address {
      case .unix(let path):
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError("socket for \(address): \(errnoText())") }
        unlink(path)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
          throw ServerError("unix socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
          for (i, b) in bytes.enumerated() { raw[i] = b }
          raw[bytes.count] = 0
        }
        let ok = withUnsafePointer(to: &addr) {
          $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
          }
        }
        guard ok == 0 else { throw ServerError("bind \(address): \(errnoText())") }
        chmod(path, 0o600)
      case .tcp(let host, let port):
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError("socket for \(address): \(errnoText())") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else {
          throw ServerError("not an IPv4 address: \(host)")
        }
        let ok = withUnsafePointer(to: &addr) {
          $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
          }
        }
        guard ok == 0 else { throw ServerError("bind \(address): \(errnoText())") }
      }
      guard listen(fd, 1024) == 0 else { throw ServerError("listen \(address): \(errnoText())") }
      setNonBlocking(fd)
      listeners.append(fd)
      Server.log("listening", [("address", address.description)])
    }
  }

  func setNonBlocking(_ fd: Int32) {
    let flags = fcntl(fd, F_GETFL, 0)
    _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
  }

  /// Runs until SIGTERM/SIGINT.
  public func run() {
    if let interval = options.allocationInterval, interval.milli > 0 {
      nextCycle = (dispatcher.engine.now.milli / interval.milli + 1) * interval.milli
    }
    ep = allot_sys_epoll_create()
    guard ep >= 0 else {
      Server.log("epoll-failed", [("error", errnoText())])
      return
    }
    spareFD = open("/dev/null", O_RDONLY | O_CLOEXEC)
    for l in listeners { _ = allot_sys_epoll_ctl(ep, EPOLL_CTL_ADD, l, epollIn) }
    let signalFD = stopSignalFD.load(ordering: .relaxed)
    if signalFD >= 0 { _ = allot_sys_epoll_ctl(ep, EPOLL_CTL_ADD, signalFD, epollIn) }
    if wakeFD >= 0 { _ = allot_sys_epoll_ctl(ep, EPOLL_CTL_ADD, wakeFD, epollIn) }
    var readyFDs = [Int32](repeating: 0, count: 256)
    var readyEvents = [UInt32](repeating: 0, count: 256)
    var buffer = [UInt8](repeating: 0, count: 65536)
    var touched: [Connection] = []
    while !stopRequested.load(ordering: .relaxed) {
      var timeout: Int32 = 1000
      if nextCycle != .max {
        timeout = Int32(max(0, min(1000, nextCycle - dispatcher.engine.now.milli)))
      }
      if listenersPausedUntil != nil { timeout = min(timeout, 100) }
      let n = allot_sys_epoll_wait(ep, &readyFDs, &readyEvents, 256, timeout)
      if n < 0 {
        if errno == EINTR { continue }
        Server.log("epoll-wait-failed", [("error", errnoText())])
        break
      }
      turnTime = millis()
      if let until = listenersPausedUntil, turnTime >= until { resumeListeners() }
      for k in 0..<Int(n) {
        let fd = readyFDs[k]
        guard let c = connection(fd) else {
          if listeners.contains(fd) {
            acceptAll(fd)
          } else if fd == signalFD {
            while allot_sys_read_signal(fd) > 0 { stopRequested.store(true, ordering: .relaxed) }
          }
          continue
        }
        service(c, readyEvents[k], &buffer)
        if !c.touched {
          c.touched = true
          touched.append(c)
        }
      }
      if nextCycle != .max { runDueCycles() }
      // Group commit: one fsync for everything read in this turn, then the replies.
      if journal?.hasPending == true {
        do {
          try journal!.commit()
        } catch {
          Server.log("journal-failed", [("error", error.description)])
          journalFailed = true
          break
        }
      }
      for c in touched {
        c.touched = false
        guard connection(c.fd) === c else { continue }
        flush(c)
        if c.closing && c.pendingOutput == 0 {
          closeConnection(c)
          continue
        }
        updateInterest(c)
      }
      touched.removeAll(keepingCapacity: true)
      // A snapshot when one is due, once this turn's replies are out.
      if journal?.snapshotDue == true && !snapshotNow(reason: "due") {
        journalFailed = true
        break
      }
      if turnTime - lastReap >= 250 {
        reapIdle()
        lastReap = turnTime
      }
    }
    shutDown(&buffer)
  }

  /// Stops accepting, answers the complete lines clients sent before the stop (what already
  /// waits in the sockets included), makes them durable, writes the replies, and closes.
  func shutDown(_ buffer: inout [UInt8]) {
    for l in listeners { close(l) }
    listeners = []
    // Only the clients' sockets wake the waits below (the wake eventfd stays readable).
    let signalFD = stopSignalFD.load(ordering: .relaxed)
    if signalFD >= 0 { _ = allot_sys_epoll_ctl(ep, EPOLL_CTL_DEL, signalFD, 0) }
    if wakeFD >= 0 { _ = allot_sys_epoll_ctl(ep, EPOLL_CTL_DEL, wakeFD, 0) }
    turnTime = millis()
    for case let c? in table where !c.closing && !journalFailed {
      // Bounded: at most 64 reads per connection, and no more once replies back up.
      var reads = 0
      while reads < 64 && !c.closing && c.pendingOutput < options.maxPendingOutput {
        reads += 1
        let got = buffer.withUnsafeMutableBytes { read(c.fd, $0.baseAddress, $0.count) }
        if got < 0 && errno == EINTR { continue }
        if got <= 0 { break }
        buffer.withUnsafeBufferPointer { consume(c, UnsafeBufferPointer(rebasing: $0[0..<got])) }
      }
    }
    if journal?.hasPending == true && !journalFailed {
      do { try journal!.commit() } catch { journalFailed = true }
    }
    // The last snapshot, so that the next start loads it instead of replaying the journal.
    if !journalFailed { _ = snapshotNow(reason: "shutdown") }
    // Write the replies to every client at once, for at most min(write-stall timeout, 5 s)
    // in all (one stalled client does not hold up the others, nor the exit, for long).
    var waiting: [Connection] = journalFailed ? [] : table.compactMap { $0 }
    let deadline = turnTime + min(options.writeStallTimeout, 5) * 1000
    var readyFDs = [Int32](repeating: 0, count: 256)
    var readyEvents = [UInt32](repeating: 0, count: 256)
    while true {
      waiting.removeAll { c in
        flush(c)
        if c.pendingOutput == 0 { return true }
        updateInterest(c)
        return false
      }
      if waiting.isEmpty || millis() >= deadline { break }
      // Sleeps until some socket can take more (or 100 ms).
      _ = allot_sys_epoll_wait(ep, &readyFDs, &readyEvents, 256, 100)
      turnTime = millis()
    }
    for case let c? in table { closeConnection(c) }
    for address in options.listen { if case .unix(let path) = address { unlink(path) } }
    if spareFD >= 0 { close(spareFD) }
    close(ep)
    Server.log("stopped")
  }

  func connection(_ fd: Int32) -> Connection? {
    let i = Int(fd)
    return i >= 0 && i < table.count ? table[i] : nil
  }

  /// Reads while the connection may take more replies; writes while replies wait.
  func updateInterest(_ c: Connection) {
    let pending = c.pendingOutput
    var want: UInt32 = 0
    if !c.closing && pending < options.maxPendingOutput { want |= epollIn }
    if pending > 0 { want |= epollOut }
    if want != c.interest {
      _ = allot_sys_epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, want)
      c.interest = want
    }
  }

  func runDueCycles() {
    guard nextCycle != .max, let interval = options.allocationInterval else { return }
    let now = dispatcher.engine.now.milli
    while nextCycle <= now {
      _ = dispatcher.engine.allocateCount()
      journal?.append(now: now, line: Array(#"{"jsonrpc":"2.0","method":"allocate"}"#.utf8)[...])
      nextCycle += interval.milli
    }
  }

  func acceptAll(_ listener: Int32) {
    while true {
      let fd = allot_sys_accept_nonblocking(listener)
      if fd < 0 {
        switch errno {
        case EINTR, ECONNABORTED: continue
        case EMFILE, ENFILE:
          if refuseOne(listener) { continue }
          return
        default: return
        }
      }
      if connectionCount >= options.maxConnections {
        close(fd)
        continue
      }
      let c = Connection(
        fd: fd, session: Session(authenticated: !requireAuth), now: turnTime, interest: epollIn)
      let i = Int(fd)
      if i >= table.count {
        table.append(contentsOf: repeatElement(nil, count: i + 1 - table.count))
      }
      table[i] = c
      connectionCount += 1
      _ = allot_sys_epoll_ctl(ep, EPOLL_CTL_ADD, fd, epollIn)
    }
  }

  /// Refuses one pending connection when accept failed for want of file descriptors.
  ///
  /// Closes the spare descriptor to accept and close one pending connection, then reopens
  /// the spare; returns whether accepting may go on. Without a spare, the listeners leave
  /// epoll for 100 ms. Either way a listener that stays readable does not spin the loop, and
  /// existing connections are served as before.
  func refuseOne(_ listener: Int32) -> Bool {
    refusedSinceLog += 1
    if turnTime - lastRefusalLog >= 1000 {
      Server.log(
        "accept-failed",
        [
          ("error", errnoText()), ("refused", String(refusedSinceLog)),
          ("open", String(connectionCount)),
        ])
      refusedSinceLog = 0
      lastRefusalLog = turnTime
    }
    if spareFD >= 0 {
      close(spareFD)
      let fd = allot_sys_accept_nonblocking(listener)
      if fd >= 0 { close(fd) }
      spareFD = open("/dev/null", O_RDONLY | O_CLOEXEC)
      if fd >= 0 && spareFD >= 0 { return true }
    }
    if listenersPausedUntil == nil {
      for l in listeners { _ = allot_sys_epoll_ctl(ep, EPOLL_CTL_DEL, l, 0) }
      listenersPausedUntil = turnTime + 100
    }
    return false
  }

  func resumeListeners() {
    listenersPausedUntil = nil
    if spareFD < 0 { spareFD = open("/dev/null", O_RDONLY | O_CLOEXEC) }
    for l in listeners { _ = allot_sys_epoll_ctl(ep, EPOLL_CTL_ADD, l, epollIn) }
  }

  func service(_ c: Connection, _ revents: UInt32, _ buffer: inout [UInt8]) {
    if revents & (epollIn | epollHup | epollRdHup) != 0
      && (c.interest & epollIn != 0 || revents & epollHup != 0)
    {
      let got = buffer.withUnsafeMutableBytes { read(c.fd, $0.baseAddress, $0.count) }
      if got > 0 {
        c.lastActivity = turnTime
        buffer.withUnsafeBufferPointer { consume(c, UnsafeBufferPointer(rebasing: $0[0..<got])) }
      } else if got == 0 {
        // End of input (a half-close, or a close): answer what was read, an unfinished
        // last line included; the connection closes once the replies are written (after
        // the turn's group commit made them durable; the write-stall timeout bounds it).
        if !c.closing && !c.input.isEmpty {
          let rest = c.input
          c.input = []
          rest.withUnsafeBufferPointer { respond(c, $0) }
        }
        c.closing = true
      } else if errno != EAGAIN && errno != EINTR {
        closeConnection(c)
      }
    } else if revents & epollErr != 0 {
      closeConnection(c)
    }
  }

  /// Answers the complete lines among newly read bytes; keeps an unfinished line.
  func consume(_ c: Connection, _ new: UnsafeBufferPointer<UInt8>) {
    if c.closing { return }
    if c.input.isEmpty {
      // The usual case: whole lines straight from the read buffer, no copy.
      let used = answerLines(c, new, searchFrom: 0)
      if !c.closing && used < new.count {
        c.input.append(contentsOf: UnsafeBufferPointer(rebasing: new[used...]))
        c.searched = c.input.count
      }
      return
    }
    c.input.append(contentsOf: new)
    let input = c.input
    c.input = []
    let used = input.withUnsafeBufferPointer { answerLines(c, $0, searchFrom: c.searched) }
    if !c.closing && used < input.count {
      c.input = input
      c.input.removeFirst(used)
      c.searched = c.input.count
    } else {
      c.searched = 0
    }
  }

  /// Answers the complete lines of `bytes`; returns how many bytes were used.
  ///
  /// Line ends are looked for from `searchFrom` on (the bytes before it hold none). A line
  /// longer than the limit, finished or not, is answered with `tooLarge` and marks the
  /// connection closing (one byte of slack for a trailing `\r`).
  func answerLines(_ c: Connection, _ bytes: UnsafeBufferPointer<UInt8>, searchFrom: Int) -> Int {
    guard let base = bytes.baseAddress else { return 0 }
    let limit = dispatcher.options.maxLine + 1
    var start = 0
    var from = searchFrom
    while !c.closing, from < bytes.count,
      let hit = memchr(base + from, 0x0A, bytes.count - from)
    {
      let end = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
      if end - start > limit { break }
      respond(c, UnsafeBufferPointer(rebasing: bytes[start..<end]))
      start = end + 1
      from = start
    }
    if c.closing { return bytes.count }
    if bytes.count - start > limit {
      respond(c, UnsafeBufferPointer(rebasing: bytes[start..<(start + limit + 1)]))
      c.closing = true
      return bytes.count
    }
    return start
  }

  func respond(_ c: Connection, _ line: UnsafeBufferPointer<UInt8>) {
    var n = line.count
    if n > 0 && line[n - 1] == 0x0D { n -= 1 }
    if n > dispatcher.options.maxLine { c.closing = true }
    if c.pendingOutput == 0 { c.lastWriteProgress = turnTime }
    let t = journal == nil ? 0 : dispatcher.engine.now.milli
    if dispatcher.handle(bytes: line, session: &c.session, into: &c.output) {
      c.output.append(0x0A)
    }
    if journal != nil && dispatcher.lastLineMutated {
      journal!.append(now: t, line: ArraySlice(UnsafeBufferPointer(rebasing: line[0..<n])))
    }
  }

  /// Writes what the socket takes now; on a reset or other error drops the output and marks
  /// the connection closing.
  func flush(_ c: Connection) {
    var progress = false
    while c.outputStart < c.output.count {
      let start = c.outputStart
      let w = c.output.withUnsafeBytes { raw in
        send(c.fd, raw.baseAddress! + start, raw.count - start, Int32(MSG_NOSIGNAL))
      }
      if w > 0 {
        c.outputStart += w
        progress = true
        continue
      }
      if w < 0 && errno == EINTR { continue }
      if w < 0 && errno == EAGAIN { break }
      c.output = []
      c.outputStart = 0
      c.closing = true
      return
    }
    if progress { c.lastWriteProgress = turnTime }
    if c.outputStart == c.output.count {
      // All written: keep a small buffer for the next replies, give a large one back.
      if c.output.capacity > 1 << 16 {
        c.output = []
      } else {
        c.output.removeAll(keepingCapacity: true)
      }
      c.outputStart = 0
    } else if c.outputStart >= 1 << 16 && c.outputStart >= c.output.count / 2 {
      c.output.removeFirst(c.outputStart)
      c.outputStart = 0
    }
  }

  func reapIdle() {
    let now = turnTime
    for case let c? in table {
      if c.pendingOutput > 0 && now - c.lastWriteProgress > options.writeStallTimeout * 1000 {
        closeConnection(c)
      } else if options.idleTimeout > 0 && c.pendingOutput == 0
        && now - c.lastActivity > options.idleTimeout * 1000
      {
        closeConnection(c)
      }
    }
  }

  func closeConnection(_ c: Connection) {
    let i = Int(c.fd)
    guard i < table.count, table[i] === c else { return }
    table[i] = nil
    connectionCount -= 1
    close(c.fd)
  }
}

/// A server start-up failure, with a message naming what failed.
public struct ServerError: Error, CustomStringConvertible {
  /// The message.
  public let description: String
  init(_ d: String) { description = d }
}

func errnoText() -> String { String(cString: strerror(errno)) }

/// Asks every running server loop to stop (what SIGTERM does); for hosts that run a server
/// in-process, such as `allot-bench server`.
public func requestServerStop() {
  stopRequested.store(true, ordering: .relaxed)
  allot_sys_eventfd_signal(wakeFD)
}

/// An eventfd every server loop watches: ``requestServerStop()`` makes it readable so that a
/// loop blocked in `epoll_wait` wakes at once (it is never drained; the loops then stop).
let wakeFD: Int32 = allot_sys_eventfd()

/// The signalfd that reads SIGTERM and SIGINT once ``installSignalHandlers()`` ran (-1
/// before, or when the handler fallback is in use).
let stopSignalFD = Atomic<Int32>(-1)

/// Ignores SIGPIPE and routes SIGTERM/SIGINT to the server loop.
///
/// The signals are blocked and read from a signalfd in the loop (whatever signal mask or
/// disposition the process inherited); call this before starting any thread, since threads
/// inherit the mask. Where signalfd fails, handlers that set the stop flag are installed.
public func installSignalHandlers() {
  signal(SIGPIPE, SIG_IGN)
  let fd = allot_sys_stop_signal_fd()
  if fd >= 0 {
    stopSignalFD.store(fd, ordering: .relaxed)
    return
  }
  let handler: @convention(c) (Int32) -> Void = { _ in
    stopRequested.store(true, ordering: .relaxed)
  }
  signal(SIGTERM, handler)
  signal(SIGINT, handler)
}

/// Raises the soft limit on open files to the hard limit, so that the server holds as many
/// connections as the system lets it.
///
/// - Returns: The limit now in force, or nil when it cannot be read.
public func raiseOpenFileLimit() -> Int? {
  let n = allot_sys_raise_open_file_limit()
  return n < 0 ? nil : n
}
