/// What turns the HTML report's page into a live page, which `lesson serve` serves: the lesson's key, the URLs of
/// the script and of the server-sent events, and each demo's usage text.
///
/// In live mode (``HTMLReport/render(_:indexHref:navigation:live:)`` with a `LivePage`) the page follows the
/// contract in LessonServer's `LivePages` article: the body carries `data-lesson` and `data-events`, the head loads
/// ``scriptHref``, the page header has a **Run all** button and a connection indicator, and each cell has Run and
/// Stop buttons (and an arguments field for a demo that takes parameters) and a `div.cell-output` that the script
/// fills as output streams in. Without the script the page reads as the static report: the controls stay hidden.
public struct LivePage: Sendable, Hashable {
    /// The lesson's key: its path relative to the served folder, ending in `.md` (`01-multiprocessing.md`).
    public var lessonKey: String
    /// The URL of the page's script (``liveScript``).
    public var scriptHref: String
    /// The URL of the lesson's server-sent events.
    public var eventsHref: String
    /// Each demo's usage text, by demo name. A demo listed here takes parameters: its cells get an arguments field,
    /// whose tooltip is the usage.
    public var usage: [String: String]

    /// A live page of the lesson `lessonKey`.
    ///
    /// - Parameters:
    ///   - lessonKey: The lesson's path relative to the served folder, ending in `.md`.
    ///   - scriptHref: The URL of ``liveScript``.
    ///   - eventsHref: The URL of the lesson's events; by default `/events?lesson=KEY`, the key percent-encoded.
    ///   - usage: Each parameterized demo's usage text, by demo name (see ``usage(of:)``).
    public init(
        lessonKey: String, scriptHref: String = "/live.js", eventsHref: String? = nil, usage: [String: String] = [:]
    ) {
        self.lessonKey = lessonKey
        self.scriptHref = scriptHref
        self.eventsHref = eventsHref ?? "/events?lesson=" + Self.percentEncoded(lessonKey)
        self.usage = usage
    }

    /// The usage text of each demo in `catalog` that takes parameters, by demo name: the value ``usage`` wants.
    public static func usage(of catalog: DemoCatalog) -> [String: String] {
        var usage: [String: String] = [:]
        for demo in catalog.demos {
            if let text = demo.usage { usage[demo.name] = text }
        }
        return usage
    }

    /// `live.js`: the script a live page loads, which the server serves at ``scriptHref`` (`text/javascript`).
    ///
    /// It connects to the page's events, streams output into the cells, replaces a cell's section when its run
    /// finishes, and posts Run, Stop and Run all to the server's `/api/run`, `/api/stop` and `/api/run-all`.
    public static var liveScript: [UInt8] { PackageResources.live_js }

    /// What a cell of a live page shows: no run yet, a run waiting or going on, or the result of a finished run.
    public enum CellState: Sendable {
        /// No run in this server: the page shows the lesson's expected `output` and `stderr` blocks.
        case notRun
        /// Waiting for its turn: the badge says `queued`, Stop shows.
        case queued
        /// Running: the badge says `running`, Stop shows, and the output area is an empty `pre.live-output` that
        /// the script appends to.
        case running
        /// Finished with this result, shown as the static report shows it.
        case finished(CellResult)

        /// The state of a cell with this result, or ``notRun`` without one.
        public init(_ result: CellResult?) {
            self = result.map(Self.finished) ?? .notRun
        }
    }

    /// The text of a cell's arguments field: its `args=` value as written in the lesson, else its arguments
    /// joined with shell quoting.
    static func argumentsText(of cell: Cell) -> String {
        if case .success(let tokens) = InfoStringTokenizer.tokenize(Array(cell.block.info.utf8)[...], column: 1),
            let written = tokens.attributes.first(where: { $0.key == "args" })?.value
        {
            return written
        }
        return cell.options.arguments.map { argument in
            let safe = !argument.isEmpty
                && argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
            return safe ? argument : "'" + argument.replacing("'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }

    /// `text` with every byte but ASCII letters, digits, `-._~` and `/` percent-encoded, for a query value.
    static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                bytes.append(byte)
            default:
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
