/// Kubernetes's syntax rules for label keys and values, with its exact error texts.
///
/// A key is an optional DNS-subdomain prefix (at most 253 bytes) and `/`, then a name of 1 to
/// 63 bytes matching `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`; a value is empty or at most
/// 63 bytes of the same form. These are the rules of kubernetes/apimachinery
/// `pkg/api/validate/content` (`IsLabelKey`, `IsLabelValue`, `IsDNS1123Subdomain`), which
/// Kubernetes v1.35 applies to selectors, node affinity and tolerations.
///
///     LabelSyntax.keyErrors("example.com/app")  // []
///     LabelSyntax.valueErrors("-x").count       // 1
public enum LabelSyntax {
  static let keyFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
  static let keyMessage =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
  static let valueFormat = "(" + keyFormat + ")?"
  static let valueMessage =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
  static let subdomainFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
  static let subdomainMessage =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"

  /// `RegexError`: a message, examples and the regular expression used.
  static func regexError(_ message: String, _ format: String, _ examples: [String]) -> String {
    var s = message + " (e.g. "
    for (i, e) in examples.enumerated() {
      if i > 0 { s += " or " }
      s += "'" + e + "', "
    }
    return s + "regex used for validation is '" + format + "')"
  }

  static func maxLength(_ n: Int) -> String { "must be no more than \(n) bytes" }

  /// Whether `key` is a valid label key.
  ///
  /// - Complexity: O(n) in the key's length; never allocates.
  @inlinable
  public static func isValidKey(_ key: String) -> Bool {
    var k = key
    return k.withUTF8 { isValidKey(bytes: $0) }
  }

  /// Whether `value` is a valid label value.
  ///
  /// - Complexity: O(n) in the value's length; never allocates.
  @inlinable
  public static func isValidValue(_ value: String) -> Bool {
    var v = value
    return v.withUTF8 { b in b.isEmpty || (b.count <= 63 && isName(b[...])) }
  }

  @inlinable
  static func isValidKey(bytes b: UnsafeBufferPointer<UInt8>) -> Bool {
    var slash = -1
    for i in 0..<b.count where b[i] == UInt8(ascii: "/") {
      if slash >= 0 { return false }
      slash = i
    }
    let name = b[(slash + 1)...]
    guard !name.isEmpty, name.count <= 63, isName(name) else { return false }
    if slash < 0 { return true }
    let prefix = b[..<slash]
    return !prefix.isEmpty && prefix.count <= 253 && isSubdomain(prefix)
  }

  @inlinable
  static func isAlphanumeric(_ c: UInt8) -> Bool {
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
  }

  /// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]` over the whole slice.
  @inlinable
  static func isName(_ s: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
    guard let first = s.first, let last = s.last else { return false }
    guard isAlphanumeric(first), isAlphanumeric(last) else { return false }
    for c in s where !isAlphanumeric(c) {
      if c != UInt8(ascii: "-") && c != UInt8(ascii: "_") && c != UInt8(ascii: ".") {
        return false
      }
    }
    return true
  }

  /// `[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*` over the whole slice.
  @inlinable
  static func isSubdomain(_ s: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
    @inline(__always) func lowerAlnum(_ c: UInt8) -> Bool {
      (c >= 48 && c <= 57) || (c >= 97 && c <= 122)
    }
    var labelStart = s.startIndex
    var i = s.startIndex
    while true {
      if i == s.endIndex || s[i] == UInt8(ascii: ".") {
        // A label: non-empty, alphanumeric at both ends, [-a-z0-9] inside.
        if i == labelStart { return false }
        if !lowerAlnum(s[labelStart]) || !lowerAlnum(s[i - 1]) { return false }
        var j = labelStart
        while j < i {
          if !lowerAlnum(s[j]) && s[j] != UInt8(ascii: "-") { return false }
          j += 1
        }
        if i == s.endIndex { return true }
        labelStart = i + 1
      }
      i += 1
    }
  }

  /// Kubernetes's messages for an invalid label key (`IsLabelKey`), in its order; empty when
  /// the key is valid.
  ///
  ///     LabelSyntax.keyErrors("a/b/c")
  ///     // ["a valid label key must consist of ... (e.g. 'example.com/MyName')"]
  ///
  /// - Complexity: O(n) in the key's length.
  public static func keyErrors(_ key: String) -> [String] {
    if isValidKey(key) { return [] }
    let parts = key.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
    var errors: [String] = []
    let name: Substring.UTF8View
    switch parts.count {
    case 1:
      name = parts[0]
    case 2:
      let prefix = parts[0]
      name = parts[1]
      if prefix.isEmpty {
        errors.append("prefix part must be non-empty")
      } else {
        errors += subdomainErrors(Substring(prefix)).map { "prefix part " + $0 }
      }
    default:
      return [
        "a valid label key "
          + regexError(keyMessage, keyFormat, ["MyName", "my.name", "123-abc"])
          + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
      ]
    }
    if name.isEmpty {
      errors.append("name part must be non-empty")
    } else if name.count > 63 {
      errors.append("name part " + maxLength(63))
    }
    if !matchesName(Substring(name)) {
      errors.append(
        "name part " + regexError(keyMessage, keyFormat, ["MyName", "my.name", "123-abc"]))
    }
    return errors
  }

  /// Kubernetes's messages for an invalid label value (`IsLabelValue`); empty when valid.
  ///
  /// - Complexity: O(n) in the value's length.
  public static func valueErrors(_ value: String) -> [String] {
    if isValidValue(value) { return [] }
    var errors: [String] = []
    if value.utf8.count > 63 { errors.append(maxLength(63)) }
    if !(value.isEmpty || matchesName(Substring(value))) {
      errors.append(regexError(valueMessage, valueFormat, ["MyValue", "my_value", "12345"]))
    }
    return errors
  }

  /// `IsDNS1123Subdomain`'s messages.
  static func subdomainErrors(_ s: Substring) -> [String] {
    var errors: [String] = []
    if s.utf8.count > 253 { errors.append(maxLength(253)) }
    var copy = String(s)
    let ok = copy.withUTF8 { isSubdomain($0[...]) }
    if !ok { errors.append(regexError(subdomainMessage, subdomainFormat, ["example.com"])) }
    return errors
  }

  static func matchesName(_ s: Substring) -> Bool {
    var copy = String(s)
    return copy.withUTF8 { isName($0[...]) }
  }
}
