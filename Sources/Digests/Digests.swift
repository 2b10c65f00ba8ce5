// SHA-256, HMAC-SHA256 and constant-time comparison, from the system's OpenSSL 3 libcrypto (Debian's libssl-dev).
//
// Why not swift-crypto: it compiles its own copy of BoringSSL for these three functions, and imports Foundation
// (FoundationEssentials on Linux). On the 2-core machine a clean build of `manager-benchmarks` took 147-161 s with
// it and 31-39 s without in debug, 173-241 s and 48-50 s in static release; the static executable went from 40 MB
// to 21 MB. Debian's libcrypto is prebuilt, and its libcrypto.a also links into the fully static release
// executables (`scripts/build-release` builds with `-static-executable`).
//
// This is the only Swift file that imports COpenSSL. It uses OpenSSL 3's EVP API (the shim hides what 3.0
// deprecated), and no Foundation. A failing OpenSSL call (no SHA-256 from the configured providers, no memory)
// throws ``DigestError``; nothing here traps.
import COpenSSL

/// An OpenSSL call that failed, with what OpenSSL's error queue said.
public struct DigestError: Error, Sendable, CustomStringConvertible {
    /// The OpenSSL function that failed, such as `EVP_DigestInit_ex`.
    public var operation: String
    /// OpenSSL's own description of the error, or a short reason when OpenSSL gave none.
    public var reason: String

    /// An error of `operation`, with the reason taken (and cleared) from this thread's OpenSSL error queue.
    init(_ operation: String, reason: String? = nil) {
        self.operation = operation
        var queued: [String] = []
        var code = ERR_get_error()
        while code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            queued.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            code = ERR_get_error()
        }
        self.reason = reason ?? (queued.isEmpty ? "no reason given" : queued.joined(separator: "; "))
    }

    public var description: String { "\(operation) failed: \(reason)" }
}

/// OpenSSL's SHA-256, fetched from the configured providers once per process (each later use skips the look-up).
/// Unchecked: a fetched `EVP_MD` is immutable and OpenSSL lets any number of threads use it at once.
private final class FetchedSHA256: @unchecked Sendable {
    /// The `EVP_MD *`; never freed: it lives as long as the process.
    let digest: OpaquePointer

    init(_ digest: OpaquePointer) { self.digest = digest }

    static let shared: Result<FetchedSHA256, DigestError> = {
        // OpenSSL's first use in a process (a manager's server process is a new one each time) costs ~0.75 ms with
        // the default options, ~0.27 ms without these: the error strings (errors then show OpenSSL's numeric codes),
        // the legacy name tables of every cipher and digest (fetching does not use them), and the cleanup at exit.
        // The system's configuration is still loaded. In effect only when libcrypto is not initialized yet.
        let options = OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS | OPENSSL_INIT_NO_ADD_ALL_CIPHERS
            | OPENSSL_INIT_NO_ADD_ALL_DIGESTS | OPENSSL_INIT_NO_ATEXIT
        guard OPENSSL_init_crypto(UInt64(options), nil) == 1 else { return .failure(DigestError("OPENSSL_init_crypto")) }
        guard let digest = EVP_MD_fetch(nil, "SHA2-256", nil) else { return .failure(DigestError("EVP_MD_fetch")) }
        return .success(FetchedSHA256(digest))
    }()
}

/// An incremental SHA-256.
///
/// ```swift
/// var hasher = try SHA256()
/// hasher.update(Array("ab".utf8))
/// hasher.update(Array("c".utf8))
/// let digest = try hasher.finalize()   // 32 bytes; SHA256.hex(digest) == "ba7816bf…"
/// ```
public struct SHA256: ~Copyable {
    /// The length of a digest in bytes.
    public static let byteCount = 32

    /// The `EVP_MD_CTX *`, freed with the hasher.
    private let context: OpaquePointer
    /// Whether an update failed; ``finalize()`` then throws instead of returning a wrong digest.
    private var failure: DigestError?

    /// A hasher that has hashed nothing yet.
    ///
    /// - Throws: ``DigestError`` when OpenSSL has no SHA-256 (a configuration without the default provider) or no
    ///   memory.
    public init() throws(DigestError) {
        let digest = try FetchedSHA256.shared.get().digest
        guard let context = EVP_MD_CTX_new() else { throw DigestError("EVP_MD_CTX_new") }
        guard EVP_DigestInit_ex(context, digest, nil) == 1 else {
            let error = DigestError("EVP_DigestInit_ex")
            EVP_MD_CTX_free(context)
            throw error
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Hashes the bytes in `buffer`, after those of the earlier updates.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard failure == nil else { return }
        if !Self.update(context, buffer) { failure = DigestError("EVP_DigestUpdate") }
    }

    /// Hashes `bytes`, after those of the earlier updates; contiguous collections (arrays, slices) are not copied.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        guard failure == nil else { return }
        let context = context
        let succeeded = bytes.withContiguousStorageIfAvailable {
            Self.update(context, UnsafeRawBufferPointer($0))
        } ?? Array(bytes).withUnsafeBytes { Self.update(context, $0) }
        if !succeeded { failure = DigestError("EVP_DigestUpdate") }
    }

    private static func update(_ context: OpaquePointer, _ buffer: UnsafeRawBufferPointer) -> Bool {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return true }
        return EVP_DigestUpdate(context, base, buffer.count) == 1
    }

    /// The digest of everything hashed: 32 bytes. The hasher is used up.
    ///
    /// - Throws: ``DigestError`` when an update or the final step failed.
    public consuming func finalize() throws(DigestError) -> [UInt8] {
        if let failure { throw failure }
        var digest = [UInt8](repeating: 0, count: Self.byteCount)
        var length: UInt32 = 0
        let result = digest.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        guard result == 1 else { throw DigestError("EVP_DigestFinal_ex") }
        guard length == Self.byteCount else {
            throw DigestError("EVP_DigestFinal_ex", reason: "a digest of \(length) bytes instead of 32")
        }
        return digest
    }

    /// The SHA-256 of `bytes`, in one step.
    ///
    /// - Throws: ``DigestError`` as ``init()`` and ``finalize()`` do.
    public static func hash(_ bytes: some Sequence<UInt8>) throws(DigestError) -> [UInt8] {
        var hasher = try SHA256()
        hasher.update(bytes)
        return try hasher.finalize()
    }

    /// `bytes` in lowercase hexadecimal, two digits a byte: `[0xba, 0x78]` is `"ba78"`.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// HMAC-SHA256 (RFC 2104), as Python's `hmac.new(key, message, "sha256")`.
public enum HMACSHA256 {
    /// The length of a code in bytes.
    public static let byteCount = 32

    /// The HMAC-SHA256 of `message` under `key` (of any length, empty included): 32 bytes.
    ///
    /// - Throws: ``DigestError`` when OpenSSL has no SHA-256 or HMAC, or no memory, or the key is longer than 2 GiB.
    public static func authenticationCode(
        for message: some Sequence<UInt8>, key: some Sequence<UInt8>
    ) throws(DigestError) -> [UInt8] {
        let digest = try FetchedSHA256.shared.get().digest
        let key = Array(key), message = Array(message)
        guard let keyLength = Int32(exactly: key.count) else {
            throw DigestError("HMAC", reason: "a key of \(key.count) bytes is longer than OpenSSL takes")
        }
        // Never null pointers, even for empty bytes: OpenSSL 3.0 reads a null key as "no key given", not as empty.
        let keyStorage = key.isEmpty ? [0] : key, messageStorage = message.isEmpty ? [0] : message
        var code = [UInt8](repeating: 0, count: byteCount)
        var length: UInt32 = 0
        let result = keyStorage.withUnsafeBufferPointer { keyBytes in
            messageStorage.withUnsafeBufferPointer { messageBytes in
                code.withUnsafeMutableBufferPointer { codeBytes in
                    HMAC(digest, keyBytes.baseAddress, keyLength, messageBytes.baseAddress, message.count,
                         codeBytes.baseAddress, &length)
                }
            }
        }
        guard result != nil else { throw DigestError("HMAC") }
        guard length == byteCount else { throw DigestError("HMAC", reason: "a code of \(length) bytes instead of 32") }
        return code
    }

    /// Whether `code` is the HMAC-SHA256 of `message` under `key`, compared in constant time; `false` when the
    /// code cannot be computed (see ``authenticationCode(for:key:)``).
    public static func isValidAuthenticationCode(
        _ code: some Sequence<UInt8>, authenticating message: some Sequence<UInt8>, key: some Sequence<UInt8>
    ) -> Bool {
        guard let expected = try? authenticationCode(for: message, key: key) else { return false }
        return constantTimeEquals(expected, code)
    }
}

/// Whether `a` and `b` hold the same bytes, in a time that depends on their lengths only, not on where they differ
/// (OpenSSL's `CRYPTO_memcmp`). Different lengths are unequal at once: a length is not a secret.
public func constantTimeEquals(_ a: some Sequence<UInt8>, _ b: some Sequence<UInt8>) -> Bool {
    let a = Array(a), b = Array(b)
    guard a.count == b.count else { return false }
    guard !a.isEmpty else { return true }
    return a.withUnsafeBytes { first in
        b.withUnsafeBytes { second in CRYPTO_memcmp(first.baseAddress, second.baseAddress, first.count) == 0 }
    }
}
