/// The links from a lesson's page to the lessons before and after it, as a book's pages have: the HTML report shows
/// them in a `nav.lesson-nav` at the top and bottom of the page, with the link to the index.
public struct LessonNavigation: Sendable, Hashable {
    /// A link to another lesson's page.
    public struct Link: Sendable, Hashable {
        /// The page's address, relative to the page that links it or absolute.
        public var href: String
        /// The lesson's title.
        public var title: String

        public init(href: String, title: String) {
            self.href = href
            self.title = title
        }
    }

    /// The lesson before this one, if any.
    public var previous: Link?
    /// The lesson after this one, if any.
    public var next: Link?

    public init(previous: Link? = nil, next: Link? = nil) {
        self.previous = previous
        self.next = next
    }

    /// The template values: `previous` and `next`, each with `href` and `title`, when there is one.
    var values: [String: Any] {
        var values: [String: Any] = [:]
        if let previous { values["previous"] = ["href": previous.href, "title": previous.title] }
        if let next { values["next"] = ["href": next.href, "title": next.title] }
        return values
    }
}
