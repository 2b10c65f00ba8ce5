import Multiprocessing
#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import SystemPackage

/// A client's authenticated connection to a manager's server: one request, one reply, in turn.
final class ManagerConnection: Sendable {
    let connection: Connection
    let address: ManagerAddress

    /// Connects to `address` and answers the server's challenge with `authkey`, waiting up to `timeout` for each of
    /// the server's handshake messages.
    ///
    /// - Throws: ``MultiprocessingError/Code/managerGone`` when nothing listens there,
    ///   ``MultiprocessingError/Code/authenticationFailed`` for a wrong key, or a peer that does not answer as a
    ///   manager does.
    init(to address: ManagerAddress, authkey: [UInt8], timeout: Duration = .seconds(10)) throws(MultiprocessingError) {
        let descriptor: Int32
        switch address {
        case .unix(let path): descriptor = lx_connect_unix(path)
        case .tcp(let host, let port): descriptor = lx_connect_tcp(host, Int32(port))
        }
        guard descriptor >= 0 else {
            throw MultiprocessingError(.managerGone, "cannot connect to the manager at \(address)",
                                       underlyingError: _currentErrno())
        }
        self.connection = Connection(descriptor: FileDescriptor(rawValue: descriptor), readable: true, writable: true,
                                     isSocket: true)
        self.address = address
        do {
            try ManagerAuthentication.answerChallenge(connection, key: authkey, address: address, timeout: timeout)
        } catch {
            connection.close()
            throw error
        }
    }

    /// Calls `method` on object `object` and returns its result.
    ///
    /// - Parameter timeout: How long to wait for the reply; `nil` for methods that block on purpose (`acquire`,
    ///   `get`, `wait`): a server that dies still ends the wait at once, by end of file.
    /// - Throws: ``MultiprocessingError/Code/managerGone`` when the server is gone (end of file or reset),
    ///   ``MultiprocessingError/Code/timedOut`` after `timeout`, ``MultiprocessingError/Code/remoteError`` when
    ///   the method failed on the server.
    func call(_ object: Int, _ method: String, _ arguments: [ManagedValue], timeout: Duration?)
        throws(MultiprocessingError) -> ManagedValue {
        let reply: ManagerReply
        do throws(MultiprocessingError) {
            try connection.send(message: ManagerRequest(object: object, method: method, arguments: arguments))
            reply = try connection.recv(message: ManagerReply.self, timeout: timeout)
        } catch where error.code == .timedOut {
            throw MultiprocessingError(.timedOut, "the manager at \(address) did not answer \(method) within "
                + "\(timeout!)")
        } catch where error.code == .endOfFile || error.code == .closed {
            throw MultiprocessingError(.managerGone, "the manager's server at \(address) is gone (it was shut down, "
                + "killed or crashed): cannot call \(method)")
        }
        switch reply {
        case .value(let value): return value
        case .failure(let description):
            throw MultiprocessingError(.remoteError, "\(method) failed in the manager", remoteDescription: description)
        }
    }

    func close() {
        connection.close()
    }
}
