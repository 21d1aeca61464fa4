import AllotRPC
import Testing

/// Error messages and positions, checked against Python's `json` module.
///
/// `pythonCases` was generated once with `json.loads(text)` of Python 3.11 (the script is in
/// the comment at the end of this file); the tests do not need Python.
@Suite struct JSONErrorMessageTests {
  static let pythonCases: [(input: String, message: String)] = [
    (
      "{\"jsonrpc\":\"2.0\",\"id\":18,\"method\":\"ping\"",
      "Expecting ',' delimiter: line 1 column 41 (char 40)"
    ),
    ("", "Expecting value: line 1 column 1 (char 0)"),
    (" ", "Expecting value: line 1 column 2 (char 1)"),
    ("\u{a}", "Expecting value: line 2 column 1 (char 1)"),
    (" \u{9}\u{d}\u{a}", "Expecting value: line 2 column 1 (char 4)"),
    ("[1,]", "Expecting value: line 1 column 4 (char 3)"),
    ("{\"a\":1,}", "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)"),
    ("{\"a\" 1}", "Expecting ':' delimiter: line 1 column 6 (char 5)"),
    ("{a:1}", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    ("\"abc", "Unterminated string starting at: line 1 column 1 (char 0)"),
    ("\"a\u{1}b\"", "Invalid control character at: line 1 column 3 (char 2)"),
    ("\"a\\qb\"", "Invalid \\escape: line 1 column 3 (char 2)"),
    ("\"a\\u12\"", "Invalid \\uXXXX escape: line 1 column 4 (char 3)"),
    ("\"a\\u12x4\"", "Invalid \\uXXXX escape: line 1 column 4 (char 3)"),
    ("[1] x", "Extra data: line 1 column 5 (char 4)"),
    ("01", "Extra data: line 1 column 2 (char 1)"),
    ("[01]", "Expecting ',' delimiter: line 1 column 3 (char 2)"),
    ("1.", "Extra data: line 1 column 2 (char 1)"),
    ("-", "Expecting value: line 1 column 1 (char 0)"),
    ("-a", "Expecting value: line 1 column 1 (char 0)"),
    ("1e", "Extra data: line 1 column 2 (char 1)"),
    ("1e+", "Extra data: line 1 column 2 (char 1)"),
    ("1E-", "Extra data: line 1 column 2 (char 1)"),
    ("[1,2", "Expecting ',' delimiter: line 1 column 5 (char 4)"),
    ("[", "Expecting value: line 1 column 2 (char 1)"),
    ("{", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    ("{\"a\":", "Expecting value: line 1 column 6 (char 5)"),
    ("tru", "Expecting value: line 1 column 1 (char 0)"),
    ("nul", "Expecting value: line 1 column 1 (char 0)"),
    ("fals", "Expecting value: line 1 column 1 (char 0)"),
    ("[1 2]", "Expecting ',' delimiter: line 1 column 4 (char 3)"),
    ("{\"a\":1 \"b\":2}", "Expecting ',' delimiter: line 1 column 8 (char 7)"),
    ("\"\\", "Unterminated string starting at: line 1 column 1 (char 0)"),
    ("\"abc\\", "Unterminated string starting at: line 1 column 1 (char 0)"),
    ("\u{a}\u{a}  [1,\u{a} 2,,]", "Expecting value: line 4 column 4 (char 11)"),
    ("\"\u{e9}\u{e9}\" x", "Extra data: line 1 column 6 (char 5)"),
    ("[\"\u{e9}\", x]", "Expecting value: line 1 column 7 (char 6)"),
    ("[\"\u{1f600}\u{a}\", y]", "Invalid control character at: line 1 column 4 (char 3)"),
    ("1 2", "Extra data: line 1 column 3 (char 2)"),
    ("[1,\u{a}2\u{a},\u{a}]", "Expecting value: line 4 column 1 (char 8)"),
    (
      "{\"a\":1,\u{a}}",
      "Expecting property name enclosed in double quotes: line 2 column 1 (char 8)"
    ),
    ("{,}", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    ("[,]", "Expecting value: line 1 column 2 (char 1)"),
    ("{\"a\":1,,}", "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)"),
    ("[-]", "Expecting value: line 1 column 2 (char 1)"),
    ("[.5]", "Expecting value: line 1 column 2 (char 1)"),
    ("[+1]", "Expecting value: line 1 column 2 (char 1)"),
    ("[0x10]", "Expecting ',' delimiter: line 1 column 3 (char 2)"),
    ("[1.e5]", "Expecting ',' delimiter: line 1 column 3 (char 2)"),
    ("[1.5e]", "Expecting ',' delimiter: line 1 column 5 (char 4)"),
    ("\"\\u00\"", "Invalid \\uXXXX escape: line 1 column 3 (char 2)"),
    ("\"\\uzzzz\"", "Invalid \\uXXXX escape: line 1 column 3 (char 2)"),
    ("\"\\U0041\"", "Invalid \\escape: line 1 column 2 (char 1)"),
    ("['a']", "Expecting value: line 1 column 2 (char 1)"),
    ("[1]\u{0}", "Extra data: line 1 column 4 (char 3)"),
    ("{\"a\"", "Expecting ':' delimiter: line 1 column 5 (char 4)"),
    ("{\"a\":1", "Expecting ',' delimiter: line 1 column 7 (char 6)"),
    ("{\"a\":1,", "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)"),
    ("[true", "Expecting ',' delimiter: line 1 column 6 (char 5)"),
    ("[1,", "Expecting value: line 1 column 4 (char 3)"),
    ("{\"\u{1}\":1}", "Invalid control character at: line 1 column 3 (char 2)"),
    ("\"\\u0041", "Invalid \\uXXXX escape: line 1 column 3 (char 2)"),
    ("\"\\u004", "Invalid \\uXXXX escape: line 1 column 3 (char 2)"),
    ("\"\\u0041\"x", "Extra data: line 1 column 9 (char 8)"),
    ("[00]", "Expecting ',' delimiter: line 1 column 3 (char 2)"),
    ("[-01]", "Expecting ',' delimiter: line 1 column 4 (char 3)"),
    ("[1e5.5]", "Expecting ',' delimiter: line 1 column 5 (char 4)"),
    ("[1.5.5]", "Expecting ',' delimiter: line 1 column 5 (char 4)"),
    ("[--1]", "Expecting value: line 1 column 2 (char 1)"),
    ("[1]]", "Extra data: line 1 column 4 (char 3)"),
    ("{}}", "Extra data: line 1 column 3 (char 2)"),
    ("[]]", "Extra data: line 1 column 3 (char 2)"),
    ("{\"a\":1}{", "Extra data: line 1 column 8 (char 7)"),
    ("nulll", "Extra data: line 1 column 5 (char 4)"),
    ("[truefalse]", "Expecting ',' delimiter: line 1 column 6 (char 5)"),
    ("[True]", "Expecting value: line 1 column 2 (char 1)"),
    ("[null,]", "Expecting value: line 1 column 7 (char 6)"),
    ("{\"a\":b}", "Expecting value: line 1 column 6 (char 5)"),
    ("{\"a\"::1}", "Expecting value: line 1 column 6 (char 5)"),
    ("{:1}", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    ("{\"a\",1}", "Expecting ':' delimiter: line 1 column 5 (char 4)"),
    ("[1:2]", "Expecting ',' delimiter: line 1 column 3 (char 2)"),
    ("{1:1}", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    ("[\u{c}1]", "Expecting value: line 1 column 2 (char 1)"),
    ("\u{c}", "Expecting value: line 1 column 1 (char 0)"),
    ("[1\u{b}]", "Expecting ',' delimiter: line 1 column 3 (char 2)"),
    ("[\"a\u{9}b\"]", "Invalid control character at: line 1 column 4 (char 3)"),
    ("[\"\u{7f}\"]x", "Extra data: line 1 column 6 (char 5)"),
    ("[\"a\"\u{a},\u{a}\"b\"\u{a},\u{a}]", "Expecting value: line 5 column 1 (char 13)"),
    ("\"\\x41\"", "Invalid \\escape: line 1 column 2 (char 1)"),
    ("\"\\'\"", "Invalid \\escape: line 1 column 2 (char 1)"),
    ("\"\\a\"", "Invalid \\escape: line 1 column 2 (char 1)"),
    ("\"\\ \"", "Invalid \\escape: line 1 column 2 (char 1)"),
    ("\"\\u-123\"", "Invalid \\uXXXX escape: line 1 column 3 (char 2)"),
    ("\"\\u 123\"", "Invalid \\uXXXX escape: line 1 column 3 (char 2)"),
    ("[1e1000x]", "Expecting ',' delimiter: line 1 column 8 (char 7)"),
    ("[0.]", "Expecting ',' delimiter: line 1 column 3 (char 2)"),
    ("[.]", "Expecting value: line 1 column 2 (char 1)"),
    ("[1e]", "Expecting ',' delimiter: line 1 column 3 (char 2)"),
    ("[-1x]", "Expecting ',' delimiter: line 1 column 4 (char 3)"),
    ("[2.]", "Expecting ',' delimiter: line 1 column 3 (char 2)"),
    ("[1.0e+]", "Expecting ',' delimiter: line 1 column 5 (char 4)"),
    ("[1.0e-]", "Expecting ',' delimiter: line 1 column 5 (char 4)"),
    ("123abc", "Extra data: line 1 column 4 (char 3)"),
    ("[0e]", "Expecting ',' delimiter: line 1 column 3 (char 2)"),
    ("\"\\ud83d\\ude00", "Invalid \\uXXXX escape: line 1 column 9 (char 8)"),
    ("\"\\ud83d\\ude0", "Invalid \\uXXXX escape: line 1 column 9 (char 8)"),
    ("\"\\ud83d\\uzzzz\"", "Invalid \\uXXXX escape: line 1 column 9 (char 8)"),
    ("\"\u{20ac} \\q\"", "Invalid \\escape: line 1 column 4 (char 3)"),
    ("{\"\u{20ac}\":1,\"x\" 2}", "Expecting ':' delimiter: line 1 column 12 (char 11)"),
    ("{\"a\":[1,{\"b\":2 }", "Expecting ',' delimiter: line 1 column 17 (char 16)"),
    ("[[[[[[[[]]]]]]]", "Expecting ',' delimiter: line 1 column 16 (char 15)"),
    (
      "[1,{\"a\":[2,3],\"b\":{\"c\":\"\\n\"}}, 4 5]",
      "Expecting ',' delimiter: line 1 column 34 (char 33)"
    ),
    ("\"unterminated\u{a}", "Invalid control character at: line 1 column 14 (char 13)"),
    ("\"a\u{0}\"", "Invalid control character at: line 1 column 3 (char 2)"),
    ("\"a\u{1f}\"", "Invalid control character at: line 1 column 3 (char 2)"),
    ("{\"a\":1}\u{a}\u{a}  x", "Extra data: line 3 column 3 (char 11)"),
    ("/* c */ 1", "Expecting value: line 1 column 1 (char 0)"),
    ("1 // c", "Extra data: line 1 column 3 (char 2)"),
    ("[1,/*c*/2]", "Expecting value: line 1 column 4 (char 3)"),
    ("#", "Expecting value: line 1 column 1 (char 0)"),
    // Python reads NaN as an extension; we are strict RFC 8259.
    ("[NaN", "Expecting value: line 1 column 2 (char 1)"),
    ("[-NaN]", "Expecting value: line 1 column 2 (char 1)"),
    ("[\u{feff}1]", "Expecting value: line 1 column 2 (char 1)"),
  ]

  @Test(arguments: pythonCases)
  func matchesPython(input: String, message: String) {
    let error = #expect(throws: JSONError.self) { try JSONValue(parsing: input) }
    #expect(error?.message == message, "input \(input.debugDescription)")
    #expect(error?.isSyntaxError == true)
  }

  /// Where Python accepts what we refuse, or fails in its own decoder: our reasons, Python's
  /// positions.
  static let ownCases: [(input: [UInt8], kind: JSONError.Kind, message: String)] = [
    (Array("\u{feff}{}".utf8), .byteOrderMark, "Unexpected UTF-8 BOM: line 1 column 1 (char 0)"),
    (Array("[NaN]".utf8), .expectingValue, "Expecting value: line 1 column 2 (char 1)"),
    (Array("[Infinity]".utf8), .expectingValue, "Expecting value: line 1 column 2 (char 1)"),
    (Array("[-Infinity]".utf8), .expectingValue, "Expecting value: line 1 column 2 (char 1)"),
    (
      Array(#"["\ud800"]"#.utf8), .unpairedSurrogate,
      #"Unpaired surrogate in \uXXXX escape: line 1 column 4 (char 3)"#
    ),
    (
      Array(#"["\udc00\ud800"]"#.utf8), .unpairedSurrogate,
      #"Unpaired surrogate in \uXXXX escape: line 1 column 4 (char 3)"#
    ),
    (
      Array(#"["é\ud800\u0041"]"#.utf8), .unpairedSurrogate,
      #"Unpaired surrogate in \uXXXX escape: line 1 column 5 (char 4)"#
    ),
    (
      Array(#"["\ud800\n"]"#.utf8), .unpairedSurrogate,
      #"Unpaired surrogate in \uXXXX escape: line 1 column 4 (char 3)"#
    ),
    (
      Array(#"{"a":1,"b":2,"a":3}"#.utf8), .duplicateKey,
      #"Duplicate property name "a": line 1 column 14 (char 13)"#
    ),
    (
      Array("{\"x\":{\"é\":1,\n\"\\u00e9\":2}}".utf8), .duplicateKey,
      #"Duplicate property name "é": line 2 column 1 (char 13)"#
    ),
    (
      [0x5B, 0x22, 0xC3, 0xA9, 0xFF, 0x22, 0x5D], .invalidUTF8,
      "Invalid UTF-8: can't decode byte 0xff (invalid start byte): line 1 column 4 (char 3)"
    ),
    (
      [0x5B, 0x31, 0x2C, 0x0A, 0xE2, 0x82], .invalidUTF8,
      "Invalid UTF-8: can't decode byte 0xe2 (unexpected end of data): line 2 column 1 (char 4)"
    ),
    (
      // Invalid UTF-8 wins over an earlier syntax error, as in Python, which decodes first.
      [0x5B, 0x2C, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x5D], .invalidUTF8,
      "Invalid UTF-8: can't decode byte 0xed (invalid continuation byte): line 1 column 4 (char 3)"
    ),
    (
      [0xC0, 0x80], .invalidUTF8,
      "Invalid UTF-8: can't decode byte 0xc0 (invalid start byte): line 1 column 1 (char 0)"
    ),
  ]

  @Test(arguments: ownCases)
  func ownMessages(input: [UInt8], kind: JSONError.Kind, message: String) {
    do {
      let value = try JSONValue(parsing: input)
      Issue.record("accepted \(input): \(value)")
    } catch {
      #expect(error.kind == kind)
      #expect(error.message == message)
      #expect("\(error)" == message)
    }
  }

  @Test func positionFields() throws {
    let input = Array("{\n  \"é😀\": [1,\n  2 3]}".utf8)
    let error = try #require(throws: JSONError.self) { try JSONValue(parsing: input) }
    #expect(error.kind == .expectingCommaDelimiter)
    #expect(error.reason == "Expecting ',' delimiter")
    #expect(error.line == 3)
    #expect(error.column == 5)
    #expect(error.characterOffset == 18)
    #expect(error.offset == 22)  // é and 😀 take 2 + 4 bytes
    #expect(input[error.offset] == UInt8(ascii: "3"))
  }

  @Test func contractExample() {
    // examples.md: the line lacks its final "}".
    let line = #"{"jsonrpc":"2.0","id":18,"method":"ping""#
    let error = #expect(throws: JSONError.self) { try JSONValue(parsing: line) }
    #expect(
      error.map { "parse error: \($0.message)" }
        == "parse error: Expecting ',' delimiter: line 1 column 41 (char 40)")
  }
}

// The table above came from this script (Python 3.11), with each input as a Python string:
//
//     import json
//     for text in inputs:
//         try: json.loads(text)
//         except json.JSONDecodeError as e: print(repr(text), str(e))
