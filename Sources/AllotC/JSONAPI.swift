import AllotRPC
public import CAllot

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

// The JSON entry point (allot.h, "JSON-RPC"): the same dispatcher as the allotd server.

/// Implements `allot_call_json`: one request line in, one response line out.
@c @implementation
public func allot_call_json(
  _ engine: OpaquePointer?, _ request: UnsafePointer<CChar>?, _ length: Int,
  _ response: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
  _ responseLength: UnsafeMutablePointer<Int>?
) -> allot_status {
  response?.pointee = nil
  responseLength?.pointee = 0
  return withCore(engine) { core throws(Failure) in
    guard let response else { throw .misuse("response is NULL", field: "response") }
    guard length >= 0 else {
      throw .misuse("length is larger than the address space", field: "length")
    }
    var n = length
    var start: UnsafePointer<UInt8>?
    if n > 0 {
      guard let request else {
        throw .misuse("request is NULL with a length of \(n)", field: "request")
      }
      let bytes = UnsafeRawPointer(request).assumingMemoryBound(to: UInt8.self)
      if bytes[n - 1] == 0x0A { n -= 1 }
      start = bytes
    }
    core.scratch.removeAll(keepingCapacity: core.scratch.capacity <= 1 << 22)
    var session = core.session
    core.dispatcher.handle(
      bytes: UnsafeBufferPointer(start: start, count: n), session: &session, into: &core.scratch)
    core.session = session
    let m = core.scratch.count
    guard let out = malloc(m + 1) else { throw .noMemory("the response") }
    core.scratch.withUnsafeBytes { b in
      if let p = b.baseAddress { out.copyMemory(from: p, byteCount: m) }
    }
    out.storeBytes(of: 0, toByteOffset: m, as: UInt8.self)
    response.pointee = out.bindMemory(to: CChar.self, capacity: m + 1)
    responseLength?.pointee = m
  }
}

/// Implements `allot_free`: frees a response of `allot_call_json` or any result.
@c @implementation
public func allot_free(_ pointer: UnsafeMutableRawPointer?) {
  free(pointer)
}
