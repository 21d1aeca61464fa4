import Testing

@testable import Allot

/// Tables from kubernetes/kubernetes `pkg/scheduler/framework/plugins/podtopologyspread`
/// `scoring_test.go` (TestPodTopologySpreadScore) and `filtering_test.go` (v1.35).
///
/// Each case lists the candidate agents (their values for each key) and, per constraint, the
/// group's tasks per domain over the eligible agents (candidates and agents that failed other
/// filters alike).
@Suite struct MatchingSpreadTests {
  static let host = TopologySpread.hostnameKey

  @Test(
    arguments: [
      (
        "one constraint on node, no existing pods", [(host, 1)],
        [["node-a"], ["node-b"]], [["node-a": 0, "node-b": 0]], [100, 100]
      ),
      (
        "one constraint on node, only one node is candidate", [(host, 1)],
        [["node-a"]], [["node-a": 2, "node-b": 1]], [100]
      ),
      (
        "one constraint on node, all nodes have the same number of matching pods", [(host, 1)],
        [["node-a"], ["node-b"]], [["node-a": 1, "node-b": 1]], [100, 100]
      ),
      (
        "one constraint on node, all 4 nodes are candidates", [(host, 1)],
        [["node-a"], ["node-b"], ["node-c"], ["node-d"]],
        [["node-a": 2, "node-b": 1, "node-c": 0, "node-d": 3]], [20, 60, 100, 0]
      ),
      (
        "one constraint on node, all 4 nodes are candidates, maxSkew=2", [(host, 2)],
        [["node-a"], ["node-b"], ["node-c"], ["node-d"]],
        [["node-a": 2, "node-b": 1, "node-c": 0, "node-d": 3]], [33, 66, 100, 16]
      ),
      (
        "one constraint on node, all 4 nodes are candidates, maxSkew=3", [(host, 3)],
        [["node-a"], ["node-b"], ["node-c"], ["node-d"]],
        [["node-a": 4, "node-b": 3, "node-c": 2, "node-d": 1]], [44, 66, 77, 100]
      ),
      (
        "one constraint on node, 3 out of 4 nodes are candidates", [(host, 1)],
        [["node-a"], ["node-b"], ["node-x"]],
        [["node-a": 4, "node-b": 2, "node-x": 1, "node-y": 3]], [33, 83, 100]
      ),
      (
        "one constraint on node, one node doesn't match topology key", [(host, 1)],
        [["node-a"], [nil], ["node-x"]],
        [["node-a": 4, "node-x": 1, "node-y": 3]], [16, 0, 100]
      ),
      (
        "one constraint on zone, 3 out of 4 nodes are candidates", [("zone", 1)],
        [["zone1"], ["zone1"], ["zone2"]], [["zone1": 6, "zone2": 4]], [75, 75, 100]
      ),
      (
        "two Constraints on zone and node, 2 out of 4 nodes are candidates",
        [("zone", 1), (host, 1)],
        [["zone1", "node-a"], ["zone2", "node-x"]],
        [["zone1": 3, "zone2": 6], ["node-a": 2, "node-b": 1, "node-x": 2, "node-y": 4]],
        [100, 63]
      ),
      (
        "two Constraints on zone and node, with different labelSelectors",
        [("zone", 1), (host, 1)],
        [["zone1", "node-a"], ["zone1", "node-b"], ["zone2", "node-x"], ["zone2", "node-y"]],
        [["zone1": 2, "zone2": 1], ["node-a": 0, "node-b": 1, "node-x": 0, "node-y": 1]],
        [60, 20, 100, 60]
      ),
      (
        "two Constraints on zone and node, some nodes have 0 pods",
        [("zone", 1), (host, 1)],
        [["zone1", "node-a"], ["zone1", "node-b"], ["zone2", "node-x"], ["zone2", "node-y"]],
        [["zone1": 0, "zone2": 2], ["node-a": 0, "node-b": 1, "node-x": 0, "node-y": 1]],
        [100, 60, 40, 0]
      ),
      (
        "two Constraints on zone and node, 3 out of 4 nodes are candidates",
        [("zone", 1), (host, 1)],
        [["zone1", "node-a"], ["zone1", "node-b"], ["zone2", "node-x"]],
        [["zone1": 2, "zone2": 1], ["node-a": 0, "node-b": 1, "node-x": 0, "node-y": 1]],
        [50, 25, 100]
      ),
      (
        "minDomains has no effect when ScheduleAnyway", [("node", 2)],
        [["node-a"], ["node-b"], ["node-c"]], [["node-a": 2, "node-b": 2, "node-c": 1]],
        [75, 75, 100]
      ),
      (
        // NodeAffinityPolicy honoured: node-c fails the selector, so its pod does not count.
        "NodeAffinityPolicy honoured with labelSelectors", [("node", 1)],
        [["node-a"], ["node-b"], ["node-c"]], [["node-a": 2, "node-b": 1]], [0, 33, 100]
      ),
    ] as [(String, [(String, Int)], [[String?]], [[String: Int]], [Int64])])
  func scheduleAnywayScores(
    name: String, constraints: [(String, Int)], candidates: [[String?]], counts: [[String: Int]],
    scores: [Int64]
  ) {
    let got = TopologySpread.scores(
      constraints: constraints.map { (topologyKey: $0.0, maxSkew: $0.1) }, candidates: candidates,
      counts: counts)
    #expect(got == scores, "\(name)")
  }

  @Test func noConstraintsScoreZero() {
    #expect(TopologySpread.scores(constraints: [], candidates: [[], []], counts: []) == [0, 0])
  }

  // Filtering (TestSingleConstraint style): zone1 {node-a: 2, node-b: 1}, zone2
  // {node-x: 0, node-y: 1} spread as 3/1.
  @Test(
    arguments: [
      ("zone1", ["zone1": 3, "zone2": 1], 1, false),
      ("zone2", ["zone1": 3, "zone2": 1], 1, true),
      ("zone1", ["zone1": 3, "zone2": 1], 3, true),
      (nil, ["zone1": 3, "zone2": 1], 5, false),
      ("zone3", ["zone1": 0, "zone2": 0], 1, true),
      ("zone1", [:], 1, true),
      ("zone1", ["zone1": 1], 1, true),
      ("zone1", ["zone1": 1, "zone2": 0], 1, false),
      // One domain per node, spread 2/1/0/3: the global minimum is 0.
      ("node-a", ["node-a": 2, "node-b": 1, "node-x": 0, "node-y": 3], 1, false),
      ("node-x", ["node-a": 2, "node-b": 1, "node-x": 0, "node-y": 3], 1, true),
      ("node-b", ["node-a": 2, "node-b": 1, "node-x": 0, "node-y": 3], 2, true),
    ] as [(String?, [String: Int], Int, Bool)])
  func doNotSchedule(domain: String?, counts: [String: Int], maxSkew: Int, admitted: Bool) {
    #expect(TopologySpread.admits(maxSkew: maxSkew, domain: domain, counts: counts) == admitted)
  }

  @Test func minDomainsTreatsMinimumAsZero() {
    // 2 domains < minDomains 3: the global minimum is 0.
    #expect(
      !TopologySpread.admits(maxSkew: 1, domain: "a", counts: ["a": 1, "b": 1], minDomains: 3))
    #expect(TopologySpread.admits(maxSkew: 1, domain: "a", counts: ["a": 1, "b": 1]))
  }

  // Domain counts from the index and the constraint counts: eligible agents only.
  @Test func domainCountsFromIndex() {
    var index = LabelIndex()
    index.add(agent: 0, labels: [("zone", "z1")])
    index.add(agent: 1, labels: [("zone", "z1")])
    index.add(agent: 2, labels: [("zone", "z2")])
    index.add(agent: 3, labels: [("zone", "z3")])
    index.add(agent: 4, labels: [])
    var eligible = index.agents(withKey: "zone")
    eligible.remove(3)
    let counts = TopologySpread.domainCounts(
      topologyKey: "zone", eligible: eligible, index: index,
      tasksPerAgent: [0: 2, 1: 1, 3: 5, 4: 1])
    #expect(counts == ["z1": 3, "z2": 0])
  }
}
