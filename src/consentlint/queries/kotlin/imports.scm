; The file's package and its imports (incl. `import a.B as C` and `a.*`).
; Rooted at `source_file`: run with max_depth=0 (a match can start only at the root;
; depth 1 made a broken file's ERROR root with 100k children quadratic).
(source_file (package_header) @package)
(source_file (import) @import)
