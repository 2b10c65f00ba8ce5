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

    /// The longest handshake message a client reads from a server (the challenge, the welcome, the failure).
    static let serverMessageLimit = 256
    /// The size of a client's answer: an HMAC-SHA256 code and the client's nonce.
    static let answerSize = 32 + nonceSize

    /// The server's side; `false` when the client does not know the key (it has been told), or did not answer
    /// within `limits`: an answer is read only up to ``answerSize`` bytes (a frame that claims more is refused
    /// before anything is allocated for it) and only until ``ManagerHandshakeLimits/timeout``.
    static func deliverChallenge(_ connection: Connection, key: [UInt8], limits: ManagerHandshakeLimits) -> Bool {
        let nonce = randomBytes()
        do {
            try connection.sendBytes(challengePrefix + nonce)
            let answer = try connection.recvBytes(limit: answerSize, timeout: limits.timeout)
            guard answer.count == answerSize, isValid(answer[..<32], key, nonce) else {
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
    static func answerChallenge(_ connection: Connection, key: [UInt8], address: ManagerAddress, timeout: Duration)
        throws(MultiprocessingError) {
        let challenge: [UInt8]
        do {
            challenge = try connection.recvBytes(limit: serverMessageLimit, timeout: timeout)
        } catch where error.code == .timedOut || error.code == .messageTooLarge {
            throw MultiprocessingError(.authenticationFailed, "the peer at \(address) is not a manager: "
                + "\(error.message)")
        }
        guard challenge.starts(with: challengePrefix) else {
            throw MultiprocessingError(.authenticationFailed, "the server at \(address) sent no challenge")
        }
        let nonce = randomBytes()
        try connection.sendBytes(code(key, challenge[challengePrefix.count...]) + nonce)
        let reply: [UInt8]
        do {
            reply = try connection.recvBytes(limit: serverMessageLimit, timeout: timeout)
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

/// What bounds a connection before it has authenticated: a client that sends nothing, trickles its bytes, claims a
/// huge message or opens many connections costs the server a bounded time, memory and number of descriptors and
/// threads, and does not stop it from serving clients that know the key.
struct ManagerHandshakeLimits: Codable, Sendable, Hashable {
    /// How long a client has to answer the challenge once it is sent.
    var timeout: Duration = .seconds(10)
    /// How many connections may be in the handshake at once. One more arriving aborts the oldest: a flood of idle
    /// connections then delays no authentic client, which answers within milliseconds.
    var maximumPending = 64
}
