// libFuzzer target: the JSON parser and writer of the wire contract.
//
// Any bytes are JSON text. When they parse:
// - writing the value and parsing the output gives an equal value (round trip);
// - writing that value again gives the same bytes (the writer is stable);
// - the output is valid UTF-8 without raw control characters (compact JSON);
// - a parser with tighter limits either fails or gives the same value, and a text the
//   default parser rejects is rejected under tighter limits too.
import AllotRPC

/// Tight limits, so the limit paths are reached by small inputs.
let tight = JSONLimits(maxDepth: 4, maxStringBytes: 16, maxNumberBytes: 8, maxValues: 32)

/// Writes a value to bytes.
func written(_ value: JSONValue) -> [UInt8] {
  var w = JSONWriter()
  w.write(value)
  return w.bytes
}

/// The fuzzer's entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let input = UnsafeBufferPointer(start: data, count: size)
  var parser = JSONParser()
  var tightParser = JSONParser(limits: tight)
  let value: JSONValue
  do {
    value = try parser.parse(input)
  } catch {
    _ = error.message
    if let v = try? tightParser.parse(input) {
      fatalError("tight limits accept what the default rejects (\(error)): \(v)")
    }
    return 0
  }
  if let v = try? tightParser.parse(input) {
    precondition(v == value, "tight limits parse to a different value")
  }
  let first = written(value)
  precondition(
    String(validating: first, as: UTF8.self) != nil, "the writer's output is not UTF-8")
  precondition(!first.contains { $0 < 0x20 }, "the writer's output holds a raw control byte")
  let again: JSONValue
  do {
    again = try parser.parse(first)
  } catch {
    fatalError("written text does not parse (\(error)): \(String(decoding: first, as: UTF8.self))")
  }
  precondition(again == value, "round trip changed the value")
  precondition(again.hashValue == value.hashValue, "equal values hash differently")
  precondition(written(again) == first, "writing is not stable")
  return 0
}
