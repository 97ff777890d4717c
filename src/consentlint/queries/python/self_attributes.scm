; `self.x = value` anywhere in a class: types the attribute for later reads.
; Capture names: @assignment (the whole assignment), @object (the receiver).
(assignment
  left: (attribute
    object: (identifier) @object
    attribute: (identifier))
  right: (_)
  (#eq? @object "self")) @assignment
