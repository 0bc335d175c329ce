/// Go's `strconv.FormatFloat(d, 'g', -1, bits)`: the shortest digits that read back as the
/// same float, in `%e` form when the decimal exponent is below -4 or at least 6 (Go's fixed
/// choice for the shortest form) and `%f` form otherwise: `1e+06`, `1.2345675e+06`, `123456`,
/// `0.0001`, `1e-05`, `1.5`. go-yaml prints floats this way,
/// and sigs.k8s.io/yaml turns float map keys into strings this way (with 32 bits).
/// Infinities and NaN print as YAML's `.inf`, `-.inf` and `.nan`, as go-yaml prints them.
func goFormatFloat(_ d: Double, bits: Int = 64) -> String {
  if d.isNaN { return ".nan" }
  if d.isInfinite { return d < 0 ? "-.inf" : ".inf" }
  if bits == 32 {
    let f = Float(d)
    if f.isInfinite { return f < 0 ? "-.inf" : ".inf" }
    return formatShortest(f.description, negative: f.sign == .minus)
  }
  return formatShortest(d.description, negative: d.sign == .minus)
}

/// Reformats Swift's shortest round-trip text (`1234567.5`, `1e-07`, `1.5e+20`) as Go's `%g`.
/// Both print the shortest digits that identify the value, so only the layout differs.
private func formatShortest(_ swiftText: String, negative: Bool) -> String {
  var text = Substring(swiftText)
  if text.first == "-" { text = text.dropFirst() }
  var exponent = 0
  if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
    exponent = Int(text[text.index(after: e)...]) ?? 0
    text = text[..<e]
  }
  // Digits without the point, and where the point goes: value = 0.DIGITS × 10^point.
  var digits = ""
  var point = 0
  var seenPoint = false
  for c in text {
    if c == "." {
      seenPoint = true
      continue
    }
    digits.append(c)
    if !seenPoint { point += 1 }
  }
  point += exponent
  while digits.first == "0" {
    digits.removeFirst()
    point -= 1
  }
  while digits.last == "0" { digits.removeLast() }
  let sign = negative ? "-" : ""
  if digits.isEmpty { return sign + "0" }

  let exp = point - 1
  if exp < -4 || exp >= 6 {
    var out = sign + String(digits.first!)
    if digits.count > 1 { out += "." + digits.dropFirst() }
    let magnitude = abs(exp)
    out += (exp < 0 ? "e-" : "e+") + (magnitude < 10 ? "0" : "") + String(magnitude)
    return out
  }
  if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
  if digits.count <= point { return sign + digits + String(repeating: "0", count: point - digits.count) }
  let cut = digits.index(digits.startIndex, offsetBy: point)
  return sign + digits[..<cut] + "." + digits[cut...]
}
