/// Ids for headings, made from their text as GitHub does (`## Standard error and exit codes` →
/// `standard-error-and-exit-codes`), unique within a page.
struct HeadingSlugs {
    private var taken: Set<String>

    /// Slugs that will not reuse any of `reserved` (the cells' `cell-ID` anchors).
    init(reserved: Set<String> = []) {
        taken = reserved
    }

    /// A new id for a heading with this text: lowercase letters, digits, `-` and `_`, spaces as `-`; `-1`, `-2`…
    /// added when the id is taken; `section` when nothing is left.
    mutating func slug(for text: String) -> String {
        var base = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || character == "-" || character == "_" {
                base.append(character)
            } else if character == " " {
                base.append("-")
            }
        }
        if base.isEmpty { base = "section" }
        var candidate = base
        var number = 1
        while taken.contains(candidate) {
            candidate = "\(base)-\(number)"
            number += 1
        }
        taken.insert(candidate)
        return candidate
    }
}
