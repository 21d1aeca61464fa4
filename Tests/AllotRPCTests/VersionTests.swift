import Testing

@testable import AllotRPC

@Suite struct VersionTests {
  @Test func protocolVersionIsOne() {
    #expect(AllotRPC.protocolVersion == "1")
  }
}
