import K8simNotation
import Testing

@Suite("Addresses")
struct IPv4Tests {
    @Test func addressesAreFourPartsOfDigits() {
        #expect(IPv4.parse("10.1.3.254") == 0x0A01_03FE && IPv4.parse("10.1.3.7").map { $0 & 0xFF } == 7)
        #expect(IPv4.parse("01.2.3.4") == 0x0102_0304)
        for bad in ["10.1.3.256", "10.1.3.", "x", "1.2.3.4.5", "1.2.3", "1..3.4", "1.2.3.0004", "+1.2.3.4", "1.2.3.-4", "", ".1.2.3", "1.2.3.4 "] {
            #expect(IPv4.parse(Substring(bad)) == nil, "'\(bad)'")
        }
        for ip: UInt32 in [0, 0x0A40_8C2B, .max] { #expect(IPv4.parse(Substring(IPv4.format(ip))) == ip) }
    }

    /// The same answers as a reading that splits on dots and parses each part as a number.
    @Test func agreesWithAPlainReading() {
        func plain(_ s: String) -> UInt32? {
            let parts = s.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var ip: UInt32 = 0
            for p in parts {
                guard !p.isEmpty, p.count <= 3, p.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let v = UInt32(p), v <= 255 else { return nil }
                ip = ip << 8 | v
            }
            return ip
        }
        var state: UInt64 = 7
        let alphabet = Array("0123456789.+-x ")
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let n = Int(state >> 59) % 16
            var s = ""
            var r = state
            for _ in 0..<n {
                r = r &* 6_364_136_223_846_793_005 &+ 1
                s.append(alphabet[Int(r >> 60) % alphabet.count])
            }
            #expect(IPv4.parse(Substring(s)) == plain(s), "'\(s)'")
        }
    }

    @Test func rangesAreDashedPairsOrCIDRs() throws {
        #expect(try IPv4.parseRange("10.64.140.43-10.64.140.49").get() == 0x0A40_8C2B...0x0A40_8C31)
        #expect(try IPv4.parseRange("10.64.140.0/28").get() == 0x0A40_8C00...0x0A40_8C0F)
        #expect(try IPv4.parseRange("10.64.140.7/32").get() == 0x0A40_8C07...0x0A40_8C07)
        #expect(IPv4.parseRange("10.64.140.49-10.64.140.43") == .failure(.reversed))
        #expect(IPv4.parseRange("10.0.0.0-10.1.0.0") == .failure(.tooLarge))
        for bad in ["10.0.0.0/15", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/+8", "192.xxx.xxx.xxx", "1.2.3.4-", "1.2.3.4-5.6.7.8-9.9.9.9"] {
            #expect(IPv4.parseRange(Substring(bad)) == .failure(.malformed), "'\(bad)'")
        }
    }
}

@Suite("Durations")
struct DurationTextTests {
    static let cases: [(Int64, String)] = [(0, "0s"), (500, "500ms"), (1000, "1s"), (1500, "1s500ms"), (90_000, "1m30s"),
                                           (3_600_000, "1h"), (3_601_000, "1h1s"), (5 * 60_000 + 51_000, "5m51s"), (86_400_000, "24h"), (-5, "0s")]

    @Test(arguments: cases)
    func written(ms: Int64, text: String) {
        #expect(DurationText.format(ms) == text)
    }

    @Test func withoutMillisecondsWholeSecondsOnly() {
        #expect(DurationText.format(1500, milliseconds: false) == "1s")
        #expect(DurationText.format(500, milliseconds: false) == "0s")
        #expect(DurationText.format(3_600_500, milliseconds: false) == "1h")
    }
}
