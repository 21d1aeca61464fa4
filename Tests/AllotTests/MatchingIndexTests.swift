import Testing

@testable import Allot

/// The bitset, the interner and the label index.
@Suite struct MatchingIndexTests {
  @Test func bitsetOperations() {
    var a = AgentBitset()
    for i in [0, 3, 63, 64, 130] { a.insert(i) }
    #expect(Array(a) == [0, 3, 63, 64, 130])
    #expect(a.count == 5)
    #expect(a.contains(63) && !a.contains(62) && !a.contains(-1) && !a.contains(10_000))
    var b = AgentBitset(capacity: 10)
    b.insert(3)
    b.insert(64)
    #expect(Array(a.intersection(b)) == [3, 64])
    #expect(Array(a.subtracting(b)) == [0, 63, 130])
    #expect(Array(b.union(AgentBitset(allBelow: 2))) == [0, 1, 3, 64])
    #expect(a.intersects(b))
    a.remove(3)
    a.remove(64)
    #expect(!a.intersects(b))
    var c = AgentBitset(allBelow: 70)
    #expect(c.count == 70 && c.contains(69) && !c.contains(70))
    c.assign(b)
    #expect(c == b)
    #expect(AgentBitset(capacity: 500) == AgentBitset())
    c.removeAll()
    #expect(c.isEmpty)
    #expect(b.description == "{3, 64}")
  }

  @Test func internerKeepsBytesApart() {
    var i = LabelInterner()
    let k = i.intern("K")
    let kelvin = i.intern("\u{212A}")
    #expect(k != kelvin)
    #expect(i.intern("K") == k)
    #expect(i.count == 2)
    #expect(i.id(of: "missing") == nil)
    #expect(i.string(kelvin) == "\u{212A}")
    let minus12 = i.intern("-12")
    #expect(i.integer(minus12) == -12)
    #expect(i.integer(k) == nil)
    let labels = i.intern(labels: [("b", "1"), ("a", "2")])
    #expect(labels.count == 2)
    let a = i.intern("a")
    let zz = i.intern("zz")
    #expect(labels.value(for: a).map(i.string) == "2")
    #expect(labels.value(for: zz) == nil)
  }

  @Test func indexFollowsUpdates() throws {
    var index = LabelIndex()
    index.add(agent: 0, labels: [("zone", "a"), ("disk", "ssd")])
    index.add(agent: 1, labels: [("zone", "b")])
    index.add(agent: 70, labels: [("zone", "a"), ("gpu", "2")])
    let s = index.compile(try LabelSelector(parsing: "zone=a"))
    #expect(Array(index.agents(matching: s)) == [0, 70])
    index.update(agent: 0, labels: [("zone", "b")])
    #expect(Array(index.agents(matching: s)) == [70])
    index.remove(agent: 70)
    #expect(index.agents(matching: s).isEmpty)
    #expect(index.agentCount == 2)
    let notA = index.compile(try LabelSelector(parsing: "zone!=a,!gpu"))
    #expect(Array(index.agents(matching: notA)) == [0, 1])
    index.add(agent: 70, labels: [("zone", "c")])
    #expect(Array(index.agents(matching: notA)) == [0, 1, 70])
    #expect(index.domains(ofKey: "zone").map(\.value).sorted() == ["b", "c"])
    #expect(Array(index.agents(withKey: "zone", value: "b")) == [0, 1])
    #expect(index.agents(withKey: "gpu").isEmpty)
    #expect(index.agents(matching: index.compile(.nothing)).isEmpty)
    #expect(Array(index.agents(matching: index.compile(.everything))) == [0, 1, 70])
    index.remove(agent: 5)  // not there: ignored
  }

  @Test func indexIntegerComparisons() throws {
    var index = LabelIndex()
    for (i, v) in ["1", "5", "10", "x", "-3", "007"].enumerated() {
      index.add(agent: i, labels: [("n", v)])
    }
    index.add(agent: 6, labels: [])
    #expect(
      Array(index.agents(matching: index.compile(try LabelSelector(parsing: "n>4")))) == [1, 2, 5])
    #expect(
      Array(index.agents(matching: index.compile(try LabelSelector(parsing: "n<2")))) == [0, 4])
    #expect(
      Array(index.agents(matching: index.compile(try LabelSelector(parsing: "n in (1,x,y)")))) == [
        0, 3,
      ])
  }

  // Required affinity as a union of term bitsets.
  @Test func indexAffinity() throws {
    var index = LabelIndex()
    index.add(agent: 0, labels: [("gpu", "1")])
    index.add(agent: 1, labels: [("zone", "a")])
    index.add(agent: 2, labels: [])
    let rules = try NodeAffinity(required: [
      term(expr("gpu", .exists)), term(expr("zone", .in, ["a"])),
    ])
    .selectors()
    #expect(Array(index.agents(matchingRequired: index.compile(rules))) == [0, 1])
    let none = try NodeAffinity(required: []).selectors()
    #expect(index.agents(matchingRequired: index.compile(none)).isEmpty)
    let all = try NodeAffinity().selectors()
    #expect(Array(index.agents(matchingRequired: index.compile(all))) == [0, 1, 2])
  }
}
