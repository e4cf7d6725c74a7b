import Testing
@testable import K8simLanguage

/// A small deterministic generator (SplitMix64), so a failure reproduces from its seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Random input")
struct FuzzTests {
    /// Whatever the bytes, parsing ends with a tree or diagnostics, rendering them works, and
    /// anything that parses cleanly survives the formatter.
    @discardableResult
    static func check(_ bytes: [UInt8]) -> Bool {
        let source = SourceFile(name: "fuzz", bytes: bytes)
        let r = Parser.parse(source)
        _ = DiagnosticRenderer(source: source).render(r.diagnostics)
        for d in r.diagnostics {
            #expect(d.range.start >= 0 && d.range.start <= bytes.count, "range out of the source")
        }
        if !r.hasErrors && !r.isIncomplete {
            guard let formatted = try? Formatter.format(r) else {
                Issue.record("clean parse did not format: \(String(decoding: bytes, as: UTF8.self).debugDescription)")
                return true
            }
            let again = Parser.parse(formatted)
            #expect(!again.hasErrors, "formatted output has errors: \(formatted.debugDescription)")
            #expect(ASTDump.dump(again.script) == ASTDump.dump(r.script), "formatting changed \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            return true
        }
        return false
    }

    static let alphabet: [UInt8] = Array("abcdeimnoprstuvwxyz0123456789 \t\n;{}\"#\\$=:/-.%,".utf8)

    @Test func randomBytes() {
        var rng = SplitMix64(state: 1)
        for _ in 0..<5000 {
            let n = Int.random(in: 0..<80, using: &rng)
            let useAlphabet = Bool.random(using: &rng)
            let bytes: [UInt8] = (0..<n).map { _ in
                useAlphabet ? Self.alphabet[Int.random(in: 0..<Self.alphabet.count, using: &rng)] : UInt8.random(in: 0...255, using: &rng)
            }
            Self.check(bytes)
        }
    }

    @Test func mutatedScripts() throws {
        var seeds: [[UInt8]] = try Repo.scripts().map { Array(try Repo.read($0).utf8) }
        seeds += GrammarTests.corpus.map { Array($0.utf8) }
        let words = Parser.statementNames + DeployOption.words + ["{", "}", "\"", "$x", "${y}", "\\\n", ";", "#", "=", "-o", "--x=1"]
        var rng = SplitMix64(state: 2)
        var clean = 0
        for _ in 0..<5000 {
            var bytes = seeds[Int.random(in: 0..<seeds.count, using: &rng)]
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0 where !bytes.isEmpty:
                    bytes.remove(at: at)
                case 1:
                    bytes.insert(Self.alphabet[Int.random(in: 0..<Self.alphabet.count, using: &rng)], at: at)
                case 2:
                    bytes.insert(contentsOf: Array(words[Int.random(in: 0..<words.count, using: &rng)].utf8) + [32], at: at)
                default:
                    if !bytes.isEmpty {
                        let end = min(bytes.count, at + Int.random(in: 1...12, using: &rng))
                        bytes.removeSubrange(at..<end)
                    }
                }
            }
            if Self.check(bytes) { clean += 1 }
        }
        // Enough mutants still parse for the formatter property to mean something.
        #expect(clean > 300, "only \(clean) clean mutants")
    }
}
