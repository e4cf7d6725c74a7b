import CLibEdit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads lines from a person or a pipe.
public protocol LineReader: AnyObject {
    /// The next line without its newline; nil at end of input (Ctrl-D).
    /// `.interrupted` when Ctrl-C abandoned the line being typed.
    func readLine(prompt: String) -> LineInput
    /// Adds a line to the history (and saves it, where there is a history file).
    func remember(_ line: String)
}

public enum LineInput: Equatable, Sendable {
    case line(String)
    case interrupted
    case end
}

/// Completion: given the line so far (up to the cursor), the words that could come next
/// and the length of the partial word they replace.
public typealias Completer = (_ lineBeforeCursor: String) -> (candidates: [String], replacing: Int)

/// Plain reading for pipes and files: no prompt, no history, no editing.
public final class PlainLineReader: LineReader {
    public init() {}

    public func readLine(prompt: String) -> LineInput {
        guard let line = Swift.readLine(strippingNewline: true) else { return .end }
        return .line(line)
    }

    public func remember(_ line: String) {}
}

/// A line editor on libedit: editing keys, history kept in a file, tab completion.
public final class LibEditLineReader: LineReader {
    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private let historyPath: String?
    private var prompt: String = ""
    private var promptBuffer: UnsafeMutablePointer<CChar>?
    let completer: Completer?

    /// Returns nil when standard input is not a terminal: callers use `PlainLineReader` then.
    public init?(programName: String, historyPath: String?, completer: Completer?) {
        guard isatty(STDIN_FILENO) == 1 else { return nil }
        // Without this, editing multibyte input breaks.
        setlocale(LC_CTYPE, "")
        guard let el = el_init(programName, k8sim_stdin(), k8sim_stdout(), k8sim_stderr()),
              let h = history_init() else { return nil }
        editLine = el
        history = h
        self.completer = completer
        k8sim_history_setsize(h, 1000)
        // A history file that could not be read nor moved aside is left alone, not overwritten.
        if let path = historyPath, !Self.loadHistory(h, path) {
            self.historyPath = nil
        } else {
            self.historyPath = historyPath
        }
        k8sim_el_set_editor(el, "emacs")
        k8sim_el_set_history(el, h)
        k8sim_el_set_clientdata(el, Unmanaged.passUnretained(self).toOpaque())
        k8sim_el_set_prompt(el) { el in
            guard let el, let data = k8sim_el_get_clientdata(el) else { return nil }
            return Unmanaged<LibEditLineReader>.fromOpaque(data).takeUnretainedValue().promptBuffer
        }
        k8sim_el_add_completion(el) { el, _ in
            guard let el, let data = k8sim_el_get_clientdata(el) else { return UInt8(CC_ERROR) }
            return Unmanaged<LibEditLineReader>.fromOpaque(data).takeUnretainedValue().complete(el)
        }
        k8sim_install_sigint()
    }

    deinit {
        el_end(editLine)
        history_end(history)
        promptBuffer?.deallocate()
    }

    public func readLine(prompt: String) -> LineInput {
        setPrompt(prompt)
        var count: Int32 = 0
        guard let raw = el_gets(editLine, &count) else {
            if k8sim_take_interrupt() != 0 {
                // Ctrl-C: drop the half-typed line and start again on a fresh one.
                el_reset(editLine)
                print("")
                return .interrupted
            }
            return .end
        }
        var line = String(cString: raw)
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }

    public func remember(_ line: String) {
        guard !line.allSatisfy({ $0 == " " || $0 == "\t" }) else { return }
        k8sim_history_enter(history, line)
        if let path = historyPath { Self.saveHistory(history, path) }
    }

    /// Loads the history file; one that cannot be read is moved aside (never overwritten)
    /// with a warning, and the REPL starts with an empty history.
    static func loadHistory(_ h: OpaquePointer, _ path: String) -> Bool {
        guard access(path, F_OK) == 0 else { return true }
        if k8sim_history_load(h, path) >= 0 { return true }
        k8sim_history_clear(h)
        let aside = path + ".corrupt-\(time(nil))"
        if rename(path, aside) == 0 {
            warn("k8sim: the history file \(path) could not be read; it was moved to \(aside)\n")
            return true
        }
        warn("k8sim: the history file \(path) could not be read; history will not be saved this time\n")
        return false
    }

    /// Writes the whole history after each line, atomically: a temporary file renamed over the
    /// old one, so a crash or a kill never leaves half a file.
    static func saveHistory(_ h: OpaquePointer, _ path: String) {
        let temporary = path + ".tmp-\(getpid())"
        guard k8sim_history_save(h, temporary) >= 0 else {
            unlink(temporary)
            return
        }
        if rename(temporary, path) != 0 { unlink(temporary) }
    }

    static func warn(_ text: String) {
        _ = text.withCString { fputs($0, k8sim_stderr()) }
    }

    private func setPrompt(_ text: String) {
        promptBuffer?.deallocate()
        let bytes = Array(text.utf8CString)
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
        buffer.initialize(from: bytes, count: bytes.count)
        promptBuffer = buffer
    }

    private func complete(_ el: OpaquePointer) -> UInt8 {
        guard let completer, let info = el_line(el) else { return UInt8(CC_ERROR) }
        let start = info.pointee.buffer
        let cursor = info.pointee.cursor
        guard let start, let cursor else { return UInt8(CC_ERROR) }
        let length = cursor - start
        let before = String(decoding: UnsafeRawBufferPointer(start: start, count: length).bindMemory(to: UInt8.self), as: UTF8.self)
        let (candidates, replacing) = completer(before)
        if candidates.isEmpty { return UInt8(CC_ERROR) }
        let common = Self.commonPrefix(candidates)
        if candidates.count == 1 || common.utf8.count > replacing {
            let typed = String(before.suffix(replacing))
            var insertion = String(common.dropFirst(typed.count))
            if candidates.count == 1 { insertion += " " }
            if !insertion.isEmpty { el_insertstr(el, insertion) }
            return UInt8(CC_REDISPLAY)
        }
        print("")
        print(candidates.joined(separator: "  "))
        return UInt8(CC_REDISPLAY)
    }

    static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first else { return "" }
        for w in words.dropFirst() {
            while !w.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }
}
