// libFuzzer target: `allot_call_json`, the C API's JSON entry, as a C caller uses it.
//
// The first byte picks the engine's configuration (manual clock, allocation interval, a
// small line limit); the rest is split on `\n` into request lines, each passed to
// `allot_call_json` on one engine (alternately with and without its `\n`). Every response is
// checked (ALLOT_OK, NUL-terminated at the reported length, a JSON object or array or
// empty) and freed with `allot_free`; the engine is destroyed at the end. AddressSanitizer
// reports any bad access, double free or leak.
import CAllot

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Sends one line and checks the response.
func call(_ engine: OpaquePointer, _ bytes: UnsafePointer<UInt8>?, _ length: Int) {
  var response: UnsafeMutablePointer<CChar>? = nil
  var responseLength = -1
  let status = bytes.withMemoryRebound(to: CChar.self, capacity: max(length, 1)) {
    allot_call_json(engine, $0, length, &response, &responseLength)
  }
  precondition(status == .ALLOT_OK, "allot_call_json returned \(status)")
  guard let response else { preconditionFailure("ALLOT_OK without a response") }
  precondition(strlen(response) == responseLength, "the response length is wrong")
  if responseLength > 0 {
    let first = UInt8(bitPattern: response[0])
    let last = UInt8(bitPattern: response[responseLength - 1])
    precondition(
      (first == UInt8(ascii: "{") && last == UInt8(ascii: "}"))
        || (first == UInt8(ascii: "[") && last == UInt8(ascii: "]")),
      "the response is not a JSON object or array")
  }
  allot_free(response)
}

/// Rebinds an optional pointer (nil stays nil).
extension Optional where Wrapped == UnsafePointer<UInt8> {
  func withMemoryRebound<R>(
    to: CChar.Type, capacity: Int, _ body: (UnsafePointer<CChar>?) -> R
  ) -> R {
    guard let p = self else { return body(nil) }
    return p.withMemoryRebound(to: CChar.self, capacity: capacity) { body($0) }
  }
}

/// The fuzzer's entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCAPI(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  guard size > 0 else { return 0 }
  var config = allot_config()
  precondition(allot_config_init(&config, MemoryLayout<allot_config>.size) == .ALLOT_OK)
  let mode = data[0]
  config.manual_clock = mode & 1 == 0 ? 1 : 0
  if mode & 2 != 0 { config.allocation_interval_milli = 5000 }
  if mode & 4 != 0 { config.max_line = 96 }
  if mode & 8 != 0 {
    config.use_shuffle_seed = 1
    config.shuffle_seed = UInt64(mode)
  }
  var engine: OpaquePointer? = nil
  precondition(allot_engine_create(&config, &engine) == .ALLOT_OK, "allot_engine_create failed")
  guard let engine else { preconditionFailure("no engine") }
  defer { allot_engine_destroy(engine) }
  // Misuse is reported, not crashed on: a NULL response pointer, a NULL request.
  precondition(allot_call_json(engine, nil, 0, nil, nil) == .ALLOT_MISUSE)
  call(engine, nil, 0)
  var start = 1
  var lineNumber = 0
  while start < size {
    var end = start
    while end < size && data[end] != 0x0A { end += 1 }
    // Alternately with the line's `\n` (when it has one) and without.
    let withNewline = lineNumber % 2 == 1 && end < size
    call(engine, data + start, end - start + (withNewline ? 1 : 0))
    start = end + 1
    lineNumber += 1
  }
  return 0
}
