import Dispatch
import Multiprocessing
#if canImport(Glibc)
import Glibc
#endif

/// Opens an address in the desktop's browser with `xdg-open`, when there is a desktop and the command exists.
enum BrowserOpener {
    static func open(_ url: String) {
        let candidates = ["/usr/bin/xdg-open", "/usr/local/bin/xdg-open"]
        guard getenv("DISPLAY") != nil || getenv("WAYLAND_DISPLAY") != nil,
            let opener = candidates.first(where: { access($0, X_OK) == 0 })
        else {
            Terminal.standardError.write("lesson: no desktop browser to open; open the address above yourself\n")
            return
        }
        var configuration = SpawnConfiguration(executable: .init(opener), arguments: [url])
        configuration.standardOutput = .devNull
        configuration.standardError = .devNull
        guard let child = try? ChildProcess.spawn(configuration) else { return }
        DispatchQueue.global().async { _ = try? child.wait() }
    }
}
