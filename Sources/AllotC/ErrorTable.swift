#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// The last failure of each thread, for `allot_errmsg` and `allot_errfield`.
///
/// Messages are kept per calling thread so that one thread's failure never frees the string
/// another thread is reading: a pointer handed out stays valid until the same thread's next
/// failure (or the owner's destruction). A thread's entry is replaced, never removed; entries
/// are keyed by `pthread_self()`, which the C library reuses for new threads, so the table is
/// bounded by the number of threads alive at once.
struct ErrorTable: ~Copyable {
  private struct Record {
    /// `malloc`ed copies, or `nil` when the copy could not be allocated.
    var message: UnsafeMutablePointer<CChar>?
    var field: UnsafeMutablePointer<CChar>?
  }

  private var records: [UInt: Record] = [:]

  init() {}

  deinit {
    for r in records.values {
      free(r.message)
      free(r.field)
    }
  }

  @inline(__always)
  private static var thread: UInt { UInt(pthread_self()) }

  /// Records a failure of the calling thread.
  mutating func record(_ failure: Failure) {
    let new = Record(message: strdup(failure.message), field: strdup(failure.field ?? ""))
    if let old = records.updateValue(new, forKey: ErrorTable.thread) {
      free(old.message)
      free(old.field)
    }
  }

  /// The calling thread's last message, or "not an error".
  func message() -> UnsafePointer<CChar> {
    guard let r = records[ErrorTable.thread] else {
      return StaticText.pointer(StaticText.notAnError)
    }
    guard let m = r.message else { return StaticText.pointer(StaticText.outOfMemory) }
    return UnsafePointer(m)
  }

  /// The calling thread's last field, or "".
  func field() -> UnsafePointer<CChar> {
    guard let r = records[ErrorTable.thread], let f = r.field else {
      return StaticText.pointer(StaticText.empty)
    }
    return UnsafePointer(f)
  }
}
