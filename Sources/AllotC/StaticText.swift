/// NUL-terminated strings with static storage, for results that are never freed.
enum StaticText {
  /// The C view of a string literal (literals are NUL-terminated and live forever).
  @inline(__always)
  static func pointer(_ s: StaticString) -> UnsafePointer<CChar> {
    UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)
  }

  static let notAnError: StaticString = "not an error"
  static let empty: StaticString = ""
  static let outOfMemory: StaticString = "out of memory"
  static let version: StaticString = "0.1.0"
  /// `ALLOT_VERSION_NUMBER` of the header this library implements.
  static let versionNumber: Int32 = 1000
}
