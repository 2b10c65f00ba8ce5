import Multiprocessing

/// The bytes a demo host writes to stdout when the `lesson` tool asks for its catalog, and their decoding.
///
/// A reply is the magic `LRDEMOS\n`, the host's protocol version (UInt32, little-endian), the payload's length
/// (UInt64, little-endian) and the payload: the ``DemoCatalog`` in Multiprocessing's binary encoding. A host of
/// another protocol version still writes its magic and version, so the tool can say which side to rebuild.
public enum DemoHostReply {
    /// The version of this reply's layout and of the catalog's encoding; both sides must speak the same one.
    public static let protocolVersion: UInt32 = 1
    /// The environment variable that asks a demo host for its catalog; its value is the asker's protocol version.
    public static let queryVariable = "LESSONRUNNER_HOST_QUERY"
    /// The first bytes of every reply.
    public static let magic = Array("LRDEMOS\n".utf8)
    /// The largest payload a reply may declare: far more than any catalog of sources.
    public static let payloadLimit = 256 << 20

    /// Why a reply could not be read.
    public enum Failure: Error, Equatable, Sendable {
        /// The output does not start with the magic: the executable is not a demo host.
        case notAHost
        /// The host speaks another protocol version.
        case protocolVersion(UInt32)
        /// The reply ends early, declares too large a payload, or its payload does not decode.
        case malformed(String)
    }

    /// The reply that carries `catalog`.
    public static func encode(_ catalog: DemoCatalog) throws -> [UInt8] {
        let payload = try BinaryEncoder().encode(catalog)
        return header(payloadLength: payload.count) + payload
    }

    static func header(payloadLength: Int) -> [UInt8] {
        var bytes = magic
        withUnsafeBytes(of: protocolVersion.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: UInt64(payloadLength).littleEndian) { bytes += $0 }
        return bytes
    }

    /// The catalog in `bytes`, the whole of what a host wrote.
    public static func decode(_ bytes: [UInt8]) throws(Failure) -> DemoCatalog {
        guard bytes.starts(with: magic) else { throw .notAHost }
        let versionStart = magic.count
        guard bytes.count >= versionStart + 12 else { throw .malformed("the reply ends inside its header") }
        let version = littleEndian(UInt32.self, bytes[versionStart..<versionStart + 4])
        guard version == protocolVersion else { throw .protocolVersion(version) }
        let length = littleEndian(UInt64.self, bytes[versionStart + 4..<versionStart + 12])
        let payloadStart = versionStart + 12
        guard length <= UInt64(payloadLimit) else { throw .malformed("the reply declares \(length) bytes") }
        guard bytes.count - payloadStart == Int(length) else {
            throw .malformed("the reply declares \(length) bytes of catalog and holds \(bytes.count - payloadStart)")
        }
        do {
            return try BinaryDecoder().decode(DemoCatalog.self, from: Array(bytes[payloadStart...]))
        } catch {
            throw .malformed("its catalog does not decode: \(error)")
        }
    }

    private static func littleEndian<Value: FixedWidthInteger>(_ type: Value.Type, _ bytes: ArraySlice<UInt8>) -> Value {
        bytes.reversed().reduce(Value.zero) { ($0 << 8) | Value($1) }
    }
}
