import Testing
@testable import K8simLanguage

@Suite("Lexer")
struct LexerTests {
    func kinds(_ text: String) -> [TokenKind] {
        Lexer.tokenize(SourceFile(name: "t", text: text)).tokens.map(\.kind)
    }

    func words(_ text: String) -> [String] {
        let s = SourceFile(name: "t", text: text)
        return Lexer.tokenize(s).tokens.filter { $0.kind == .word }.map { s.text(in: $0.range) }
    }

    @Test func tokensCarryKindsAndByteRanges() {
        let s = SourceFile(name: "t", text: "deploy echo; get pods\n{ }")
        let tokens = Lexer.tokenize(s).tokens
        #expect(tokens.map(\.kind) == [.word, .word, .semicolon, .word, .word, .newline, .leftBrace, .rightBrace, .endOfFile])
        #expect(tokens[1].range == SourceRange(7, 11))
        #expect(tokens[2].range == SourceRange(11, 12))
        #expect(tokens.last?.range == SourceRange(25, 25))
    }

    /// One reading of `$`: quoted or bare, a malformed `${` is the same error at the same place,
    /// and a decoded word holds the same references.
    @Test func variableReferencesReadTheSameQuotedOrNot() {
        for (text, bad) in [("say ${x", SourceRange(4, 7)), ("say \"${x\"", SourceRange(5, 8)), ("say ${}", SourceRange(4, 7)),
                            ("say \"${1}\"", SourceRange(5, 9)), ("say ${1}", SourceRange(4, 8))] {
            let r = Parser.parse(text)
            #expect(r.diagnostics.map(\.problem) == [.badVariableReference] && r.diagnostics.first?.range == bad, "\(text)")
        }
        for text in ["say $5", "say \"cost: $5 and $\"", "say a$"] {
            #expect(!Parser.parse(text).hasErrors, "\(text): a $ that names nothing is text")
        }
        guard case .say(let bare)? = Parser.parse("say a${x}b$y").script.statements.first?.kind,
              case .say(let quoted)? = Parser.parse("say \"a${x}b$y\"").script.statements.first?.kind else {
            Issue.record("say did not parse")
            return
        }
        #expect(bare.parts == [.text("a"), .variable("x"), .text("b"), .variable("y")])
        #expect(quoted.parts == bare.parts)
    }

    @Test func rangesAreBytesNotCharacters() {
        let s = SourceFile(name: "t", text: "say \"한국\" x")
        let tokens = Lexer.tokenize(s).tokens
        #expect(tokens[1].range == SourceRange(4, 12))  // two 3-byte scalars and two quotes
        #expect(tokens[2].range == SourceRange(13, 14))
        #expect(s.location(of: 13).column == 10)
    }

    @Test func commentsAndShebangGoAside() {
        let text = "#!/usr/bin/env k8sim\nmap # draw it\n# alone\nget#not-a-comment"
        let lexed = Lexer.tokenize(SourceFile(name: "t", text: text))
        #expect(lexed.comments.count == 3)
        #expect(lexed.comments[0] == SourceRange(0, 20))
        #expect(words(text) == ["map", "get#not-a-comment"])
    }

    @Test func continuationJoinsLines() {
        #expect(kinds("deploy echo \\\n  image v1") == [.word, .word, .word, .word, .endOfFile])
        #expect(kinds("a \\  \nb") == [.word, .word, .endOfFile])
        #expect(words("path\\to x") == ["path\\to", "x"])
    }

    @Test func quotedPartsStayInOneWord() {
        #expect(words("env MSG=\"a b; c\" x") == ["env", "MSG=\"a b; c\"", "x"])
        let t = Lexer.tokenize(SourceFile(name: "t", text: "\"a\\\"b\"")).tokens[0]
        #expect(t.flags.contains(.quoted) && t.flags.contains(.escape))
    }

    @Test func variablesAreFlaggedAndBracesInsideReferencesDoNotSplit() {
        let s = SourceFile(name: "t", text: "set image echo ${tag}-x $n")
        let tokens = Lexer.tokenize(s).tokens
        #expect(tokens[3].flags.contains(.variable))
        #expect(s.text(in: tokens[3].range) == "${tag}-x")
        #expect(tokens[4].flags.contains(.variable))
        #expect(!Lexer.tokenize(SourceFile(name: "t", text: "cost $5")).tokens[1].flags.contains(.variable))
    }

    @Test(arguments: [
        ("say \"unfinished", Incompleteness.unclosedString),
        ("deploy echo \\", Incompleteness.trailingBackslash),
        ("deploy echo \\  ", Incompleteness.trailingBackslash),
    ])
    func incompleteInput(text: String, why: Incompleteness) {
        #expect(Lexer.tokenize(SourceFile(name: "t", text: text)).incompleteness == why)
    }

    @Test func decodingEscapesAndReferences() {
        let r = Parser.parse("say \"tab\\there \\$x ${who}!\"")
        guard case .say(let w)? = r.script.statements.first?.kind else {
            Issue.record("expected a say statement")
            return
        }
        #expect(w.parts == [.text("tab\there $x "), .variable("who"), .text("!")])
    }
}
