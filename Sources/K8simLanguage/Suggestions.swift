/// "Did you mean" suggestions by edit distance.
public enum Suggestions {
    /// Damerau-Levenshtein distance (adjacent swaps count as one edit), on Unicode scalars.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var prev2 = [Int](repeating: 0, count: y.count + 1)
        var prev = Array(0...y.count)
        var cur = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            cur[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    v = min(v, prev2[j - 2] + 1)
                }
                cur[j] = v
            }
            (prev2, prev, cur) = (prev, cur, prev2)
        }
        return prev[y.count]
    }

    /// The closest candidate within a distance that grows with the word's length, if any.
    public static func closest(_ word: String, among candidates: [String]) -> String? {
        let w = word.lowercased()
        guard w.unicodeScalars.count <= 64 else { return nil }
        let limit = max(1, min(3, w.count / 3))
        var best: (String, Int)?
        for c in candidates {
            let d = distance(w, c)
            if d <= limit, d < (best?.1 ?? Int.max) { best = (c, d) }
        }
        return best?.0
    }

    public static func didYouMean(_ word: String, among candidates: [String]) -> String? {
        closest(word, among: candidates).map { "did you mean '\($0)'?" }
    }
}
