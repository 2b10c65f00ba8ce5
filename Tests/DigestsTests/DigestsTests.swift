import Digests
import Testing

@Suite("Digests")
struct DigestsTests {
    /// `hex` in bytes: "0a0b" is [0x0a, 0x0b].
    func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map {
            UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16)!
        }
    }

    @Test func sha256KnownAnswers() throws {
        #expect(SHA256.hex(try SHA256.hash([UInt8]()))
            == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(try SHA256.hash(Array("abc".utf8)))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // FIPS 180-2's two-block message.
        #expect(SHA256.hex(try SHA256.hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func incrementalUpdatesEqualOneShot() throws {
        let message = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var hasher = try SHA256()
        hasher.update(message[..<1])
        hasher.update([UInt8]())
        hasher.update(message[1..<4097])
        message[4097..<5000].withUnsafeBytes { hasher.update($0) }
        hasher.update(message[5000...].lazy.map { $0 })  // not contiguous: copied first
        #expect(try hasher.finalize() == SHA256.hash(message))
        #expect(try SHA256.hash(message).count == SHA256.byteCount)
    }

    @Test func hex() {
        #expect(SHA256.hex([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(SHA256.hex([UInt8]()) == "")
    }

    /// RFC 4231, test cases 1 and 2.
    @Test func hmacSHA256KnownAnswers() throws {
        let key = [UInt8](repeating: 0x0b, count: 20)
        #expect(try HMACSHA256.authenticationCode(for: Array("Hi There".utf8), key: key)
            == bytes("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"))
        let message = Array("what do ya want for nothing?".utf8)
        #expect(try HMACSHA256.authenticationCode(for: message, key: Array("Jefe".utf8))
            == bytes("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"))
        // Python: hmac.new(b"", b"", "sha256").hexdigest()
        #expect(try HMACSHA256.authenticationCode(for: [UInt8](), key: [UInt8]())
            == bytes("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"))
    }

    @Test func hmacValidation() throws {
        let key = Array("Jefe".utf8), message = Array("what do ya want for nothing?".utf8)
        let code = try HMACSHA256.authenticationCode(for: message, key: key)
        #expect(HMACSHA256.isValidAuthenticationCode(code, authenticating: message, key: key))
        #expect(!HMACSHA256.isValidAuthenticationCode(code, authenticating: message.dropLast(), key: key))
        #expect(!HMACSHA256.isValidAuthenticationCode(code.dropLast(), authenticating: message, key: key))
        #expect(!HMACSHA256.isValidAuthenticationCode(code, authenticating: message, key: key + [1]))
        // HMAC pads a short key with zeros: a trailing zero byte is the same key.
        #expect(HMACSHA256.isValidAuthenticationCode(code, authenticating: message, key: key + [0]))
    }

    @Test func constantTimeEquality() {
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3] as [UInt8]))
        #expect(constantTimeEquals([UInt8](), [UInt8]()))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4] as [UInt8]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2] as [UInt8]), "different lengths")
        #expect(!constantTimeEquals([UInt8](), [0] as [UInt8]))
        #expect(constantTimeEquals([9, 8, 7][1...], [8, 7] as [UInt8]), "a slice")
    }
}
