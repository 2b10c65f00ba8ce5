import CLinuxShims

/// The GNU build ID the linker writes into an executable (`--build-id`): a hash of its contents, read from the
/// running program's own memory at no cost.
public enum BuildID {
    /// The running executable's build ID in lowercase hex, or nil when it was linked without one.
    public static func ofRunningExecutable() -> String? {
        var bytes = [UInt8](repeating: 0, count: 64)
        let length = Int(lx_executable_build_id(&bytes, Int32(bytes.count)))
        guard length > 0 else { return nil }
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        for byte in bytes[..<length] {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
