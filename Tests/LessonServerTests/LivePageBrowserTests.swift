import Foundation
import LessonTestSupport
import SystemPackage
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The live page in headless Chromium, as a teacher uses it: press Run, watch the output arrive, read the verdict;
/// save the lesson and see the page follow. Screenshots of a running and a finished cell, light and dark, go to
/// `.build/screenshots/` for a person to look at.
@Suite("live page in a browser", .serialized, .enabled(if: HeadlessBrowser.executable != nil))
struct LivePageBrowserTests {
    static let screenshots = BuiltExecutables.packageRoot.appending(".build/screenshots")

    func screenshot(_ browser: HeadlessBrowser, _ name: String) throws {
        mkdir(Self.screenshots.string, 0o755)
        let path = Self.screenshots.appending(name + ".png").string
        try browser.screenshot(to: path)
        let bytes = try TemporaryFile.read(path)
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(name) is a PNG")
    }

    @Test func runACellWatchItsOutputArriveThenEditTheLesson() throws {
        let course = try CourseFolder()
        let serve = try ServeProcess(paths: [course.path.string])
        let browser = try HeadlessBrowser.launch(windowSize: (width: 1100, height: 900))
        defer { try? browser.close() }
        try browser.navigate(to: "http://127.0.0.1:\(serve.port)/lessons/live.md?token=\(serve.token)")
        try browser.waitUntil("document.documentElement.classList.contains('live-ready')", timeout: .seconds(10))
        #expect(try browser.evaluate("location.search") as? String == "", "the token left the address bar")
        let expected = try browser.evaluate(
            "document.querySelector('#cell-tick .cell-output').textContent") as? String ?? ""
        #expect(expected.contains("expected, not yet run"))

        try browser.click("#cell-tick button.cell-run")
        try browser.waitUntil(
            "(document.querySelector('#cell-tick pre.live-output')||{}).textContent?.includes('tick 1')",
            timeout: .seconds(10))
        let whileRunning = try browser.evaluate(
            "document.querySelector('#cell-tick .cell-header .badge').textContent") as? String
        #expect(whileRunning == "running", "tick 1 is on the page while the cell runs")
        try screenshot(browser, "live-running-light")
        try browser.waitUntil(
            "document.querySelector('#cell-tick .cell-header .badge').textContent === 'passed'", timeout: .seconds(10))
        let output = try browser.evaluate("document.querySelector('#cell-tick .stream-stdout pre').textContent") as? String
        #expect(output == "tick 1\ntick 2\ntick 3\n")
        // The header counts follow the finished run, in the words the server renders.
        #expect(try browser.evaluate("document.querySelector('#summary .counts').textContent") as? String
            == "1 of 5 cells passed, 4 not run")
        #expect(try browser.evaluate("document.querySelector('#summary .facts > span').textContent") as? String
            == "1 passed ")
        try browser.evaluate("document.querySelector('#cell-tick').scrollIntoView()")
        try screenshot(browser, "live-finished-light")
        try browser.setDarkMode(true)
        try screenshot(browser, "live-finished-dark")

        // Markup printed by a cell stays text.
        try browser.click("#cell-markup button.cell-run")
        try browser.waitUntil(
            "document.querySelector('#cell-markup .cell-header .badge').textContent === 'passed'", timeout: .seconds(10))
        #expect(try browser.evaluate("document.querySelectorAll('#cell-markup script').length") as? Int == 0)
        #expect((try browser.evaluate("document.querySelector('#cell-markup .stream-stdout pre').textContent") as? String)?
            .contains("<script>alert('x')</script>") == true)
        #expect(try browser.evaluate("document.querySelector('#summary .counts').textContent") as? String
            == "2 of 5 cells passed, 3 not run")
        let served = try serve.client.request("GET", "/lessons/live.md").body
        #expect(served.contains("<div class=\"counts\">2 of 5 cells passed, 3 not run</div>"), "as the server says")

        // The teacher saves the lesson: the page reloads by itself and shows the edit.
        try browser.evaluate("window.scrollTo(0, 400); window.reloadMarker = 1")
        try course.write("live.md", CourseFolder.live.replacing("# Live", with: "# Live, as edited"))
        try browser.waitUntil("window.reloadMarker === undefined && document.querySelector('h1')?.textContent.includes('as edited')",
                              timeout: .seconds(10))
        #expect((try browser.evaluate("document.querySelector('#cell-tick .cell-header .badge').textContent") as? String) == "passed",
                "the finished run is still shown after the reload")
        let errors = browser.consoleMessages.filter(\.isError)
        #expect(errors.isEmpty, "console errors: \(errors)")
        try browser.setDarkMode(false)
        _ = try serve.interrupt()
    }

    @Test func runAllRunsEveryCellOfTheCourseLessonAndTheyPass() throws {
        let serve = try ServeProcess(
            paths: ["Lessons"], host: BuiltExecutables.demoHost, in: BuiltExecutables.packageRoot)
        let browser = try HeadlessBrowser.launch(windowSize: (width: 1100, height: 900))
        defer { try? browser.close() }
        try browser.navigate(to: "http://127.0.0.1:\(serve.port)/lessons/01-multiprocessing.md?token=\(serve.token)")
        try browser.waitUntil("document.documentElement.classList.contains('live-ready')", timeout: .seconds(10))
        try browser.click("button.run-all")
        let allDone = """
            [...document.querySelectorAll('section.cell .cell-header .badge')]
                .every(badge => !['not run', 'queued', 'running'].includes(badge.textContent))
            """
        try browser.waitUntil(allDone, timeout: .seconds(120))
        let statuses = try browser.evaluate(
            "[...document.querySelectorAll('section.cell')].map(s => s.id + ':' + s.querySelector('.badge').textContent)")
            as? [String] ?? []
        #expect(statuses.count == 13)
        #expect(statuses.allSatisfy { $0.hasSuffix(":passed") }, "\(statuses)")
        #expect(try browser.evaluate("document.querySelector('#summary .counts').textContent") as? String
            == "13 of 13 cells passed", "the header follows without a reload")
        try browser.evaluate("document.querySelector('#cell-pi').scrollIntoView()")
        try screenshot(browser, "course-run-all-light")
        _ = try serve.interrupt()
    }
}
