import CSkiffTLS
import Glibc

/// Calls a CSkiffTLS function that reports failure by returning nil (or a value the caller
/// maps to nil) and writing its reason into an error buffer; throws that reason.
func openSSLCall<T>(
  _ code: TLSError.Code, _ context: @autoclosure () -> String = "",
  _ body: (UnsafeMutablePointer<CChar>, Int) -> T?
) throws(TLSError) -> T {
  var buffer = [CChar](repeating: 0, count: 2048)
  let result = buffer.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
  if let result { return result }
  let reason = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
  let prefix = context()
  throw TLSError(code, prefix.isEmpty ? reason : "\(prefix): \(reason)")
}

/// For CSkiffTLS functions returning 1 on success.
func openSSLCheck(
  _ code: TLSError.Code, _ context: @autoclosure () -> String = "",
  _ body: (UnsafeMutablePointer<CChar>, Int) -> Int32
) throws(TLSError) {
  try openSSLCall(code, context()) { body($0, $1) == 1 ? () : nil }
}

/// This thread's OpenSSL error queue as text (emptying it), or `fallback` when empty.
func drainOpenSSLErrors(fallback: String) -> String {
  var buffer = [CChar](repeating: 0, count: 1024)
  let n = buffer.withUnsafeMutableBufferPointer { skiff_tls_drain_errors($0.baseAddress!, $0.count) }
  if n == 0 { return fallback }
  return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

/// Takes a malloc'd C string from a CSkiffTLS function and frees it.
func takeCString(_ pointer: UnsafeMutablePointer<CChar>, length: Int) -> String {
  defer { free(pointer) }
  return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
}

/// Runs `body` with `strings` as a C array of C strings (valid only inside `body`).
func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?, Int) throws(TLSError) -> R)
  throws(TLSError) -> R
{
  let copies: [UnsafePointer<CChar>?] = strings.map { UnsafePointer(strdup($0)) }
  defer { copies.forEach { free(UnsafeMutablePointer(mutating: $0)) } }
  return try copies.withUnsafeBufferPointer { (pointer) throws(TLSError) -> R in
    try body(strings.isEmpty ? nil : pointer.baseAddress, strings.count)
  }
}
