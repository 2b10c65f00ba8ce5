import SystemPackage

/// How a generated course package depends on LessonRunner: a checkout on this machine, or a Git URL and a version.
public enum LessonRunnerDependency: Sendable, Equatable {
    /// A LessonRunner checkout (absolute): `.package(path:)`.
    case path(FilePath)
    /// A Git repository and the lowest version to accept: `.package(url:from:)`.
    case url(String, version: String)

    /// Reads `--lesson-runner`'s value: a URL with a version (`https://host/LessonRunner.git@1.2.0`, or
    /// `git@host:owner/LessonRunner.git@1.2.0`), or otherwise the path of a LessonRunner checkout, made absolute
    /// against `directory`.
    ///
    /// - Throws: ``CourseScaffoldError`` with code `invalidDependency`: a URL without a version or with a scheme
    ///   SwiftPM cannot fetch, or a path that holds no `Package.swift` of LessonRunner.
    public init(parsing text: String, relativeTo directory: FilePath) throws(CourseScaffoldError) {
        if Self.looksLikeURL(text) {
            var url = text
            var version: String?
            if let at = text.lastIndex(of: "@"), Self.isVersion(text[text.index(after: at)...]) {
                url = String(text[..<at])
                version = String(text[text.index(after: at)...])
            }
            guard let version else {
                throw CourseScaffoldError(
                    .invalidDependency,
                    "--lesson-runner \(text): a URL needs the version to depend on, such as \(text)@1.0.0")
            }
            guard Self.isFetchable(url) else {
                throw CourseScaffoldError(
                    .invalidDependency,
                    "--lesson-runner \(text): '\(url)' is not a URL SwiftPM can fetch "
                        + "(https://, http://, ssh://, git://, file:// or git@HOST:PATH)")
            }
            self = .url(url, version: version)
        } else {
            let path = directory.pushing(FilePath(text)).lexicallyNormalized()
            guard LessonRunnerCheckout.isCheckout(path) else {
                throw CourseScaffoldError(
                    .invalidDependency, path: path,
                    "--lesson-runner \(text): \(path) holds no Package.swift of LessonRunner")
            }
            self = .path(path)
        }
    }

    /// The name SwiftPM knows the package by, which `.product(name:package:)` and `.plugin(name:package:)` take: the
    /// last component of the path, or of the URL without `.git`.
    public var identity: String {
        switch self {
        case .path(let path):
            return path.lastComponent?.string ?? "LessonRunner"
        case .url(let url, _):
            var last = url.split(whereSeparator: { $0 == "/" || $0 == ":" }).last.map(String.init) ?? url
            if last.hasSuffix(".git") { last.removeLast(4) }
            return last
        }
    }

    /// The `.package(…)` line of the generated `Package.swift`.
    var packageDeclaration: String {
        switch self {
        case .path(let path):
            return ".package(path: \(SwiftLiteral.string(path.string)))"
        case .url(let url, let version):
            return ".package(url: \(SwiftLiteral.string(url)), from: \(SwiftLiteral.string(version)))"
        }
    }

    /// Whether `text` is meant as a URL rather than a path: it has a scheme, or is Git's `user@host:path`.
    static func looksLikeURL(_ text: String) -> Bool {
        if text.contains("://") { return true }
        guard let at = text.firstIndex(of: "@"), let colon = text.firstIndex(of: ":"), at < colon else { return false }
        return !text[..<colon].contains("/")
    }

    /// `MAJOR.MINOR.PATCH`, with an optional pre-release or build suffix (`1.2.0-beta.1`).
    static func isVersion(_ text: Substring) -> Bool {
        let core = text.prefix { $0 != "-" && $0 != "+" }
        let numbers = core.split(separator: ".", omittingEmptySubsequences: false)
        guard numbers.count == 3, numbers.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) else {
            return false
        }
        let suffix = text.dropFirst(core.count)
        return suffix.isEmpty
            || (suffix.count > 1 && suffix.dropFirst().allSatisfy { $0.isASCIIAlphanumeric || $0 == "." || $0 == "-" })
    }

    private static func isFetchable(_ url: String) -> Bool {
        for scheme in ["https://", "http://", "ssh://", "git://", "file://"] where url.hasPrefix(scheme) {
            let rest = url.dropFirst(scheme.count)
            return rest.contains("/") && !rest.hasSuffix("/") && !rest.contains(where: \.isWhitespace)
        }
        guard !url.contains("://"), let colon = url.firstIndex(of: ":") else { return false }
        return !url[url.index(after: colon)...].isEmpty && !url.contains(where: \.isWhitespace)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
    fileprivate var isASCIIAlphanumeric: Bool { isASCII && (isLetter || isNumber) }
}
