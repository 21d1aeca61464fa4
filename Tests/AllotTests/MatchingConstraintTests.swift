import Testing

@testable import Allot

/// An agent view from Marathon's test notation: `"rack:r1;jdk:7"`.
func agentView(
  _ host: String, _ attributes: String = "", zone: String? = nil, region: String? = nil
)
  -> ConstraintAgentView
{
  var labels: [(String, String)] = []
  for item in attributes.split(separator: ";") {
    let kv = item.split(separator: ":", maxSplits: 1)
    labels.append((String(kv[0]), kv.count > 1 ? String(kv[1]) : ""))
  }
  if let zone { labels.append(("topology.kubernetes.io/zone", zone)) }
  if let region { labels.append(("topology.kubernetes.io/region", region)) }
  return ConstraintAgentView(
    hostname: host, labels: labels.sorted { ByteOrder.less($0.0, $1.0) })
}

/// `meetsConstraint` with the given placements (each an agent view), counted in one group.
func meets(
  _ field: String, _ op: MarathonConstraint.Operator, _ value: String?,
  offer: ConstraintAgentView, placed: [ConstraintAgentView] = [], groupSize: Int? = nil
) -> Bool {
  var counts = ConstraintCounts()
  for (i, p) in placed.enumerated() {
    counts.add(task: i, framework: "marathon", group: "/test", agent: i, view: p)
  }
  let c = MarathonConstraint(unchecked: field, op, value)
  let untracked = c.isSatisfied(
    by: offer, counts: counts, framework: "marathon", group: "/test", groupSize: groupSize)
  counts.track(field: field, framework: "marathon", group: "/test")
  let tracked = c.isSatisfied(
    by: offer, counts: counts, framework: "marathon", group: "/test", groupSize: groupSize)
  #expect(tracked == untracked)
  // The same tasks seen across every framework.
  let shared = c.isSatisfied(
    by: offer, counts: counts, framework: nil, group: "/test", groupSize: groupSize)
  #expect(shared == tracked)
  return tracked
}

func host(_ h: String) -> ConstraintAgentView { agentView(h) }
func rack(_ r: String) -> ConstraintAgentView { agentView("foohost", "foo:bar;rackid:\(r)") }

/// Tables from mesosphere/marathon `src/test/scala/mesosphere/mesos/ConstraintsTest.scala`
/// (1.10 and, for GROUP_BY without a group size, 1.9), `api/ConstraintTest.scala` and
/// `api/v2/validation/SchedulingValidationTest.scala`.
@Suite struct MatchingConstraintTests {
  // UniqueHostConstraint, Generic property constraints, AttributesLike/Unlike, DomainInfo,
  // HostnameMaxPerConstraints, IS operator, AttributesTypes.
  @Test(
    arguments: [
      ("CLUSTER hostname, fresh", "@hostname", .cluster, "", host("foohost"), [], true),
      (
        "CLUSTER hostname, other value", "@hostname", .cluster, "right.com", host("wrong.com"), [],
        false
      ),
      ("UNIQUE first placement", "@hostname", .unique, "", host("host2"), [], true),
      (
        "UNIQUE new host", "@hostname", .unique, "", host("host4"),
        [host("host1"), host("host2"), host("host3")], true
      ),
      (
        "UNIQUE used host", "@hostname", .unique, "", host("host2"),
        [host("host1"), host("host2"), host("host3")], false
      ),
      ("CLUSTER rack, fresh", "rackid", .cluster, "", rack("rack-1"), [], true),
      (
        "CLUSTER rack, same rack", "rackid", .cluster, "", rack("rack-1"),
        [rack("rack-1"), rack("rack-1")], true
      ),
      (
        "CLUSTER rack, other rack", "rackid", .cluster, "", rack("rack-2"),
        [rack("rack-1"), rack("rack-1")], false
      ),
      (
        "CLUSTER rack, offer lacks the attribute", "rackid", .cluster, "", host("foohost"), [],
        false
      ),
      ("UNIQUE rack, fresh", "rackid", .unique, "", rack("rack-1"), [], true),
      (
        "UNIQUE rack, new rack", "rackid", .unique, "", rack("rack-3"),
        [rack("rack-1"), rack("rack-2")], true
      ),
      (
        "UNIQUE rack, used rack", "rackid", .unique, "", rack("rack-1"),
        [rack("rack-1"), rack("rack-2")], false
      ),
      ("UNIQUE rack, offer lacks the attribute", "rackid", .unique, "", host("foohost"), [], false),
      ("LIKE 7 on jdk 6", "jdk", .like, "7", agentView("foohost", "jdk:6"), [], false),
      ("LIKE 7 on jdk 7", "jdk", .like, "7", agentView("foohost", "jdk:7"), [], true),
      ("LIKE without the attribute", "jdk", .like, "7", host("foohost"), [], false),
      ("UNLIKE 7 on jdk 6", "jdk", .unlike, "7", agentView("foohost", "jdk:6"), [], true),
      ("UNLIKE 7 on jdk 7", "jdk", .unlike, "7", agentView("foohost", "jdk:7"), [], false),
      ("UNLIKE without the attribute", "jdk", .unlike, "7", host("foohost"), [], true),
      (
        "UNIQUE @region, same region", "@region", .unique, "", agentView("h", region: "region1"),
        [agentView("h", zone: "zone1", region: "region1")], false
      ),
      (
        "UNIQUE @region, other region", "@region", .unique, "", agentView("h", region: "region2"),
        [agentView("h", zone: "zone1", region: "region1")], true
      ),
      (
        "UNIQUE @zone, same zone", "@zone", .unique, "", agentView("h", zone: "zone1"),
        [agentView("h", zone: "zone1", region: "region")], false
      ),
      (
        "UNIQUE @zone, other zone", "@zone", .unique, "", agentView("h", zone: "zone2"),
        [agentView("h", zone: "zone1", region: "region")], true
      ),
      ("MAX_PER 2, fresh host", "hostname", .maxPer, "2", host("host1"), [], true),
      ("MAX_PER 2, one there", "hostname", .maxPer, "2", host("host1"), [host("host1")], true),
      (
        "MAX_PER 2, other host", "hostname", .maxPer, "2", host("host2"),
        [host("host1"), host("host1")], true
      ),
      (
        "MAX_PER 2, full host", "hostname", .maxPer, "2", host("host1"),
        [host("host1"), host("host1"), host("host2")], false
      ),
      (
        "MAX_PER 2, third host", "hostname", .maxPer, "2", host("host3"),
        [host("host1"), host("host1"), host("host2"), host("host1")], true
      ),
      ("MAX_PER 2 rack, fresh rack 1", "rackid", .maxPer, "2", rack("1"), [], true),
      ("MAX_PER 2 rack, fresh rack 2", "rackid", .maxPer, "2", rack("2"), [rack("1")], true),
      (
        "MAX_PER 2 rack, rack 1 again", "rackid", .maxPer, "2", rack("1"), [rack("1"), rack("2")],
        true
      ),
      (
        "MAX_PER 2 rack, rack 1 full", "rackid", .maxPer, "2", rack("1"),
        [rack("1"), rack("2"), rack("1")], false
      ),
      ("IS right host", "@hostname", .is, "righthost.com", host("righthost.com"), [], true),
      ("IS wrong host", "@hostname", .is, "wronghost.com", host("wronghost.com"), [], true),
      ("IS another host", "@hostname", .is, "righthost.com", host("wronghost.com"), [], false),
      ("IS text, same text", "number", .is, "1", agentView("h", "number:1"), [], true),
      // Scalars are text here: Marathon formats Mesos scalar attributes, so 1.0 IS 1 there.
      ("IS text, other format", "number", .is, "1", agentView("h", "number:1.0"), [], false),
    ]
      as [(
        String, String, MarathonConstraint.Operator, String, ConstraintAgentView,
        [ConstraintAgentView], Bool
      )])
  func operators(
    name: String, field: String, op: MarathonConstraint.Operator, value: String,
    offer: ConstraintAgentView, placed: [ConstraintAgentView], match: Bool
  ) {
    #expect(meets(field, op, value, offer: offer, placed: placed) == match, "\(name)")
  }

  // AttributesTypes: ranges and sets are plain text here (Marathon compares their Mesos
  // text forms, which sort set items: "{1,0}" reads as "{0,1}" there).
  @Test(
    arguments: [
      ("LIKE 7, jdk 6", "jdk", .like, "7", "jdk:6", ["jdk:7"], false),
      ("LIKE 7, jdk 7", "jdk", .like, "7", "jdk:7", ["jdk:7"], true),
      ("CLUSTER 7, jdk 6", "jdk", .cluster, "7", "jdk:6", ["jdk:7"], false),
      ("CLUSTER 7, jdk 7", "jdk", .cluster, "7", "jdk:7", ["jdk:7"], true),
      ("LIKE range, other range", "jdk", .like, "\\[6-7\\]", "jdk:[5-7]", [], false),
      ("LIKE range, same range", "jdk", .like, "\\[6-7\\]", "jdk:[6-7]", [], true),
      ("CLUSTER range, other range", "jdk", .cluster, "[6-7]", "jdk:[5-7]", ["jdk:[6-7]"], false),
      ("CLUSTER range, same range", "jdk", .cluster, "[6-7]", "jdk:[6-7]", ["jdk:[6-7]"], true),
      ("LIKE range without attribute", "jdk", .like, "\\[6-7\\]", "", [], false),
      ("UNLIKE range, same range", "jdk", .unlike, "\\[6-7\\]", "jdk:[6-7]", [], false),
      ("UNLIKE range, other text", "jdk", .unlike, "\\[6-7\\]", "jdk:5-7", [], true),
      ("UNLIKE range without attribute", "jdk", .unlike, "\\[6-7\\]", "", [], true),
      ("LIKE set, other set", "gpu", .like, "\\{0,1\\}", "gpu:{2,1}", [], false),
      ("LIKE set, same set", "gpu", .like, "\\{0,1\\}", "gpu:{0,1}", [], true),
      ("CLUSTER set, offer lacks gpu", "gpu", .cluster, "{0,1}", "jdk:{2,1}", ["gpu:{0,1}"], false),
      ("CLUSTER set, same set", "gpu", .cluster, "{0,1}", "gpu:{0,1}", ["gpu:{0,1}"], true),
      ("LIKE set without attribute", "gpu", .like, "\\{0,1\\}", "", [], false),
      ("UNLIKE set, same set", "gpu", .unlike, "\\{0,1\\}", "gpu:{0,1}", [], false),
      ("UNLIKE set, other set", "gpu", .unlike, "\\{0,1\\}", "gpu:{1,2}", [], true),
      ("UNLIKE set without attribute", "gpu", .unlike, "\\{0,1\\}", "", [], true),
    ] as [(String, String, MarathonConstraint.Operator, String, String, [String], Bool)])
  func attributeTypes(
    name: String, field: String, op: MarathonConstraint.Operator, value: String, offer: String,
    placed: [String], match: Bool
  ) {
    let fresh = ["foo:bar", "jdk:7", "jdk:[6-7]", "gpu:{0,1}"]
    let placements = (placed.isEmpty ? fresh : placed).map { agentView("h", $0) }
    #expect(
      meets(field, op, value, offer: agentView("foohost", offer), placed: placements) == match,
      "\(name)")
  }

  // RackGroupedByConstraints (1.10: the app has 5 instances).
  @Test(
    arguments: [
      ("initial placement", "rack-1", "2", [], true),
      ("remainder to a group", "rack-1", "2", ["rack-1", "rack-1"], true),
      ("remainder to a group of 4", "rack-1", "4", ["rack-1"], true),
      ("no second remainder", "rack-1", "2", ["rack-1", "rack-1", "rack-1"], false),
      ("no second remainder of 4", "rack-1", "4", ["rack-1", "rack-1"], false),
      ("second placement", "rack-2", "2", ["rack-1"], true),
      ("only remainder-many extras", "rack-2", "4", ["rack-1", "rack-1", "rack-2"], false),
      ("final placement", "rack-2", "2", ["rack-1", "rack-1", "rack-1", "rack-2"], true),
      ("no racks beyond the number", "rack-3", "2", ["rack-1", "rack-2"], false),
      // groupBy works with scalar values (rack-N.0 placements are other text than rack-N).
      ("scalar text 1", "rack-1", "3", [], true),
      ("scalar text 2", "rack-2", "3", ["rack-1.0"], true),
      ("scalar text 3", "rack-3", "3", ["rack-1.0", "rack-2.0"], true),
      ("scalar text 4", "rack-1", "3", ["rack-1.0"], true),
    ] as [(String, String, String, [String], Bool)])
  func groupBy110(name: String, offer: String, value: String, placed: [String], match: Bool) {
    #expect(
      meets("rackid", .groupBy, value, offer: rack(offer), placed: placed.map(rack), groupSize: 5)
        == match, "\(name)")
  }

  // GROUP_BY works for the host attribute (1.10).
  @Test(
    arguments: [
      ("host-1", [], true), ("host-2", ["host-1"], true), ("host-3", ["host-1", "host-2"], true),
      ("host-1", ["host-1"], true),
    ] as [(String, [String], Bool)])
  func groupByHost110(offer: String, placed: [String], match: Bool) {
    #expect(
      meets("@hostname", .groupBy, "3", offer: host(offer), placed: placed.map(host), groupSize: 5)
        == match)
  }

  /// Regression (FuzzConstraint): Marathon splits the text form on the `:` and `,` code
  /// units, so a combining mark right after a separator must not glue the two together as
  /// one Swift Character would.
  @Test func separatorsFollowedByCombiningMarksStillSplit() throws {
    let list = try MarathonConstraint.parseList("os:LIKE:\u{2DF7}IQ]Ea\u{FFFD}b")
    #expect(list.map(\.parts) == [["os", "LIKE", "\u{2DF7}IQ]Ea\u{FFFD}b"]])
    let two = try MarathonConstraint.parseList("rack:UNIQUE,\u{301}zone:CLUSTER:a")
    #expect(two.map(\.parts) == [["rack", "UNIQUE"], ["\u{301}zone", "CLUSTER", "a"]])
    // The text form of each parses back to the same constraints.
    for c in list + two {
      #expect(try MarathonConstraint.parseList(c.description) == [c])
    }
  }

  @Test func groupByLacksAttribute() {
    #expect(!meets("rackid", .groupBy, "2", offer: host("foohost"), groupSize: 5))
    #expect(!meets("rackid", .groupBy, "2", offer: host("foohost")))
  }

  // Marathon 1.9: RackGroupedByConstraints, RackGroupedByConstraints2 and 3 (same text in
  // place of scalars), HostnameGroupedByConstraints.
  @Test(
    arguments: [
      ("rack-1", "2", [], true), ("rack-1", "2", ["rack-1"], false),
      ("rack-2", "2", ["rack-1"], true),
      ("rack-1", "2", ["rack-1", "rack-2"], true),
      ("rack-1", "2", ["rack-1", "rack-1", "rack-2"], false),
      ("rack-1", "3", [], true), ("rack-2", "3", ["rack-1"], true),
      ("rack-3", "3", ["rack-1", "rack-2"], true),
      ("rack-1", "3", ["rack-1", "rack-2", "rack-3"], true),
      ("rack-2", "3", ["rack-1", "rack-2", "rack-3", "rack-1"], true),
      ("rack-2", "3", ["rack-1", "rack-2", "rack-3", "rack-1", "rack-2"], false),
      ("1", "3", [], true), ("2", "3", ["1"], true), ("3", "3", ["1", "2"], true),
      ("1", "3", ["1", "2", "3"], true), ("2", "3", ["1", "2", "3", "1"], true),
      ("2", "3", ["1", "2", "3", "1", "2"], false),
    ] as [(String, String, [String], Bool)])
  func groupBy19(offer: String, value: String, placed: [String], match: Bool) {
    #expect(meets("rackid", .groupBy, value, offer: rack(offer), placed: placed.map(rack)) == match)
  }

  @Test(
    arguments: [
      ("host1", [], true), ("host1", ["host1"], false), ("host2", ["host1"], true),
      ("host1", ["host1", "host2"], true), ("host1", ["host1", "host2", "host1"], false),
      ("host3", ["host1", "host2", "host1"], true),
    ] as [(String, [String], Bool)])
  func groupByHost19(offer: String, placed: [String], match: Bool) {
    #expect(meets("hostname", .groupBy, "2", offer: host(offer), placed: placed.map(host)) == match)
  }

  // A group size with no value, or a value of 0, uses the 1.9 rule.
  @Test func groupByWithoutValueUsesOldRule() {
    let placed = [rack("r1"), rack("r1"), rack("r2")]
    #expect(!meets("rackid", .groupBy, nil, offer: rack("r1"), placed: placed, groupSize: 4))
    #expect(meets("rackid", .groupBy, nil, offer: rack("r2"), placed: placed, groupSize: 4))
    #expect(meets("rackid", .groupBy, nil, offer: rack("r3"), placed: placed, groupSize: 4))
    #expect(!meets("rackid", .groupBy, "0", offer: rack("r1"), placed: placed, groupSize: 4))
    // With a value, 1.10's rule: r1 has its even share of 4 / 2, r2 has room.
    #expect(!meets("rackid", .groupBy, "2", offer: rack("r1"), placed: placed, groupSize: 4))
    #expect(meets("rackid", .groupBy, "2", offer: rack("r2"), placed: placed, groupSize: 4))
  }

  // CLUSTER without a value anchors on the first placed task still counted.
  @Test func clusterAnchorsOnFirstTask() {
    var counts = ConstraintCounts()
    let c = MarathonConstraint(unchecked: "rackid", .cluster, nil)
    counts.add(task: 10, framework: "f", group: "g", agent: 0, view: rack("r1"))
    counts.add(task: 11, framework: "f", group: "g", agent: 1, view: rack("r2"))
    #expect(c.isSatisfied(by: rack("r1"), counts: counts, framework: "f", group: "g"))
    #expect(!c.isSatisfied(by: rack("r2"), counts: counts, framework: "f", group: "g"))
    counts.remove(task: 10)
    #expect(c.isSatisfied(by: rack("r2"), counts: counts, framework: "f", group: "g"))
    counts.remove(task: 11)
    #expect(c.isSatisfied(by: rack("r3"), counts: counts, framework: "f", group: "g"))
  }

  // Tasks placed earlier count at once; a task without a group is alone.
  @Test func placementsInOneCallCount() {
    var counts = ConstraintCounts()
    let unique = MarathonConstraint(unchecked: "hostname", .unique, nil)
    counts.track(field: "hostname", framework: "f", group: "web")
    #expect(unique.isSatisfied(by: host("h1"), counts: counts, framework: "f", group: "web"))
    counts.add(task: 1, framework: "f", group: "web", agent: 0, view: host("h1"))
    #expect(!unique.isSatisfied(by: host("h1"), counts: counts, framework: "f", group: "web"))
    #expect(unique.isSatisfied(by: host("h1"), counts: counts, framework: "g", group: "web"))
    #expect(!unique.isSatisfied(by: host("h1"), counts: counts, framework: nil, group: "web"))
    #expect(unique.isSatisfied(by: host("h1"), counts: counts, framework: "f", group: nil))
    counts.remove(task: 1)
    #expect(unique.isSatisfied(by: host("h1"), counts: counts, framework: "f", group: "web"))
    #expect(counts.taskCount == 0)
  }

  // Counts stay right through many adds and removes (compaction included).
  @Test func countsSurviveChurn() {
    var counts = ConstraintCounts()
    counts.track(field: "rackid", framework: "f", group: "g")
    var live: [Int: String] = [:]
    var rng = SeededRandom(seed: 7)
    for step in 0..<2000 {
      if live.isEmpty || rng.next() % 3 != 0 {
        let r = "r\(rng.next() % 5)"
        counts.add(
          task: step, framework: "f", group: "g", agent: Int(rng.next() % 10), view: rack(r))
        live[step] = r
      } else {
        let t = live.keys.sorted()[Int(rng.next() % UInt64(live.count))]
        counts.remove(task: t)
        live[t] = nil
      }
      if step % 97 == 0 {
        for i in 0..<5 {
          let want = live.values.filter { $0 == "r\(i)" }.count
          #expect(counts.count(of: "rackid", value: "r\(i)", framework: "f", group: "g") == want)
          #expect(counts.count(of: "rackid", value: "r\(i)", framework: nil, group: "g") == want)
        }
      }
    }
  }

  // SchedulingValidationTest and ConstraintTest: valid constraints.
  @Test(
    arguments: [
      ["hostname", "CLUSTER"], ["hostname", "CLUSTER", ""], ["hostname", "CLUSTER", "somehost"],
      ["attr", "CLUSTER", "foo"], ["a", "CLUSTER"], ["hostname", "UNIQUE"],
      ["rack-id", "GROUP_BY"],
      ["rack-id", "GROUP_BY", "123"], ["rack-id", "MAX_PER", "123"],
      ["attribute", "IS", "value-1.2/3_4"], ["rack-id", "LIKE", ".*"], ["rack-id", "UNLIKE", ".*"],
      ["hostname", "MAX_PER", "1"], ["rackid", "GROUP_BY", "1"], ["jdk", "LIKE", "7"],
      ["jdk", "UNLIKE", "7"], ["foo", "CLUSTER", "bla"], ["a", "IS"], ["a", "GROUP_BY", "-3"],
      ["a", "MAX_PER", "+2"], ["a", "LIKE", ""],
    ] as [[String]])
  func validConstraints(parts: [String]) throws {
    let c = try MarathonConstraint(parts: parts)
    #expect(c.parts == parts)
  }

  // ... and invalid ones, with Marathon's reasons.
  @Test(
    arguments: [
      (
        ["a", "b", "c"],
        "operator must be one of the following UNIQUE, CLUSTER, GROUP_BY, LIKE, MAX_PER, UNLIKE or IS"
      ),
      (["", "CLUSTER", "b"], "illegal constraint specification"),
      (["", "CLUSTER", ""], "illegal constraint specification"),
      (["", "CLUSTER"], "illegal constraint specification"),
      (["hostname", "UNIQUE", "a"], "UNIQUE does not accept a value"),
      (
        ["rack-id", "GROUP_BY", "AbcDZ"],
        "GROUP BY must define an integer value or else no value at all"
      ),
      (["rack-id", "MAX_PER"], "MAX_PER requires an integer value"),
      (["rack-id", "MAX_PER", "AbcDZ"], "MAX_PER requires an integer value"),
      (
        ["attribute", "IS", "[0-9]"],
        "IS only supports Mesos text and float values (see http://mesos.apache.org/documentation/latest/attributes-resources/)"
      ),
      (["rack-id", "LIKE"], "LIKE and UNLIKE require a non-empty, regular expression value"),
      (["rack-id", "UNLIKE"], "LIKE and UNLIKE require a non-empty, regular expression value"),
      (["rack-id", "LIKE", "*"], "is not a valid regular expression"),
      (["rack-id", "UNLIKE", "*"], "is not a valid regular expression"),
      ([], "Each constraint must have either 2 or 3 fields"),
      (
        ["foo", "UNKNOWN"],
        "operator must be one of the following UNIQUE, CLUSTER, GROUP_BY, LIKE, MAX_PER, UNLIKE or IS"
      ),
      (
        ["foo", "UNKNOWN", "bla"],
        "operator must be one of the following UNIQUE, CLUSTER, GROUP_BY, LIKE, MAX_PER, UNLIKE or IS"
      ),
      (["foo", "CLUSTER", "bla", "bla2"], "Each constraint must have either 2 or 3 fields"),
      (
        ["foo", "bar"],
        "operator must be one of the following UNIQUE, CLUSTER, GROUP_BY, LIKE, MAX_PER, UNLIKE or IS"
      ),
      (["a", "MAX_PER", "2147483648"], "MAX_PER requires an integer value"),
      (["a", "MAX_PER", "1.5"], "MAX_PER requires an integer value"),
      // Marathon's validator upper-cases the operator, but only the upper-case spelling
      // converts: the constraint is then rejected by the conversion.
      (["foo", "cluster", "bar"], "illegal constraint specification foo,cluster,bar"),
      (["foo", "unique", "bar"], "UNIQUE does not accept a value"),
    ] as [([String], String)])
  func invalidConstraints(parts: [String], reason: String) {
    do {
      _ = try MarathonConstraint(parts: parts, field: "constraints[3]")
      Issue.record("expected an error")
    } catch {
      #expect(error.kind == .invalidConstraint)
      #expect(error.field == "constraints[3]")
      #expect(error.message == reason)
    }
  }

  @Test func textForm() throws {
    let cs = try MarathonConstraint.parseList(" hostname:UNIQUE , rack:MAX_PER:2,os:LIKE:a:b")
    #expect(cs.map(\.description) == ["hostname:UNIQUE", "rack:MAX_PER:2", "os:LIKE:a:b"])
    #expect(try MarathonConstraint.parseList("").isEmpty)
    #expect(try MarathonConstraint.parseList([["zone", "GROUP_BY", "3"]]).first?.value == "3")
    do {
      _ = try MarathonConstraint.parseList("a:UNIQUE,,b:UNIQUE")
      Issue.record("expected an error")
    } catch {
      #expect(error.field == "constraints[1]")
      #expect(error.message == "Each constraint must have either 2 or 3 fields")
    }
    do {
      _ = try MarathonConstraint.parseList("hostname")
      Issue.record("expected an error")
    } catch {
      #expect(error.field == "constraints[0]")
    }
  }

  // LIKE is a full match with Java's semantics: every alternative is tried.
  @Test(
    arguments: [
      ("a|ab", "ab", true), ("ubuntu.*", "ubuntu-22.04", true), ("ubuntu.*", "xubuntu", false),
      ("ubuntu", "ubuntu-22", false), ("\\Qa.b", "a.b", true), ("\\Qa.b", "axb", false),
      ("(?x)a # comment", "a", true), ("(?i)UBUNTU", "ubuntu", true), ("[0-9]+", "123", true),
      ("[0-9]+", "12a", false), ("", "", false),
    ] as [(String, String, Bool)])
  func likeFullMatch(pattern: String, value: String, match: Bool) {
    #expect(meets("os", .like, pattern, offer: agentView("h", "os:\(value)")) == match)
  }
}
