// swift-tools-version:6.1
import PackageDescription

// Dependency rule (see docs/architecture.md): Core ← Store ← Application ← {Channels, Web} ←
// App/CLI. Core depends on nothing; Store on Core and the SQL drivers; Application (the use
// cases) on Store; only App and the CLI wire concrete things together.
/// The edges (Web, Channels) reach the store only through the use cases: with member import
/// visibility, a member of a store type is usable only where `TouchpointStore` is imported,
/// and `Tests/TouchpointWebTests/ShapeTests.swift` fails on any such import.
let edgeSettings: [SwiftSetting] = [.enableUpcomingFeature("MemberImportVisibility")]

let package = Package(
    name: "touchpoint",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "touchpoint", targets: ["touchpoint"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/JohnSundell/Ink.git", from: "0.6.0"),
    ],
    targets: [
        .target(name: "TouchpointCore"),
        // The system's SQLite: the store drives it directly, keeping prepared statements.
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .target(
            name: "TouchpointStore",
            dependencies: [
                "TouchpointCore",
                "CSQLite",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // Its ConnectionPoolError is what the pool throws when it gives up connecting.
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // The use cases, one folder per feature: intake, and the rest as they move out of the store.
        .target(
            name: "TouchpointApplication",
            dependencies: [
                "TouchpointCore",
                "TouchpointStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // Knowledge-base articles are Markdown, rendered once when saved.
                .product(name: "Ink", package: "Ink"),
            ]
        ),
        .target(
            name: "TouchpointChannels",
            dependencies: [
                "TouchpointCore",
                "TouchpointApplication",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: edgeSettings
        ),
        .target(
            name: "TouchpointWeb",
            dependencies: [
                "TouchpointCore",
                "TouchpointApplication",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            resources: [.copy("Resources/openapi.yaml"), .copy("Resources/console")],
            swiftSettings: edgeSettings
        ),
        .target(
            name: "TouchpointApp",
            dependencies: [
                "TouchpointCore",
                "TouchpointStore",
                "TouchpointApplication",
                "TouchpointChannels",
                "TouchpointWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The demo's knowledge-base articles, one Markdown file per article and language.
            resources: [.copy("Resources/knowledge")]
        ),
        .executableTarget(
            name: "touchpoint",
            dependencies: [
                "TouchpointApp",
                "TouchpointApplication",
                "TouchpointChannels",
                "TouchpointWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The service-model benchmark (Benchmarks/service-models.sh): the pure core, then the store and the health pass.
        .executableTarget(
            name: "touchpoint-benchmarks",
            dependencies: ["TouchpointCore", "TouchpointStore", "TouchpointApplication", .product(name: "SQLKit", package: "sql-kit"),
                           .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/ServiceModels"),
        // The mail benchmark (Benchmarks/mail.sh): an SMTP load generator and the MIME parser.
        .executableTarget(
            name: "touchpoint-mail-benchmark",
            dependencies: ["TouchpointCore", "TouchpointStore", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/Mail"),
        .testTarget(name: "TouchpointCoreTests", dependencies: ["TouchpointCore"]),
        // What the store and use-case tests share: a fresh database on SQLite and PostgreSQL, a brand, a clock.
        .target(
            name: "TouchpointTestSupport",
            dependencies: ["TouchpointStore", "TouchpointCore", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TouchpointTestSupport"),
        .testTarget(name: "TouchpointStoreTests", dependencies: ["TouchpointStore", "TouchpointCore", "TouchpointTestSupport"]),
        .testTarget(name: "TouchpointApplicationTests",
                    dependencies: ["TouchpointApplication", "TouchpointStore", "TouchpointCore", "TouchpointTestSupport",
                                   .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "TouchpointWebTests",
            dependencies: [
                "TouchpointWeb", "TouchpointApp", "TouchpointApplication", "TouchpointChannels", "TouchpointStore", "TouchpointCore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ]
)
