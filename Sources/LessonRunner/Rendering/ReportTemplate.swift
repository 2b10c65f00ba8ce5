import Mustache

/// A page layout for HTML reports: a mustache template (https://mustache.github.io) that receives the report's
/// values and pre-rendered HTML.
///
/// The package's own templates are `Rendering/Templates/lesson.mustache` and `index.mustache`, compiled into the
/// library; `lesson render --format html --template FILE` replaces the lesson page's. ``HTMLReport`` lists the
/// values a lesson template receives, ``HTMLIndex`` those of an index template. Use `{{name}}` for text, which
/// mustache escapes, and `{{{content}}}` for the values that are already HTML.
public struct ReportTemplate: Sendable {
    /// The template's text.
    public let source: String
    private let template: MustacheTemplate

    /// Parses a template.
    ///
    /// - Throws: ``ReportTemplateError`` when the text is not a valid mustache template.
    public init(source: String) throws(ReportTemplateError) {
        self.source = source
        do {
            template = try MustacheTemplate(string: source)
        } catch {
            throw ReportTemplateError(message: "invalid template: \(error)")
        }
    }

    /// Reads and parses the template in the file at `path`.
    ///
    /// - Throws: ``ReportTemplateError`` when the file cannot be read or is not a valid mustache template.
    public init(path: String) throws(ReportTemplateError) {
        let bytes: [UInt8]
        do {
            bytes = try LessonFileReader.read(path: path)
        } catch {
            throw ReportTemplateError(message: "cannot read \(path): \(error.reason)")
        }
        do {
            try self.init(source: String(decoding: bytes, as: UTF8.self))
        } catch {
            throw ReportTemplateError(message: "\(path): \(error.message)")
        }
    }

    /// The default lesson page: one self-contained file, styles inline, light and dark themes.
    public static let lesson = try! ReportTemplate(
        source: String(decoding: PackageResources.lesson_mustache, as: UTF8.self))

    /// The default index page of a folder of lessons.
    public static let index = try! ReportTemplate(
        source: String(decoding: PackageResources.index_mustache, as: UTF8.self))

    /// Renders the template with `values`.
    func render(_ values: [String: Any]) -> String {
        template.render(values)
    }
}

/// A report template could not be parsed.
public struct ReportTemplateError: Error, Sendable, CustomStringConvertible {
    /// What the mustache parser said.
    public var message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}
