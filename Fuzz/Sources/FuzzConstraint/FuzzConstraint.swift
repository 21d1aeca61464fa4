// libFuzzer target: the Marathon constraint parser.
//
// The first byte chooses the form: text (`field:OP[:value],...`) or arrays (the rest split
// on NUL into constraints and on 0x01 into their fields). When the input parses:
// - the text form (`description` joined by `,`) and the array form (`parts`) both parse back
//   to an equal list;
// - evaluating every constraint against a few agents, with and without tasks counted,
//   terminates without crashing and is the same for the reparsed list.
import Allot

/// Agents to evaluate against: with a hostname only, with the usual labels, with odd ones.
let agents: [ConstraintAgentView] = [
  ConstraintAgentView(hostname: "h1", labels: []),
  ConstraintAgentView(
    hostname: "node-2",
    labels: [("os", "ubuntu-22.04"), ("rack", "r1"), ("topology.kubernetes.io/zone", "us-east-1a")]),
  ConstraintAgentView(hostname: "", labels: [("", ""), ("rack", "")]),
]

/// Splits bytes on a separator into strings (invalid UTF-8 repaired).
func split(_ bytes: UnsafeBufferPointer<UInt8>, on separator: UInt8) -> [String] {
  bytes.split(separator: separator, omittingEmptySubsequences: false).map {
    String(decoding: $0, as: UTF8.self)
  }
}

/// Every constraint's verdict on every agent, with the counts given.
func verdicts(_ list: [MarathonConstraint], _ counts: ConstraintCounts) -> [Bool] {
  var out: [Bool] = []
  for c in list {
    for a in agents {
      out.append(c.isSatisfied(by: a, counts: counts, framework: "f", group: "g"))
      out.append(c.isSatisfied(by: a, counts: counts, framework: "f", group: "g", groupSize: 3))
      out.append(c.isSatisfied(by: a, counts: counts, framework: nil, group: nil))
    }
  }
  return out
}

/// The fuzzer's entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConstraint(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  guard size > 0 else { return 0 }
  let rest = UnsafeBufferPointer(start: data + 1, count: size - 1)
  let list: [MarathonConstraint]
  if data[0] & 1 == 0 {
    guard let l = try? MarathonConstraint.parseList(String(decoding: rest, as: UTF8.self)) else {
      return 0
    }
    list = l
  } else {
    let arrays = rest.split(separator: 0, omittingEmptySubsequences: false).map {
      split(UnsafeBufferPointer(rebasing: $0), on: 1)
    }
    guard let l = try? MarathonConstraint.parseList(arrays) else { return 0 }
    list = l
    // The text form cannot carry `,` anywhere, `:` in a field, or spaces at the ends.
    let textable = list.allSatisfy { c in
      // By Unicode scalars, as the parser splits (a `:` followed by a combining mark is
      // one Character but still a separator).
      !c.field.unicodeScalars.contains(",") && !c.field.unicodeScalars.contains(":")
        && !(c.value ?? "").unicodeScalars.contains(",")
        && c.field.unicodeScalars.first != " " && c.description.unicodeScalars.last != " "
    }
    if !textable || list.isEmpty { return check(list, text: nil) }
  }
  return check(list, text: list.map(\.description).joined(separator: ","))
}

/// Checks the round trips and evaluates.
func check(_ list: [MarathonConstraint], text: String?) -> CInt {
  if let text {
    let again: [MarathonConstraint]
    do {
      again = try MarathonConstraint.parseList(text)
    } catch {
      fatalError("text form \(text.debugDescription) fails: \(error)")
    }
    precondition(again == list, "text form \(text.debugDescription) reparses differently")
  }
  let fromParts: [MarathonConstraint]
  do {
    fromParts = try MarathonConstraint.parseList(list.map(\.parts))
  } catch {
    fatalError("array form \(list.map(\.parts)) fails: \(error)")
  }
  precondition(fromParts == list, "array form reparses differently")
  var counts = ConstraintCounts()
  let empty = verdicts(list, counts)
  precondition(verdicts(fromParts, counts) == empty, "reparsed constraints judge differently")
  for c in list { counts.track(field: c.field, framework: "f", group: "g") }
  counts.add(task: 1, framework: "f", group: "g", agent: 0, view: agents[0])
  counts.add(task: 2, framework: "f", group: "g", agent: 1, view: agents[1])
  counts.add(task: 3, framework: "f", group: "g", agent: 1, view: agents[1])
  let counted = verdicts(list, counts)
  precondition(verdicts(fromParts, counts) == counted, "reparsed constraints judge differently")
  counts.remove(task: 2)
  _ = verdicts(list, counts)
  return 0
}
