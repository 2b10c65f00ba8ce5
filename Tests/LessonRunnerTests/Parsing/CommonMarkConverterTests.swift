import Testing

@testable import LessonRunner

@Suite("CommonMark converter")
struct CommonMarkConverterTests {
    @Test func treeWithPositionsAndFences() throws {
        let document = CommonMarkConverter.parse(Array("## Hi *there*\n\n- a\n\n  ~~~~ swift x\n  code\n  ~~~~\n".utf8))
        #expect(document.kind == .document)
        let heading = document.children[0]
        #expect(heading.kind == .heading)
        #expect(heading.headingLevel == 2)
        #expect(heading.plainText == "Hi there")
        #expect(heading.start == .init(line: 1, column: 1))
        let list = document.children[1]
        #expect(list.kind == .list)
        let code = try #require(list.children.first?.children.last)
        #expect(code.kind == .codeBlock)
        #expect(code.fence == .init(character: "~", length: 4, offset: 0))
        #expect(code.fenceInfo == "swift x")
        #expect(code.literal == "code\n")
        #expect(code.start == .init(line: 5, column: 3))
        #expect(code.end == .init(line: 7, column: 6))
    }

    @Test func indentedCodeHasNoFence() throws {
        let document = CommonMarkConverter.parse(Array("    indented\n".utf8))
        let code = try #require(document.children.first)
        #expect(code.kind == .codeBlock)
        #expect(code.fence == nil)
        #expect(code.literal == "indented\n")
    }

    @Test func gfmExtensionsAreOn() {
        let markdown = "| a |\n|---|\n| 1 |\n\n~~gone~~ www.example.com\n\n- [x] done\n"
        let document = CommonMarkConverter.parse(Array(markdown.utf8))
        let kinds = Set(document.allNodes.map(\.kind))
        #expect(kinds.isSuperset(of: [.table, .tableRow, .tableCell, .strikethrough, .link, .taskListItem]))
    }

    @Test func emptyInput() {
        let document = CommonMarkConverter.parse([])
        #expect(document.kind == .document)
        #expect(document.children.isEmpty)
    }

    @Test func renderHTMLFiltersTagsAndRawHTML() {
        let markdown = Array("# T\n\n<script>alert(1)</script>\n\nsome <b>bold</b> ~~old~~\n".utf8)
        let allowed = CommonMarkConverter.renderHTML(markdown, allowRawHTML: true)
        #expect(allowed.contains("<h1>T</h1>"))
        #expect(allowed.contains("<b>bold</b>"))
        #expect(allowed.contains("<del>old</del>"))
        #expect(allowed.contains("&lt;script>alert(1)&lt;/script>"))
        #expect(!allowed.contains("<script"))

        let safe = CommonMarkConverter.renderHTML(markdown, allowRawHTML: false)
        #expect(safe.contains("<h1>T</h1>"))
        #expect(!safe.contains("<b>"))
        #expect(!safe.contains("<script"))
        #expect(safe.contains("raw HTML omitted"))
    }

    @Test func renderHTMLTables() {
        let html = CommonMarkConverter.renderHTML(Array("| a |\n|---|\n| 1 |\n".utf8), allowRawHTML: false)
        #expect(html.contains("<table>"))
        #expect(html.contains("<td>1</td>"))
    }

    @Test func parsesConcurrently() async {
        await withTaskGroup(of: Int.self) { group in
            for index in 0..<16 {
                group.addTask { CommonMarkConverter.parse(Array("# \(index)\n\n```x\n```\n".utf8)).children.count }
            }
            for await count in group { #expect(count == 2) }
        }
    }
}
