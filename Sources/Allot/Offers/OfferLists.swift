/// The per-agent and per-framework lists of outstanding offers, linked through the offer
/// records.
///
/// Making an offer links its record at the head of both lists (`makeOffer` does it while it
/// writes the record; the agent's list is almost always empty then, and the framework's head
/// is a recent record), and dropping it unlinks it in O(1): the offer cycle touches no
/// per-agent or per-framework array.
extension Engine {
  /// Unlinks slot `s` from its agent's and framework's lists.
  mutating func unlinkOffer(_ s: OfferSlot) {
    let a = offerRecords[s.i].agent
    let f = offerRecords[s.i].framework
    let (newAgentHead, newFrameworkHead) = offerRecords.withUnsafeMutableBufferPointer {
      recs -> (Int32?, Int32?) in
      let ap = recs[s.i].agentPrev
      let an = recs[s.i].agentNext
      var agentHead: Int32?
      if ap >= 0 { recs[Int(ap)].agentNext = an } else { agentHead = an }
      if an >= 0 { recs[Int(an)].agentPrev = ap }
      let fp = recs[s.i].frameworkPrev
      let fn = recs[s.i].frameworkNext
      var frameworkHead: Int32?
      if fp >= 0 { recs[Int(fp)].frameworkNext = fn } else { frameworkHead = fn }
      if fn >= 0 { recs[Int(fn)].frameworkPrev = fp }
      recs[s.i].agentPrev = -1
      recs[s.i].agentNext = -1
      recs[s.i].frameworkPrev = -1
      recs[s.i].frameworkNext = -1
      return (agentHead, frameworkHead)
    }
    if let h = newAgentHead { agents.offerHead[a.i] = h }
    if let h = newFrameworkHead { frameworks.offerHead[f.i] = h }
  }

  /// Agent `a`'s outstanding offers, in list order (newest first).
  func agentOfferSlots(_ a: AgentIndex) -> [OfferSlot] {
    var out: [OfferSlot] = []
    var x = agents.offerHead[a.i]
    while x >= 0 {
      out.append(OfferSlot(Int(x)))
      x = offerRecords[Int(x)].agentNext
    }
    return out
  }

  /// Framework `f`'s outstanding offers, in list order (newest first).
  func frameworkOfferSlots(_ f: FrameworkIndex) -> [OfferSlot] {
    var out: [OfferSlot] = []
    var x = frameworks.offerHead[f.i]
    while x >= 0 {
      out.append(OfferSlot(Int(x)))
      x = offerRecords[Int(x)].frameworkNext
    }
    return out
  }

  /// Links slot `s` at the head of its agent's list only (restoring a snapshot links the
  /// two lists separately, each in its saved order).
  mutating func linkOfferOnto(agent s: OfferSlot) {
    let a = offerRecords[s.i].agent
    let raw = Int32(truncatingIfNeeded: s.i)
    let ah = agents.offerHead[a.i]
    offerRecords[s.i].agentPrev = -1
    offerRecords[s.i].agentNext = ah
    if ah >= 0 { offerRecords[Int(ah)].agentPrev = raw }
    agents.offerHead[a.i] = raw
  }

  /// Links slot `s` at the head of its framework's list only.
  mutating func linkOfferOnto(framework s: OfferSlot) {
    let f = offerRecords[s.i].framework
    let raw = Int32(truncatingIfNeeded: s.i)
    let fh = frameworks.offerHead[f.i]
    offerRecords[s.i].frameworkPrev = -1
    offerRecords[s.i].frameworkNext = fh
    if fh >= 0 { offerRecords[Int(fh)].frameworkPrev = raw }
    frameworks.offerHead[f.i] = raw
  }
}
