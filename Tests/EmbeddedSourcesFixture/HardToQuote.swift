// A file whose text is hard to put in a Swift string literal: the embedded copy must still be exact.
let quotes = #"""
    a raw string with """ and "# and \(not interpolated) and \n
    """#
let hashes = ##"ends with "# inside"##
let unicode = "π ≈ 3.14159, naïve café, 🐍"
/* a backslash at the end of a line \
*/
// no line break at the end of this file