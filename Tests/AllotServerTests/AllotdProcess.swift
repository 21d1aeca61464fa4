import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Test failures of the harness itself (the server did not start, a reply did not come).
struct HarnessError: Error, CustomStringConvertible {
  let description: String
  init(_ d: String) { description = d }
}

/// The real `allotd` binary, started on a temporary Unix socket.
///
/// The binary is the one `swift test` builds beside the test bundle (the test target depends
/// on the `allotd` target); `ALLOTD` in the environment points elsewhere.
final class AllotdProcess {
  let directory: String
  let socketPath: String
  let process = Process()

  /// The binary beside the running test bundle.
  static func binary() throws -> String {
    if let path = ProcessInfo.processInfo.environment["ALLOTD"] { return path }
    let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
    // The bundle may be a directory (…/AllotPackageTests.xctest/…) or a file beside allotd.
    for _ in 0..<4 {
      let candidate = dir.appendingPathComponent("allotd").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      dir = dir.deletingLastPathComponent()
    }
    throw HarnessError("no allotd binary near \(exe); set ALLOTD")
  }

  /// Starts `allotd --listen unix:… <arguments>` and waits until it accepts connections.
  init(_ arguments: [String] = ["--manual-clock"]) throws {
    directory =
      FileManager.default.temporaryDirectory
      .appendingPathComponent("allotd-swift-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    socketPath = directory + "/s.sock"
    process.executableURL = URL(fileURLWithPath: try AllotdProcess.binary())
    process.arguments = ["--listen", "unix:" + socketPath] + arguments
    process.standardError = FileHandle(forWritingAtPath: "/dev/null")
    try process.run()
    // Ready when the socket accepts.
    for _ in 0..<400 {
      if let c = try? Client(socketPath) {
        _ = c
        return
      }
      guard process.isRunning else { break }
      usleep(25_000)
    }
    process.terminate()
    throw HarnessError("allotd did not start on \(socketPath)")
  }

  /// A new connection.
  func connect() throws -> Client { try Client(socketPath) }

  /// Sends SIGTERM and waits; returns the exit status (-1 when the server did not exit
  /// within 10 s: it is killed then).
  func stop() -> Int32 {
    if process.isRunning { kill(process.processIdentifier, SIGTERM) }
    for _ in 0..<1000 where process.isRunning { usleep(10_000) }
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      return -1
    }
    process.waitUntilExit()
    return process.terminationStatus
  }

  deinit {
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
    try? FileManager.default.removeItem(atPath: directory)
  }
}

/// A blocking newline-delimited JSON-RPC client over a Unix socket (10 s timeouts).
final class Client {
  let fd: Int32
  var buffer: [UInt8] = []
  var nextID = 0

  init(_ path: String) throws {
    fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw HarnessError("socket: \(errno)") }
    var addr = sockaddr_un()
    addr.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    withUnsafeMutableBytes(of: &addr.sun_path) { raw in
      for (i, b) in bytes.enumerated() { raw[i] = b }
      raw[bytes.count] = 0
    }
    let ok = withUnsafePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    guard ok == 0 else {
      close(fd)
      throw HarnessError("connect \(path): \(errno)")
    }
    var tv = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
  }

  deinit { close(fd) }

  /// Writes raw bytes.
  func send(_ text: String) throws {
    let bytes = Array(text.utf8)
    var sent = 0
    while sent < bytes.count {
      let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, 0) }
      guard n > 0 else { throw HarnessError("send failed: \(errno)") }
      sent += n
    }
  }

  /// The next reply line as a JSON object, or nil at end of stream.
  func readLine() throws -> [String: Any]? {
    while true {
      if let nl = buffer.firstIndex(of: 0x0A) {
        let line = Data(buffer[..<nl])
        buffer.removeSubrange(...nl)
        let object = try JSONSerialization.jsonObject(with: line)
        guard let dictionary = object as? [String: Any] else {
          throw HarnessError("not an object: \(String(decoding: line, as: UTF8.self))")
        }
        return dictionary
      }
      var chunk = [UInt8](repeating: 0, count: 65536)
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n == 0 { return nil }
      guard n > 0 else { throw HarnessError("read failed (errno \(errno)): no reply") }
      buffer.append(contentsOf: chunk[0..<n])
    }
  }

  /// Sends one line and reads one reply.
  func line(_ text: String) throws -> [String: Any] {
    try send(text + "\n")
    guard let reply = try readLine() else { throw HarnessError("connection closed") }
    return reply
  }

  /// Calls a method; returns the whole response (result or error).
  func request(_ method: String, _ params: [String: Any]? = nil) throws -> [String: Any] {
    nextID += 1
    var object: [String: Any] = ["jsonrpc": "2.0", "id": nextID, "method": method]
    if let params { object["params"] = params }
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    let reply = try line(String(decoding: data, as: UTF8.self))
    #expect(reply["id"] as? Int == nextID)
    return reply
  }

  /// Calls a method that must succeed; returns its result.
  func call(_ method: String, _ params: [String: Any]? = nil) throws -> [String: Any] {
    let reply = try request(method, params)
    guard let result = reply["result"] as? [String: Any] else {
      throw HarnessError("\(method) failed: \(reply)")
    }
    return result
  }
}

/// The error object of a response (code, message, data) or nil.
func errorOf(_ reply: [String: Any]) -> (code: Int, kind: String?, field: String?)? {
  guard let error = reply["error"] as? [String: Any], let code = error["code"] as? Int else {
    return nil
  }
  let data = error["data"] as? [String: Any]
  return (code, data?["kind"] as? String, data?["field"] as? String)
}
