; The file's package and its imports (single, wildcard, static).
; Rooted at `program`: run with max_depth=0 (a match can start only at the root;
; depth 1 made a broken file's ERROR root with 100k children quadratic).
(program (package_declaration) @package)
(program (import_declaration) @import)
