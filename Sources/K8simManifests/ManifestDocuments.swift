import Yams

/// The documents of a manifest file, split at `---`, each with the line it starts on so
/// that errors can name it. Mapping documents to cluster objects comes with the manifest work.
public struct ManifestDocument: Sendable {
    public var index: Int
    public var line: Int
    public var kind: String?
    public var apiVersion: String?
    public var name: String?
}

public enum ManifestDocuments {
    public struct ReadError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func read(_ yaml: String) throws(ReadError) -> [ManifestDocument] {
        var documents: [ManifestDocument] = []
        do {
            var index = 0
            for node in try Yams.compose_all(yaml: yaml) {
                defer { index += 1 }
                guard let mapping = node.mapping else {
                    throw ReadError(description: "document \(index + 1) (line \(node.mark?.line ?? 0)) is not a mapping")
                }
                documents.append(ManifestDocument(
                    index: index, line: node.mark?.line ?? 0,
                    kind: mapping["kind"]?.string, apiVersion: mapping["apiVersion"]?.string,
                    name: mapping["metadata"]?.mapping?["name"]?.string))
            }
        } catch let e as ReadError {
            throw e
        } catch {
            throw ReadError(description: "\(error)")
        }
        return documents
    }
}
