import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// SO_ORIGINAL_DST: where a connection that iptables REDIRECTed to the proxy was going.
enum OriginalDestination {
  static let soOriginalDst: Int32 = 80  // <linux/netfilter_ipv4.h>

  /// The original destination of an accepted connection, or nil when it was not redirected
  /// (or the socket cannot tell).
  static func read(_ channel: any Channel) -> SocketAddress? {
    guard let provider = channel as? any SocketOptionProvider else { return nil }
    let future: EventLoopFuture<OriginalAddress> = provider.unsafeGetSocketOption(
      level: SocketOptionLevel(IPPROTO_IP), name: SocketOptionName(soOriginalDst))
    // On the channel's own event loop the option is read synchronously: the future is
    // already complete and the callback runs at once.
    var result: SocketAddress?
    future.assumeIsolated().whenSuccess { address in
      let sin = withUnsafeBytes(of: address.storage) { $0.load(as: sockaddr_in.self) }
      result = SocketAddress(sin, host: "")
    }
    return result
  }

  /// Room for a `sockaddr_in` (16 bytes), which getsockopt fills.
  struct OriginalAddress: Sendable {
    var storage: (UInt64, UInt64) = (0, 0)
  }
}
