import Foundation

/// Which files a session may read and write. Scripts get shared and run by people who did
/// not write them, so by default a script reads only under its own folder and writes nothing;
/// the person running it widens that with `--allow-read PATH` and `--allow-write`.
public struct FilePolicy: Sendable {
    /// Folders under which reading is allowed (canonical paths).
    public var readRoots: [String]
    /// Folders under which writing is allowed; empty means no writing at all.
    public var writeRoots: [String]
    /// Writing anywhere (`--allow-write`).
    public var writeAnywhere: Bool

    public init(readRoots: [String], writeRoots: [String] = [], writeAnywhere: Bool = false) {
        self.readRoots = readRoots.map(Self.canonical)
        self.writeRoots = writeRoots.map(Self.canonical)
        self.writeAnywhere = writeAnywhere
    }

    /// A path with `.`, `..` and symbolic links resolved, so `a/../../etc` cannot slip out.
    public static func canonical(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: absolute).standardizedFileURL.resolvingSymlinksInPath().path
    }

    static func isUnder(_ path: String, _ root: String) -> Bool {
        root == "/" || path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }

    /// nil when reading `path` is allowed; otherwise the refusal, naming the flag that would allow it.
    public func refusalToRead(_ path: String) -> String? {
        let p = Self.canonical(path)
        if readRoots.contains(where: { Self.isUnder(p, $0) }) { return nil }
        let folder = (p as NSString).deletingLastPathComponent
        let allowed = readRoots.isEmpty ? "no files" : "files under \(readRoots.joined(separator: ", "))"
        return "k8sim may not read \(p): this run reads \(allowed); run k8sim with --allow-read \(folder) to allow it"
    }

    public func refusalToWrite(_ path: String) -> String? {
        let p = Self.canonical(path)
        if writeAnywhere || writeRoots.contains(where: { Self.isUnder(p, $0) }) { return nil }
        return "k8sim may not write \(p): scripts write no files unless allowed; run k8sim with --allow-write to allow it"
    }
}
