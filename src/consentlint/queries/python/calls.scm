; Every call inside a node (used on parameter defaults and annotations).
; Capture names: @call.
(call) @call
