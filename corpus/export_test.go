package corpus

// StripControls lets the tests build the text a document's passages are
// verbatim substrings of.
var StripControls = stripControls
