let crlf = "this file ends its lines with CR LF"
let more = 2
