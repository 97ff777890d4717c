; inherits: javascript
; TSX uses the same JSX ref patterns as JavaScript (see queries/javascript/jsx_refs.scm).
