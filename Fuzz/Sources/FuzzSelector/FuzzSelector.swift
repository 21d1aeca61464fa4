// libFuzzer target: the Kubernetes label-selector parser.
//
// Any bytes are selector text. A parse may fail (with a typed error); when it succeeds:
// - the canonical text (`description`) parses back to an equal selector with the same text;
// - matching through the sorted-pairs path and the dictionary path agree, on label sets
//   built from the selector's own keys and values and on a few fixed ones.
import Allot

/// Label sets made from the requirements: each key with its first value, each key with a
/// value no requirement names, and nothing at all.
func labelSets(for selector: LabelSelector) -> [[String: String]] {
  var first: [String: String] = [:]
  var other: [String: String] = [:]
  var numeric: [String: String] = [:]
  for r in selector.requirements {
    first[r.key] = r.values.first ?? ""
    other[r.key] = "zz-not-a-value"
    numeric[r.key] = "7"
  }
  return [[:], first, other, numeric, ["zone": "us-east-1a", "disk": "ssd"]]
}

/// The dictionary as `(key, value)` pairs sorted by key bytes.
func sortedPairs(_ labels: [String: String]) -> [(String, String)] {
  labels.map { ($0.key, $0.value) }.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
}

/// The fuzzer's entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSelector(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  guard let selector = try? LabelSelector(parsing: text) else { return 0 }
  let canonical = selector.description
  let again: LabelSelector
  do {
    again = try LabelSelector(parsing: canonical)
  } catch {
    fatalError(
      "canonical text \(canonical.debugDescription) of \(text.debugDescription) fails: \(error)")
  }
  precondition(again == selector, "\(canonical.debugDescription) reparses to a different selector")
  precondition(
    again.description == canonical, "canonical text is not stable: \(canonical.debugDescription)")
  precondition(again.hashValue == selector.hashValue, "equal selectors hash differently")
  for labels in labelSets(for: selector) {
    let viaDictionary = selector.matches(labels)
    let viaPairs = selector.matches(sortedLabels: sortedPairs(labels))
    precondition(
      viaDictionary == viaPairs,
      "\(canonical.debugDescription) on \(labels): dictionary \(viaDictionary), pairs \(viaPairs)")
    precondition(again.matches(labels) == viaDictionary, "reparsed selector matches differently")
  }
  return 0
}
