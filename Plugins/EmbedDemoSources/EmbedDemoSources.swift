import Foundation
import PackagePlugin

/// Compiles a demo target's own Swift sources into it, so that a lesson can check that the code it shows is the
/// code its demos run, and show a demo's source under an empty cell.
///
/// Apply it to the target that defines the demos:
///
/// ```swift
/// .target(
///     name: "Demos", dependencies: ["LessonRunner"],
///     plugins: [.plugin(name: "EmbedDemoSources", package: "LessonRunner")]
/// )
/// ```
///
/// and build the registry with the generated `DemoSourceFiles.embedded`:
/// `DemoRegistry([...], sources: .embedded)`. The files are read at build time, whenever one changes.
@main
struct EmbedDemoSources: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let sources = target.sourceFiles(withSuffix: "swift").map(\.url)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedDemoSources.swift")
        // Paths relative to the package, for diagnostics a lesson author can follow.
        let packagePath = context.package.directoryURL.standardizedFileURL.path
        let arguments = [target.moduleName, output.path(percentEncoded: false), packagePath]
            + sources.map { $0.path(percentEncoded: false) }
        return [.buildCommand(
            displayName: "Embedding the Swift sources of \(target.name)",
            executable: try context.tool(named: "embed-demo-sources").url,
            arguments: arguments,
            inputFiles: sources,
            outputFiles: [output]
        )]
    }
}
