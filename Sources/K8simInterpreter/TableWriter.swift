/// Go's `text/tabwriter`, which kubectl prints through: cells end at a tab; a column's width
/// is the widest cell in a block of consecutive lines that have that column, plus padding;
/// text after a line's last tab is not a cell and is never padded.
struct TabWriter {
    var minWidth: Int
    var padding: Int
    private var lines: [[String]] = []
    private var widths: [Int] = []
    private var out = ""

    init(minWidth: Int, padding: Int) {
        self.minWidth = minWidth
        self.padding = padding
    }

    /// kubectl's `get` tables.
    static func table() -> TabWriter { TabWriter(minWidth: 6, padding: 3) }
    /// `describe` and `rollout history`.
    static func describe() -> TabWriter { TabWriter(minWidth: 0, padding: 2) }

    mutating func line(_ cells: [String]) { lines.append(cells) }

    /// Adds text that may hold several lines, each split at tabs.
    mutating func text(_ s: String) {
        var body = Substring(s)
        if body.hasSuffix("\n") { body = body.dropLast() }
        for l in body.split(separator: "\n", omittingEmptySubsequences: false) {
            lines.append(l.split(separator: "\t", omittingEmptySubsequences: false).map(String.init))
        }
    }

    static func width(_ s: String) -> Int { s.unicodeScalars.count }

    mutating func render() -> String {
        out = ""
        widths = []
        format(0, lines.count)
        return out
    }

    private mutating func format(_ start: Int, _ end: Int) {
        var line0 = start
        let column = widths.count
        var this = start
        while this < end {
            if column >= lines[this].count - 1 {
                this += 1
                continue
            }
            writeLines(line0, this)
            line0 = this
            var width = minWidth
            while this < end, column < lines[this].count - 1 {
                width = max(width, Self.width(lines[this][column]) + padding)
                this += 1
            }
            widths.append(width)
            format(line0, this)
            widths.removeLast()
            line0 = this
        }
        writeLines(line0, end)
    }

    private mutating func writeLines(_ start: Int, _ end: Int) {
        guard start < end else { return }
        for i in start..<end {
            let cells = lines[i]
            var text = ""
            for (j, c) in cells.enumerated() {
                text += c
                if j < widths.count && j < cells.count - 1 {
                    text += String(repeating: " ", count: max(0, widths[j] - Self.width(c)))
                }
            }
            out += text + "\n"
        }
    }
}

/// kubectl's AGE: `duration.HumanDuration`.
enum HumanDuration {
    static func format(_ ms: Int64) -> String {
        let seconds = ms / 1000
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        if seconds < 60 * 2 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 {
            let s = seconds % 60
            return s == 0 ? "\(minutes)m" : "\(minutes)m\(s)s"
        }
        if minutes < 60 * 3 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 8 {
            let m = minutes % 60
            return m == 0 ? "\(hours)h" : "\(hours)h\(m)m"
        }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 {
            let h = hours % 24
            return h == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(h)h"
        }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 {
            let dy = hours / 24 % 365
            return dy == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(dy)d"
        }
        return "\(hours / 24 / 365)y"
    }
}
