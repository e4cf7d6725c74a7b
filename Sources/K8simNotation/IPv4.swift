/// IPv4 addresses and address ranges, read and written one way for the language (typed words
/// such as `10.64.140.43-10.64.140.49`) and the cluster model (MetalLB pools, endpoints).
public enum IPv4 {
    /// The most addresses one range may hold.
    public static let maxRangeSize: UInt32 = 65_536

    /// `10.64.140.43` as a number: four parts of one to three digits, each at most 255. Walks
    /// the parts in place (no array of them): the Endpoints controller parses addresses on its
    /// hot path.
    public static func parse(_ s: Substring) -> UInt32? {
        var ip: UInt32 = 0, parts = 0, value: UInt32 = 0, digits = 0
        for b in s.utf8 {
            if b == UInt8(ascii: ".") {
                guard digits > 0, parts < 3 else { return nil }
                ip = ip << 8 | value
                parts += 1
                value = 0
                digits = 0
                continue
            }
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9"), digits < 3 else { return nil }
            value = value * 10 + UInt32(b - UInt8(ascii: "0"))
            digits += 1
            guard value <= 255 else { return nil }
        }
        guard digits > 0, parts == 3 else { return nil }
        return ip << 8 | value
    }

    public static func format(_ ip: UInt32) -> String {
        "\(ip >> 24).\((ip >> 16) & 255).\((ip >> 8) & 255).\(ip & 255)"
    }

    /// Why a range was refused.
    public enum RangeProblem: Error, Hashable, Sendable {
        /// Not two addresses joined by `-`, nor a CIDR of /16 to /32.
        case malformed
        /// The first address comes after the last.
        case reversed
        /// More than `maxRangeSize` addresses.
        case tooLarge
    }

    /// `A-B`, or a CIDR such as `10.64.140.0/28` (/16 to /32), as MetalLB's configuration takes them.
    public static func parseRange(_ s: Substring) -> Result<ClosedRange<UInt32>, RangeProblem> {
        if let slash = s.firstIndex(of: "/") {
            let bitsText = s[s.index(after: slash)...]
            guard let base = parse(s[..<slash]), !bitsText.isEmpty, bitsText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let bits = Int(bitsText), (16...32).contains(bits) else { return .failure(.malformed) }
            let size = (UInt32(1) << UInt32(32 - bits)) &- 1
            return .success((base & ~size)...((base & ~size) | size))
        }
        let ends = s.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count == 2, let a = parse(ends[0]), let b = parse(ends[1]) else { return .failure(.malformed) }
        if let problem = problem(first: a, last: b) { return .failure(problem) }
        return .success(a...b)
    }

    /// What is wrong with a range from `first` to `last`, if anything.
    public static func problem(first: UInt32, last: UInt32) -> RangeProblem? {
        if first > last { return .reversed }
        if last - first >= maxRangeSize { return .tooLarge }
        return nil
    }
}
