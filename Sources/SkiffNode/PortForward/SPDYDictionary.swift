/// The zlib dictionary of SPDY/3 header blocks (draft-mbelshe-httpbis-spdy-00 §2.6.10.1).
///
/// The spec lists it byte by byte; it is a run of length-prefixed header names and values
/// (each a 4-byte big-endian length, then the text) followed by common status lines, dates
/// and media types as plain text. It is written here in that shape, and checked by its
/// Adler-32 (`adler32`), which is what zlib names when a peer's stream asks for it.
enum SPDYDictionary {
  /// The Adler-32 of the dictionary: the DICTID of every SPDY/3 client's header stream.
  static let adler32: UInt32 = 0xE3C6_A7C2

  /// Length-prefixed entries, in the spec's order.
  static let entries = [
    "options", "head", "post", "put", "delete", "trace", "accept", "accept-charset", "accept-encoding",
    "accept-language", "accept-ranges", "age", "allow", "authorization", "cache-control", "connection",
    "content-base", "content-encoding", "content-language", "content-length", "content-location", "content-md5",
    "content-range", "content-type", "date", "etag", "expect", "expires", "from", "host", "if-match",
    "if-modified-since", "if-none-match", "if-range", "if-unmodified-since", "last-modified", "location",
    "max-forwards", "pragma", "proxy-authenticate", "proxy-authorization", "range", "referer", "retry-after",
    "server", "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "vary", "via", "warning",
    "www-authenticate", "method", "get", "status", "200 OK", "version", "HTTP/1.1", "url", "public", "set-cookie",
    "keep-alive", "origin",
  ]

  /// The unprefixed tail, in pieces as the spec's lines group it.
  static let tail = [
    "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505",
    "203 Non-Authoritative Information", "204 No Content", "301 Moved Permanently", "400 Bad Request",
    "401 Unauthorized", "403 Forbidden", "404 Not Found", "500 Internal Server Error", "501 Not Implemented",
    "503 Service Unavailable",
    "Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT",
    "chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,",
    "text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.",
  ]

  static let bytes: [UInt8] = {
    var out: [UInt8] = []
    for entry in entries {
      let utf8 = Array(entry.utf8)
      let n = UInt32(utf8.count)
      out += [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
      out += utf8
    }
    for piece in tail { out += Array(piece.utf8) }
    return out
  }()
}
