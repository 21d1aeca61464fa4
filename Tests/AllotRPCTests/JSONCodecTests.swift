import Allot
import Testing

@testable import AllotRPC

/// Accept/reject tables in the style of JSONTestSuite (y_ must parse, n_ must not), writer
/// formatting, limits, and round-trip properties.
@Suite struct JSONCodecTests {
  static let accepted: [String] = [
    "0", "-0", "1e5", "1E+5", "-1.5e-3", "123.456", "\"\"", "\"\\u00e9\"", "\"\\ud83d\\ude00\"",
    "true", "false", "null", "[]", "{}", " [1, 2 ]\t\r\n", "{\"a\":{\"b\":[null]}}",
    "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"é😀\"", "[1e400]", "[-0.0]", "{\"\":1}",
  ]

  static let rejected: [String] = [
    "", " ", "[1,]", "{\"a\":1,}", "[01]", "[-]", "[1.]", "[.5]", "[1e]", "[+1]", "[NaN]",
    "[Infinity]", "['a']", "{a:1}", "[1 2]", "{\"a\" 1}", "\"\\x\"", "\"\\u12\"",
    "\"\\ud800\"", "\"\\udc00x\"", "\"a\u{01}\"", "[true", "tru", "nul", "[1]x", "\u{0C}[1]",
    "{\"a\":1,\"a\":2}", "//c\n1", "[1,,2]",
  ]

  @Test(arguments: accepted)
  func acceptsValidJSON(text: String) throws {
    var p = JSONParser()
    _ = try p.parse(text)
  }

  @Test(arguments: rejected)
  func rejectsInvalidJSON(text: String) {
    var p = JSONParser()
    #expect(throws: JSONError.self) { try p.parse(text) }
  }

  /// Invalid UTF-8: overlong forms, encoded surrogates, values above U+10FFFF, truncated
  /// and stray continuation bytes.
  @Test(
    arguments: [
      [0x22, 0xC0, 0x80, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22],
      [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22],
      [0x22, 0xE2, 0x82, 0x22], [0x22, 0x80, 0x22], [0x22, 0xF0, 0x82, 0x82, 0xAC, 0x22],
      [0xFF],
    ] as [[UInt8]])
  func rejectsInvalidUTF8(bytes: [UInt8]) {
    var p = JSONParser()
    #expect(throws: JSONError.self) { try p.parse(bytes) }
  }

  @Test func duplicateKeysAreAnError() {
    var p = JSONParser()
    do {
      _ = try p.parse("{\"id\":1,\"id\":2}")
      Issue.record("accepted duplicate keys")
    } catch {
      #expect(error.kind == .duplicateKey)
    }
  }

  @Test func limits() throws {
    var p = JSONParser(limits: JSONLimits(maxDepth: 3))
    _ = try p.parse("[[[1]]]")
    #expect(throws: JSONError.self) { try p.parse("[[[[1]]]]") }
    var q = JSONParser(limits: JSONLimits(maxStringBytes: 4))
    _ = try q.parse("\"abcd\"")
    #expect(throws: JSONError.self) { try q.parse("\"abcde\"") }
    // A deep document fails by the limit, never by the stack.
    var d = JSONParser()
    #expect(throws: JSONError.self) { try d.parse(String(repeating: "[", count: 100_000)) }
  }

  @Test func numbersKeepTheirTextAndIntegersAreStrict() throws {
    var p = JSONParser()
    let v = try p.parse("[2, 2.0, 2e0, -7, 9223372036854775808, 0.1]")
    let a = try #require(v.arrayValue)
    #expect(
      a.map { $0.numberValue?.text } == ["2", "2.0", "2e0", "-7", "9223372036854775808", "0.1"])
    #expect(a[0].int64Value == 2)
    #expect(a[1].numberValue.map { $0.isInteger } == false)
    #expect(a[2].numberValue.map { $0.isInteger } == false)
    #expect(a[4].int64Value == nil)
    #expect(a[5].numberValue?.milli == .ok(100))
  }

  @Test(
    arguments: [
      (4000, "4"), (500, "0.5"), (125, "0.125"), (1, "0.001"), (0, "0"),
      (9_007_199_254_740_991, "9007199254740.991"), (10, "0.01"),
    ] as [(Int64, String)])
  func writesQuantitiesShortest(milli: Int64, text: String) {
    var w = JSONWriter()
    w.writeMilli(milli)
    #expect(String(decoding: w.bytes, as: UTF8.self) == text)
  }

  @Test(
    arguments: [
      (1.0, "1"), (0.0, "0"), (1.0 / 3.0, "0.3333333333333333"),
      (1.0 / 12.0, "0.08333333333333333"),
      (1e-7, "0.0000001"), (1e16, "10000000000000000"),
      (0.041666666666666664, "0.041666666666666664"),
      (0.25, "0.25"), (2.5e-5, "0.000025"),
    ] as [(Double, String)])
  func writesDoublesShortestWithoutExponent(value: Double, text: String) throws {
    var w = JSONWriter()
    w.write(value)
    let s = String(decoding: w.bytes, as: UTF8.self)
    #expect(s == text)
    #expect(Double(s) == value)
  }

  @Test func writerEscapesOnlyWhereJSONRequires() {
    var w = JSONWriter()
    w.write("a\"b\\c\n\u{01}é😀/")
    #expect(String(decoding: w.bytes, as: UTF8.self) == "\"a\\\"b\\\\c\\n\\u0001é😀/\"")
    var o = JSONWriter()
    o.object { w in
      w.member("b", 1)
      w.member("a", "x")
      w.key("c")
      w.array { w in
        w.write(true)
        w.writeNull()
      }
    }
    #expect(String(decoding: o.bytes, as: UTF8.self) == #"{"b":1,"a":"x","c":[true,null]}"#)
  }

  static func randomValue(_ rng: inout SplitMix64, depth: Int) -> JSONValue {
    switch Int(rng.next() % (depth > 3 ? 4 : 6)) {
    case 0: return .null
    case 1: return .bool(rng.next() % 2 == 0)
    case 2: return .number(JSONNumber(Int64(bitPattern: rng.next()) >> Int64(rng.next() % 60)))
    case 3:
      let pool: [Character] = ["a", "\"", "\\", "\n", "é", "😀", " ", "\u{01}", "z", "/"]
      return .string(String((0..<Int(rng.next() % 8)).map { _ in pool[Int(rng.next() % 10)] }))
    case 4:
      return .array((0..<Int(rng.next() % 4)).map { _ in randomValue(&rng, depth: depth + 1) })
    default:
      var members: [JSONObject.Member] = []
      for k in 0..<Int(rng.next() % 4) {
        members.append(JSONObject.Member(key: "k\(k)", value: randomValue(&rng, depth: depth + 1)))
      }
      return .object(JSONObject(members))
    }
  }

  @Test func writtenValuesParseBackEqual() throws {
    var rng = SplitMix64(seed: 9)
    for _ in 0..<2000 {
      let v = Self.randomValue(&rng, depth: 0)
      var w = JSONWriter()
      w.write(v)
      var p = JSONParser()
      let back = try p.parse(w.bytes)
      #expect(back == v)
      var w2 = JSONWriter()
      w2.write(back)
      #expect(w2.bytes == w.bytes)
    }
  }

  /// Random bytes and mutated documents never crash: they parse or fail with a position
  /// inside the input.
  @Test func randomBytesNeverCrash() {
    var rng = SplitMix64(seed: 11)
    let seed = Array(#"{"jsonrpc":"2.0","id":7,"method":"x","params":{"a":[1,2.5,"é"]}}"#.utf8)
    for round in 0..<20_000 {
      var bytes: [UInt8]
      if round % 2 == 0 {
        bytes = (0..<Int(rng.next() % 24)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
      } else {
        bytes = seed
        for _ in 0..<Int(1 + rng.next() % 3) {
          bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
        }
      }
      var p = JSONParser()
      do {
        _ = try p.parse(bytes)
      } catch {
        #expect(error.offset >= 0 && error.offset <= bytes.count)
      }
    }
  }
}
