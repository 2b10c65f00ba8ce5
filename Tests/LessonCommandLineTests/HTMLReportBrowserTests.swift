import LessonTestSupport
import Multiprocessing
import SystemPackage
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Headless Chromium, when it is installed (Debian's `chromium` package; `scripts/install-dependencies` adds it).
enum Chromium {
    static let executable: FilePath? = {
        let candidates: [String] = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        return candidates.first { access($0, X_OK) == 0 }.map { FilePath($0) }
    }()

    /// Runs headless Chromium on a page with `arguments`; console messages go to stderr as `…:CONSOLE…` lines.
    static func run(_ arguments: [String], page: FilePath) throws -> CommandRun {
        let common = [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--disable-dev-shm-usage",
            "--disable-crash-reporter", "--no-first-run", "--enable-logging=stderr", "--v=0",
            // Nothing may be fetched from the network: every name fails to resolve.
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ]
        // Chromium leaves helper processes (zygotes, crashpad) that outlive it; a container ends and reaps them.
        let output = try TemporaryFile()
        let errors = try TemporaryFile()
        var configuration = SpawnConfiguration(
            executable: executable!, arguments: common + arguments + ["file://" + page.string])
        configuration.standardOutput = .descriptor(output.descriptor)
        configuration.standardError = .descriptor(errors.descriptor)
        let container = try ProcessContainer.spawn(configuration)
        let termination = try container.root.wait()
        try container.terminateAll(grace: .seconds(2))
        reapHelpers()
        return CommandRun(
            termination: termination, standardOutput: try output.contents(), standardError: try errors.contents())
    }

    /// Waits for Chromium's helpers that this process adopted (as a child subreaper) to exit, and reaps them, so
    /// that no zombie outlives the test run; after 5 s, ends those still running.
    static func reapHelpers() {
        HeadlessBrowser.reapHelpers()
    }

    /// The console messages in a Chromium run's log.
    static func consoleMessages(_ run: CommandRun) -> [String] {
        run.standardError.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
    }
}

/// The HTML report in a real browser: the fixture course rendered by the built `lesson-fixtures`, loaded in headless
/// Chromium, its DOM checked, and screenshots of the light and dark themes (desktop and phone widths) saved to
/// `.build/html-report-screenshots/` for a person to look at.
@Suite(
    "HTML report in Chromium", .serialized,
    .enabled(if: Chromium.executable != nil, "chromium is not installed (scripts/install-dependencies installs it)"))
struct HTMLReportBrowserTests {
    static let fixtures = FilePath(#filePath).removingLastComponent().appending("Fixtures")
    static let folder = BuiltExecutables.packageRoot.appending(".build/html-report-screenshots")

    /// Renders the course into the screenshot folder; the course has a failing cell, so the exit code is 1.
    static func renderCourse() throws -> FilePath {
        let pages = folder.appending("pages")
        mkdir(folder.string, 0o777)
        let run = try CommandRun.run(
            BuiltExecutables.fixtures, ["render", "html-course", "--format", "html", "-o", pages.string],
            in: fixtures)
        #expect(run.exitCode == 1, "\(run.standardError)")
        return pages
    }

    @Test func thePageLoadsWithoutConsoleMessagesAndHasItsParts() throws {
        let pages = try Self.renderCourse()
        let run = try Chromium.run(["--dump-dom"], page: pages.appending("showcase.html"))
        #expect(run.exitCode == 0, "\(run.standardError)")
        #expect(Chromium.consoleMessages(run).isEmpty, "\(Chromium.consoleMessages(run))")
        let dom = run.standardOutput
        #expect(dom.contains("<title>Showcase of the HTML report</title>"), "no script ran to change the title")
        #expect(!dom.contains("<script"), "neither the lesson's nor the output's <script> is an element")
        #expect(dom.contains("&lt;script&gt;alert('x')&lt;/script&gt;"), "the output's <script> shows as text")
        #expect(dom.contains("<header class=\"summary\" id=\"summary\">"))
        #expect(dom.contains("4 of 6 cells passed, 1 failed, 1 skipped"))
        #expect(dom.contains("<nav class=\"toc\""))
        #expect(dom.contains("<a href=\"#output-that-looks-like-markup\">"))
        #expect(dom.contains("<h2 id=\"output-that-looks-like-markup\">"))
        for cell in ["markup", "invalid-utf8", "streams", "fails", "echo-args", "hello-lines"] {
            #expect(dom.contains("id=\"cell-\(cell)\""), "cell \(cell)")
        }
        #expect(dom.contains("<span class=\"ansi-fg-red\">red</span>"))
        #expect(dom.contains("<span class=\"invalid-utf8\" title=\"invalid UTF-8\">\\xFF</span>"))
        #expect(dom.contains("<figure class=\"stream stream-stderr\">"))
        #expect(dom.contains("<span class=\"badge status-failed\">failed</span>"))
        #expect(dom.contains("<del>"), "the failing cell's diff")
        #expect(dom.contains("<kbd>Ctrl</kbd>"), "raw HTML passes the tag filter")
        for external in ["<link", " src=", "url(", "@import"] {
            #expect(!dom.contains(external), "the page must not fetch anything: \(external)")
        }

        let index = try Chromium.run(["--dump-dom"], page: pages.appending("index.html"))
        #expect(Chromium.consoleMessages(index).isEmpty, "\(Chromium.consoleMessages(index))")
        #expect(index.standardOutput.contains("<a class=\"lesson-title\" href=\"showcase.html\">"))
        #expect(index.standardOutput.contains("<a class=\"lesson-title\" href=\"basics/hello.html\">"))
        #expect(index.standardOutput.contains("5 of 7 cells passed, 1 failed, 1 skipped"))
    }

    @Test func diffLinesFollowEachOtherAndLongOutputScrollsInItsBox() throws {
        let pages = try Self.renderCourse()
        let browser = try HeadlessBrowser.launch(windowSize: (width: 1280, height: 900))
        defer { try? browser.close() }
        try browser.navigate(to: "file://" + pages.appending("showcase.html").string)
        // Each line of a diff starts where the one before it ends: no blank line between them.
        let gaps = try browser.evaluate("""
            [...document.querySelectorAll('figure.diff pre')].flatMap(pre => {
              const lines = [...pre.children];
              return lines.slice(1).map((line, i) =>
                Math.round(line.getBoundingClientRect().top - lines[i].getBoundingClientRect().bottom));
            })
            """) as? [Int]
        #expect(gaps?.isEmpty == false, "the showcase has a diff of several lines")
        #expect(gaps?.allSatisfy { abs($0) <= 2 } == true, "gaps between diff lines, in pixels: \(gaps ?? [])")
        // Output much longer than the window scrolls inside its box, as a notebook's does.
        let box = try browser.evaluate("""
            (() => {
              const pre = document.querySelector('figure.stream pre');
              pre.textContent = Array.from({length: 500}, (_, i) => 'line ' + i).join('\\n');
              return [pre.clientHeight, pre.scrollHeight, innerHeight];
            })()
            """) as? [Int]
        let (visible, whole, window) = (box?[0] ?? 0, box?[1] ?? 0, box?[2] ?? 0)
        #expect(visible > 0 && visible < window, "the box is \(visible) px high in a \(window) px window")
        #expect(whole > visible * 5, "the box scrolls: \(whole) px of content")
    }

    @Test func screenshotsOfTheLightAndDarkThemes() throws {
        let pages = try Self.renderCourse()
        let shots: [(name: String, size: String, dark: Bool, page: String)] = [
            ("light", "1280,2400", false, "showcase.html"), ("dark", "1280,2400", true, "showcase.html"),
            ("phone-light", "390,2400", false, "showcase.html"), ("phone-dark", "390,2400", true, "showcase.html"),
            ("index-light", "900,600", false, "index.html"), ("index-dark", "900,600", true, "index.html"),
        ]
        for shot in shots {
            let png = Self.folder.appending(shot.name + ".png")
            unlink(png.string)
            var arguments = ["--screenshot=" + png.string, "--window-size=" + shot.size]
            // Blink's preferred colour scheme: 0 is dark, 1 light.
            arguments.append("--blink-settings=preferredColorScheme=" + (shot.dark ? "0" : "1"))
            let run = try Chromium.run(arguments, page: pages.appending(shot.page))
            #expect(run.exitCode == 0, "\(run.standardError)")
            var status = stat()
            #expect(stat(png.string, &status) == 0, "\(shot.name).png was written")
            #expect(status.st_size > 10_000, "\(shot.name).png holds a rendered page")
        }
        #expect(
            try TemporaryFile.read(Self.folder.appending("light.png").string)
                != TemporaryFile.read(Self.folder.appending("dark.png").string), "the dark theme differs")
    }
}
