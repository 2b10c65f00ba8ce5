import Digests
import Multiprocessing

/// The HMAC-SHA256 challenge both ends of a manager connection answer before anything else, as Python's
/// `multiprocessing.connection` does (`deliver_challenge` and `answer_challenge`), in both directions:
///
/// 1. The server sends `#CHALLENGE#` and 32 random bytes.
/// 2. The client answers with HMAC(authkey, challenge) and 32 random bytes of its own.
/// 3. The server checks the code (in constant time). Wrong: it sends `#FAILURE#` and closes. Right: it sends
///    `#WELCOME#` and HMAC(authkey, the client's bytes).
/// 4. The client checks that code, so that it never talks to a server that does not know the key either.
enum ManagerAuthentication {
    static let challengePrefix = Array("#CHALLENGE#".utf8)
    static let welcomePrefix = Array("#WELCOME#".utf8)
    static let failure = Array("#FAILURE#".utf8)
    static let nonceSize = 32

    /// HMAC-SHA256(key, message).
    ///
    /// - Throws: ``MultiprocessingError/Code/authenticationFailed`` when OpenSSL cannot compute it (no SHA-256 in
    ///   its configured providers, or no memory).
    static func code(_ key: [UInt8], _ message: some Sequence<UInt8>) throws(MultiprocessingError) -> [UInt8] {
        do {
            return try HMACSHA256.authenticationCode(for: message, key: key)
        } catch {
            throw MultiprocessingError(.authenticationFailed, "cannot compute HMAC-SHA256: \(error)")
        }
    }

    /// Whether `code` is HMAC-SHA256(key, message), compared in constant time; `false` when it cannot be computed.
    static func isValid(_ code: some Sequence<UInt8>, _ key: [UInt8], _ message: some Sequence<UInt8>) -> Bool {
        HMACSHA256.isValidAuthenticationCode(code, authenticating: message, key: key)
    }

    /// 32 random bytes from the system's generator.
    static func randomBytes(_ count: Int = nonceSize) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// The server's side; `false` when the client does not know the key (it has been told).
    static func deliverChallenge(_ connection: Connection, key: [UInt8]) -> Bool {
        let nonce = randomBytes()
        do {
            try connection.sendBytes(challengePrefix + nonce)
            let answer = try connection.recvBytes()
            guard answer.count == 32 + nonceSize, isValid(answer[..<32], key, nonce) else {
                try? connection.sendBytes(failure)
                return false
            }
            try connection.sendBytes(welcomePrefix + code(key, answer[32...]))
            return true
        } catch {
            return false
        }
    }

    /// The client's side.
    ///
    /// - Throws: ``MultiprocessingError/Code/authenticationFailed`` when either side does not know the key.
    static func answerChallenge(_ connection: Connection, key: [UInt8], address: ManagerAddress)
        throws(MultiprocessingError) {
        let challenge = try connection.recvBytes()
        guard challenge.starts(with: challengePrefix) else {
            throw MultiprocessingError(.authenticationFailed, "the server at \(address) sent no challenge")
        }
        let nonce = randomBytes()
        try connection.sendBytes(code(key, challenge[challengePrefix.count...]) + nonce)
        let reply: [UInt8]
        do {
            reply = try connection.recvBytes()
        } catch {
            throw MultiprocessingError(.authenticationFailed, "the manager at \(address) closed the connection "
                + "during authentication")
        }
        if reply == failure {
            throw MultiprocessingError(.authenticationFailed, "the manager at \(address) rejected the authkey "
                + "(digest received was wrong)")
        }
        guard reply.starts(with: welcomePrefix), isValid(reply[welcomePrefix.count...], key, nonce) else {
            throw MultiprocessingError(.authenticationFailed, "the manager at \(address) does not know the authkey")
        }
    }
}
