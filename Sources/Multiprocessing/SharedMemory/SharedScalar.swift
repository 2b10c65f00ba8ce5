/// A plain, fixed-size value that can live in shared memory: the element types of ``SharedValue`` and
/// ``SharedArray``.
///
/// Python's type codes map to Swift types: `'b'` `Int8`, `'B'` `UInt8`, `'h'` `Int16`, `'H'` `UInt16`, `'i'`
/// `Int32`, `'I'` `UInt32`, `'l'`/`'q'` `Int64` (or `Int`), `'L'`/`'Q'` `UInt64` (or `UInt`), `'f'` `Float`, `'d'`
/// `Double`, `'?'` `Bool`. Conform only types with no references and no pointers: their bytes are shared as they are.
public protocol SharedScalar: BitwiseCopyable, Sendable {}

extension Int8: SharedScalar {}
extension Int16: SharedScalar {}
extension Int32: SharedScalar {}
extension Int64: SharedScalar {}
extension Int: SharedScalar {}
extension UInt8: SharedScalar {}
extension UInt16: SharedScalar {}
extension UInt32: SharedScalar {}
extension UInt64: SharedScalar {}
extension UInt: SharedScalar {}
extension Float: SharedScalar {}
extension Double: SharedScalar {}
extension Bool: SharedScalar {}
