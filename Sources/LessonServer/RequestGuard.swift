import Foundation
import HTTPTypes
import Hummingbird

/// The checks every request to `lesson serve` passes before any route sees it, as Jupyter Server makes them:
///
/// - **Host**: the `Host` header must name this server (`127.0.0.1`, `localhost`, `[::1]` or the bound address,
///   with the port; bound to another address, any IP address literal too), so a page on another site that
///   rebinds its DNS name to 127.0.0.1 is refused.
/// - **Token**: a `token` query parameter that matches is exchanged for an HttpOnly, SameSite=Strict cookie and a
///   redirect to the same address without it; any other request needs that cookie. No route is exempt.
/// - **Origin**: a POST (every request that changes state) must come from this server's own origin, with a JSON
///   body, and no CORS header is ever sent, so no other site can make the browser send one.
///
/// Every response forbids sniffing, framing, caching and referrers, and its Content-Security-Policy lets a page run
/// only scripts served by this server.
struct RequestGuard<Context: RequestContext>: RouterMiddleware {
    static var cookieName: String { "lessonrunner-token" }

    let token: AccessToken
    let port: @Sendable () -> Int
    let boundHost: String

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await check(request, context: context, next: next)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.cacheControl] = "no-store"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[.contentSecurityPolicy] = "default-src 'none'; script-src 'self'; connect-src 'self'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
            + "form-action 'self'"
        return response
    }

    private func check(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let authority = request.head.authority, isOwnHost(authority) else {
            return Self.refusal(.forbidden, "this server answers only to its own address (Host header)")
        }
        if let offered = request.uri.queryParameters["token"] {
            guard token.matches(offered) else { return Self.refusal(.forbidden, "wrong token") }
            // Exchange the token for a cookie, and take it out of the address bar and the history.
            var response = Response(status: .seeOther)
            response.headers[.location] = request.uri.path
            response.headers[.setCookie] =
                "\(Self.cookieName)=\(token.text); Path=/; HttpOnly; SameSite=Strict"
            return response
        }
        guard let cookie = Self.cookie(Self.cookieName, in: request.headers[values: .cookie]), token.matches(cookie)
        else {
            return Self.refusal(.forbidden, "this server needs its token: open the address `lesson serve` printed")
        }
        if request.method != .get && request.method != .head {
            guard request.method == .post else { return Self.refusal(.methodNotAllowed, "method not allowed") }
            guard let origin = request.headers[.origin], origin == "http://" + authority else {
                return Self.refusal(.forbidden, "cross-origin request refused (Origin header)")
            }
            guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
                return Self.refusal(.unsupportedMediaType, "send JSON (Content-Type: application/json)")
            }
        }
        return try await next(request, context)
    }

    /// Whether a Host header names this server.
    func isOwnHost(_ authority: String) -> Bool {
        let port = String(self.port())
        guard let separator = authority.lastIndex(of: ":"), authority[authority.index(after: separator)...] == port
        else { return false }
        let host = authority[..<separator].lowercased()
        let loopback: Set<String> = ["127.0.0.1", "localhost", "[::1]"]
        if loopback.contains(host) || host == boundHost.lowercased() { return true }
        if loopback.contains(boundHost) { return false }
        // Bound beyond loopback (a classroom): an address typed as numbers cannot be a rebound DNS name.
        return Self.isIPAddressLiteral(host)
    }

    static func isIPAddressLiteral(_ host: String) -> Bool {
        if host.hasPrefix("["), host.hasSuffix("]") {
            var address = in6_addr()
            return inet_pton(AF_INET6, String(host.dropFirst().dropLast()), &address) == 1
        }
        var address = in_addr()
        return inet_pton(AF_INET, host, &address) == 1
    }

    /// The value of cookie `name` in `Cookie` headers.
    static func cookie(_ name: String, in headers: [String]) -> Substring? {
        for header in headers {
            for pair in header.split(separator: ";") {
                let trimmed = pair.drop { $0 == " " }
                if trimmed.hasPrefix(name + "=") { return trimmed.dropFirst(name.count + 1) }
            }
        }
        return nil
    }

    /// A refusal as JSON `{"error": …}`, the body every error of the server has.
    static func refusal(_ status: HTTPResponse.Status, _ message: String) -> Response {
        JSONResponse.error(status, message)
    }
}

/// Responses with a JSON body.
enum JSONResponse {
    static func make(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let data = (try? JSONEncoder().encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        make(status, ["error": message])
    }
}
