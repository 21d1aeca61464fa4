/// Why a text was refused by ``JSONParser``, and where.
///
/// The ``message`` follows Python's `json` module, which the wire contract's examples quote,
/// with Python's positions: `line` and `column` count from 1, `char` from 0, and both count
/// Unicode code points, not bytes:
///
///     do {
///       _ = try JSONValue(parsing: #"{"jsonrpc":"2.0","id":18,"method":"ping""#)
///     } catch {
///       error.message  // Expecting ',' delimiter: line 1 column 41 (char 40)
///     }
///
/// Where Python reports an error, the reason and position are Python's (`Expecting value`,
/// `Expecting ',' delimiter`, `Expecting ':' delimiter`, `Expecting property name enclosed in
/// double quotes`, `Unterminated string starting at`, `Invalid control character at`,
/// `Invalid \escape`, `Invalid \uXXXX escape`, `Extra data`). Where Python accepts what this
/// parser refuses (a byte order mark, `NaN` and `Infinity`, lone surrogates, duplicate keys,
/// invalid UTF-8, the limits of ``JSONLimits``), the reason is this module's own, in the same
/// format. When the input is not valid UTF-8, that is the error reported, at the first
/// invalid byte, whatever else is wrong (Python decodes the bytes before it parses).
public struct JSONError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The category of a parse error.
  public enum Kind: String, Hashable, Sendable, CaseIterable {
    /// A value was expected (also for `NaN`, `Infinity`, `'single'` quotes, `+1`, `.5`).
    case expectingValue
    /// A `,` or the end of the array or object was expected.
    case expectingCommaDelimiter
    /// A `:` was expected after a key.
    case expectingColonDelimiter
    /// A key in double quotes was expected (also after a trailing comma).
    case expectingPropertyName
    /// The input ended inside a string.
    case unterminatedString
    /// A raw control character (U+0000 to U+001F) inside a string.
    case invalidControlCharacter
    /// A backslash followed by something other than `" \ / b f n r t u`.
    case invalidEscape
    /// A `\u` not followed by four hexadecimal digits.
    case invalidUnicodeEscape
    /// A `\u` escape of a surrogate that is not part of a high-low pair.
    case unpairedSurrogate
    /// Something other than whitespace after the value.
    case extraData
    /// The input is not valid UTF-8 (overlong forms, encoded surrogates, values above
    /// U+10FFFF, stray or missing continuation bytes).
    case invalidUTF8
    /// The input starts with a UTF-8 byte order mark, which RFC 8259 forbids senders to add.
    case byteOrderMark
    /// An object has two members with the same key (compared by UTF-8 bytes).
    case duplicateKey
    /// Containers nest deeper than ``JSONLimits/maxDepth``.
    case tooDeep
    /// A string is longer than ``JSONLimits/maxStringBytes``.
    case stringTooLong
    /// A number's text is longer than ``JSONLimits/maxNumberBytes``.
    case numberTooLong
    /// The text holds more than ``JSONLimits/maxValues`` values.
    case tooManyValues
  }

  /// The category of the error.
  public let kind: Kind

  /// The reason without position, such as `Expecting ',' delimiter`.
  public let reason: String

  /// The byte offset of the error in the input, counting from 0.
  public let offset: Int

  /// The line of the error, counting from 1 (lines end at `\n`).
  public let line: Int

  /// The column of the error in its line, counting code points from 1, as Python does.
  public let column: Int

  /// The code-point offset of the error in the input, counting from 0 (Python's `pos`).
  public let characterOffset: Int

  /// Creates an error.
  ///
  /// ``JSONParser`` fills every field; this initializer is for tests and for callers that
  /// report errors of their own in the same format.
  public init(
    kind: Kind, reason: String, offset: Int, line: Int, column: Int, characterOffset: Int
  ) {
    self.kind = kind
    self.reason = reason
    self.offset = offset
    self.line = line
    self.column = column
    self.characterOffset = characterOffset
  }

  /// The reason and position, as Python's `json.JSONDecodeError` writes them.
  ///
  ///     Expecting value: line 1 column 1 (char 0)
  public var message: String {
    "\(reason): line \(line) column \(column) (char \(characterOffset))"
  }

  /// The same as ``message``.
  ///
  /// So that `"\(error)"` reads as Python's message.
  public var description: String { message }

  /// Whether the input is not JSON at all (syntax or UTF-8), as opposed to JSON this parser
  /// refuses on purpose (a duplicate key or a limit).
  ///
  /// The wire contract answers the first with `-32700` (parse error) and a duplicate key
  /// with `-32600` (invalid request); limits are refusals of valid JSON too, so `-32600`
  /// suits them, as it does the line limit (`data.kind = "tooLarge"`).
  public var isSyntaxError: Bool {
    switch kind {
    case .duplicateKey, .tooDeep, .stringTooLong, .numberTooLong, .tooManyValues: return false
    default: return true
    }
  }
}
