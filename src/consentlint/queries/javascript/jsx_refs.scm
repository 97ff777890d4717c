; `<CameraView ref={cameraRef} />`: the element a ref local is attached to,
; so `cameraRef.current` is typed by the element's component (plain JS has no
; `useRef<CameraView>`). Captures: @element (the tag name), @ref (the local).
(jsx_self_closing_element
  name: (_) @element
  attribute: (jsx_attribute
    (property_identifier) @attribute
    (jsx_expression (identifier) @ref))
  (#eq? @attribute "ref"))

(jsx_opening_element
  name: (_) @element
  attribute: (jsx_attribute
    (property_identifier) @attribute
    (jsx_expression (identifier) @ref))
  (#eq? @attribute "ref"))
