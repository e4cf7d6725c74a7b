// swift-tools-version: 6.0
import PackageDescription

// Layers, each a target; dependencies point one way:
// K8simInterpreter -> K8simLanguage, K8simCluster, K8simManifests, K8simNotation; K8simManifests -> K8simCluster;
// K8simLanguage and K8simCluster -> K8simNotation (how addresses and durations are written);
// the k8sim executable sits on top of all of them.
let package = Package(
    name: "k8sim",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "k8sim", targets: ["k8sim"]),
        .library(name: "K8simLanguage", targets: ["K8simLanguage"]),
        .library(name: "K8simCluster", targets: ["K8simCluster"]),
        .library(name: "K8simInterpreter", targets: ["K8simInterpreter"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        // How values are written, shared by the language and the model: IPv4 addresses and
        // ranges, durations. Depends on nothing.
        .target(name: "K8simNotation"),
        // The cluster model: objects, controllers, scheduler, clock. Knows nothing of the language.
        .target(name: "K8simCluster", dependencies: ["K8simNotation", .product(name: "OrderedCollections", package: "swift-collections")]),
        // The language front end: source, tokens, lexer, parser, AST, diagnostics, formatter.
        .target(name: "K8simLanguage", dependencies: ["K8simNotation"]),
        // Runs the AST against the cluster model and renders output to a host-provided sink.
        .target(name: "K8simInterpreter", dependencies: ["K8simLanguage", "K8simCluster", "K8simManifests", "K8simNotation"]),
        // Kubernetes YAML in and out.
        .target(name: "K8simManifests", dependencies: [
            "K8simCluster", .product(name: "Yams", package: "Yams"),
            .product(name: "OrderedCollections", package: "swift-collections"),
        ]),
        // libedit, reached through a system-library target (Debian: libedit-dev).
        .systemLibrary(name: "CLibEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        .target(name: "K8simLineEditor", dependencies: ["CLibEdit"]),
        .executableTarget(
            name: "k8sim",
            dependencies: [
                "K8simLanguage", "K8simCluster", "K8simInterpreter", "K8simManifests", "K8simLineEditor", "K8simNotation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // libFuzzer targets; Scripts/fuzz builds them with the fuzzer and address sanitizer.
        .executableTarget(name: "k8sim-fuzz", dependencies: ["K8simLanguage", "K8simInterpreter", "K8simManifests", "K8simCluster"],
                          path: "Fuzz"),
        .testTarget(name: "K8simLanguageTests", dependencies: ["K8simLanguage"], exclude: ["Golden"]),
        .testTarget(name: "K8simNotationTests", dependencies: ["K8simNotation"]),
        .testTarget(name: "K8simClusterTests", dependencies: ["K8simCluster", "K8simNotation"]),
        .testTarget(name: "K8simManifestsTests", dependencies: ["K8simManifests", "K8simCluster"]),
        .testTarget(name: "K8simCommandTests", dependencies: ["k8sim", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                    exclude: ["Help"]),
        .testTarget(name: "K8simInterpreterTests", dependencies: ["K8simInterpreter", "K8simCluster", "K8simLanguage"],
                    exclude: ["Transcripts", "SessionSchema.txt"]),
    ],
    swiftLanguageModes: [.v6]
)
